"""The `ipflow` command: everything an operator or a script does without the web UI.

Each command parses its arguments, calls one engine service and prints the result (`--json` for
machines). Errors print one clear line per problem on stderr and exit 1; nothing is half-done,
because every service runs in one transaction.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

import click

from engine.clock import ManualClock
from engine.container import Ipflow
from engine.errors import ConfigError, InvalidInput, IpflowError, LibraryInvalid
from engine.services.views import to_json
from engine.settings import Settings, load_settings


class Context:
    """Lazily built so that `ipflow --help` never touches the database."""

    def __init__(self, config: str | None):
        self.config = config
        self._settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.config)
        return self._settings

    def ipflow(self, now: datetime | None = None) -> Ipflow:
        return Ipflow.create(self.settings, clock=ManualClock(now) if now else None)


def json_option(text: str | None, name: str) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise click.BadParameter(f"not valid JSON ({exc.msg} at character {exc.pos})", param_hint=name) from None


def emit(value: Any, as_json: bool, text: str) -> None:
    click.echo(json.dumps(to_json(value), indent=2, sort_keys=True) if as_json else text)


def parse_now(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use an ISO 8601 time like 2026-05-01T09:00:00Z", param_hint="--now") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


class IpflowGroup(click.Group):
    """Turns ipflow's own errors into messages a person can act on (no tracebacks)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LibraryInvalid as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            click.echo(f"{len(exc.problems)} problem(s) found", err=True)
            ctx.exit(1)
        except InvalidInput as exc:
            click.echo(f"error: {exc.args[0].split(' (')[0]}", err=True)
            for field_name, messages in sorted(exc.fields.items()):
                click.echo(f"  {field_name}: {' '.join(messages)}", err=True)
            ctx.exit(1)
        except ConfigError as exc:
            click.echo(f"configuration error: {exc}", err=True)
            ctx.exit(1)
        except IpflowError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(1)


@click.group(cls=IpflowGroup)
@click.option("--config", envvar="IPFLOW_CONFIG", default=None, help="config.yaml to use (default: ./config.yaml).")
@click.pass_context
def main(ctx: click.Context, config: str | None) -> None:
    """ipflow: the back office of an IP office, run as BPMN processes."""
    ctx.obj = Context(config)


from webui import cli_commands, cli_tokens, cli_versions  # noqa: E402,F401  (registers the commands on `main`)


