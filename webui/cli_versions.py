"""`ipflow diff` and `ipflow migrate`: compare two deployed versions, move running instances."""

from __future__ import annotations

import click

from engine.services.instance_migration import migrate_instances, plan_migration
from engine.services.version_diff import ElementChange, diff_versions
from webui.cli import Context, emit, main

pass_context = click.make_pass_decorator(Context)


@main.command()
@click.argument("process")
@click.argument("from_version", metavar="FROM", type=int)
@click.argument("to_version", metavar="TO", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
def diff(context: Context, process: str, from_version: int, to_version: int, as_json: bool) -> None:
    """What changed in PROCESS from version FROM to TO, element by element."""
    result = diff_versions(context.ipflow(), process, from_version, to_version)
    lines = [f"{process} v{from_version} -> v{to_version}: {len(result.added)} added, {len(result.removed)} removed, "
             f"{len(result.changed)} changed, {result.unchanged_count} unchanged"]
    lines += [f"  + {_element(c, process)}" for c in result.added]
    lines += [f"  - {_element(c, process)}" for c in result.removed]
    lines += [f"  ~ {_element(c, process)}: {', '.join(c.changes)}" for c in result.changed]
    emit(result, as_json, "\n".join(lines))


@main.command()
@click.argument("process")
@click.argument("from_version", metavar="FROM", type=int)
@click.argument("to_version", metavar="TO", type=int)
@click.option("--instances", default=None, help="Comma-separated instance ids, e.g. 1,2,3.")
@click.option("--all", "every", is_flag=True, help="Every running instance on version FROM.")
@click.option("--dry-run", is_flag=True, help="Only say which instances would move, and why the others would not.")
@click.option("--as", "actor", default="cli", show_default=True, help="Who migrates (recorded and audited).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
def migrate(context: Context, process: str, from_version: int, to_version: int, instances: str | None, every: bool,
            dry_run: bool, actor: str, as_json: bool) -> None:
    """Move running instances of PROCESS from version FROM to TO (timers keep their due dates)."""
    if every == (instances is not None):
        raise click.UsageError("give either --instances 1,2,3 or --all")
    ids = None if every else _ids(instances)
    ctx = context.ipflow()
    if dry_run:
        plan = plan_migration(ctx, process, from_version, to_version, ids)
        text = [f"would move {len(plan.movable)} instance(s) from v{from_version} to v{to_version}; {len(plan.refused)} refused"]
        text += [f"  move {m.instance_id} {m.business_key or '-'}" for m in plan.movable]
        text += [f"  refused {r.instance_id} {r.business_key or '-'}: {r.reason}" for r in plan.refused]
        emit(_plain(plan, "movable", "refused"), as_json, "\n".join(text))
        return

    def progress(done: int, total: int) -> None:
        if not as_json:
            click.echo(f"\rmigrating: {done}/{total}", err=True, nl=done == total)

    report = migrate_instances(ctx, process, from_version, to_version, ids, actor, on_progress=progress)
    text = [f"moved {len(report.moved)} instance(s) from v{from_version} to v{to_version}; {len(report.refused)} refused"]
    text += [f"  moved {m.instance_id} {m.business_key or '-'} (migration {m.migration_id})" for m in report.moved]
    text += [f"  refused {r.instance_id} {r.business_key or '-'}: {r.reason}" for r in report.refused]
    emit(_plain(report, "moved", "refused"), as_json, "\n".join(text))


def _ids(text: str) -> list[int]:
    try:
        ids = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise click.BadParameter("use instance ids separated by commas, like 1,2,3", param_hint="--instances") from None
    if not ids:
        raise click.BadParameter("name at least one instance id", param_hint="--instances")
    return ids


def _plain(result, *lists: str) -> dict:
    """The plan or report for --json, its (id, key, ...) tuples as objects."""
    out = {"process_id": result.process_id, "from_version": result.from_version, "to_version": result.to_version}
    out.update({name: [row._asdict() for row in getattr(result, name)] for name in lists})
    return out


def _element(change: ElementChange, process: str) -> str:
    where = f" in {change.process_id}" if change.process_id not in ("", process) else ""
    return f"{change.element_id} '{change.name}' ({change.kind}{where})"
