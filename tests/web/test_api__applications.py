"""/api/v1/applications: filing each right type (validated like the web forms), the
Idempotency-Key (a retry files nothing more, a reused key with another body is refused, two
requests racing on one key make one case), status, history and documents by number, and
attachments with their size and type limits."""

from __future__ import annotations

import io
import threading
from decimal import Decimal

import pytest
from pypdf import PdfWriter
from sqlalchemy import event, func, select

from engine.db.models import Case, IdempotentRequest
from engine.services.api_tokens import issue_token
from ipflow_testing import row_counts
from scenario_support import design_filing, patent_filing, trademark_filing

BASE = "/api/v1/applications"
FILINGS = {"trademarks": trademark_filing, "patents": patent_filing, "designs": design_filing}


def bearer(ipflow, name: str = "efiling-portal", role: str = "efiling") -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_token(ipflow, name, role, 30, 'admin').secret}"}


@pytest.fixture
def portal(office, ipflow) -> dict[str, str]:
    """The e-filing portal's token, on an office with the real library deployed."""
    return bearer(ipflow)


def case_count(ipflow) -> int:
    with ipflow.db.reading() as session:
        return session.scalar(select(func.count(Case.id)))


def pdf_bytes() -> bytes:
    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=200, height=200)
    writer.write(out)
    return out.getvalue()


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def file_one(client, portal, kind: str = "trademarks", **overrides) -> dict:
    answer = client.post(f"{BASE}/{kind}", json=FILINGS[kind](**overrides), headers=portal)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


# Filing ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "right_type", "prefix", "total"),
    [
        ("trademarks", "trademark", "40-", "550.00"),
        ("patents", "patent", "10-", "485.00"),
        ("designs", "design", "50-", "145.00"),
    ],
)
def test_filing_each_right_type_numbers_it_and_answers_with_fees_and_status_url(client, portal, kind, right_type, prefix, total):
    answer = client.post(f"{BASE}/{kind}", json=FILINGS[kind](), headers=portal)
    assert answer.status_code == 201
    receipt = answer.get_json()
    number = receipt["application_number"]
    assert number.startswith(prefix) and receipt["right_type"] == right_type and receipt["status"] == "filed"
    assert receipt["status_url"] == f"http://localhost{BASE}/{number}" == answer.headers["Location"]
    fees = receipt["fee_sheet"]
    assert fees["total"] == total and fees["currency"] == "EUR" and fees["due_date"] == "2026-04-02"
    assert sum(Decimal(line["amount"]) for line in fees["lines"]) == Decimal(total)  # amounts are line totals
    assert "Idempotent-Replayed" not in answer.headers

    status = client.get(receipt["status_url"], headers=portal).get_json()
    assert (status["application_number"], status["right_type"], status["status"]) == (number, right_type, "filed")
    assert status["applicants"][0]["role"] == "applicant" and status["fee_sheets"][0]["status"] == "due"


def test_a_bad_filing_names_each_wrong_field_by_its_path_and_files_nothing(client, portal, ipflow):
    before = row_counts(ipflow)
    bad = trademark_filing(applicants=[{"name": "ACME", "address": "Sofia", "country": "bg"}], goods_services=[])
    answer = client.post(f"{BASE}/trademarks", json=bad, headers=portal)
    assert answer.status_code == 422 and answer.mimetype == "application/problem+json"
    problem = answer.get_json()
    assert problem["errors"]["applicants.0.country"] == ["Use the two-letter ST.3 code in capitals, like BG or DE."]
    assert problem["errors"]["goods_services"] == ["List the goods or services of at least one Nice class."]
    assert row_counts(ipflow) == before

    not_json = client.post(f"{BASE}/designs", data="title=x", headers=portal)
    assert not_json.status_code == 422 and not_json.get_json()["errors"] == {
        "_schema": ["Send the application as an object of fields."]
    }


