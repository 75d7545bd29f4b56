"""Markdown written by analysts (form texts, task instructions) turned into HTML that is safe to show.

The source comes from the process library, which analysts edit in the browser, so it is
treated as untrusted: raw HTML is escaped rather than passed through, and links or images
whose address would run code or smuggle a document (javascript:, vbscript:, file:, data:) are
not made into links at all. Everything else is CommonMark plus GitHub-style tables.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

# markdown-it's own check lets `data:image/png;...` through; our Content-Security-Policy would
# block such an image anyway, so refusing every data: address keeps the rule simple to state.
_REFUSED_SCHEME = re.compile(r"^(?:javascript|vbscript|file|data):", re.IGNORECASE)
# Browsers ignore tabs, newlines and other control characters inside a scheme ("java\tscript:").
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20]+")


class _SafeMarkdown(MarkdownIt):
    """CommonMark with raw HTML off, tables on, and a stricter link check."""

    def __init__(self) -> None:
        super().__init__("commonmark", {"html": False, "linkify": False, "typographer": False})
        self.enable(["table", "strikethrough"])

    def validateLink(self, url: str) -> bool:  # noqa: N802 (markdown-it's name)
        """False for addresses that would run script or embed a document; the link stays text."""
        return not _REFUSED_SCHEME.match(_IGNORED_IN_SCHEME.sub("", url))


_MARKDOWN = _SafeMarkdown()


def render_markdown(text: str, heading_offset: int = 0) -> str:
    """HTML for `text`: headings, emphasis, lists, links, tables; any HTML in the source is escaped.

    `heading_offset` moves headings down (2: `#` becomes <h3>) for text shown inside a page that
    has its own headings, such as a form-js text written as if the form were the page."""
    if not text:
        return ""
    if not heading_offset:
        return _MARKDOWN.render(text)
    env: dict = {}
    tokens = _MARKDOWN.parse(text, env)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + heading_offset, 6)}"
    return _MARKDOWN.renderer.render(tokens, _MARKDOWN.options, env)
