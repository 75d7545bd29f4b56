"""Browser tests: the Flask app served on a loopback port, Debian's Chromium driven by Playwright,
and the few page steps every browser test repeats (sign in, screenshot, collect console errors).

Playwright's own browser downloads are never used (this office's machines reach no CDN): the
Chromium is Debian's `/usr/bin/chromium` (`apt-get install chromium`; `make browser` does it).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from werkzeug.serving import make_server

from ipflow_testing import REPO

CHROMIUM = "/usr/bin/chromium"
# The flags keep a headless Chromium quiet on a machine with no network but loopback: no
# background fetches (refused connections show up as noise and slow start-up), no GPU, and
# --no-sandbox because CI runs as root.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
VIEWPORT = {"width": 1400, "height": 900}
INSTALL_HINT = (
    "browser tests need Debian's Chromium at /usr/bin/chromium (`apt-get install chromium`, or `make browser` as root) "
    "and the Python package playwright (`pip install -e '.[test]'`); never `playwright install`"
)


def browser_required() -> bool:
    """CI sets IPFLOW_REQUIRE_BROWSER=1 so a missing browser fails the run instead of skipping."""
    return os.environ.get("IPFLOW_REQUIRE_BROWSER", "").strip() == "1"


def missing_browser() -> str | None:
    """Why browser tests cannot run here, or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return f"the Python package playwright is not installed: {INSTALL_HINT}"
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return f"{CHROMIUM} is missing: {INSTALL_HINT}"
    return None


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """Serve `app` on 127.0.0.1 (a free port) from a daemon thread; yields the base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@contextmanager
def launched_chromium() -> Iterator:
    """Playwright started and Debian's Chromium launched headless; both stopped afterwards."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


def watch_for_errors(page, errors: list[str]) -> None:
    """Append every console error (CSP refusals and failed loads are reported there too) and every
    uncaught page error. Chromium's own favicon.ico probe is left out: the app serves no favicon."""

    def on_console(message) -> None:
        if message.type != "error":
            return
        url = (message.location or {}).get("url", "")
        if url.split("?")[0].endswith("/favicon.ico"):
            return
        errors.append(f"console: {message.text} [{url}]" if url else f"console: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))


def screenshot(page, name: str) -> Path:
    """Save the whole page as test-artifacts/screenshots/<name>.png under the repo (kept by CI)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page, username: str, password: str | None = None) -> None:
    """Sign in through the form as a person does (demo users' password is their user name)."""
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password if password is not None else username)
    with page.expect_navigation():
        page.click("form button[type=submit]")
    if page.url.split("?")[0].endswith("/login"):
        raise AssertionError(f"signing in as {username!r} failed: {page.inner_text('main')}")


# --- The studio's editors (webui/assets/studio-*.js) ---


def select_shape(page, name: str, element_id: str) -> None:
    """Find a step as an analyst does in a wide diagram: Ctrl+F, its name, Enter (selects it)."""
    page.locator(".studio-canvas .djs-container > svg").first.focus()
    page.keyboard.press("Control+f")
    page.locator(".djs-search-input input").wait_for()
    page.keyboard.type(name)
    page.keyboard.press("Enter")
    page.wait_for_selector(f'.djs-element.selected[data-element-id="{element_id}"]')


def save_in_studio(page, key: str | None = None) -> str:
    """Click Save (or press `key`) and wait for the answer; returns the status line."""
    if key:
        page.keyboard.press(key)
    else:
        page.click("#studio-save")
    page.wait_for_function(
        "() => { const e = document.getElementById('studio-editor');"
        " return e.dataset.state === 'ready' && !document.getElementById('studio-save').disabled; }"
    )
    return page.inner_text("#studio-status")
