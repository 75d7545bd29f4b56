"""Use case: correct the process data of a SUSPENDED instance (a manager repairs what a step got
wrong before letting the case run on).

The data is what the instance page shows (the data the case carries now). The new data comes as
JSON text and must be a JSON object; its keys are the process's own keys or new plain names
(letters, digits and _, not starting with a digit or _, since scripts read them as variables);
`case_id` ties the process to its case and never changes. Only what differs is written: into the
data of every step the case is at (what flows on when the case resumes) and of the step that
changed last. The audit row keeps each changed key's value before and after.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from engine.container import Ipflow
from engine.db.models import DefinitionVersion, InstanceStatus
from engine.errors import Conflict, InvalidInput
from engine.runtime.data_edit import current_data, replace_data
from engine.runtime.state import dump_state, load_state
from engine.services.instance_operations import checked_reason
from engine.services.library import specs_for
from engine.services.stepping import audit, lock_instance
from engine.services.storable_json import check_storable

PLAIN_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
FIXED_KEYS = ("case_id",)
MAX_TEXT = 200_000


@dataclass(frozen=True)
class DataChange:
    instance_id: int
    before: dict[str, Any]  # changed and removed keys: their old values
    after: dict[str, Any]  # changed and added keys: their new values
    removed: tuple[str, ...]


def edit_process_data(ctx: Ipflow, instance_id: int, text: str, reason: str, actor: str) -> DataChange:
    """Replace the process data of a suspended instance with the JSON object `text`; audited."""
    reason = checked_reason(reason)
    wanted = parse_data(text)
    with ctx.db.transaction() as session:
        instance = lock_instance(ctx, session, instance_id)
        if instance.status != InstanceStatus.SUSPENDED:
            raise Conflict(f"process instance {instance_id} is {instance.status}; suspend it first, then edit its data")
        version = session.get(DefinitionVersion, instance.definition_version_id)
        workflow = load_state(instance.state, specs_for(ctx, version))
        have = current_data(workflow)
        change = _change(instance_id, have, wanted)
        if not change.after and not change.removed:
            raise InvalidInput("nothing changed", {"data": ["The data is the same as before; change a value or cancel."]})
        replace_data(workflow, {k: wanted[k] for k in change.after}, change.removed)
        instance.state = dump_state(workflow)
        instance.updated_at = ctx.clock.now()
        audit(session, ctx, "process_data_edited", actor, instance_id,
              data={"reason": reason, "before": change.before, "after": change.after, "removed": list(change.removed)})  # fmt: skip
    return change


def parse_data(text: object) -> dict[str, Any]:
    """The JSON object in `text`, or InvalidInput naming the line and column of the mistake."""
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput("give the process data", {"data": ['Give the data as a JSON object, like {"decision": "accept"}.']})
    if len(text) > MAX_TEXT:
        raise InvalidInput("the data is too long", {"data": [f"Keep the data under {MAX_TEXT:,} characters."]})
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            "the data is not valid JSON", {"data": [f"Line {exc.lineno}, column {exc.colno}: {exc.msg}."]}
        ) from None
    if not isinstance(data, dict):
        raise InvalidInput("the data must be a JSON object", {"data": ['Give an object in braces: {"key": value, ...}.']})
    check_storable(data, "the data holds values the register cannot store")
    return data


def _change(instance_id: int, have: dict[str, Any], wanted: dict[str, Any]) -> DataChange:
    problems: list[str] = []
    for key in FIXED_KEYS:
        if (key in have) != (key in wanted) or (key in have and _json(have[key]) != _json(wanted[key])):
            problems.append(f"'{key}' ties the process to its case and cannot be changed or removed.")
    for key in wanted:
        if key not in have and not PLAIN_KEY.match(key):
            problems.append(f"'{key}' is not a plain name: use letters, digits and _, starting with a letter.")
    if problems:
        raise InvalidInput("the data cannot be saved", {"data": problems})
    # Compared as JSON text: values the page showed as JSON (dates as text) count as unchanged.
    after = {k: v for k, v in wanted.items() if k not in have or _json(have[k]) != _json(v)}
    removed = tuple(sorted(k for k in have if k not in wanted))
    before = {k: _plain(have[k]) for k in [*after, *removed] if k in have}
    return DataChange(instance_id, before, after, removed)


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _plain(value: Any) -> Any:
    return json.loads(_json(value))


__all__ = ["DataChange", "edit_process_data", "parse_data"]
