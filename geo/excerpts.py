"""Excerpts for display: the sentence with the place name marked, safe as Markdown.

Article text is data: every Markdown, HTML and LaTeX metacharacter is escaped, so a
sentence can neither format itself nor inject markup; only our own ``**`` marks the name.
"""

from __future__ import annotations

import re

__all__ = ["escape_markdown", "highlighted_sentence"]

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>$~:&\"'=^])")


def escape_markdown(text: str) -> str:
    """Backslash-escape every character Markdown (or Streamlit's LaTeX) would interpret."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text.replace("\r", " ").replace("\n", " "))


def highlighted_sentence(text: str, sentence_start: int, sentence_end: int, start: int, end: int) -> str:
    """The sentence as escaped Markdown with the mention in bold."""
    before = escape_markdown(text[sentence_start:start])
    name = escape_markdown(text[start:end])
    after = escape_markdown(text[end:sentence_end])
    return f"{before}**{name}**{after}"
