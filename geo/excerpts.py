"""Excerpts for display: the sentence with the place name marked, safe as Markdown.

Article text is data: every Markdown, HTML and LaTeX metacharacter is escaped, so a
sentence can neither format itself nor inject markup; only our own ``**`` marks the name.
"""

from __future__ import annotations

import re

__all__ = ["escape_label", "escape_markdown", "highlighted_sentence"]

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


def highlighted_sentence(text: str, sentence_start: int, sentence_end: int, spans) -> str:
    """The sentence as escaped Markdown with each mention span (start, end) in bold.

    Spans are offsets into ``text``; overlapping or out-of-sentence spans are clipped, so a
    sentence naming "Palmyra (Tadmor)" shows once with both names marked.
    """
    pieces, cursor = [], sentence_start
    for start, end in sorted(spans):
        start, end = max(start, cursor), min(end, sentence_end)
        if start >= end:
            continue
        pieces += [escape_markdown(text[cursor:start]), f"**{escape_markdown(text[start:end])}**"]
        cursor = end
    pieces.append(escape_markdown(text[cursor:sentence_end]))
    return "".join(pieces)
