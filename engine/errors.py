"""The one exception tree of ipflow. Callers catch the base, or the branch they can act on.

    IpflowError
     ├── ConfigError            a setting is missing or wrong (names the key)
     ├── LibraryInvalid         BPMN/DMN/forms failed validation (carries Problem lines)
     ├── NotFound               an instance, task, user, process or message target does not exist
     ├── PermissionDenied       the actor may not do this
     │    └── NotAuthenticated  no credentials, or ones that are unknown, expired or revoked
     ├── Conflict               the state does not allow it now
     │    ├── ConcurrentUpdate  someone else changed the instance first (retry is safe)
     │    └── NoMatch           a message matched no subscription, or several
     ├── InvalidInput           bad data from a person or a client (field -> messages)
     ├── ScriptError            analyst code was refused by the sandbox or failed when it ran
     └── OperatorError          a service operator failed (the worker may retry it)
"""

from __future__ import annotations

from dataclasses import dataclass


class IpflowError(Exception):
    """Base of every error ipflow raises on purpose."""


class ConfigError(IpflowError):
    def __init__(self, key: str, message: str):
        self.key = key
        super().__init__(f"setting {key!r}: {message}")


@dataclass(frozen=True)
class Problem:
    """One validation finding, printed as `file:line: element-id: message`."""

    file: str
    line: int | None
    element_id: str
    message: str

    def __str__(self) -> str:
        line = self.line if self.line else 0
        return f"{self.file}:{line}: {self.element_id or '-'}: {self.message}"


class LibraryInvalid(IpflowError):
    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class NotFound(IpflowError):
    pass


class PermissionDenied(IpflowError):
    pass


class NotAuthenticated(PermissionDenied):
    pass


class Conflict(IpflowError):
    pass


class ConcurrentUpdate(Conflict):
    pass


class NoMatch(Conflict):
    """A message matched no waiting instance (`matches == 0`) or more than one."""

    def __init__(self, message: str, matches: int):
        self.matches = matches
        super().__init__(message)


class InvalidInput(IpflowError):
    def __init__(self, message: str, fields: dict[str, list[str]] | None = None):
        self.fields = dict(fields or {})
        detail = "; ".join(f"{k}: {', '.join(v)}" for k, v in sorted(self.fields.items()))
        super().__init__(f"{message} ({detail})" if detail else message)


class ScriptError(IpflowError):
    """Analyst code refused or failed; names the element and the line inside the script."""

    def __init__(self, message: str, element_id: str = "", line: int | None = None):
        self.element_id = element_id
        self.line = line
        where = element_id or "script"
        if line:
            where += f" line {line}"
        super().__init__(f"{where}: {message}")


class OperatorError(IpflowError):
    pass
