"""The subcommands of `ipflow` (see webui/cli.py for the group and its error handling)."""

from __future__ import annotations

from pathlib import Path

import click

from engine.db.migrate import upgrade
from engine.services.demo_cases import file_demo_cases
from engine.services.instances import show_instance, start_instance
from engine.services.jobs import run_due
from engine.services.library import deploy_library, validate_library
from engine.services.library_files import export_library
from engine.services.messages import deliver_message
from engine.services.tasks import complete_task, list_tasks
from engine.services.users import sync_roles_and_demo_users
from webui.cli import Context, emit, json_option, main, parse_now

pass_context = click.make_pass_decorator(Context)
paths_argument = click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))


@main.command()
@click.option("--demo-cases", is_flag=True, help="Also file a few demo applications when the register is empty.")
@pass_context
def init(context: Context, demo_cases: bool) -> None:
    """Migrate the database, create roles and demo users, deploy bpmn/ and forms/."""
    settings = context.settings
    settings.instance_path.mkdir(parents=True, exist_ok=True)
    upgrade(settings.database_url)
    ctx = context.ipflow()
    created = sync_roles_and_demo_users(ctx)
    deployed = deploy_library(ctx, actor="ipflow init")
    click.echo(f"database ready: {settings.database_url}")
    click.echo(f"roles created: {created['roles']}, demo users created: {created['users']}")
    for d in deployed:
        click.echo(f"{d.process_id} v{d.version} {'deployed' if d.created else 'unchanged'}")
    if demo_cases:
        filed = file_demo_cases(ctx)
        click.echo(f"demo cases filed: {', '.join(filed)}" if filed else "demo cases: the register already has cases")


@main.command()
@paths_argument
@pass_context
def validate(context: Context, paths: tuple[Path, ...]) -> None:
    """Check BPMN, DMN and forms (default: the whole library); exit 1 on any problem."""
    processes = validate_library(context.ipflow(), paths or None)
    click.echo(f"valid: {len(processes)} executable process(es): {', '.join(processes) or 'none'}")


