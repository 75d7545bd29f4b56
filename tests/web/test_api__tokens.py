"""API tokens as use cases: issuing (validation, one valid token per name), authenticating (each
refusal says why), the secret never stored, last use written at most every five minutes; and the
same use cases from `ipflow token create|list|revoke`."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from engine.db.models import ApiToken, User
from engine.errors import Conflict, InvalidInput, NotAuthenticated, NotFound
from engine.services.api_tokens import authenticate, describe_token, issue_token, list_tokens, revoke_token
from ipflow_testing import REPO
from webui.cli import main


def stored_token(ipflow, token_id: int) -> ApiToken:
    with ipflow.db.reading() as session:
        row = session.get(ApiToken, token_id)
        session.expunge(row)
        return row


def test_a_token_acts_as_a_service_user_holding_exactly_its_role(ipflow):
    issued = issue_token(ipflow, " E-Filing-Portal ", "efiling", 30, "admin")
    assert issued.token.name == "e-filing-portal" and issued.token.username == "api-e-filing-portal"
    assert issued.token.expires_at == ipflow.clock.now() + timedelta(days=30)
    assert issued.secret.startswith(f"ipf_{issued.token.prefix}_")
    caller = authenticate(ipflow, issued.secret)
    assert (caller.name, caller.role, caller.username) == ("e-filing-portal", "efiling", "api-e-filing-portal")
    with ipflow.db.reading() as session:
        user = session.scalar(select(User).where(User.username == "api-e-filing-portal"))
        assert [r.name for r in user.roles] == ["efiling"] and user.password_hash == ""


def test_issuing_names_every_wrong_field(ipflow):
    with pytest.raises(InvalidInput) as refused:
        issue_token(ipflow, "A", "wizard", 0, "admin")
    assert set(refused.value.fields) == {"name", "role", "days"}
    assert refused.value.fields["name"] == ["Use 2 to 48 lower-case letters, digits and dashes, e.g. efiling-portal."]
    assert refused.value.fields["days"] == ["A token lives from 1 to 730 days."]
    assert "efiling" in refused.value.fields["role"][0] and "payments" in refused.value.fields["role"][0]
    with pytest.raises(InvalidInput) as too_long:
        issue_token(ipflow, "gateway", "payments", 731, "admin")
    assert set(too_long.value.fields) == {"days"}
    assert list_tokens(ipflow) == []


def test_a_name_with_a_valid_token_is_refused_and_free_again_after_revoking_or_expiry(ipflow, clock):
    first = issue_token(ipflow, "gateway", "payments", 1, "admin")
    with pytest.raises(Conflict, match="'gateway' has a valid token; revoke it first"):
        issue_token(ipflow, "gateway", "payments", 30, "admin")
    revoke_token(ipflow, first.token.id, "admin")
    second = issue_token(ipflow, "gateway", "efiling", 1, "admin")
    assert second.token.username == first.token.username  # the service user is reused, with the new role
    assert authenticate(ipflow, second.secret).role == "efiling"
    clock.advance(days=1)
    third = issue_token(ipflow, "gateway", "payments", 5, "admin")
    assert [t.state(clock.now()) for t in list_tokens(ipflow)] == ["active", "expired", "revoked"]
    assert authenticate(ipflow, third.secret).role == "payments"


def test_a_persons_user_name_cannot_be_taken_by_a_token(ipflow):
    with ipflow.db.transaction() as session:
        session.add(User(username="api-bob", name="Bob", email="", password_hash="x", created_at=ipflow.clock.now()))
    with pytest.raises(Conflict, match="'api-bob' is a person's user name"):
        issue_token(ipflow, "bob", "efiling", 30, "admin")


def test_only_the_hash_of_the_secret_is_stored(ipflow):
    issued = issue_token(ipflow, "gateway", "payments", 30, "admin")
    secret = issued.secret.split("_", 2)[2]
    row = stored_token(ipflow, issued.token.id)
    assert row.secret_sha256 == hashlib.sha256(secret.encode()).hexdigest()
    with ipflow.db.reading() as session:
        every_value = [str(v) for t in session.scalars(select(ApiToken)) for v in vars(t).values()]
    assert not any(secret in value for value in every_value)


@pytest.mark.parametrize(
    ("bearer", "message"),
    [
        (None, "send the header 'Authorization: Bearer <token>'"),
        ("", "send the header 'Authorization: Bearer <token>'"),
        ("secret", "the token is malformed: it reads ipf_<12 hex digits>_<43 characters>"),
        ("ipf_0123456789ab_" + "x" * 42, "the token is malformed"),
        ("ipf_0123456789ab_" + "x" * 43, "the token is unknown"),
    ],
)
def test_authenticating_refuses_what_is_not_a_known_token(ipflow, bearer, message):
    issue_token(ipflow, "gateway", "payments", 30, "admin")
    with pytest.raises(NotAuthenticated, match=message.replace("<", ".").replace(">", ".").replace("(", ".")):
        authenticate(ipflow, bearer)


def test_authenticating_refuses_a_wrong_secret_an_expired_a_revoked_and_a_disabled_token(ipflow, clock):
    issued = issue_token(ipflow, "gateway", "payments", 2, "admin")
    wrong = issued.secret[:-1] + ("A" if issued.secret[-1] != "A" else "B")
    with pytest.raises(NotAuthenticated, match="the token is unknown"):
        authenticate(ipflow, wrong)
    clock.advance(days=2)
    with pytest.raises(NotAuthenticated, match=r"the token 'gateway' expired on 2026-03-04 09:00 UTC; ask an admin"):
        authenticate(ipflow, issued.secret)
    renewed = issue_token(ipflow, "gateway", "payments", 2, "admin")
    with ipflow.db.transaction() as session:
        session.scalar(select(User).where(User.username == "api-gateway")).active = False
    with pytest.raises(NotAuthenticated, match="the service user of the token 'gateway' is disabled"):
        authenticate(ipflow, renewed.secret)
    revoke_token(ipflow, renewed.token.id, "admin")
    with pytest.raises(NotAuthenticated, match="the token 'gateway' was revoked; ask an admin for a new one"):
        authenticate(ipflow, renewed.secret)


def test_last_use_is_written_at_most_every_five_minutes(ipflow, clock):
    issued = issue_token(ipflow, "gateway", "payments", 30, "admin")
    assert describe_token(ipflow, issued.token.id).last_used_at is None
    first_use = clock.now()
    authenticate(ipflow, issued.secret)
    clock.advance(minutes=4, seconds=59)
    authenticate(ipflow, issued.secret)
    assert describe_token(ipflow, issued.token.id).last_used_at == first_use
    clock.advance(seconds=1)
    authenticate(ipflow, issued.secret)
    assert describe_token(ipflow, issued.token.id).last_used_at == first_use + timedelta(minutes=5)


def test_revoking_an_unknown_token_says_which(ipflow):
    with pytest.raises(NotFound, match="no API token with id 42"):
        revoke_token(ipflow, 42, "admin")


def test_the_cli_creates_lists_and_revokes_and_prints_the_secret_only_when_creating(ipflow, settings):
    env = {"IPFLOW_DATABASE_URL": settings.database_url, "IPFLOW_INSTANCE_PATH": str(settings.instance_path)}
    runner = CliRunner()

    def ipflow_cli(*args: str):
        return runner.invoke(main, ["--config", str(REPO / "config.yaml"), "token", *args], env=env)

    created = ipflow_cli("create", "efiling-portal", "--role", "efiling", "--days", "10")
    assert created.exit_code == 0, created.output
    secret = created.output.splitlines()[0]
    assert authenticate(ipflow, secret).username == "api-efiling-portal"
    assert "it is not shown again" in created.output

    listed = ipflow_cli("list", "--json")
    assert listed.exit_code == 0 and secret.split("_", 2)[2] not in listed.output
    [row] = json.loads(listed.output)
    assert (row["name"], row["role"], row["state"], row["created_by"]) == ("efiling-portal", "efiling", "active", "cli")
    assert "efiling-portal" in ipflow_cli("list").output

    revoked = ipflow_cli("revoke", str(row["id"]))
    assert revoked.exit_code == 0 and f"token {row['id']} for efiling-portal" in revoked.output
    assert json.loads(ipflow_cli("list", "--json").output)[0]["state"] == "revoked"

    refused = ipflow_cli("create", "X", "--role", "wizard")
    assert refused.exit_code == 1
    assert "name: Use 2 to 48 lower-case letters" in refused.output and "role: Choose one of the roles" in refused.output
    missing = ipflow_cli("revoke", "999")
    assert missing.exit_code == 1 and "no API token with id 999" in missing.output
