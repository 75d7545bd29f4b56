"""The studio's workspace: the deployed library with the analysts' drafts laid over it.

The deployed part is the newest deployed file of every path across all processes (a file several
processes share, like common/collect_fee.bpmn, comes from the most recently deployed version).
Every save validates the whole workspace in memory, because a change in one file (a DMN) can
break another (the BPMN that calls it); the findings are stored on every draft. Deploying the
workspace stores new versions only where files changed and removes the drafts it deployed.

Letters are `letters/<name>.html.j2`: the letter in force (engine.services.letter_store) with the
drafts laid over it, checked by engine.services.letter_checks and deployed as letter versions in
the same transaction as the processes.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer

from engine.container import Ipflow
from engine.db.models import AuditEvent, User
from engine.db.models.cases import RightType
from engine.db.models.library import LibraryDraft
from engine.errors import ConcurrentUpdate, Conflict, InvalidInput, LibraryInvalid, NotFound
from engine.runtime.parsing import BPMN_SUFFIX, DMN_SUFFIX, SourceFile
from engine.services.letter_checks import check_letters
from engine.services.letter_store import LETTERS_PREFIX, deployed_letters, letter_name, store_letters
from engine.services.library import FORM_SUFFIX, FORMS_PREFIX, DeployedVersion, LibrarySources, check_library, store_versions
from engine.services.library_files import DeployedFile, blob_texts, deployed_files

MAX_FILE_BYTES = 2 * 1024 * 1024
PROCESS_FOLDERS = frozenset({*(r.value for r in RightType), "common", "demo"})
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
# PostgreSQL: saves, discards and deploys of the workspace take turns (SQLite's single writer
# already makes them), so the problems stored on the drafts always describe all of them.
_WORKSPACE_LOCK = 0x1F10_0006


@dataclass(frozen=True)
class ProblemView:
    file: str
    line: int | None
    element_id: str  # what the editor selects when the analyst clicks the problem
    message: str


@dataclass(frozen=True)
class WorkspaceFile:
    path: str
    kind: str  # bpmn | dmn | form | letter
    sha256: str  # of what the editor shows: the draft, else the deployed file
    drafted: bool
    saved_by: str  # the draft's author, else who deployed the file
    saved_at: datetime
    problem_count: int
    base_sha256: str | None = None  # the deployed file; None for a file never deployed
    content: str | None = None  # only from open_file
    problems: tuple[ProblemView, ...] = ()  # only from open_file


@dataclass(frozen=True)
class SaveResult:
    sha256: str  # send it back as expected_sha256 with the next save
    drafted: bool  # False when the content equals the deployed file (the draft was removed)
    problems: tuple[ProblemView, ...]  # of the whole workspace; each names its file


def workspace_files(ctx: Ipflow) -> tuple[WorkspaceFile, ...]:
    """Every file of the workspace, by path, without content."""
    with ctx.db.reading() as session:
        deployed = _deployed(ctx, session)
        drafts = {d.path: d for d in session.scalars(select(LibraryDraft).options(defer(LibraryDraft.content)))}
        problems = _stored_problems(session)
        return tuple(_view(path, deployed.get(path), drafts.get(path), problems) for path in sorted(deployed.keys() | drafts.keys()))


def open_file(ctx: Ipflow, path: str) -> WorkspaceFile:
    """One file with its content (the draft, else the deployed file) and its problems."""
    with ctx.db.reading() as session:
        letter = deployed_letters(ctx, session).get(path) if letter_name(path) else None
        deployed = letter.file if letter is not None else deployed_files(session).get(path)
        draft = session.get(LibraryDraft, path)
        if deployed is None and draft is None:
            raise NotFound(f"{path!r} is not in the workspace: no deployed version uses it and no draft of it was saved")
        if draft is not None or letter is not None:
            content = draft.content if draft is not None else letter.text
        else:
            content = blob_texts(session, {deployed.sha256})[deployed.sha256]
        problems = tuple(p for p in _stored_problems(session) if p.file == path)
        view = _view(path, deployed, draft, problems)
    return WorkspaceFile(**{**asdict(view), "content": content, "problems": problems})


def save_file(ctx: Ipflow, path: str, content: str, actor: str, expected_sha256: str | None = None) -> SaveResult:
    """Store a draft and validate the whole workspace. `expected_sha256` is the sha the editor
    loaded ("" for a new file): when someone saved or deployed the file since, nothing is saved."""
    kind, data = kind_of_path(path), _content_bytes(content)
    sha = hashlib.sha256(data).hexdigest()
    with ctx.db.transaction() as session:
        _lock_workspace(session)
        deployed, draft = _deployed(ctx, session), session.get(LibraryDraft, path)
        base = deployed.get(path)
        if expected_sha256 is not None:
            _check_unchanged(ctx, session, path, expected_sha256, draft, base)
        if base is not None and base.sha256 == sha:
            if draft is not None:
                session.delete(draft)
        elif draft is None:
            session.add(LibraryDraft(path=path, content=content, kind=kind, sha256=sha, base_sha256=base and base.sha256,
                                     saved_by=actor, saved_at=ctx.clock.now(), problems=[]))
        else:
            draft.content, draft.sha256, draft.base_sha256 = content, sha, base and base.sha256
            draft.saved_by, draft.saved_at = actor, ctx.clock.now()
        session.flush()
        problems = _revalidate(ctx, session, deployed)
    return SaveResult(sha, base is None or base.sha256 != sha, problems)


def discard_draft(ctx: Ipflow, path: str, actor: str) -> tuple[ProblemView, ...]:
    """Drop the draft of a file (the deployed file shows again); the problems left in the workspace."""
    with ctx.db.transaction() as session:
        _lock_workspace(session)
        draft = session.get(LibraryDraft, path)
        if draft is None:
            raise NotFound(f"there is no draft of {path!r} to discard")
        session.add(AuditEvent(kind="draft_discarded", actor=actor, at=ctx.clock.now(),
                               data={"path": path, "sha256": draft.sha256, "saved_by": draft.saved_by}))
        session.delete(draft)
        session.flush()
        return _revalidate(ctx, session, deployed_files(session))


def deploy_workspace(ctx: Ipflow, actor: str) -> list[DeployedVersion]:
    """Deploy the workspace in one transaction: new versions where files changed, then the
    deployed drafts are gone; letter drafts become letter versions, reported as `letter <name>`.
    Refused (Conflict, listing them) while any problem exists."""
    with ctx.db.transaction() as session:
        _lock_workspace(session)
        drafts = list(session.scalars(select(LibraryDraft)))
        try:
            checked, problems = check_library(ctx, workspace_sources(session, deployed_files(session), drafts)), []
        except LibraryInvalid as exc:
            checked, problems = None, exc.problems
        problems = [*problems, *_letter_problems(ctx, session, drafts)]
        if checked is None or problems:
            lines = "\n".join(f"  {p}" for p in problems)
            raise Conflict(f"the workspace has {len(problems)} problem(s); fix them before deploying:\n{lines}")
        versions = store_versions(ctx, session, checked, actor)
        versions += store_letters(ctx, session, {letter_name(d.path): d.content for d in drafts if d.kind == "letter"}, actor)
        session.flush()
        now_deployed = _deployed(ctx, session)
        for draft in drafts:
            if draft.path in now_deployed and now_deployed[draft.path].sha256 == draft.sha256:
                session.delete(draft)
            else:  # no process uses the file yet: it stays a draft, with nothing wrong in it
                draft.problems = []
    return versions


def workspace_sources(session: Session, deployed: dict[str, DeployedFile], drafts: list[LibraryDraft]) -> LibrarySources:
    """The deployed files with the drafts laid over them, as a library to check or deploy (letters
    are checked and deployed apart)."""
    texts = {draft.path: draft.content for draft in drafts if not letter_name(draft.path)}
    deployed = {path: file for path, file in deployed.items() if not letter_name(path)}
    blobs = blob_texts(session, {f.sha256 for path, f in deployed.items() if path not in texts})
    texts.update({path: blobs[file.sha256] for path, file in deployed.items() if path not in texts})
    processes = tuple(SourceFile(p, t.encode("utf-8")) for p, t in sorted(texts.items()) if not p.startswith(FORMS_PREFIX))
    forms = {p.removeprefix(FORMS_PREFIX): t.encode("utf-8") for p, t in texts.items() if p.startswith(FORMS_PREFIX)}
    return LibrarySources(processes, forms, where="the workspace")


def kind_of_path(path: str) -> str:
    """bpmn, dmn, form or letter for a path the studio may write; InvalidInput naming `path` otherwise."""
    hint = "like trademark/trademark.bpmn, common/time_limits.dmn, forms/trademark/formalities.form.json or letters/refusal.html.j2"

    def refuse(message: str) -> InvalidInput:
        return InvalidInput("this file cannot be saved in the library", {"path": [f"{message}; give a path {hint}."]})

    if not isinstance(path, str) or not path or path.startswith("/") or "\\" in path or ":" in path:
        raise refuse("the path must be relative to the library, with '/' between folders")
    parts = path.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise refuse("the path must not contain empty, '.' or '..' parts")
    if parts[0] == LETTERS_PREFIX.rstrip("/"):
        if letter_name(path):
            return "letter"
        raise refuse("a letter is letters/<name>.html.j2, the name in lower-case letters, digits and '_' ('_' first for a partial)")
    if not all(_NAME.fullmatch(part) for part in parts):
        raise refuse("folder and file names use letters, digits, '_', '-' and '.' and do not start with '.'")
    if parts[0] == FORMS_PREFIX.rstrip("/"):
        if len(parts) >= 2 and parts[1] != "letters" and path.endswith(FORM_SUFFIX):
            return "form"
        raise refuse(f"a form is a {FORM_SUFFIX} file under forms/ (letters are letters/<name>.html.j2)")
    if len(parts) < 2 or parts[0] not in PROCESS_FOLDERS or not path.endswith((BPMN_SUFFIX, DMN_SUFFIX)):
        raise refuse(f"a diagram is a .bpmn or .dmn file in one of the folders {', '.join(sorted(PROCESS_FOLDERS))}")
    return "dmn" if path.endswith(DMN_SUFFIX) else "bpmn"


def _content_bytes(content: str) -> bytes:
    if not isinstance(content, str):
        raise InvalidInput("the file's content must be text", {"content": ["Send the file as text."]})
    if "\x00" in content:
        raise InvalidInput("the file's content is not text", {"content": ["The content contains a NUL character."]})
    data = content.encode("utf-8")
    if len(data) > MAX_FILE_BYTES:
        size = f"{len(data) / 1024 / 1024:.1f} MiB"
        raise InvalidInput("the file is too large", {"content": [f"The file has {size}; a library file may have at most 2 MiB."]})
    return data


def _check_unchanged(ctx: Ipflow, session: Session, path: str, expected: str, draft: LibraryDraft | None,
                     base: DeployedFile | None) -> None:
    current = draft.sha256 if draft is not None else (base.sha256 if base is not None else "")
    if expected == current:
        return
    if draft is not None:
        who, when, did = draft.saved_by, draft.saved_at, "saved"
    elif base is not None:
        who, when, did = base.deployed_by, base.deployed_at, "deployed"
    else:
        raise ConcurrentUpdate(f"the draft of {path} was discarded after you opened it; reload it and apply your change again")
    name = session.scalar(select(User.name).where(User.username == who)) or who
    raise ConcurrentUpdate(f"{name} {did} this file at {_moment(ctx, when)} after you opened it; reload it and apply your change again")


def _moment(ctx: Ipflow, when: datetime) -> str:
    local, today = when.astimezone(ctx.office_zone), ctx.clock.now().astimezone(ctx.office_zone).date()
    return f"{local:%H:%M}" if local.date() == today else f"{local:%Y-%m-%d %H:%M}"


def _revalidate(ctx: Ipflow, session: Session, deployed: dict[str, DeployedFile]) -> tuple[ProblemView, ...]:
    drafts = list(session.scalars(select(LibraryDraft)))
    if not drafts:  # the deployed library passed the same checks when it was deployed
        return ()
    try:
        check_library(ctx, workspace_sources(session, deployed, drafts))
        found = []
    except LibraryInvalid as exc:
        found = exc.problems
    views = (ProblemView(p.file, p.line or None, p.element_id, p.message) for p in [*found, *_letter_problems(ctx, session, drafts)])
    problems = tuple(sorted(views, key=lambda p: (p.file, p.line or 0)))
    stored = [asdict(p) for p in problems]
    for draft in drafts:
        draft.problems = stored
    return problems


def _deployed(ctx: Ipflow, session: Session) -> dict[str, DeployedFile]:
    """The deployed library's files and the letters in force, by workspace path."""
    return {**deployed_files(session), **{path: letter.file for path, letter in deployed_letters(ctx, session).items()}}