@main.command()
@paths_argument
@click.option("--as", "actor", default="cli", show_default=True, help="Who deploys (recorded on the version).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
def deploy(context: Context, paths: tuple[Path, ...], actor: str, as_json: bool) -> None:
    """Deploy the library (or the given files) as new versions where anything changed."""
    deployed = deploy_library(context.ipflow(), paths or None, actor=actor)
    lines = [f"{d.process_id} v{d.version} {'deployed' if d.created else 'unchanged'} {d.content_hash[:12]}" for d in deployed]
    emit(deployed, as_json, "\n".join(lines))


@main.command()
@click.option("--to", "to", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="Write DIR/bpmn and DIR/forms instead of the configured library folders.")
@click.option("--force", is_flag=True, help="Also overwrite files holding changes that were never deployed.")
@click.option("--json", "as_json", is_flag=True)
@pass_context
def export(context: Context, to: Path | None, force: bool, as_json: bool) -> None:
    """Write the deployed library (not the studio's drafts) back to bpmn/ and forms/, byte for byte."""
    report = export_library(context.ipflow(), to, force)
    lines = [f"written {name}" for name in report.written]
    lines.append(f"{len(report.written)} file(s) written, {len(report.unchanged)} unchanged")
    emit(report, as_json, "\n".join(lines))


@main.command()
@click.argument("process")
@click.option("--data", default="{}", help="Start data as a JSON object.")
@click.option("--business-key", default=None, help="The case's business key, e.g. its application number.")
@click.option("--as", "actor", default="cli", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_context
def start(context: Context, process: str, data: str, business_key: str | None, actor: str, as_json: bool) -> None:
    """Start an instance of PROCESS and run it to its first wait state."""
    view = start_instance(context.ipflow(), process, json_option(data, "--data"), business_key, actor)
    emit(view, as_json, f"instance {view.id} {view.status}; waiting at: {', '.join(view.current) or 'nothing'}")


@main.command()
@click.option("--user", default=None, help="Only tasks this user may do.")
@click.option("--role", default=None, help="Only tasks offered to this role.")
@click.option("--json", "as_json", is_flag=True)
@pass_context
def tasks(context: Context, user: str | None, role: str | None, as_json: bool) -> None:
    """List open tasks, due date first."""
    rows = list_tasks(context.ipflow(), user=user, role=role)
    lines = [
        f"{r.id}  {r.business_key or '-':<16} {r.name:<28} {','.join(r.candidate_roles):<12} "
        f"{r.due_at.date().isoformat() if r.due_at else '-':<10} {r.assignee or ''}"
        for r in rows
    ]
    emit(rows, as_json, "\n".join(lines) or "no open tasks")


@main.command()
@click.argument("task")
@click.option("--user", required=True, help="Who completes the task.")
@click.option("--data", default="{}", help="The form's values as a JSON object.")
@click.option("--json", "as_json", is_flag=True)
@pass_context
def complete(context: Context, task: str, user: str, data: str, as_json: bool) -> None:
    """Complete TASK with form data, as USER."""
    done = complete_task(context.ipflow(), task, user, json_option(data, "--data"))
    following = ", ".join(f"{t.name} ({t.id})" for t in done.next_tasks) or "none for you in this case"
    emit(done, as_json, f"completed {done.task.name}; next: {following}")


@main.command()
@click.argument("name")
@click.option("--correlation", required=True, help='Correlation values as JSON, e.g. {"business_key": "40-2026-000001"}.')
@click.option("--data", default=None, help="The message's payload as a JSON object.")
@click.option("--as", "actor", default="cli", show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_context
def message(context: Context, name: str, correlation: str, data: str | None, actor: str, as_json: bool) -> None:
    """Deliver message NAME to the one instance waiting for it."""
    instance_id = deliver_message(context.ipflow(), name, json_option(correlation, "--correlation"), json_option(data, "--data"), actor)
    emit({"instance_id": instance_id}, as_json, f"delivered {name} to instance {instance_id}")


@main.command()
@click.argument("instance", type=int)
@click.option("--json", "as_json", is_flag=True)
@pass_context
def show(context: Context, instance: int, as_json: bool) -> None:
    """Show an instance: status, current activities, data and history."""
    view = show_instance(context.ipflow(), instance)
    lines = [
        f"instance {view.id}: {view.process_id} v{view.version}  key={view.business_key or '-'}  status={view.status}",
        f"current: {', '.join(view.current) or '-'}",
        *(f"  task {t.id} {t.name} [{','.join(t.candidate_roles)}]" for t in view.open_tasks),
        *(f"  job {j['id']} {j['kind']} {j['element_id']} due {j['due_at']} {j['status']}" for j in view.pending_jobs),
        *(f"  waiting for message {m['message']} {m['correlation']}" for m in view.waiting_messages),
        f"data: {view.data}",
        "history:",
        *(f"  {h.at.isoformat()} {h.kind:<18} {h.actor:<16} {h.element_id or ''}" for h in view.history),
    ]
    if view.last_error:
        lines.insert(2, f"last error: {view.last_error}")
    emit(view, as_json, "\n".join(lines))


@main.command("run-due")
@click.option("--now", default=None, help="Act as if it were this time (ISO 8601); default: the real time.")
@click.option("--json", "as_json", is_flag=True)
@pass_context
def run_due_command(context: Context, now: str | None, as_json: bool) -> None:
    """Fire the timers and run the jobs due by now, once."""
    report = run_due(context.ipflow(parse_now(now)))
    text = f"ran {len(report.ran)} job(s), {len(report.failed)} failed, {len(report.incidents)} became incidents"
    for job_id, error in report.failed:
        text += f"\n  job {job_id}: {error}"
    emit(report, as_json, text)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@pass_context
def serve(context: Context, host: str, port: int) -> None:
    """Serve the web app (with an in-process worker on the embedded database)."""
    from engine.worker import start_background_worker
    from webui import create_app

    app = create_app(context.settings)
    start_background_worker(app.extensions["ipflow"])
    app.run(host=host, port=port, use_reloader=False, threaded=True)


@main.command()
@pass_context
def worker(context: Context) -> None:
    """Run due timers and jobs, once a sweep, until stopped."""
    from engine.worker import run_worker_forever

    run_worker_forever(context.ipflow())


@main.command()
@click.option("--json", "as_json", is_flag=True)
@pass_context
def jobs(context: Context, as_json: bool) -> None:
    """The worker's health: jobs due, scheduled, running, retrying, in incident."""
    from engine.services.job_counts import incidents, job_counts

    ctx = context.ipflow()
    counts, open_incidents = job_counts(ctx), incidents(ctx)
    text = (f"due {counts.due}  scheduled {counts.scheduled}  running {counts.running}  "
            f"retrying {counts.retrying}  incidents {counts.incidents}  done {counts.done}")
    text += "".join(f"\n  incident: job {i['id']} instance {i['instance_id']} {i['element_id']} "
                    f"after {i['attempts']} tries: {i['last_error']}" for i in open_incidents)
    emit({"counts": counts, "incidents": open_incidents}, as_json, text)


@main.command()
@click.argument("job", type=int)
@click.option("--as", "actor", default="cli", show_default=True)
@pass_context
def retry(context: Context, job: int, actor: str) -> None:
    """Retry an incident (after its cause was repaired): due now, with a fresh set of tries."""
    from engine.services.jobs import retry_incident

    retry_incident(context.ipflow(), job, actor)
    click.echo(f"job {job} is due again; the worker runs it on its next sweep (or run `ipflow run-due`)")
