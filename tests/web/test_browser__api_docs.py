"""The API's interactive docs in a real browser: Swagger UI (served by us) draws every operation of
the spec under the page's CSP with no console error, and a person who pastes a token under
"Authorize" can try an endpoint and gets the real answer."""

from __future__ import annotations

import pytest

from browser_support import screenshot
from engine.services.api_tokens import issue_token

pytestmark = pytest.mark.browser

HTTP_METHODS = {"get", "put", "post", "delete", "patch"}


def test_the_docs_list_every_operation_and_try_one_with_a_pasted_token(app, ipflow, page, browser_errors):
    from playwright.sync_api import expect

    secret = issue_token(ipflow, "docs-reader", "efiling", 30, "admin").secret
    paths = app.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    operations = sum(1 for methods in paths.values() for method in methods if method in HTTP_METHODS)

    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .opblock")).to_have_count(operations)
    assert "ipflow API" in page.inner_text(".swagger-ui .info .title")

    page.click(".swagger-ui .auth-wrapper .authorize")
    page.fill(".swagger-ui .modal-ux input[type=text], .swagger-ui .modal-ux input[type=password]", secret)
    page.click(".swagger-ui .modal-ux .auth-btn-wrapper button.authorize")
    page.click(".swagger-ui .modal-ux .btn-done")

    token = page.locator('.swagger-ui .opblock[id$="get_api_v1_token"]')
    token.locator(".opblock-summary").click()
    token.locator(".try-out__btn").click()
    token.locator(".execute").click()
    response = token.locator(".live-responses-table .response .response-col_status").first
    response.wait_for()
    assert response.inner_text().strip() == "200"
    assert "api-docs-reader" in token.locator(".live-responses-table").inner_text()  # the response body
    screenshot(page, "api__docs")
    assert browser_errors == []