def _letter_problems(ctx: Ipflow, session: Session, drafts: list[LibraryDraft]) -> list:
    drafted = {letter_name(d.path): d.content for d in drafts if d.kind == "letter"}
    if not drafted:  # the letters in force were checked when they were deployed (or released)
        return []
    texts = {letter_name(path): letter.text for path, letter in deployed_letters(ctx, session).items()}
    return check_letters(ctx.letters, {**texts, **drafted}, drafted)


def _stored_problems(session: Session) -> tuple[ProblemView, ...]:
    # Every draft holds the same list; the newest one holds the latest validation.
    stored = session.scalar(select(LibraryDraft.problems).order_by(LibraryDraft.saved_at.desc(), LibraryDraft.path).limit(1))
    return tuple(ProblemView(**p) for p in stored or ())


def _view(path: str, deployed: DeployedFile | None, draft: LibraryDraft | None, problems) -> WorkspaceFile:
    count = sum(1 for p in problems if p.file == path)
    base = deployed.sha256 if deployed is not None else None
    if draft is not None:
        return WorkspaceFile(path, draft.kind, draft.sha256, True, draft.saved_by, draft.saved_at, count, base)
    return WorkspaceFile(path, deployed.kind, deployed.sha256, False, deployed.deployed_by, deployed.deployed_at, count, base)


def _lock_workspace(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(_WORKSPACE_LOCK)))


__all__ = [
    "MAX_FILE_BYTES",
    "ProblemView",
    "SaveResult",
    "WorkspaceFile",
    "deploy_workspace",
    "discard_draft",
    "kind_of_path",
    "open_file",
    "save_file",
    "workspace_files",
    "workspace_sources",
]
