"""Find candidate place names in the body's sentences (recognition, before resolution).

Longest match first against the gazetteer's trie, on text folded character for character
(so offsets stay those of the original). A name found in the trie still has to pass:
- its capitalisation: each word the gazetteer writes capitalised is capitalised in the text,
  acronyms (US, UK, EU) are upper case;
- the organisation rule: no mention inside the name of an outlet or organisation
  ("Times of Israel", "Middle East Eye", "Israeli Army Radio");
- the name rule: a place name glued to other capitalised words is part of a longer name
  ("Benjamin Netanyahu"), except in title-case headlines and before titles ("Texas Governor");
- the common-word rule: a name that is also a frequent English word (Nice, Reading, Of)
  needs a cue such as a locative preposition, and never counts at a sentence start.
"""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_right
from functools import cached_property

from ..gazetteer.build import COMMON, CONTEXT, DEMONYM, EXACT_CASE
from ..gazetteer.index import Gazetteer
from ..text.textnorm import fold
from ..types import Document, Match, Sentence

__all__ = ["PlaceMatcher"]

_UPPER = "".join(chr(c) for c in range(0x41, 0x2000) if chr(c).isupper())
_WORD = re.compile(r"[^\W_][\w'’.\-]*")
_SPACES = " \u00a0\u202f\u2009\t"  # one word from the next: no-break spaces count (pasted web text)
_SPACE_RUN = re.compile(r"[ \u00a0\u202f\u2009\t]")
_POSSESSIVE = re.compile(r"['’]s?$")
_WORD_ONLY = re.compile(r"[\w'’.\-]+")
_OPENING = " \t\"'“‘«([-–—"
_OPENING_RUN = re.compile(f"[{re.escape(_OPENING)}]*")


def _is_headline(sentence: str) -> bool:
    words = [w for w in _WORD.findall(sentence) if len(w) >= 4]
    if len(words) < 3:
        return False
    capitalised = sum(1 for w in words if w[0].isupper())
    return capitalised / len(words) >= 0.7


def _case_ok(surface: str, flags: int, mask: int) -> bool:
    if flags & EXACT_CASE:
        letters = [c for c in surface if c.isalpha()]
        return bool(letters) and all(c.isupper() for c in letters)
    for i, word in enumerate(surface.split()):
        if not (mask >> i) & 1 and not (word[:1].isupper() or word[:1].isdigit()):
            return False
    return True


