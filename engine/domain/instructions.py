"""Instructions shown above a task's form: Markdown written by analysts, with Jinja over case data.

The template runs sandboxed. Every value it prints is escaped for Markdown, so an applicant named
`[click](http://x)` stays text; the Markdown renderer then escapes any HTML. What an analyst
writes can format; what an applicant typed cannot.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from engine.domain.letters import format_date, format_money
from engine.domain.markdown_text import render_markdown
from engine.errors import ScriptError

_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~&])")


def escape_markdown(value: Any) -> str:
    """A value as literal text inside Markdown (every punctuation mark that Markdown reads is escaped)."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", "" if value is None else str(value))


_ENV = ImmutableSandboxedEnvironment(autoescape=False, finalize=escape_markdown, trim_blocks=True, lstrip_blocks=True)
_ENV.filters["date"] = format_date
_ENV.filters["money"] = format_money


def check_instructions(source: str) -> str | None:
    """The syntax error in an instructions template, or None (deploy-time lint)."""
    try:
        _ENV.parse(source)
    except jinja2.TemplateSyntaxError as exc:
        return f"instructions line {exc.lineno}: {exc.message}"
    return None


def render_instructions(source: str, context: Mapping[str, Any], element_id: str = "") -> str:
    """Safe HTML of the instructions; a template mistake raises ScriptError naming the step."""
    try:
        text = _ENV.from_string(source).render(**context)
    except jinja2.TemplateError as exc:
        raise ScriptError(f"the instructions of this step cannot be shown: {exc}", element_id=element_id) from exc
    except Exception as exc:  # a sandbox refusal or a failing filter: the analyst's mistake, not a crash
        raise ScriptError(f"the instructions of this step cannot be shown: {type(exc).__name__}: {exc}", element_id=element_id) from exc
    return render_markdown(text)
