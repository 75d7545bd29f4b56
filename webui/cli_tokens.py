"""`ipflow token create|list|revoke`: API tokens for integrations, from the shell (the same use
cases as the admin's token page). The secret is printed once, by `create`, and never again."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

import click

from engine.services.api_tokens import TokenView, issue_token, list_tokens, revoke_token
from webui.cli import Context, emit, main

pass_context = click.make_pass_decorator(Context)


@main.group()
def token() -> None:
    """API tokens of integrations: create (the secret is shown once), list, revoke."""


@token.command()
@click.argument("name")
@click.option("--role", required=True, help="The role the token holds, e.g. efiling or payments.")
@click.option("--days", type=click.IntRange(1), default=90, show_default=True, help="How long the token is valid.")
@click.option("--as", "actor", default="cli", show_default=True, help="Who issues it (recorded with the token).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the secret included, once).")
@pass_context
def create(context: Context, name: str, role: str, days: int, actor: str, as_json: bool) -> None:
    """Issue a token to the integration NAME and print its secret (shown this once)."""
    issued = issue_token(context.ipflow(), name, role, days, actor)
    t = issued.token
    text = (
        f"{issued.secret}\n"
        f"token {t.id} for {t.name}: role {t.role}, acts as {t.username}, expires {t.expires_at:%Y-%m-%d %H:%M} UTC\n"
        "Copy the token now: it is not shown again (only its fingerprint is stored)."
    )
    emit({"secret": issued.secret, "token": t}, as_json, text)


@token.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
def list_command(context: Context, as_json: bool) -> None:
    """Every token: id, name, prefix, role, state, expiry, last use (never a secret)."""
    ctx = context.ipflow()
    tokens = list_tokens(ctx)
    now = ctx.clock.now()
    lines = [_line(t, now) for t in tokens] or ["no API tokens"]
    emit([{**asdict(t), "state": t.state(now)} for t in tokens], as_json, "\n".join(lines))


@token.command()
@click.argument("token_id", metavar="ID", type=int)
@click.option("--as", "actor", default="cli", show_default=True, help="Who revokes it.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
def revoke(context: Context, token_id: int, actor: str, as_json: bool) -> None:
    """Revoke token ID at once (see `ipflow token list` for ids)."""
    t = revoke_token(context.ipflow(), token_id, actor)
    emit(t, as_json, f"token {t.id} for {t.name} (ipf_{t.prefix}_…) revoked at {t.revoked_at:%Y-%m-%d %H:%M} UTC")


def _line(t: TokenView, now: datetime) -> str:
    used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
    return (
        f"{t.id:>4}  {t.name}  ipf_{t.prefix}_…  role {t.role}  {t.state(now)}  "
        f"expires {t.expires_at:%Y-%m-%d %H:%M}  last used {used}"
    )
