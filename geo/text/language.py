"""Which language an article is written in: the sources file's word, else a detector's (no network).

lingua-language-detector (Apache-2.0) carries its models in the wheel; only the languages
below are loaded, in its low-accuracy mode (trigrams: fast, ~40 MB), which tells these apart
on a sentence or two. The answer is an ISO 639-1 code ("ar", "he", "tr", "en"…), "" when the
text is too short or mixed to say.
"""

from __future__ import annotations

import dataclasses
import threading
from functools import lru_cache

from ..types import Document

__all__ = ["DETECTED", "detect_language", "set_language"]

# The languages the region's outlets write in, and those a newsroom's English corpus brushes
# against: a French or Persian article is then named as such, not taken for Turkish.
DETECTED = ("en", "ar", "he", "tr", "fa", "fr", "de", "es", "ru", "ku")
SAMPLE_CHARS = 400  # the lede decides (0.3-0.5 ms an article here); the detector's time grows with the text
_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _detector():
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = []
    for code in DETECTED:
        try:
            languages.append(Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())))
        except (AttributeError, ValueError):  # a language this version of lingua does not have
            continue
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def detect_language(text: str) -> str:
    """The ISO 639-1 code of the text's language, or "" when the detector cannot say."""
    sample = " ".join(text[:SAMPLE_CHARS].split())
    if len(sample) < 12:
        return ""
    with _LOCK:  # built once, then shared by the threads of a server
        detector = _detector()
    found = detector.detect_language_of(sample)
    return found.iso_code_639_1.name.lower() if found is not None else ""


def set_language(doc: Document) -> Document:
    """Pipeline stage: the document's language, from its source when stated, else detected in its body."""
    stated = doc.article.source.language
    if stated:
        return dataclasses.replace(doc, language=stated)
    body = doc.text[doc.body.start:doc.body.end] if doc.body else doc.text
    return dataclasses.replace(doc, language=detect_language(body))
