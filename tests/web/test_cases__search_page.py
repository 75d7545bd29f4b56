"""The case search page: the top bar's number jump goes straight to the case file, an unknown
number says so, bad criteria come back next to their fields with a 400, typed text comes back
escaped, and results link to their case files with pages that keep the query."""

from __future__ import annotations

import re
from html import unescape

import pytest

from engine.db.models import Case
from engine.services.cases import create_case
from scenario_support import design_filing, patent_filing, trademark_filing

HREF = re.compile(r'href="([^"]+)"')


def file(ipflow, right_type: str, data: dict, number: str | None = None) -> int:
    with ipflow.db.transaction() as session:
        case = create_case(session, ipflow.clock, ipflow.settings, right_type, data)
        case.application_number = number
        return case.id


def mark(title: str, **data) -> dict:
    return trademark_filing(title=title, verbal_element=title, **data)


def links(page: str) -> list[str]:
    return [unescape(h) for h in HREF.findall(page)]


@pytest.fixture
def clerk(browser):
    assert browser.login("clerk").status_code == 302
    return browser.client


def test_the_jump_goes_to_the_case_file_of_a_filed_number(office, clerk):
    office.file("trademark", trademark_filing())
    assert office.number  # numbered by the process
    response = clerk.get("/cases/search", query_string={"number": office.number})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cases/{office.case_id}"
    spaced = clerk.get("/cases/search", query_string={"number": f"  {office.number.lower()} "})
    assert spaced.headers["Location"] == f"/cases/{office.case_id}"


def test_an_unknown_number_says_so_and_lists_the_numbers_that_begin_with_it(ipflow, clerk):
    first = file(ipflow, "trademark", mark("ALPHA"), "40-2026-000001")
    second = file(ipflow, "trademark", mark("BETA"), "40-2026-000002")
    file(ipflow, "patent", patent_filing(), "10-2026-000001")
    response = clerk.get("/cases/search?number=40-2026")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "No application numbered 40-2026." in page
    assert {f"/cases/{first}", f"/cases/{second}"} <= set(links(page))
    assert "10-2026-000001" not in page
    nothing = clerk.get("/cases/search?number=99-2026-000001").get_data(as_text=True)
    assert "No application numbered 99-2026-000001." in nothing and "No number begins with 99-2026-000001" in nothing


def test_a_bad_date_is_refused_next_to_its_field(clerk):
    response = clerk.get("/cases/search?filed_from=2026-13-01&text=acme")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    field = re.search(r'<div class="field has-error">(.*?)</div>', page, re.S).group(1)
    assert 'name="filed_from" value="2026-13-01"' in field
    assert "Give a date as YYYY-MM-DD." in field
    assert 'name="text" value="acme"' in page  # the rest of the form is kept


def test_a_bad_class_gives_its_message_with_a_400(clerk):
    response = clerk.get("/cases/search?class=46")
    assert response.status_code == 400
    assert "Nice classes run from 1 to 45." in response.get_data(as_text=True)


def test_typed_markup_comes_back_escaped(ipflow, clerk):
    payload = '"><script>alert(1)</script>'
    file(ipflow, "trademark", mark(payload))
    page = clerk.get("/cases/search", query_string={"text": payload, "applicant": payload[:-5]}).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'value="&#34;&gt;&lt;script&gt;' in page or 'value="&quot;&gt;&lt;script&gt;' in page


def test_results_link_to_their_case_files_with_what_the_table_shows(ipflow, clerk):
    panel = file(ipflow, "patent", patent_filing(filing_date="2026-01-20"), "10-2026-000001")
    glass = file(ipflow, "design", design_filing(), "50-2026-000001")
    page = clerk.get("/cases/search?applicant=ltd").get_data(as_text=True)
    assert "1 case found" in page
    assert f"/cases/{glass}" in links(page) and f"/cases/{panel}" not in links(page)
    assert all(text in page for text in ("50-2026-000001", "Drinking glasses", "Glassworks Ltd", "07-01", "2026-03-02"))
    both = clerk.get("/cases/search?class=C09D").get_data(as_text=True)
    assert "1 case found" in both and "H02S 40/10, C09D 5/16" in both


def test_an_empty_search_shows_the_form_and_the_latest_filings(ipflow, clerk):
    older = file(ipflow, "trademark", mark("OLDER", filing_date="2026-01-05"))
    newer = file(ipflow, "trademark", mark("NEWER", filing_date="2026-02-05"))
    page = clerk.get("/cases/search").get_data(as_text=True)
    assert '<form class="case-search"' in page and "Most recently filed" in page
    order = [h for h in links(page) if h in (f"/cases/{older}", f"/cases/{newer}")]
    assert order == [f"/cases/{newer}", f"/cases/{older}"]
    assert "not yet numbered" in page
    assert clerk.get("/static/search.css").status_code == 200


def test_page_links_keep_the_query(ipflow, clerk):
    for n in range(1, 31):
        file(ipflow, "trademark", mark(f"NOVA {n:02d}"), f"40-2026-{n:06d}")
    file(ipflow, "trademark", mark("OTHER"), "40-2026-000031")
    first = clerk.get("/cases/search?text=nova&sort=number&per_page=20").get_data(as_text=True)
    assert "30 cases found" in first and "Page 1 of 2" in first
    nxt = next(h for h in links(first) if "page=2" in h)
    assert "text=nova" in nxt and "sort=number" in nxt and "per_page=20" in nxt
    second = clerk.get(nxt).get_data(as_text=True)
    assert "Page 2 of 2" in second and "NOVA 30" in second and "NOVA 20" not in second and "OTHER" not in second
    assert 'name="text" value="nova"' in second


def test_statuses_of_the_register_are_offered(ipflow, clerk):
    case_id = file(ipflow, "trademark", mark("ALPHA"))
    with ipflow.db.transaction() as session:
        session.get(Case, case_id).status = "opposition"
    page = clerk.get("/cases/search?status=opposition").get_data(as_text=True)
    assert '<option value="opposition" selected>opposition</option>' in page
    assert "1 case found" in page


def test_people_outside_case_work_may_not_search(browser):
    browser.login("analyst")
    assert browser.client.get("/cases/search").status_code == 403
