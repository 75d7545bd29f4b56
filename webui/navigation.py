"""Small helpers every area's views share: the app's Ipflow, where a form may send people next,
and what to tell them when their input was refused."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app

from engine.container import Ipflow
from engine.errors import InvalidInput


def ipflow() -> Ipflow:
    return current_app.extensions["ipflow"]


def safe_next(target: str | None) -> str | None:
    """Only a path on this site (no scheme, no host): never an open redirect. Browsers read a
    backslash as a slash, so `/\\evil.example` is refused too."""
    if not target or "\\" in target or target.startswith("//") or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/") else None


def field_messages(exc: InvalidInput) -> list[str]:
    """The messages a person can act on (the fields' own), else the error's sentence."""
    return [m for messages in (exc.fields or {}).values() for m in messages] or [str(exc)]
