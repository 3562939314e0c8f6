"""Fold text for matching without moving any character: ``len(fold(s)) == len(s)``.

Folding lower-cases, strips diacritics (Türkiye → turkiye), and unifies apostrophes,
dashes and spaces, one character for one character, so an offset found in the folded text
is the same offset in the original.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

__all__ = ["fold", "is_word_char"]

_SPECIAL = {
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2007": " ",
    "\u201c": '"', "\u201d": '"',
    "\u0131": "i", "\u0130": "i", "\u00df": "s", "\u00f8": "o", "\u00d8": "o", "\u0141": "l",
    "\u0142": "l", "\u00e6": "a", "\u00c6": "a", "\u0111": "d", "\u0110": "d", "\u00f0": "d",
}


def _fold_char(char: str) -> str:
    if char in _SPECIAL:
        return _SPECIAL[char]
    base = unicodedata.normalize("NFKD", char)[:1] or char
    if unicodedata.combining(base):
        return char.lower() if len(char.lower()) == 1 else char
    lowered = base.lower()
    return lowered if len(lowered) == 1 else char


_COMMON = tuple((c, _SPECIAL[c]) for c in ("\u2019", "\u2018", "\u201c", "\u201d", "\u2013", "\u2014", "\u00a0"))


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    # Latin, Latin-1, Latin Extended A/B, general punctuation: the characters place names
    # in English news use. Others are lower-cased one by one (see fold).
    chars = [chr(c) for c in list(range(0x80, 0x250)) + list(range(0x2000, 0x2070)) + [0x02BC, 0x2212]]
    return {ord(c): _fold_char(c) for c in chars if _fold_char(c) != c}


def fold(text: str) -> str:
    """Lower-case and strip accents, keeping every character's offset."""
    if text.isascii():
        return text.lower()
    # News' own non-ASCII characters are mostly quotes and dashes: replaced in C, the text is
    # often ASCII again and skips the per-character table (four times slower).
    for char, plain in _COMMON:
        if char in text:
            text = text.replace(char, plain)
    if text.isascii():
        return text.lower()
    folded = text.translate(_table())
    lowered = folded.lower()
    if len(lowered) == len(folded):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in folded)


def is_word_char(char: str) -> bool:
    """True for letters and digits (what continues a word)."""
    return char.isalnum()