def test_values_the_register_cannot_store_or_the_tariff_does_not_cover_are_refused(client, portal, ipflow):
    before = row_counts(ipflow)
    applicant = {"name": "Glass\ud800works", "address": "Varna", "country": "BG"}
    odd = design_filing(title="Glass\x00es", applicants=[applicant], designs=[{"product_indication": "Glass", "views": 2**40}],
                        details={"note": float("nan")})  # fmt: skip
    errors = client.post(f"{BASE}/designs", json=odd, headers=portal).get_json()["errors"]
    assert errors == {
        "title": ["The text contains a NUL character (\\u0000); remove it."],
        "applicants.0.name": ["The text contains a lone UTF-16 surrogate; send valid Unicode text."],
        "designs.0.views": ["1099511627776 is too large for the register; whole numbers run up to 2147483647."],
        "details.note": ["Send a finite number."],
    }
    backdated = client.post(f"{BASE}/trademarks", json=trademark_filing(filing_date="2000-01-01"), headers=portal)
    assert (
        backdated.status_code == 422
        and "No tariff rule matched fee kind 'filing'" in backdated.get_json()["errors"]["_schema"][0]
    )
    assert row_counts(ipflow) == before


def test_a_readers_token_may_not_file_or_attach(client, office, ipflow, portal):
    gateway = bearer(ipflow, "payment-gateway", "payments")
    refused = client.post(f"{BASE}/trademarks", json=trademark_filing(), headers=gateway)
    assert refused.status_code == 403 and "needs one of: efiling, clerk, manager" in refused.get_json()["detail"]
    number = file_one(client, portal)["application_number"]
    upload = {"file": (io.BytesIO(pdf_bytes()), "form.pdf")}
    assert client.post(f"{BASE}/{number}/documents", data=upload, headers=gateway).status_code == 403
    assert client.get(f"{BASE}/{number}", headers=gateway).status_code == 200  # reading is allowed
    assert case_count(ipflow) == 1


# Idempotency-Key -------------------------------------------------------------------------------


def test_a_retry_with_the_same_key_answers_the_same_receipt_and_files_nothing_more(client, portal, ipflow):
    headers = {**portal, "Idempotency-Key": "portal-7f3a-0001"}
    first = client.post(f"{BASE}/trademarks", json=trademark_filing(), headers=headers)
    reordered = dict(reversed(list(trademark_filing().items())))  # the same request, keys in another order
    retry = client.post(f"{BASE}/trademarks", json=reordered, headers=headers)
    assert first.status_code == retry.status_code == 201
    assert retry.get_json() == first.get_json() and retry.headers["Location"] == first.headers["Location"]
    assert retry.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert case_count(ipflow) == 1
    # another request without a key, or with a new key, is a new filing
    assert file_one(client, portal)["case_id"] != first.get_json()["case_id"]
    assert case_count(ipflow) == 2


def test_a_key_reused_for_another_body_or_path_is_refused(client, portal, ipflow):
    headers = {**portal, "Idempotency-Key": "k-1"}
    assert client.post(f"{BASE}/trademarks", json=trademark_filing(), headers=headers).status_code == 201
    other_body = client.post(f"{BASE}/trademarks", json=trademark_filing(title="OTHER"), headers=headers)
    other_path = client.post(f"{BASE}/designs", json=trademark_filing(), headers=headers)
    for refused in (other_body, other_path):
        assert refused.status_code == 422
        message = refused.get_json()["errors"]["Idempotency-Key"][0]
        assert message.startswith("The key 'k-1' was sent on 2026-03-02 09:00 UTC with another request")
    assert case_count(ipflow) == 1


def test_keys_are_per_token_and_must_be_visible_ascii(client, portal, ipflow):
    clerk_script = bearer(ipflow, "clerk-script", "clerk")
    for token in (portal, clerk_script):
        assert (
            client.post(f"{BASE}/trademarks", json=trademark_filing(), headers={**token, "Idempotency-Key": "same"}).status_code
            == 201
        )
    assert case_count(ipflow) == 2
    for bad in ("has space", "x" * 201):
        refused = client.post(f"{BASE}/trademarks", json=trademark_filing(), headers={**portal, "Idempotency-Key": bad})
        assert refused.status_code == 422 and list(refused.get_json()["errors"]) == ["headers.Idempotency-Key"]
    assert case_count(ipflow) == 2


