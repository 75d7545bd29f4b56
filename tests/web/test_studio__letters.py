"""Letters in the studio over HTTP: the library page lists them, a letter opens in the letter editor,
saves through the editors' JSON, deploys as a letter version; the preview answers the letter for a
real case as JSON (or PDF), and a broken template or an unknown case as a problem, never a 500."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from engine.db.models import LetterVersion
from scenario_support import trademark_filing

REFUSAL = "letters/refusal.html.j2"


@pytest.fixture
def analyst(office, browser, client):
    browser.login("analyst")
    return browser.token("/studio")


@pytest.fixture
def number(office) -> str:
    office.file(
        "trademark",
        trademark_filing(
            applicants=[{"name": "Zed <b>Bold</b> Ltd", "address": "1 Main Street", "country": "BG", "email": "zed@example.org"}]
        ),
    )
    return office.number


def _preview(client, token, content, number, path=REFUSAL):
    return client.post(
        "/studio/letters/preview", json={"path": path, "content": content, "case_number": number}, headers={"X-CSRFToken": token}
    )


def test_the_library_page_links_every_letter_to_its_editor(analyst, client):
    page = client.get("/studio").get_data(as_text=True)
    assert f'href="/studio/edit/{REFUSAL}"' in page and 'href="/studio/edit/letters/_layout.html.j2"' in page
    assert "the release's file" in page and 'action="/studio/letters/new"' in page


def test_a_letter_opens_in_the_letter_editor_with_a_sandboxed_preview_frame(analyst, client):
    page = client.get(f"/studio/edit/{REFUSAL}").get_data(as_text=True)
    assert 'data-kind="letter"' in page and "build/studio-letter.js" in page and "studio-letter.css" in page
    assert '<iframe id="letter-frame" class="letter-frame" sandbox=""' in page
    assert 'data-preview-url="/studio/letters/preview"' in page and 'action="/studio/letters/preview.pdf"' in page
    assert client.get(f"/studio/files/{REFUSAL}").get_json()["kind"] == "letter"


def test_saving_and_deploying_a_letter_over_http(analyst, office, client):
    opened = client.get(f"/studio/files/{REFUSAL}").get_json()
    edited = opened["content"].replace("Decision refusing application", "Refusal of application")
    saved = client.post(
        f"/studio/files/{REFUSAL}",
        json={"content": edited, "expected_sha256": opened["sha256"]},
        headers={"X-CSRFToken": analyst},
    ).get_json()
    assert saved["problems"] == [] and saved["drafted"]
    page = client.post("/studio/deploy", data={"csrf_token": analyst}, follow_redirects=True).get_data(as_text=True)
    assert "Deployed letter refusal version 1" in page
    with office.ipflow.db.reading() as session:
        assert [(v.name, v.version) for v in session.query(LetterVersion)] == [("refusal", 1)]


def test_the_preview_answers_the_letter_for_the_case(analyst, client, number):
    content = client.get(f"/studio/files/{REFUSAL}").get_json()["content"]
    answer = _preview(client, analyst, content, number.lower())
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["subject"] == f"Decision refusing application No. {number}" and body["case_number"] == number
    assert "Zed &lt;b&gt;Bold&lt;/b&gt; Ltd" in body["html"] and "<b>Bold</b>" not in body["html"]


def test_an_unknown_case_is_a_404_that_says_so(analyst, client, number):
    answer = _preview(client, analyst, "{% block subject %}S{% endblock %}", "40-2026-999999")
    assert answer.status_code == 404
    assert "no case has the application number '40-2026-999999'" in answer.get_json()["detail"]


def test_a_broken_template_is_a_400_problem_with_its_line(analyst, client, number):
    answer = _preview(client, analyst, "{% block subject %}S{% endblock %}\n<p>{{ applicant.nme }}</p>\n", number)
    assert answer.status_code == 400
    body = answer.get_json()
    assert body["problem"]["line"] == 2 and body["detail"].startswith("line 2: ") and "nme" in body["detail"]
    syntax = _preview(client, analyst, "{% block subject %}S{% endblock %}\n\n{% for x in %}\n", number)
    assert syntax.status_code == 400 and syntax.get_json()["problem"]["line"] == 3


def test_the_preview_refuses_what_is_not_a_letter_or_not_json(analyst, client, number):
    assert _preview(client, analyst, "x", number, path="trademark/trademark.bpmn").status_code == 400
    assert client.post("/studio/letters/preview", data="nonsense", headers={"X-CSRFToken": analyst}).status_code == 400
    assert client.post("/studio/letters/preview", json={"path": REFUSAL}).status_code == 400  # no CSRF token


def test_the_pdf_preview_opens_inline_and_a_broken_one_says_why(analyst, client, number):
    content = client.get(f"/studio/files/{REFUSAL}").get_json()["content"]
    pdf = client.post(
        "/studio/letters/preview.pdf", data={"csrf_token": analyst, "path": REFUSAL, "content": content, "case_number": number}
    )
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"] == f"inline; filename={number}-refusal-preview.pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Zed <b>Bold</b> Ltd" in text

    broken = client.post(
        "/studio/letters/preview.pdf",
        data={
            "csrf_token": analyst,
            "path": REFUSAL,
            "content": "{% block subject %}S{% endblock %}\n{{ nope }}",
            "case_number": number,
        },
    )
    assert broken.status_code == 400 and "line 2: &#39;nope&#39; is undefined" in broken.get_data(as_text=True)


def test_a_new_letter_starts_as_a_draft_in_the_editor(analyst, client):
    created = client.post("/studio/letters/new", data={"csrf_token": analyst, "name": "opposition_notice"})
    assert created.status_code == 302 and created.headers["Location"].endswith("/studio/edit/letters/opposition_notice.html.j2")
    opened = client.get("/studio/files/letters/opposition_notice.html.j2").get_json()
    assert opened["drafted"] and opened["problems"] == [] and "{% block subject %}" in opened["content"]

    again = client.post("/studio/letters/new", data={"csrf_token": analyst, "name": "opposition_notice"}, follow_redirects=True)
    assert "exists already" in again.get_data(as_text=True)
    bad = client.post("/studio/letters/new", data={"csrf_token": analyst, "name": "Bad Name"}, follow_redirects=True)
    assert "lower-case letters" in bad.get_data(as_text=True)
