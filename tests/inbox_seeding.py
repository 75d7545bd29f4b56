"""Open (or closed) human tasks written straight into the mirror tables, each with its process
instance and, unless right_type is None, its case: the inbox and assignment tests need many tasks
in exact states, which filing cases and driving their processes would take minutes to reach."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import count

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.db.models import Case, DefinitionVersion, HumanTask, Party, ProcessInstance, TrademarkDetails

PROCESS_ID = "inbox_test"
_serial = count(1)  # one counter for every test module: task ids never meet, and sort in creation order


def add_task(ctx, **task) -> str:
    """One task (see `add_tasks` for what can be set); its id."""
    [(task_id, _)] = add_tasks(ctx, **task)
    return task_id


def add_tasks(
    ctx,
    n: int = 1,
    *,
    name: str = "Examine absolute grounds",
    element_id: str = "examination",
    roles: tuple[str, ...] = ("examiner",),
    assignee: str | None = None,
    status: str = "open",
    due: datetime | None = None,
    created: datetime | None = None,
    priority: int = 0,
    business_key: str | None = None,
    right_type: str | None = "trademark",
    number: str | None = None,
    title: str = "ACME",
    verbal: str | None = None,
    applicants: tuple[str, ...] = ("ACME Ltd",),
) -> list[tuple[str, int | None]]:
    """`n` tasks alike, in one transaction: (task id, case id or None) each.

    Created one second apart from the clock's now unless `created` is given; a completed one was
    completed by the examiner; the task carries the instance's business key, else the case number,
    as the mirror copies it."""
    now = ctx.clock.now()
    made = []
    with ctx.db.transaction() as session:
        version_id = _definition_version(session, now)
        for _ in range(n):
            serial = next(_serial)
            instance = ProcessInstance(
                definition_version_id=version_id, process_id=PROCESS_ID, business_key=business_key, status="running",
                state="{}", serializer_version="1", schema_version=1, started_by="test", created_at=now, updated_at=now,
            )  # fmt: skip
            session.add(instance)
            session.flush()
            case = None
            if right_type is not None:
                case = Case(
                    application_number=number, right_type=right_type, status="filed", filing_date=date(2026, 3, 1),
                    title=title, created_at=now, updated_at=now, instance_id=instance.id,
                )  # fmt: skip
                case.parties = [Party(role="applicant", position=i, name=a, country="BG") for i, a in enumerate(applicants)]
                if right_type == "trademark":
                    case.trademark = TrademarkDetails(mark_kind="individual", mark_type="word", verbal_element=verbal)
                session.add(case)
            task = HumanTask(
                id=f"task-{serial:06d}", instance_id=instance.id, element_id=element_id, name=name, status=status,
                assignee=assignee, priority=priority, due_at=due, created_at=created or now + timedelta(seconds=serial),
                completed_by="examiner" if status == "completed" else None, business_key=business_key or number,
            )  # fmt: skip
            task.offer_to(roles)
            session.add(task)
            session.flush()
            made.append((task.id, case.id if case is not None else None))
    return made


def _definition_version(session: Session, now: datetime) -> int:
    """The one definition version every seeded instance belongs to, made on first use."""
    version = session.scalar(select(DefinitionVersion).where(DefinitionVersion.process_id == PROCESS_ID))
    if version is None:
        version = DefinitionVersion(
            process_id=PROCESS_ID, name="Inbox test", version=1, content_hash="x" * 64, spec_json="{}",
            serializer_version="1", deployed_at=now, deployed_by="test",
        )  # fmt: skip
        session.add(version)
        session.flush()
    return version.id