def test_two_requests_racing_on_one_key_make_one_case(app, portal, ipflow):
    """Both requests pass the look-up before either has filed. On PostgreSQL the first holds its
    transaction open until the second is inserting the same key, so the second really waits on the
    key's unique index and then answers with the first one's receipt (SQLite has one writer at a
    time: the second starts only when the first has committed)."""
    on_postgres = ipflow.db.dialect == "postgresql"
    start, twin_inserting, inserting = threading.Barrier(2), threading.Event(), []

    def is_key_insert(statement: str) -> bool:
        return statement.lstrip().upper().startswith("INSERT INTO IDEMPOTENT_REQUESTS")

    @event.listens_for(ipflow.db.engine, "before_cursor_execute")
    def note_insert(conn, cursor, statement, parameters, context, executemany):
        if is_key_insert(statement):
            inserting.append(threading.get_ident())
            if len(inserting) == 2:
                twin_inserting.set()

    @event.listens_for(ipflow.db.engine, "after_cursor_execute")
    def hold_first(conn, cursor, statement, parameters, context, executemany):
        if on_postgres and is_key_insert(statement) and inserting[0] == threading.get_ident():
            assert twin_inserting.wait(timeout=60), "the twin request never reached the key"

    answers: list = []

    def send():
        client = app.test_client()
        start.wait(timeout=60)
        answer = client.post(f"{BASE}/patents", json=patent_filing(), headers={**portal, "Idempotency-Key": "race-1"})
        answers.append((answer.status_code, answer.get_json(), answer.headers.get("Idempotent-Replayed")))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    event.remove(ipflow.db.engine, "before_cursor_execute", note_insert)
    event.remove(ipflow.db.engine, "after_cursor_execute", hold_first)

    assert [status for status, _, _ in answers] == [201, 201], answers
    assert answers[0][1] == answers[1][1]
    assert sorted(str(replayed) for _, _, replayed in answers) == ["None", "true"]
    assert case_count(ipflow) == 1
    with ipflow.db.reading() as session:
        assert session.scalar(select(func.count(IdempotentRequest.id))) == 1
    if on_postgres:
        assert twin_inserting.is_set() and len(set(inserting)) == 2


# Status and history ----------------------------------------------------------------------------


def test_status_finds_the_number_however_written_and_shows_a_payment_sent_to_messages(client, portal, ipflow):
    number = file_one(client, portal)["application_number"]
    before = client.get(f"{BASE}/{number}", headers=portal).get_json()
    assert before["status"] == "filed" and [d["kind"] for d in before["open_deadlines"]] == ["fee_payment"]
    payment = {"correlation": {"business_key": number}, "payload": {"amount": "550.00", "reference": "PAY-API-1"}}
    paid = client.post("/api/v1/messages/payment_received", json=payment, headers=bearer(ipflow, "payment-gateway", "payments"))
    assert paid.status_code == 202, paid.get_json()
    for spelling in (number, number.replace("-", " "), number.replace("-", "").lower()):
        status = client.get(f"{BASE}/{spelling}", headers=portal)
        assert status.status_code == 200 and status.get_json()["application_number"] == number
    after = status.get_json()
    assert before["fee_sheets"][0]["status"] == "due" and before["payments"] == []
    assert after["payments"][0]["amount"] == "550.00" and after["fee_sheets"][0]["status"] == "paid"
    assert [d["kind"] for d in after["open_deadlines"]] == []
    assert after["particulars"]["goods_services"][0] == {"nice_class": 3, "terms": "Soaps; perfumery"}

    missing = client.get(f"{BASE}/40-2026-999999", headers=portal)
    assert missing.status_code == 404 and "no application is numbered '40-2026-999999'" in missing.get_json()["detail"]
    assert client.get(f"{BASE}/x%00y", headers=portal).status_code == 404


