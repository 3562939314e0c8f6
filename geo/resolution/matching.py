"""Find candidate place names in the body's sentences (recognition, before resolution).

Longest match first against the gazetteer's trie, on text folded character for character
(so offsets stay those of the original). A name found in the trie still has to pass (word
lists in data/name_words.toml; the words around a candidate are read once for all rules):
- its capitalisation: each word the gazetteer writes capitalised is capitalised in the text,
  acronyms (US, UK, EU) are upper case;
- the organisation rule: no mention inside the name of an outlet or organisation
  ("Times of Israel", "Middle East Eye", "Israeli Army Radio"), that occurrence only;
- the name rule: a place name glued to other capitalised words is part of a longer name
  ("Benjamin Netanyahu"), except in title-case headlines and before titles ("Texas Governor");
  after a given name it is a surname, and so is the same name later ("David Watson");
- the person rule: a title before ("Sen. Lincoln"), a verb of saying after a name that is
  no country, region or large city ("Bryant said");
- the common-word rule: a name that is also a frequent English word (Nice, Reading, Of)
  needs a cue such as a locative preposition or "Town, " before, and never counts at a
  sentence start;
- compass words before a place name modify it ("North Africa"); abbreviations that are also
  words or postal codes count only after "Town, " ("Jackson, Miss.").

Arabic and Hebrew have no capitals to probe by: there every word is looked up, as Europe Media
Monitor does, with and without the letters written onto it (Arabic و ف ب ل ك and ال, Hebrew
ה ב ל מ ו ש כ; data/languages.toml), over the text without its vowel marks; the span is the
name's own, after the prefix. A name that is also a frequent word of the language needs a cue
("في", "ב") or the article's naming its country, as in English.
"""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_right
from functools import cached_property

from ..gazetteer.build import AFTER_TOWN, COMMON, CONTEXT, DEMONYM, EXACT_CASE, PEOPLE, PHRASE, REGION_WORDS, load_languages
from ..gazetteer.index import Gazetteer
from ..text.textnorm import CASELESS, CASELESS_LETTERS, caseless_language, fold, fold_lower_case, without_marks
from ..types import Document, Match, Sentence

__all__ = ["PlaceMatcher"]

_UPPER = "".join(chr(c) for c in range(0x41, 0x2000) if chr(c).isupper())
_WORD = re.compile(r"[^\W_][\w'’.\-]*")
_SPACES = " \u00a0\u202f\u2009\t"  # one word from the next: no-break spaces count (pasted web text)
_SPACE_RUN = re.compile(r"[ \u00a0\u202f\u2009\t]")
# "Syria’s", and Turkish case endings after an apostrophe ("İsrail'in", "Suriye'deki"): the word
# is a name with its ending, not the first half of a longer name.
_POSSESSIVE = re.compile(r"['’](?:s?|[a-zçğıöşü]{1,5})$")
_WORD_ONLY = re.compile(r"[\w'’.\-]+")
_OPENING = " \t\"'“‘«([-–—"
_OPENING_RUN = re.compile(f"[{re.escape(_OPENING)}]*")
_TITLE_BEFORE = re.compile(r"(?<![\w.])([A-Z][a-z]{1,4}\.)[ \u00a0]$")  # "Sen. ", "Gov. "
_MODIFIER = re.compile(r"-[a-z]+$")  # a compound ending in a lower-case word ("Israeli-occupied")
_WORD_BEFORE_COMMA = re.compile(r"[^\W_][\w'’.\-]*$")
# A word in Arabic or Hebrew script (with the geresh and apostrophe Hebrew names carry).
_CASELESS_WORD = re.compile(f"[{CASELESS_LETTERS}][{CASELESS_LETTERS}'\u05f3]*")


def _is_headline(sentence: str) -> bool:
    if len(sentence) > 400:
        return False  # a headline is a line, not a paragraph (and this runs once per sentence)
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


def _bare(surface: str) -> bool:
    """Whether a name is written without a word for a division ("القنيطرة", not "محافظة القنيطرة")."""
    return not any(word in REGION_WORDS for word in surface.split())


