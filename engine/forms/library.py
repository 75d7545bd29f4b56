"""The form library: every form file under a folder, keyed by its path."""

from __future__ import annotations

import pathlib

from engine.errors import LibraryInvalid, Problem
from engine.forms.definition import FormDefinition, parse_form

# Letter templates live next to the forms but are not forms.
SKIPPED_FOLDERS = frozenset({"letters"})
SUFFIXES = (".form.json", ".json")


def form_key(relative: pathlib.PurePath) -> str:
    """The form key of a file: its path under the root, '/'-separated, without the suffix."""
    text = relative.as_posix()
    for suffix in SUFFIXES:
        if text.endswith(suffix):
            return text[: -len(suffix)]
    return text


def load_forms(root: pathlib.Path) -> dict[str, FormDefinition]:
    """Parse every `*.json` form under `root` (skipping `letters/` and hidden entries).

    `forms/demo/review.form.json` gets the key "demo/review". Problems of all files are
    collected and raised together as one `LibraryInvalid`.
    """
    root = pathlib.Path(root)
    if not root.is_dir():
        raise LibraryInvalid([Problem(str(root), 0, "", "the forms folder does not exist")])
    forms: dict[str, FormDefinition] = {}
    shown: dict[str, str] = {}
    problems: list[Problem] = []
    for path in _form_files(root):
        relative = path.relative_to(root)
        key, name = form_key(relative), _display_name(root, relative)
        if key in shown:
            problems.append(Problem(name, 0, "", f"form key {key!r} is also used by {shown[key]}"))
            continue
        shown[key] = name
        try:
            forms[key] = parse_form(key, path.read_bytes(), name)
        except LibraryInvalid as exc:
            problems.extend(exc.problems)
        except OSError as exc:
            problems.append(Problem(name, 0, "", f"cannot read the file: {exc.strerror or exc}"))
    if problems:
        raise LibraryInvalid(problems)
    return forms


def _form_files(root: pathlib.Path) -> list[pathlib.Path]:
    # Sorted so that problems and "first file wins" are the same on every machine.
    files = []
    for path in sorted(root.rglob("*.json")):
        parts = path.relative_to(root).parts
        if parts[0] in SKIPPED_FOLDERS or any(part.startswith(".") for part in parts):
            continue
        if path.is_file():
            files.append(path)
    return files


def _display_name(root: pathlib.Path, relative: pathlib.PurePath) -> str:
    """`forms/demo/review.form.json`: short, and still says which folder it came from."""
    return (pathlib.PurePosixPath(root.name) / relative.as_posix()).as_posix() if root.name else relative.as_posix()
