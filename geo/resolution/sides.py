"""Pipeline stage: a country, region or zone named with a compass word is that side of it
("southern Lebanon", "the north of Iraq", "بجنوب لبنان", "בדרום לבנון", "Irak'ın kuzeyinde"), not
the whole (issue 24, item 4).

The words come from data/sides.toml; the sides are places of the index (geo.gazetteer.sides). The
mention then covers the words with the name, as a reader would underline it, and its note says why.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from ..gazetteer.build import load_languages
from ..gazetteer.index import Gazetteer
from ..gazetteer.sides import side_words_table
from ..types import Document, Mention

_GENITIVE_AND_WORD = re.compile(r"['’]\w+\s+(\w+)\b")
_NEXT_WORD = re.compile(r"[ \u00a0](\w+)\b")
MAX_PHRASE_WORDS = 5


@dataclasses.dataclass(frozen=True)
class SideWords:
    """data/sides.toml, read: phrases before a name (lower case, as word tuples) and words after its genitive."""

    before: dict[tuple[str, ...], str]  # ("the", "south", "of") -> "south"
    after: dict[str, str]  # "güneyinde" -> "south"
    prefixes: tuple[str, ...]  # written onto a phrase's first word (Arabic, Hebrew), longest first
    # With a nationality word: "الجنوب اللبناني" (the Lebanese south), "the Syrian north".
    before_nationality: dict[tuple[str, ...], str] = dataclasses.field(default_factory=dict)
    after_nationality: dict[str, str] = dataclasses.field(default_factory=dict)
    determiners: frozenset[str] = frozenset()  # a phrase's first word left out of the mention ("the north of Iraq")


def load_side_words(path: Path, languages: dict) -> SideWords:
    table = side_words_table(path)
    before: dict[tuple[str, ...], str] = {}
    after: dict[str, str] = {}
    before_nationality: dict[tuple[str, ...], str] = {}
    after_nationality: dict[str, str] = {}
    for words in table.values():
        for phrases, into in ((words.get("before"), before), (words.get("before_nationality"), before_nationality)):
            for side, listed in (phrases or {}).items():
                for phrase in listed:
                    into[tuple(phrase.lower().split())] = side
        # As written: a capital begins a name ("Israel's West Bank"), not a side.
        for endings, into in ((words.get("after"), after), (words.get("after_nationality"), after_nationality)):
            for side, listed in (endings or {}).items():
                for word in listed:
                    into[word] = side
    prefixes = {p for language in languages.values() for p in language.get("prefixes", [])}
    determiners = frozenset(w.lower() for words in table.values() for w in words.get("determiners", []))
    return SideWords(before, after, tuple(sorted(prefixes, key=len, reverse=True)), before_nationality,
                     after_nationality, determiners)


def _words_before(text: str, start: int, count: int) -> list[tuple[str, int]]:
    """Up to ``count`` words right before ``start`` on its line, nearest first, each with where it starts."""
    words: list[tuple[str, int]] = []
    end = start
    for _ in range(count):
        stop = end
        while stop > 0 and text[stop - 1] in " \t\u00a0":
            stop -= 1
        if stop == end:  # no space before it: the word is glued to something, or the line begins
            break
        begin = stop
        while begin > 0 and not text[begin - 1].isspace():
            begin -= 1
        if begin == stop:
            break
        words.append((text[begin:stop], begin))
        end = begin
    return words


def _word_after(text: str, end: int, pattern: re.Pattern, words: dict[str, str]) -> tuple[str, int, int] | None:
    """(side, end, end of the side word) when ``pattern``, matched at ``end``, captures a side's word: after a
    name's genitive ("Irak'ın kuzeyinde", "Lebanon's south"), or after a nationality word ("the Syrian north")."""
    found = pattern.match(text, end)
    if found and (side := words.get(found.group(1))) is not None:
        return side, end, found.end(1)
    return None


class SideLinker:
    """Moves a mention of a whole place to the side its words name, when the index has that side."""

    def __init__(self, gazetteer: Gazetteer, words: SideWords | None = None) -> None:
        self.gazetteer = gazetteer
        self.words = words or load_side_words(gazetteer.data_dir / "sides.toml",
                                              load_languages(gazetteer.data_dir / "languages.toml"))
        # Each phrase table's last words, for a quick first look at the word before a name.
        self._before_last = tuple({phrase[-1] for phrase in self.words.before})
        self._nationality_last = tuple({phrase[-1] for phrase in self.words.before_nationality})

    def __call__(self, doc: Document) -> Document:
        if not doc.mentions:
            return doc
        mentions = list(doc.mentions)
        for i, mention in enumerate(doc.mentions):
            moved = self._side(doc.text, mention)
            # Never over another name: "Syria's north Aleppo" keeps Aleppo, and Syria stays whole.
            if moved is not mention and not any(other.start < moved.end and moved.start < other.end
                                                 for j, other in enumerate(doc.mentions) if j != i):
                mentions[i] = moved
        return dataclasses.replace(doc, mentions=tuple(mentions))

    def _side(self, text: str, mention: Mention) -> Mention:
        if mention.type not in ("toponym", "demonym") or self.gazetteer.side(mention.place_id, "north") is None:
            return mention  # not a place with sides: nothing to read
        words = self.words
        if mention.type == "toponym":
            found = (self._before(text, mention.start, words.before, self._before_last)
                     or _word_after(text, mention.end, _GENITIVE_AND_WORD, words.after))
        else:  # a nationality word names its country's side with the word for it: "الجنوب اللبناني"
            found = (self._before(text, mention.start, words.before_nationality, self._nationality_last)
                     or _word_after(text, mention.end, _NEXT_WORD, words.after_nationality))
        if found is None:
            return mention
        side, start, end = found
        place_id = self.gazetteer.side(mention.place_id, side)
        if place_id is None:
            return mention
        start, end = min(start, mention.start), max(end, mention.end)
        whole = self.gazetteer.place(mention.place_id).name
        return dataclasses.replace(
            mention, start=start, end=end, surface=text[start:end], place_id=place_id, alternatives=(), type="toponym",
            note=f"the words with it name the {side} of {whole}, not all of it")

    def _before(self, text: str, start: int, phrases: dict[tuple[str, ...], str],
                last_words: tuple[str, ...]) -> tuple[str, int, int] | None:
        """(side, start of the phrase, start) when a side phrase ends right before ``start``."""
        words = _words_before(text, start, 1)
        # Most names follow "in" or "the": one look at the word before, against every phrase's last word.
        if not words or not words[0][0].lower().endswith(last_words):
            return None
        words = _words_before(text, start, MAX_PHRASE_WORDS)
        for size in range(min(len(words), MAX_PHRASE_WORDS), 0, -1):
            phrase = [word for word, _ in reversed(words[:size])]
            first, first_start = phrase[0].lower(), words[size - 1][1]
            rest = tuple(word.lower() for word in phrase[1:])
            if (side := phrases.get((first, *rest))) is not None:
                if first in self.words.determiners and size > 1:  # the name begins after "the", as GeoWebNews marks it
                    first_start = words[size - 2][1]
                return side, first_start, start
            for prefix in self.words.prefixes:  # "بجنوب": in + south
                if first.startswith(prefix) and (side := phrases.get((first[len(prefix):], *rest))):
                    return side, first_start + len(prefix), start
        return None