class PlaceMatcher:
    """Pipeline stage: sets ``doc.matches`` (via ``match``) for each sentence of the body."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self.words = gazetteer.words
        self._cache: dict[str, tuple] = {}
        self._cased: dict[str, tuple] = {}
        self._demonym_records: dict[tuple, tuple] = {}

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

    @cached_property
    def _scripts(self) -> dict[str, tuple[tuple[str, ...], frozenset[str], tuple[str, ...], frozenset[str]]]:
        """Per caseless script ("ar", "he"): its prefixes, shortest first (of two readings ending alike, the longer
        name wins: و + القدس, not وال + قدس), its cue words, its conjunctions ("و", "أو") and the prefixes that
        carry the definite article ("ה")."""
        languages = load_languages(self.gazetteer.data_dir / "languages.toml")
        return {language: (tuple(sorted((fold(p) for p in table.get("prefixes", [])), key=len)),
                           frozenset(fold(c) for c in table.get("cues", [])),
                           tuple(fold(c) for c in table.get("conjunctions", [])),
                           frozenset(fold(a) for a in table.get("articles", [])))
                for language, table in languages.items() if table.get("script") in ("arabic", "hebrew")}

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
        following, count = 0, len(starts)  # the index of the first sentence after the probe
        skip = self._skip_words
        # Outside English a capital at a sentence's start glues nothing on ("Görüşmede Suriye'deki").
        foreign = doc.language not in ("", "en")
        # Capitals as written, lower-case letters without accents: a name that starts in lower case
        # ("güney Suriye") is probed by its folded first word, as the gazetteer keeps it.
        for probe in self._probe.finditer(fold_lower_case(text), sentences[0].start, sentences[-1].end):
            start = probe.start()
            if start < position or probe.group(1) in skip:
                continue
            while following < count and starts[following] <= start:  # probes come in text order
                following += 1
            sentence = sentences[following - 1]
            if start >= sentence.end:
                continue  # between sentences: furniture
            longest = self._longest(text, folded, start, sentence.end)
            if longest is None:
                continue
            end, records = longest
            position = end
            # A match, not a slice and strip: a sentence can be a whole article long (linear time).
            sentence_initial = _OPENING_RUN.match(text, sentence.start, start).end() == start
            listed = bool(found) and found[-1].sentence_index == sentence.index and self._joins_list(
                text, found[-1].end, start)
            match = self._accept(text, start, end, records, sentence, headlines, sentence_initial, names, capitals,
                                 foreign, listed)
            if match is not None:
                found.append(match)
        if CASELESS.search(text, sentences[0].start, sentences[-1].end):
            found = _outermost([*found, *self._caseless(text, folded, sentences)])
        # One sense per discourse: once "Zuckerberg" is part of a person's name, a later bare
        # "Zuckerberg" is the person too, unless the gazetteer knows it as a country or region.
        return [m for m in found if m.demonym or m.surface not in names or self._strong(m)]

    def _caseless(self, text: str, folded: str, sentences) -> list[Match]:
        """Names in Arabic and Hebrew script: every word looked up, with and without its prefixes."""
        skeleton, positions = without_marks(folded)

        def original(i: int) -> int:  # an offset of the skeleton in the text
            return i if positions is None else (positions[i] if i < len(positions) else len(text))

        def own(i: int) -> int:  # an offset of the text in the skeleton
            return i if positions is None else bisect_right(positions, i - 1)

        found: list[Match] = []
        starts = [s.start for s in sentences]
        first, last = own(sentences[0].start), own(sentences[-1].end)
        consumed = first
        previous_word = ""
        place_end = -1  # where the last place accepted ends (in the skeleton): a list may go on from it
        for word in _CASELESS_WORD.finditer(skeleton, first, last):
            at = word.start()
            if at < consumed:
                continue
            sentence = sentences[bisect_right(starts, original(at)) - 1]
            limit = own(sentence.end)
            if at >= limit:
                continue
            language = caseless_language(word.group()[0])
            prefixes, cues, conjunctions, articles = self._scripts.get(language, ((), frozenset(), (), frozenset()))
            best = None
            for prefix in ("", *prefixes):
                if prefix and not (word.group().startswith(prefix) and len(word.group()) > len(prefix) + 1):
                    continue
                start = at + len(prefix)
                for key in self.gazetteer.names_at(skeleton, start, limit, skeleton):
                    records = self._records(key)
                    if prefix in cues and records and all(flags & PHRASE for _, flags, _ in records):
                        break  # the whole word is a commoner word than "in" + the name ("באזור", in the area)
                    if prefix in articles and records and all(flags & COMMON for _, flags, _ in records):
                        break  # "the" + a common word is the word ("המדינה", the state): town names take no article
                    if records and (best is None or start + len(key) > best[1]):
                        best = (start, start + len(key), records, prefix)
                    break  # the longest name from here; a shorter reading only with a longer prefix
            cue = previous_word in cues
            previous_word = word.group()
            if best is None:
                continue
            start, end, records, prefix = best
            sentence_initial = original(at) == _OPENING_RUN.match(text, sentence.start, original(at)).end()
            # "في حلب وإدلب والباب": a name joined to the place before it by "و" or "أو" is in the same
            # slot, a place too; the cue before the list's first name counts for every name of it.
            listed = place_end >= first and _in_list(skeleton[place_end:at], prefix, conjunctions)
            prefix_cue = bool(prefix) and prefix in cues
            match = self._accept_caseless(text, original(start), original(end - 1) + 1, records, sentence,
                                          cue or listed or prefix_cue, sentence_initial)
            if match is not None:
                found.append(match)
                consumed = end
                if not match.demonym:
                    place_end = end
        return found

    def _accept_caseless(self, text: str, start: int, end: int, records, sentence: Sentence, cue: bool,
                         sentence_initial: bool) -> Match | None:
        """The rules that hold without capitals: nationality words, and frequent words needing a cue."""
        records = self._nationality_records(records)
        demonym = all(flags & DEMONYM for _, flags, _ in records)
        if not demonym:
            if any(flags & DEMONYM for _, flags, _ in records):
                records = tuple(r for r in records if not r[1] & DEMONYM)
            if all(flags & COMMON for _, flags, _ in records) and (sentence_initial or not cue):
                return None
        needs_context = all(flags & CONTEXT for _, flags, _ in records)
        if not cue and not demonym and all(self._foreign_town(entry) or (self._region(entry) and _bare(text[start:end]))
                                           for entry, _, _ in records):
            # No capital says it is a name: a GeoNames town without "in" before it counts only when the
            # article names its country ("לא פורטו" is "not detailed", not Porto); so does a first-level
            # region named without its division word ("القنيطرة", the governorate and its town).
            needs_context = True
        people = demonym and all(flags & PEOPLE for _, flags, _ in records)
        return Match(start, end, text[start:end], sentence.index, records, demonym, needs_context, cue, people)

    def _region(self, entry: int) -> bool:
        """A first-level region of GeoNames' (not a curated place)."""
        place = self.gazetteer.candidate(entry)
        return place.kind == "region" and place.method == "geonames"

    def _foreign_town(self, entry: int) -> bool:
        """A GeoNames town or district of under a million people (a city that size is news anywhere)."""
        return entry >= self.gazetteer.special_count and self.gazetteer.candidate(entry).population < 1_000_000

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
        cased = self._cased
        for key in self.gazetteer.names_at(text, start, limit, folded):
            end = start + len(key)
            surface = text[start:end]
            records = cased.get(surface)
            if records is None:  # the records whose capitalisation this surface has (memoised per surface)
                records = tuple(r for r in self._records(key) if _case_ok(surface, r[1], r[2]))
                if len(cased) > 200_000:
                    cased.clear()
                cased[surface] = records
            if records:
                return end, records
        return None

    def _joins_list(self, text: str, end: int, start: int) -> bool:
        """Whether only a comma or a conjunction ("and", "or") joins a place ending at ``end`` to a name at ``start``."""
        gap = text[end:start]
        if len(gap) > 8 or not gap[-1:].isspace():
            return False
        words = gap.replace(",", " ").split()
        return (words == [] and "," in gap) or (len(words) == 1 and words[0].lower() in self.words.conjunctions)

    def _accept(self, text, start, end, records, sentence, headlines, sentence_initial, names,
                capitals, foreign: bool = False, listed: bool = False) -> Match | None:
        words = self.words
        surface = text[start:end]
        if surface.lower() in words.never_alone:
            return None
        # The words around, looked at once per candidate by every rule below.
        before = _previous_words(text, start, sentence.start, 4)
        previous = before[0] if before else ""
        following = _next_word(text, end, sentence.end) or ""
        if surface in words.compass_words and following and self._starts_name(text, end + 1):
            return None  # "North Africa", "South Florida": the place is the next name
        if any(flags & AFTER_TOWN for _, flags, _ in records) and not _after_town(text, start, sentence.start):
            # "Jackson, Miss." and "Lexington, KY", never the title "Miss." or the word "IN"
            records = tuple(r for r in records if not r[1] & AFTER_TOWN)
            if not records:
                return None
        # "NATO", "APC": an acronym is not the town "Nato"; upper case counts only in a
        # dateline (ERBIL, TEL AVIV) or an upper-case line.
        shouted = _shouted(surface) and not any(flags & EXACT_CASE for _, flags, _ in records)
        if shouted and not (sentence_initial or _all_capitals(text, sentence, capitals)):
            return None
        if self._in_organisation_name(text, end, sentence, before, following):
            return None
        if (text.startswith(" & ", end) or text.startswith(" & ", start - 3)) and not self._notable(records):
            return None  # "Johnson & Johnson", "Marks & Spencer": a firm's name ("TIJUANA & SAN DIEGO" are cities)
        if self._a_person(text, start, surface, records, names, previous, following):
            return None
        records = self._nationality_records(records)
        demonym = all(flags & DEMONYM for _, flags, _ in records)
        if demonym and previous[:1].isupper():
            if previous.upper() in words.first_names and previous not in words.function_words:
                return None  # "Percy French", "John English": a surname
            if previous in words.compass_words:
                return None  # "Central American", "West African": a region's people, not the country's
        # "in central Idlib" is a cue; "Central" in "the Central Bank" is part of a name.
        after_cue = previous.lower() in words.locative_cues and previous not in words.compass_words
        if not demonym:
            if any(flags & DEMONYM for _, flags, _ in records):  # else keep the shared tuple (the resolver memoises by it)
                records = tuple(r for r in records if not r[1] & DEMONYM)
            # Title case glues every word together, so a headline lets strong names through.
            glue = previous
            if foreign and previous and _OPENING_RUN.match(text, sentence.start).end() == start - len(previous) - 1:
                glue = ""  # the sentence's first word: capitalised for its place, not as part of a name
            glued = self._glued_to_name(surface, text, start, sentence, records, glue, following)
            if glued and (not _headline(text, sentence, headlines) or not self._notable(records)):
                if glued == "surname":
                    names.add(surface)  # "Mark Zuckerberg": a later bare "Zuckerberg" is him too
                return None  # "Toronto Transit Commission": this occurrence only, not every Toronto
            # A common word needs a locative cue, or to follow "Town, " ("Brands Hatch, Kent"), or a place
            # before it in a list ("Minnesota and Michigan": ``listed``).
            common = all(flags & COMMON for _, flags, _ in records) and not _after_town(text, start, sentence.start)
            if common and (sentence_initial or not (after_cue or listed) or _headline(text, sentence, headlines)):
                return None
        needs_context = all(flags & CONTEXT for _, flags, _ in records)
        people = demonym and all(flags & PEOPLE for _, flags, _ in records)
        return Match(start, end, surface, sentence.index, records, demonym, needs_context, after_cue, people)

    def _nationality_records(self, records) -> tuple:
        """A name that is a nationality word keeps only that reading and its country's: "Canadian" is the
        adjective, not the town of Canadian, Texas; "سوري" not the town Suri. One tuple per name, shared
        by its occurrences: the resolver memoises by it."""
        if not any(flags & DEMONYM for _, flags, _ in records):
            return records
        kept = self._demonym_records.get(records)
        if kept is None:
            kept = tuple(r for r in records if r[1] & DEMONYM or self.gazetteer.candidate(r[0]).kind == "country")
            if len(self._demonym_records) > 50_000:
                self._demonym_records.clear()
            self._demonym_records[records] = kept
        return kept

    def _a_person(self, text: str, start: int, surface: str, records, names: set[str], previous: str,
                  following: str) -> bool:
        """A title before ("Sen. Lincoln"): a person, and so is the same name later on; a verb
        of saying after a name that is no country, region or large city ("Wilson said")."""
        words = self.words
        if previous in words.person_titles or _title_across_break(text, start, words.person_titles):
            names.add(surface)
            return True
        if following.lower() in words.speech_verbs and not self._notable(records):
            # "from Dewsbury said" is the town: a locative cue before outweighs the verb after
            return previous.lower() not in words.locative_cues
        return False

    def _starts_name(self, text: str, start: int) -> bool:
        """Whether a capitalised name the gazetteer knows begins at ``start``."""
        if not text[start:start + 1].isupper():
            return False
        return bool(self.gazetteer.prefixes(fold(text[start:start + self.gazetteer.max_key_length])))

    def _in_organisation_name(self, text: str, end: int, sentence: Sentence, before: list[str], following: str) -> bool:
        heads = self.words.org_heads
        if following[:1].isupper():  # cheap test first: most names are followed by a lower-case word
            for word in _following_capitalised(text, end, sentence.end, 3):
                if word in heads:
                    return True
        if before and before[0] in ("of", "for", "de"):
            return any(w in heads for w in before[1:] if w[:1].isupper())
        return False

    def _glued_to_name(self, surface: str, text: str, start: int, sentence: Sentence, records, previous: str,
                       following: str) -> str:
        """"surname" after a capitalised word ("Mark Zuckerberg"), "part" inside a longer name
        ("Ras al-Ain", "Toronto Transit"), "" when the name stands alone."""
        words = self.words
        if start > 1 and text[start - 1] == "-":
            particle = _WORD_ONLY.search(text, max(sentence.start, start - 6), start - 1)
            if particle and particle.group().lower() in words.name_particles:
                return "part"  # "Ain" in "Ras al-Ain" is part of a longer Arabic name
        if following:
            particle = following.split("-")[0].lower()
            if "-" in following and particle in words.name_particles and following.split("-", 1)[1][:1].isupper():
                return "part"
            capitalised = following[:1].isupper() and following not in words.title_words
            ordinary = following.lower() not in words.never_alone and following not in words.function_words
            # "Tyler Williams" although Williams is a town too
            if capitalised and ordinary and (fold(following) not in self.gazetteer.keys or self._first_name(surface, records)):
                return "part"
        if previous and previous[:1].isupper() and previous not in words.title_words:
            if previous in words.function_words or previous.isupper() or _POSSESSIVE.search(previous):
                return ""  # "In Syria", "ERBIL", "Syria’s Palmyra": not one name
            if _MODIFIER.search(previous):
                return ""  # "Israeli-occupied Golan Heights", "Turkish-backed": a modifier, not a name
            if previous in words.compass_words and any(entry < self.gazetteer.special_count for entry, _, _ in records):
                return ""  # "Kuzey Irak", "Southern Lebanon": a side of a country or region (geo.resolution.sides)
            if previous.upper() in words.first_names:
                return "surname"  # "Mark Zuckerberg", "David Watson": and so is a later bare Watson
            if fold(previous) not in self.gazetteer.keys:
                return "part"  # "Baseball Toronto": this occurrence only
        return ""

    def _first_name(self, surface: str, records) -> bool:
        """A given name ("Tyler", "Victoria") that is no country, region or curated place."""
        if surface.upper() not in self.words.first_names:
            return False
        return not any(self.gazetteer.candidate(entry).kind in ("country", "region") or entry < self.gazetteer.special_count
                       for entry, _, _ in records)


