"""Case search finds cases by each criterion and by several at once, a page at a time in a fixed
number of queries; numbers match however they are typed; a typed % or _ is taken literally; a
class matches by its shape (Nice, IPC, Locarno); bad criteria are refused field by field."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from engine.errors import InvalidInput
from engine.services.case_query import CaseQuery
from engine.services.case_search import find_case_by_number, search_cases
from engine.services.cases import create_case
from scenario_support import design_filing, patent_filing, trademark_filing


def file(office, right_type: str, data: dict, number: str | None = None, status: str | None = None) -> int:
    """A case as the register holds it; the number and status are set here, not by a process."""
    with office.db.transaction() as session:
        case = create_case(session, office.clock, office.settings, right_type, data)
        case.application_number = number
        if status:
            case.status = status
        return case.id


def ids(office, **criteria) -> set[int]:
    return {row.case_id for row in search_cases(office, CaseQuery(**criteria)).rows}


def mark(title: str, **data) -> dict:
    """A word mark whose verbal element is its title."""
    return trademark_filing(title=title, verbal_element=title, **data)


def applicant(name: str) -> dict:
    return {"name": name, "address": "1 Main Street, Sofia", "country": "BG", "email": None}


@pytest.fixture
def register(office) -> dict[str, int]:
    """One case of each right type, plus a figurative mark whose verbal element differs from its title."""
    return {
        "sparkle": file(office, "trademark", trademark_filing(filing_date="2026-01-10"), "40-2026-000001", "examination"),
        "lion": file(
            office,
            "trademark",
            trademark_filing(
                title="Lion device",
                mark_type="figurative",
                verbal_element="ROARING LION",
                applicants=[applicant("Savanna Foods AD"), applicant("Leo Holdings GmbH")],
                goods_services=[{"nice_class": 7, "terms": "Machines"}, {"nice_class": 29, "terms": "Meat"}],
                filing_date="2026-02-01",
            ),
            "40-2026-000002",
        ),
        "panel": file(office, "patent", patent_filing(filing_date="2026-01-20"), "10-2026-000001", "examination"),
        "glass": file(office, "design", design_filing(filing_date="2026-02-20"), "50-2026-000001"),
    }


def test_an_empty_query_lists_the_register_newest_filing_first(office, register):
    page = search_cases(office, CaseQuery())
    assert [r.case_id for r in page.rows] == [register[k] for k in ("glass", "lion", "panel", "sparkle")]
    assert (page.total, page.page, page.pages) == (4, 1, 1)
    assert page.statuses == ("examination", "filed")


def test_a_row_carries_what_the_results_table_shows(office, register):
    rows = {r.case_id: r for r in search_cases(office, CaseQuery()).rows}
    lion, panel, glass = rows[register["lion"]], rows[register["panel"]], rows[register["glass"]]
    assert (lion.number, lion.right_type, lion.title, lion.applicant, lion.status, lion.filing_date) == (
        "40-2026-000002",
        "trademark",
        "ROARING LION",  # a mark is shown by its verbal element
        "Savanna Foods AD",  # the first applicant named
        "filed",
        date(2026, 2, 1),
    )
    assert lion.classes == ("7", "29")
    assert rows[register["sparkle"]].classes == ("3", "5", "21", "35")
    assert (panel.title, panel.classes) == ("Self-cleaning solar panel coating", ("H02S 40/10", "C09D 5/16"))
    assert (glass.title, glass.classes) == ("Drinking glasses", ("07-01",))


def test_a_number_matches_exactly_or_by_its_beginning(office, register):
    assert ids(office, number="40-2026-000002") == {register["lion"]}
    assert ids(office, number="40-2026") == {register["sparkle"], register["lion"]}
    assert ids(office, number="50-") == {register["glass"]}
    assert ids(office, number="40-2027") == set()
    assert ids(office, number="40 2026/000002") == ids(office, number="402026000002") == {register["lion"]}


def test_a_number_is_found_however_it_is_spaced_or_cased(office):
    case_id = file(office, "trademark", trademark_filing(), "TM2026000012")
    assert ids(office, number="  tm 2026 000012 ") == {case_id}
    assert CaseQuery.from_args({"number": " tm 2026 000012"}).number == "tm 2026 000012"  # shown back as typed
    assert find_case_by_number(office, "tm2026 000012") == case_id


def test_the_jump_takes_an_exact_number_only(office, register):
    assert find_case_by_number(office, " 10-2026-000001 ") == register["panel"]
    assert find_case_by_number(office, "10-2026") is None  # a beginning is a search, not a jump
    assert find_case_by_number(office, "99-2026-000001") is None
    assert find_case_by_number(office, "   ") is None
    jump = search_cases(office, CaseQuery(number="10-2026-000001"))
    assert jump.exact_match == register["panel"]
    assert search_cases(office, CaseQuery(number="10-2026-000001", status="filed")).exact_match is None  # not a bare jump


def test_applicant_matches_any_applicant_by_part_of_the_name_in_any_case(office, register):
    assert ids(office, applicant="acme") == {register["sparkle"]}
    assert ids(office, applicant="LEO HOLD") == {register["lion"]}  # the second applicant counts too
    assert ids(office, applicant="Ivan Petrov") == set()  # an inventor is not an applicant


def test_text_matches_the_verbal_element_or_the_title(office, register):
    assert ids(office, text="roaring") == {register["lion"]}
    assert ids(office, text="lion DEVICE") == {register["lion"]}
    assert ids(office, text="solar") == {register["panel"]}
    assert ids(office, text="glasses") == {register["glass"]}
    assert ids(office, text="sparkle") == {register["sparkle"]}


def test_nice_classes_match_trademarks(office, register):
    assert ids(office, class_="35") == {register["sparkle"]}
    assert ids(office, class_="29") == {register["lion"]}


def test_ipc_classes_match_by_their_beginning(office, register):
    other = file(office, "patent", patent_filing(ipc_classes=["C09D 51/00"]))
    assert ids(office, class_="H02S") == {register["panel"]}
    assert ids(office, class_="C09D") == {register["panel"], other}
    assert ids(office, class_="C09D 5") == {register["panel"]}  # main group 5, not 51
    assert ids(office, class_="c09d5/1") == {register["panel"]}
    assert ids(office, class_="C") == {register["panel"], other}
    assert ids(office, class_="A61K") == set()


def test_locarno_classes_match_by_class_or_subclass(office, register):
    cutlery = file(office, "design", design_filing(locarno_class="07-03"))
    assert ids(office, class_="07-01") == {register["glass"]}
    assert ids(office, class_="7-3") == {cutlery}
    # A bare number is a Nice class and a Locarno class at once: 7 finds the machines mark too.
    assert ids(office, class_="07") == {register["glass"], cutlery, register["lion"]}


def test_status_right_type_and_filing_dates(office, register):
    assert ids(office, status="examination") == {register["sparkle"], register["panel"]}
    assert ids(office, right_type="trademark") == {register["sparkle"], register["lion"]}
    assert ids(office, filed_from=date(2026, 1, 20)) == {register["panel"], register["lion"], register["glass"]}
    assert ids(office, filed_to=date(2026, 1, 20)) == {register["sparkle"], register["panel"]}
    assert ids(office, filed_from=date(2026, 2, 1), filed_to=date(2026, 2, 1)) == {register["lion"]}


def test_criteria_combine_with_and(office, register):
    assert ids(office, right_type="trademark", status="examination") == {register["sparkle"]}
    assert ids(office, applicant="ltd", text="glass") == {register["glass"]}
    assert ids(office, applicant="ltd", text="glass", class_="35") == set()
    assert ids(office, number="40", class_="7", filed_from=date(2026, 2, 1)) == {register["lion"]}


def test_typed_wildcards_are_taken_literally(office):
    percent = file(office, "trademark", mark("100% PURE", applicants=[applicant("100% Juice Ltd")]))
    plain = file(office, "trademark", mark("1000 PURE", applicants=[applicant("1000 Juices Ltd")]))
    under = file(office, "trademark", mark("A_B", applicants=[applicant("A_B Ltd")]))
    file(office, "trademark", mark("AXB", applicants=[applicant("AXB Ltd")]))
    slash = file(office, "trademark", mark("IN/OUT", applicants=[applicant("In/Out Ltd")]))
    assert ids(office, text="100%") == {percent}
    assert ids(office, applicant="100%") == {percent}
    assert ids(office, text="100") == {percent, plain}
    assert ids(office, text="a_b") == {under}
    assert ids(office, applicant="a_b") == {under}
    assert ids(office, text="%") == {percent}
    assert ids(office, text="in/out") == {slash}  # the escape character itself
    assert ids(office, number="%") == set()


def test_pages_split_the_results_and_keep_the_order(office):
    filed = [file(office, "trademark", mark(f"MARK {n:02d}"), f"40-2026-{n:06d}") for n in range(1, 31)]
    first = search_cases(office, CaseQuery(sort="number", per_page=25))
    second = search_cases(office, CaseQuery(sort="number", per_page=25, page=2))
    assert (first.total, first.pages, len(first.rows), len(second.rows)) == (30, 2, 25, 5)
    assert [r.case_id for r in first.rows + second.rows] == filed
    past = search_cases(office, CaseQuery(page=3))
    assert (past.rows, past.total, past.pages) == ((), 30, 2)
    by_title = search_cases(office, CaseQuery(sort="title", per_page=3, page=2))
    assert [r.title for r in by_title.rows] == ["MARK 04", "MARK 05", "MARK 06"]


def test_sorting_by_number_puts_unnumbered_cases_last(office):
    unnumbered = file(office, "design", design_filing())
    later = file(office, "patent", patent_filing(), "10-2026-000002")
    earlier = file(office, "patent", patent_filing(), "10-2026-000001")
    assert [r.case_id for r in search_cases(office, CaseQuery(sort="number")).rows] == [earlier, later, unnumbered]


@contextmanager
def statements():
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):  # not SQLite's BEGIN
            seen.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(Engine, "before_cursor_execute", count)


def test_a_page_takes_the_same_number_of_queries_however_many_rows_it_shows(office, register):
    with statements() as small:
        assert len(search_cases(office, CaseQuery(per_page=4)).rows) == 4
    for n in range(12):
        file(office, ("trademark", "patent", "design")[n % 3], [trademark_filing, patent_filing, design_filing][n % 3]())
    with statements() as big:
        page = search_cases(office, CaseQuery(per_page=16))
    assert len(page.rows) == 16 and all(r.classes for r in page.rows)
    assert len(big) == len(small) <= 6  # count, rows, statuses, one per class table


@pytest.mark.parametrize(
    ("args", "field", "message"),
    [
        ({"filed_from": "02/03/2026"}, "filed_from", "Give a date as YYYY-MM-DD."),
        ({"filed_to": "2026-02-30"}, "filed_to", "Give a date as YYYY-MM-DD."),
        ({"filed_from": "2026-03-01", "filed_to": "2026-02-01"}, "filed_to", "2026-02-01 is before the start date 2026-03-01."),
        ({"class": "46"}, "class", "Nice classes run from 1 to 45."),
        ({"class": "0"}, "class", "Nice classes run from 1 to 45."),
        ({"class": "soap"}, "class", "Give a Nice class like 9, an IPC symbol like A61K or a Locarno class like 07-01."),
        ({"right_type": "copyright"}, "right_type", "Choose trademark, patent or design."),
        ({"page": "0"}, "page", "Give a page number of 1 or more."),
        ({"per_page": "500"}, "per_page", "Show from 1 to 100 cases a page."),
        ({"sort": "applicant"}, "sort", "Sort by filed, number or title."),
        ({"text": "x" * 201}, "text", "Use at most 200 characters."),
    ],
)
def test_bad_criteria_are_refused_with_a_message_per_field(args, field, message):
    with pytest.raises(InvalidInput) as refused:
        CaseQuery.from_args(args)
    assert refused.value.fields == {field: [message]}


def test_every_bad_field_is_named_at_once():
    with pytest.raises(InvalidInput) as refused:
        CaseQuery.from_args({"filed_from": "yesterday", "class": "99999", "sort": "x"})
    assert set(refused.value.fields) == {"filed_from", "class", "sort"}


def test_args_are_read_into_a_query_and_written_back():
    query = CaseQuery.from_args(
        {
            "number": " 40-2026 ",
            "applicant": " acme ",
            "text": "",
            "class": "a61k 31",
            "status": "filed",
            "right_type": "Patent",
            "filed_from": "2026-01-01",
            "filed_to": "2026-02-28",
            "page": "2",
            "per_page": "50",
            "sort": "title",
        }
    )
    assert query == CaseQuery(
        number="40-2026",
        applicant="acme",
        class_="A61K 31/",
        status="filed",
        right_type="patent",
        filed_from=date(2026, 1, 1),
        filed_to=date(2026, 2, 28),
        page=2,
        per_page=50,
        sort="title",
    )
    assert query.to_args() == {
        "number": "40-2026",
        "applicant": "acme",
        "class": "A61K 31/",
        "status": "filed",
        "right_type": "patent",
        "filed_from": "2026-01-01",
        "filed_to": "2026-02-28",
        "per_page": "50",
        "sort": "title",
    }
    assert CaseQuery.from_args({"class": "07"}).class_ == "7"
    assert CaseQuery.from_args({"class": "7 - 1"}).class_ == "07-01"
    assert CaseQuery.from_args({"class": "99"}).class_ == "99"  # Locarno's miscellaneous class
    assert CaseQuery.from_args({}) == CaseQuery() and CaseQuery().to_args() == {}


def test_a_query_built_in_code_is_checked_too():
    with pytest.raises(InvalidInput) as refused:
        CaseQuery(page=0, per_page=101, sort="applicant")
    assert set(refused.value.fields) == {"page", "per_page", "sort"}
