"""Small helpers every area's views share: the app's Ipflow, and where a form may send people next."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app

from engine.container import Ipflow


def ipflow() -> Ipflow:
    return current_app.extensions["ipflow"]


def safe_next(target: str | None) -> str | None:
    """Only a path on this site (no scheme, no host): never an open redirect. Browsers read a
    backslash as a slash, so `/\\evil.example` is refused too."""
    if not target or "\\" in target or target.startswith("//") or any(ord(ch) < 32 for ch in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/") else None