_LIST_GAP = re.compile(r"[\s,\u060c]*")  # spaces and commas (Arabic "،" too) between the names of a list


def _in_list(gap: str, prefix: str, conjunctions: tuple[str, ...]) -> bool:
    """Whether a name follows the previous place as the next item of a list: only spaces and commas
    between them, and a conjunction as a word there ("أو") or written onto the name ("و", "وال")."""
    if _LIST_GAP.fullmatch(gap):
        return any(prefix.startswith(c) for c in conjunctions)
    if gap.strip(" \t,\u060c") in conjunctions:
        return _LIST_GAP.fullmatch(gap.replace(gap.strip(" \t,\u060c"), "", 1)) is not None
    return False


def _outermost(matches: list[Match]) -> list[Match]:
    """In text order, without the matches inside a longer one ("T4" in "בסיס T4")."""
    kept: list[Match] = []
    for match in sorted(matches, key=lambda m: (m.start, -m.end)):
        if kept and match.start < kept[-1].end:
            continue
        kept.append(match)
    return kept


def _title_across_break(text: str, start: int, titles: frozenset[str]) -> bool:
    """A title right before ``start`` that the sentence breaker took for a full stop ("Sen. | Lincoln")."""
    word = _TITLE_BEFORE.search(text, max(0, start - 16), start)
    return bool(word) and word.group(1) in titles


def _after_town(text: str, start: int, limit: int) -> bool:
    """Whether a capitalised word and a comma come right before ``start`` ("Lexington, Ky.")."""
    if start - 3 < limit or text[start - 1] not in _SPACES or text[start - 2] != ",":
        return False
    word = _WORD_BEFORE_COMMA.search(text, max(limit, start - 40), start - 2)
    return bool(word) and word.group()[:1].isupper()


def _shouted(surface: str) -> bool:
    if not surface.isupper():  # the common case, decided in C
        return False
    return 0 < sum(1 for c in surface if c.isalpha()) <= 5


def _next_word(text: str, end: int, limit: int) -> str | None:
    """The word right after ``end`` when only one space separates them."""
    if end + 1 >= limit or text[end] not in _SPACES:
        return None
    word = _WORD.match(text, end + 1, limit)
    return word.group().rstrip(".'’") if word else None


def _headline(text: str, sentence: Sentence, known: dict[int, bool]) -> bool:
    """Whether the sentence is a title-case headline, looked at once per sentence and only when a rule asks."""
    if sentence.index not in known:
        known[sentence.index] = _is_headline(text[sentence.start:sentence.end])
    return known[sentence.index]


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
