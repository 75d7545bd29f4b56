"""Row "memory": peak RSS (VmHWM) of a web process serving the inbox under load and of the workers.

`WebLoad` starts the web app in its own process (bench/bench_process.py) and keeps a few signed-in
clients asking for an inbox page until stopped; the throughput row runs it beside its workers, so
both are measured while the office is busy.
"""

from __future__ import annotations

import re
import socket
import threading
import time

import requests

from bench.lifecycle_support import start_process, stop
from bench.support import Row, peak_rss_mb

TARGET_MB = 250.0
PAGE = "/inbox?tab=groups&right_type=trademark"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WebLoad:
    def __init__(self, env: dict[str, str], clients: int = 3, user: str = "clerk"):
        self.port = free_port()
        self.process = start_process(env, "web", str(self.port))
        self.base = f"http://127.0.0.1:{self.port}"
        self.user, self.clients = user, clients
        self.pages, self.errors = 0, []
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> WebLoad:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"{self.base}/login", timeout=5)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(
                        "the bench web process did not start; run `python -m bench.bench_process web 5099`"
                    ) from None
                time.sleep(0.2)  # waiting for a subprocess to listen
        self._threads = [threading.Thread(target=self._client, daemon=True) for _ in range(self.clients)]
        for t in self._threads:
            t.start()
        return self

    def _client(self) -> None:
        session = requests.Session()
        page = session.get(f"{self.base}/login", timeout=30).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        session.post(f"{self.base}/login", data={"username": self.user, "password": self.user, "csrf_token": token}, timeout=30)
        while not self._stop.is_set():
            response = session.get(self.base + PAGE, timeout=60)
            if response.status_code != 200:
                self.errors.append(response.status_code)
            self.pages += 1

    def stop(self) -> float:
        """Stop the clients and the web process; its peak RSS in MB."""
        self._stop.set()
        for t in self._threads:
            t.join(timeout=120)
        rss = peak_rss_mb(self.process.pid)
        stop([self.process])
        return rss


def rows(web_rss: float, web: WebLoad, worker_rss: float, workers: int, during: str) -> list[Row]:
    return [
        Row(
            "memory: web peak RSS",
            web_rss,
            TARGET_MB,
            "MB",
            detail=f"werkzeug, {web.clients} clients, {web.pages} GET {PAGE} ({len(web.errors)} not 200) during {during}",
        ),
        Row("memory: worker peak RSS", worker_rss, TARGET_MB, "MB", detail=f"max of {workers} workers during {during}"),
    ]
