"""Signing in and out: passwords, guessing slowed down, CSRF, no open redirect, escaped echoes."""

from __future__ import annotations

from datetime import timedelta


def test_sign_in_then_the_start_page_then_sign_out(browser, client):
    response = browser.login("clerk")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    start = client.get("/")
    assert start.status_code == 302 and start.headers["Location"] == "/inbox"  # staff start in their inbox
    page = client.get("/inbox").get_data(as_text=True)
    assert "Clara Clerk" in page and "clerk" in page
    assert browser.logout().headers["Location"] == "/login"
    assert client.get("/").status_code == 302


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(browser):
    response = browser.login("clerk", "not-it")
    assert response.status_code == 401
    assert "The user name or the password is wrong." in response.get_data(as_text=True)
    assert browser.login("nobody", "x").status_code == 401


def test_guessing_is_stopped_after_five_failures_even_with_the_right_password(browser, clock):
    for _ in range(5):
        assert browser.login("examiner", "guess").status_code == 401
    locked = browser.login("examiner")
    assert locked.status_code == 401 and "Too many failed sign-ins" in locked.get_data(as_text=True)
    clock.advance(timedelta(minutes=16))
    assert browser.login("examiner").status_code == 302


def test_forms_without_their_csrf_token_are_refused(client, browser):
    assert client.post("/login", data={"username": "clerk", "password": "clerk"}).status_code == 400
    browser.login("clerk")
    assert client.post("/logout").status_code == 400
    assert client.get("/logout").status_code == 405  # signing out changes state: POST only


def test_next_goes_to_a_page_of_this_site_only(browser):
    assert browser.login("clerk", next="/healthz").headers["Location"] == "/healthz"
    browser.logout()
    assert browser.login("clerk", next="https://evil.example/").headers["Location"] == "/"
    browser.logout()
    assert browser.login("clerk", next="//evil.example/x").headers["Location"] == "/"
    browser.logout()
    assert browser.login("clerk", next="/\\evil.example/x").headers["Location"] == "/"  # browsers read \ as /


def test_people_without_case_work_get_the_start_page(browser, client):
    browser.login("analyst")
    page = client.get("/").get_data(as_text=True)
    assert "Ana Analyst" in page and "no inbox for you" in page


def test_a_typed_user_name_comes_back_escaped(browser):
    page = browser.login('<script>alert(1)</script>', "x").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_session_cookie_is_http_only_and_same_site(browser):
    cookie = browser.login("clerk").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_errors_answer_json_to_clients_that_ask(client):
    response = client.get("/no-such-page", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.get_json()["status"] == 404
