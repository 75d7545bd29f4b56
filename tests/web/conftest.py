"""The web app on a fresh database, a test client, and a helper that signs people in the way a
browser does (the CSRF token read from the page)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engine.db.models import Document, Job
from engine.services.library import deploy_library
from scenario_support import Office, trademark_filing
from webui import create_app

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def app(ipflow, settings):
    app = create_app(settings.replace(secret_key="test-secret"), ipflow=ipflow)
    app.config.update(TESTING=True)
    return app


@pytest.fixture
def client(app):
    return app.test_client()


class Browser:
    def __init__(self, client):
        self.client = client

    def token(self, path: str = "/login") -> str:
        page = self.client.get(path)
        return TOKEN.search(page.get_data(as_text=True)).group(1)

    def login(self, username: str, password: str | None = None, **extra):
        data = {"username": username, "password": password if password is not None else username,
                "csrf_token": self.token(), **extra}
        return self.client.post("/login", data=data)

    def logout(self):
        return self.client.post("/logout", data={"csrf_token": self.token()})


@pytest.fixture
def browser(client) -> Browser:
    return Browser(client)


@pytest.fixture
def office(ipflow) -> Office:
    """The real library (bpmn/, forms/) deployed; an Office files cases and drives their processes."""
    deploy_library(ipflow, actor="test")
    return Office(ipflow)


# --- Browser tests (Playwright driving Debian's Chromium); helpers live in browser_support.py ---


@pytest.fixture
def live_server(app):
    """The test's `app` served over real HTTP on a free loopback port; yields the base URL."""
    from browser_support import serving

    with serving(app) as base_url:
        yield base_url


@pytest.fixture(scope="session")
def chromium():
    """Headless Chromium for the whole session; skipped when absent (a failure if IPFLOW_REQUIRE_BROWSER=1)."""
    from browser_support import browser_required, launched_chromium, missing_browser

    reason = missing_browser()
    if reason:
        if browser_required():
            pytest.fail(f"IPFLOW_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    with launched_chromium() as launched:
        yield launched


@pytest.fixture
def browser_errors() -> list[str]:
    """Console errors and uncaught page errors seen by `page` (assert it empty)."""
    return []


@pytest.fixture
def page(chromium, live_server, browser_errors):
    """A fresh browser context on the live server (1400x900); relative URLs go to the app."""
    from browser_support import VIEWPORT, watch_for_errors

    context = chromium.new_context(base_url=live_server, viewport=VIEWPORT)
    tab = context.new_page()
    watch_for_errors(tab, browser_errors)
    yield tab
    context.close()


# --- The API (tests/web/test_api__*.py) ---


@pytest.fixture
def api_path_values(office) -> dict[str, object]:
    """A path parameter's value, by the literal segment before it (/instances/<instance_id>)."""
    office.file("trademark", trademark_filing())
    office.pay()
    with office.ipflow.db.reading() as session:
        document = session.scalar(select(Document.id).where(Document.case_id == office.case_id))
        job = session.scalar(select(Job.id).where(Job.instance_id == office.instance_id))
    assert document and job, "the filed case should have a document and a pending job"
    return {
        "applications": office.number.replace("/", ""),  # numbers are matched ignoring slashes
        "documents": document,
        "instances": office.instance_id,
        "incidents": job,
        "messages": "payment_received",
        "processes": "trademark",
        "versions": 1,
        "tasks": office.tasks()[0].id,
    }