class PlaceMatcher:
    """Pipeline stage: sets ``doc.matches`` (via ``match``) for each sentence of the body."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self.words = gazetteer.words
        self._cache: dict[str, tuple] = {}

    @cached_property
    def _probe(self) -> re.Pattern:
        lower = "|".join(sorted((re.escape(w) for w in self.gazetteer.lower_starts), key=len, reverse=True))
        return re.compile(rf"(?<![\w])((?:[{re.escape(_UPPER)}]|(?:{lower})(?=[\s\-]))[\w'’]*)")

    @cached_property
    def _skip_words(self) -> frozenset[str]:
        """Function words ("The", "In") that begin no name; probing them is wasted time."""
        keys = self.gazetteer.keys
        return frozenset(
            w for w in self.words.function_words
            if fold(w) not in keys and not any(True for _ in keys.iterkeys(fold(w) + " "))
        )

    def __call__(self, doc: Document) -> Document:
        return dataclasses.replace(doc, matches=tuple(self.match(doc)))

    def match(self, doc: Document) -> list[Match]:
        """All accepted name matches in the body, in text order."""
        if not doc.sentences:
            return []
        text = doc.text
        folded = fold(text)
        sentences = doc.sentences
        starts = [sentence.start for sentence in sentences]
        found: list[Match] = []
        names: set[str] = set()  # words seen inside longer names ("Mark Zuckerberg")
        headlines: dict[int, bool] = {}
        capitals: dict[int, bool] = {}  # sentence index -> all in capitals, computed once
        position = 0
        skip = self._skip_words
        for probe in self._probe.finditer(text, sentences[0].start, sentences[-1].end):
            start = probe.start()
            if start < position or probe.group(1) in skip:
                continue
            sentence = sentences[bisect_right(starts, start) - 1]
            if start >= sentence.end:
                continue  # between sentences: furniture
            longest = self._longest(text, folded, start, sentence.end)
            if longest is None:
                continue
            end, records = longest
            position = end
            if sentence.index not in headlines:
                headlines[sentence.index] = _is_headline(text[sentence.start:sentence.end])
            # A match, not a slice and strip: a sentence can be a whole article long (linear time).
            sentence_initial = _OPENING_RUN.match(text, sentence.start, start).end() == start
            match = self._accept(text, start, end, records, sentence, headlines[sentence.index], sentence_initial, names,
                                 capitals)
            if match is not None:
                found.append(match)
        # One sense per discourse: once "Zuckerberg" is part of a person's name, a later bare
        # "Zuckerberg" is the person too, unless the gazetteer knows it as a country or region.
        return [m for m in found if m.demonym or m.surface not in names or self._strong(m)]

    def _notable(self, records) -> bool:
        """A country, region or curated place, or a city of 100,000 people or more."""
        for entry, flags, _ in records:
            place = self.gazetteer.candidate(entry)
            if not flags & COMMON and (place.kind != "city" or place.method == "curated" or place.population >= 100_000):
                return True
        return False

    def _strong(self, match: Match) -> bool:
        special = self.gazetteer.special_count
        return any(entry < special and not flags & COMMON for entry, flags, _ in match.records)

    def _records(self, key: str) -> tuple:
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = tuple(self.gazetteer.records(key))
        return cached

    def _longest(self, text: str, folded: str, start: int, limit: int):
        # Slice no further than the longest name, not to the sentence end: a sentence can be
        # a whole article long, and this runs for every capitalised word (linear time).
        for key in reversed(self.gazetteer.prefixes(folded[start:min(limit, start + self.gazetteer.max_key_length)])):
            end = start + len(key)
            if end < limit and text[end].isalnum():
                continue
            surface = text[start:end]
            records = tuple(r for r in self._records(key) if _case_ok(surface, r[1], r[2]))
            if records:
                return end, records
        return None

    def _accept(self, text, start, end, records, sentence, headline, sentence_initial, names,
                capitals) -> Match | None:
        words = self.words
        surface = text[start:end]
        if surface.lower() in words.never_alone:
            return None
        # "NATO", "APC": an acronym is not the town "Nato"; upper case counts only in a
        # dateline (ERBIL, TEL AVIV) or an upper-case line.
        shouted = _shouted(surface) and not any(flags & EXACT_CASE for _, flags, _ in records)
        if shouted and not (sentence_initial or _all_capitals(text, sentence, capitals)):
            return None
        if self._in_organisation_name(text, start, end, sentence):
            return None
        if any(flags & DEMONYM for _, flags, _ in records):
            # "Canadian", "American": the adjective, not the town of Canadian, Texas.
            records = tuple(r for r in records if r[1] & DEMONYM or self.gazetteer.candidate(r[0]).kind == "country")
        demonym = all(flags & DEMONYM for _, flags, _ in records)
        if not demonym:
            records = tuple(r for r in records if not r[1] & DEMONYM)
            # Title case glues every word together, so a headline lets strong names through.
            if (not headline or not self._notable(records)) and self._glued_to_name(text, start, end, sentence, sentence_initial):
                names.add(surface)
                return None
            if all(flags & COMMON for _, flags, _ in records):
                previous = _previous_word(text, start, sentence.start)
                if headline or sentence_initial or (previous or "").lower() not in words.locative_cues:
                    return None
        needs_context = all(flags & CONTEXT for _, flags, _ in records)
        after_cue = (_previous_word(text, start, sentence.start) or "").lower() in words.locative_cues
        return Match(start, end, surface, sentence.index, records, demonym, needs_context, after_cue)

    def _in_organisation_name(self, text: str, start: int, end: int, sentence: Sentence) -> bool:
        heads = self.words.org_heads
        for word in _following_capitalised(text, end, sentence.end, 3):
            if word in heads:
                return True
        before = _previous_words(text, start, sentence.start, 4)
        if before and before[0] in ("of", "for", "de"):
            return any(w in heads for w in before[1:] if w[:1].isupper())
        return False

    def _glued_to_name(self, text: str, start: int, end: int, sentence: Sentence, sentence_initial: bool) -> bool:
        words = self.words
        if start > 1 and text[start - 1] == "-":
            particle = _WORD_ONLY.search(text, max(sentence.start, start - 6), start - 1)
            if particle and particle.group().lower() in words.name_particles:
                return True  # "Ain" in "Ras al-Ain" is part of a longer Arabic name
        following = _next_word(text, end, sentence.end)
        if following:
            particle = following.split("-")[0].lower()
            if "-" in following and particle in words.name_particles and following.split("-", 1)[1][:1].isupper():
                return True
            capitalised = following[:1].isupper() and following not in words.title_words
            if capitalised and following.lower() not in words.never_alone and fold(following) not in self.gazetteer.keys:
                return True
        previous = _previous_word(text, start, sentence.start)
        if previous and previous[:1].isupper() and previous not in words.title_words:
            if previous in words.function_words or previous.isupper() or _POSSESSIVE.search(previous):
                return False  # "In Syria", "ERBIL", "Syria’s Palmyra": not one name
            return fold(previous) not in self.gazetteer.keys
        return False


def _shouted(surface: str) -> bool:
    letters = [c for c in surface if c.isalpha()]
    return 0 < len(letters) <= 5 and all(c.isupper() for c in letters)


def _next_word(text: str, end: int, limit: int) -> str | None:
    """The word right after ``end`` when only one space separates them."""
    if end + 1 >= limit or text[end] not in _SPACES:
        return None
    word = _WORD.match(text, end + 1, limit)
    return word.group().rstrip(".'’") if word else None


def _all_capitals(text: str, sentence: Sentence, known: dict[int, bool]) -> bool:
    """Whether the sentence is all capitals, looked at once per sentence (a sentence can be an article long)."""
    if sentence.index not in known:
        known[sentence.index] = text[sentence.start:sentence.end].isupper()
    return known[sentence.index]


def _previous_word(text: str, start: int, limit: int) -> str | None:
    words = _previous_words(text, start, limit, 1)
    return words[0] if words else None


def _previous_words(text: str, start: int, limit: int, limit_words: int) -> list[str]:
    """Up to ``limit_words`` words before ``start``, nearest first, stopping at punctuation."""
    window = text[max(limit, start - 24 * limit_words):start]
    if not window or window[-1] not in _SPACES:
        return []
    words = []
    for token in reversed(_SPACE_RUN.split(window[:-1])):
        if len(words) == limit_words or not _WORD_ONLY.fullmatch(token):
            break
        words.append(token)
    if words and start - len(" ".join(reversed(words))) - 1 < limit:
        words.pop()  # cut by the window or the sentence start: not a whole word
    return words


def _following_capitalised(text: str, end: int, limit: int, limit_words: int) -> list[str]:
    words = []
    position = end
    while len(words) < limit_words:
        word = _next_word(text, position, limit)
        if not word or not word[:1].isupper():
            break
        words.append(word)
        position = text.index(word, position) + len(word)
    return words