def test_history_pages_through_peoples_and_the_engines_steps(client, portal):
    number = file_one(client, portal)["application_number"]
    whole = client.get(f"{BASE}/{number}/history?limit=200", headers=portal).get_json()
    assert whole["total"] == len(whole["items"]) > 3
    first = whole["items"][0]
    assert (first["kind"], first["label"], first["actor"], first["by_person"]) == (
        "instance_started", "Process started", "api-efiling-portal", True,
    )  # fmt: skip
    assert any(i["element_name"] == "Compute the filing fees" and not i["by_person"] for i in whole["items"])
    page = client.get(f"{BASE}/{number}/history?limit=2&offset=1", headers=portal).get_json()
    assert page["items"] == whole["items"][1:3] and (page["total"], page["limit"], page["offset"]) == (whole["total"], 2, 1)
    refused = client.get(f"{BASE}/{number}/history?limit=0", headers=portal)
    assert refused.status_code == 422 and refused.get_json()["errors"] == {"query.limit": ["Ask for 1 to 200 items a page."]}


# Documents -------------------------------------------------------------------------------------


def test_a_pdf_and_a_png_are_attached_listed_and_downloaded(client, portal):
    number = file_one(client, portal)["application_number"]
    for name, content, media_type in (
        ("power of attorney.pdf", pdf_bytes(), "application/pdf"),
        ("mark.png", png_bytes(), "image/png"),
    ):
        answer = client.post(f"{BASE}/{number}/documents", data={"file": (io.BytesIO(content), name)}, headers=portal)
        assert answer.status_code == 201, answer.get_json()
        document = answer.get_json()
        assert (document["name"], document["media_type"], document["size"]) == (name, media_type, len(content))
        assert document["kind"] == "upload" and document["created_by"] == "api-efiling-portal"
        fetched = client.get(answer.headers["Location"], headers=portal)
        assert fetched.status_code == 200 and fetched.data == content and fetched.mimetype == media_type
        assert fetched.headers["Content-Disposition"].startswith("attachment;")
        assert fetched.headers["Content-Security-Policy"].startswith("sandbox;")
    listed = client.get(f"{BASE}/{number}/documents", headers=portal).get_json()
    assert [d["name"] for d in listed] == [f"{number}-receipt.pdf", "power of attorney.pdf", "mark.png"]


@pytest.mark.parametrize(
    "content", [b"MZ\x90\x00\x03\x00\x00\x00 a Windows program", b"Dear office, please find attached...\n"], ids=["exe", "text"]
)
def test_a_file_that_is_not_a_pdf_or_an_image_is_refused_whatever_its_name(client, portal, content):
    number = file_one(client, portal)["application_number"]
    answer = client.post(f"{BASE}/{number}/documents", data={"file": (io.BytesIO(content), "form.pdf")}, headers=portal)
    assert answer.status_code == 422 and answer.get_json()["errors"] == {"file": ["Upload a PDF, PNG, JPEG or TIFF file."]}
    assert len(client.get(f"{BASE}/{number}/documents", headers=portal).get_json()) == 1  # the filing receipt only


def test_an_upload_over_20_mib_or_without_a_file_is_refused_as_a_problem(client, portal):
    number = file_one(client, portal)["application_number"]
    huge = b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024)
    answer = client.post(f"{BASE}/{number}/documents", data={"file": (io.BytesIO(huge), "scan.pdf")}, headers=portal)
    assert answer.status_code == 413 and answer.mimetype == "application/problem+json"
    assert answer.get_json()["status"] == 413
    empty = client.post(f"{BASE}/{number}/documents", data={}, headers=portal, content_type="multipart/form-data")
    assert empty.status_code == 422 and list(empty.get_json()["errors"]) == ["file"]
    assert len(client.get(f"{BASE}/{number}/documents", headers=portal).get_json()) == 1


def test_a_document_of_another_application_is_not_found(client, portal):
    first = file_one(client, portal)["application_number"]
    second = file_one(client, portal, "designs")["application_number"]
    theirs = client.get(f"{BASE}/{second}/documents", headers=portal).get_json()[0]["id"]
    for url in (f"{BASE}/{first}/documents/{theirs}", f"{BASE}/{first}/documents/99999999999", f"{BASE}/{first}/documents/0"):
        answer = client.get(url, headers=portal)
        assert answer.status_code == 404 and answer.mimetype == "application/problem+json", url
    assert client.get(f"{BASE}/{second}/documents/{theirs}", headers=portal).status_code == 200
    assert client.get(f"{BASE}/40-2026-999999/documents", headers=portal).status_code == 404
