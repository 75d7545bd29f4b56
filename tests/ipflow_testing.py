"""Helpers the tests share (conftest modules are not importable by name from test modules)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from engine.container import Ipflow
from engine.db.models import Base

REPO = Path(__file__).resolve().parents[1]


def build_ipflow(database_url: str, instance_path: Path, clock, operators=None, mail_port: int | None = None) -> Ipflow:
    """An Ipflow on a fresh schema with the configured roles and demo users (no library deployed)."""
    from engine.db.session import Database
    from engine.services.users import sync_roles_and_demo_users
    from engine.settings import load_settings

    env = {"IPFLOW_DATABASE_URL": database_url, "IPFLOW_INSTANCE_PATH": str(instance_path)}
    if mail_port:
        env["IPFLOW_MAIL_PORT"] = str(mail_port)
    settings = load_settings(REPO / "config.yaml", env=env)
    db = Database(settings.database_url)
    Base.metadata.create_all(db.engine)
    ctx = Ipflow.create(settings, clock=clock, operators=operators, database=db)
    sync_roles_and_demo_users(ctx)
    return ctx


def row_counts(ctx: Ipflow) -> dict[str, int]:
    """How many rows each table holds: tests compare it before and after a refused action."""
    with ctx.db.reading() as session:
        return {name: session.scalar(select(func.count()).select_from(table)) for name, table in Base.metadata.tables.items()}


def complete_in_child(config_env: dict, library: str, task_id: str, user: str, data: dict, barrier, results) -> None:
    """Run in a separate process: wait for the others, then complete one task on a fresh connection."""
    from engine.services.tasks import complete_task
    from engine.settings import load_settings

    settings = load_settings(REPO / "config.yaml", env=config_env)
    settings = settings.replace(bpmn_path=Path(library) / "bpmn", forms_path=Path(library) / "forms")
    ctx = Ipflow.create(settings)
    barrier.wait(timeout=60)
    try:
        complete_task(ctx, task_id, user, data)
        results.put((task_id, "ok"))
    except Exception as exc:  # report anything, so the parent never waits on a dead child
        results.put((task_id, f"{type(exc).__name__}: {exc}"))
    finally:
        ctx.db.dispose()


class MailBox:
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

    def __init__(self):
        import socket

        from aiosmtpd.controller import Controller

        self.messages: list = []
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def start(self) -> MailBox:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]
