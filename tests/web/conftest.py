"""The web app on a fresh database, a test client, and a helper that signs people in the way a
browser does (the CSRF token read from the page)."""

from __future__ import annotations

import re

import pytest

from engine.services.library import deploy_library
from scenario_support import Office
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
        return self.client.post("/logout", data={"csrf_token": self.token("/")})


@pytest.fixture
def browser(client) -> Browser:
    return Browser(client)


@pytest.fixture
def office(ipflow) -> Office:
    """The real library (bpmn/, forms/) deployed; an Office files cases and drives their processes."""
    deploy_library(ipflow, actor="test")
    return Office(ipflow)
