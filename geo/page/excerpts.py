"""Excerpts for display: the sentence with the place name marked, and text escaped for the page.

Article text is data. Sentences, context and titles go out as HTML with every character
escaped (``highlighted_html``, ``escape_html``): HTML has no autolinks, shortcodes or
typographic rewriting, which Streamlit's Markdown applies even to escaped text, so the reader
sees exactly what the article says. ``<bdi>`` isolates article strings, so a right-to-left
override inside one cannot reorder the words around it. Strings that must be Markdown
(headings, labels) are backslash-escaped (``escape_markdown``, ``escape_label``).
"""

from __future__ import annotations

import html
import re

__all__ = ["escape_html", "escape_label", "escape_markdown", "highlighted_html", "isolated"]

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>$~:&\"'=^])")


# "&" only where it starts a character reference, which Markdown would decode.
_LABEL_SPECIAL = re.compile(r"([\\`*_~\[\]<>$:]|&(?=#?\w+;))")


def escape_label(text: str) -> str:
    """Escape only what acts in a widget label, so screen readers hear ordinary names unchanged."""
    escaped = _LABEL_SPECIAL.sub(r"\\\1", text.replace("\r", " ").replace("\n", " "))
    return "\\" + escaped if escaped.startswith("#") else escaped


def escape_markdown(text: str) -> str:
    """Backslash-escape every character Markdown (or Streamlit's LaTeX) would interpret."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text.replace("\r", " ").replace("\n", " "))


def escape_html(text: str) -> str:
    """Text as HTML that shows every character as written (quotes too: safe in attributes)."""
    return html.escape(text, quote=True)


def isolated(text: str) -> str:
    """Escaped text in ``<bdi>``: its own direction, which never leaks into the words around it."""
    return f"<bdi>{escape_html(text)}</bdi>"


def highlighted_html(text: str, sentence_start: int, sentence_end: int, spans) -> str:
    """The sentence as escaped HTML with each mention span (start, end) in ``<strong>``.

    Spans are offsets into ``text``; overlapping or out-of-sentence spans are clipped, so a
    sentence naming "Palmyra (Tadmor)" shows once with both names marked.
    """
    pieces, cursor = [], sentence_start
    for start, end in sorted(spans):
        start, end = max(start, cursor), min(end, sentence_end)
        if start >= end:
            continue
        pieces += [escape_html(text[cursor:start]), f"<strong>{escape_html(text[start:end])}</strong>"]
        cursor = end
    pieces.append(escape_html(text[cursor:sentence_end]))
    return "".join(pieces)
