"""The admin's token page: issuing shows the secret once (on the POST's own answer, not cached),
mistakes come back next to their fields, revoking asks first; the top bar links it for admins."""

from __future__ import annotations

import re

from engine.services.api_tokens import authenticate, issue_token, list_tokens

SECRET = re.compile(r'value="(ipf_[0-9a-f]{12}_[A-Za-z0-9_-]{43})"')


def create(browser, client, **fields):
    return client.post("/admin/tokens", data={"csrf_token": browser.token("/admin/tokens"), **fields})


def test_creating_a_token_shows_its_secret_once_and_never_again(ipflow, browser, client):
    browser.login("admin")
    answer = create(browser, client, name="efiling-portal", role="efiling", days="30")
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    page = answer.get_data(as_text=True)
    secret = SECRET.search(page).group(1)
    assert "shown this once and never again" in page
    assert authenticate(ipflow, secret).username == "api-efiling-portal"

    listing = client.get("/admin/tokens").get_data(as_text=True)
    assert secret not in listing and secret.split("_", 2)[2] not in listing
    token = list_tokens(ipflow)[0]
    assert f"ipf_{token.prefix}_…" in listing and "api-efiling-portal" in listing and "active" in listing
    assert "2026-04-01 09:00" in listing  # expires in 30 days (the test clock starts 2026-03-02 09:00 UTC)


def test_mistakes_come_back_next_to_their_fields_with_the_values_kept(browser, client):
    browser.login("admin")
    answer = create(browser, client, name="Bad Name!", role="wizard", days="0")
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert 'id="name-error"' in page and "Use 2 to 48 lower-case letters" in page
    assert 'id="role-error"' in page and "Choose one of the roles" in page
    assert 'id="days-error"' in page and "A token lives from 1 to 730 days." in page
    assert 'value="Bad Name!"' in page and "ipf_" not in page


def test_a_second_valid_token_under_one_name_is_refused_on_the_name_field(ipflow, browser, client):
    issue_token(ipflow, "gateway", "payments", 30, "admin")
    browser.login("admin")
    answer = create(browser, client, name="gateway", role="payments", days="30")
    assert answer.status_code == 409
    assert "has a valid token; revoke it first or choose another name." in answer.get_data(as_text=True)
    assert len(list_tokens(ipflow)) == 1


def test_revoking_asks_first_then_refuses_the_token(ipflow, browser, client):
    issued = issue_token(ipflow, "gateway", "payments", 30, "admin")
    browser.login("admin")
    listing = client.get("/admin/tokens").get_data(as_text=True)
    assert f"/admin/tokens/{issued.token.id}/revoke" in listing
    confirm = client.get(f"/admin/tokens/{issued.token.id}/revoke").get_data(as_text=True)
    assert "Revoke the token gateway?" in confirm and "this cannot be undone" in confirm
    assert authenticate(ipflow, issued.secret).name == "gateway"  # asking changed nothing

    done = client.post(f"/admin/tokens/{issued.token.id}/revoke", data={"csrf_token": browser.token("/admin/tokens")})
    assert done.status_code == 302 and done.headers["Location"].endswith("/admin/tokens")
    after = client.get("/admin/tokens").get_data(as_text=True)
    assert "The token gateway" in after and "is revoked" in after and "revoked" in after
    assert list_tokens(ipflow)[0].revoked_at is not None


def test_the_top_bar_links_the_token_page_for_admins_only(browser, client):
    browser.login("admin")
    assert 'href="/admin/tokens"' in client.get("/").get_data(as_text=True)
    browser.logout()
    browser.login("manager")
    assert 'href="/admin/tokens"' not in client.get("/inbox").get_data(as_text=True)
