"""Readers' corrections: a stage after resolution that moves, removes or adds mentions as a file says.

``data/corrections.toml`` holds one ``[[correction]]`` table per correction::

    [[correction]]
    surface = "Georgia"          # the name as written
    article = "ap-2025-04-09"    # optional: only in this article (else: every article)
    start = 1234                 # optional, with article: only the mention at this offset
    place = "geonames:4197000"   # the place it means, or "none": not a place
    note = "the US state here"
    created = "2026-12-01T20:00:00+00:00"

The narrower correction wins: one mention over one article over every article. A correction
for one article also links the name where the geoparser missed it (every occurrence in the
article's body); one for every article changes only the mentions the geoparser made. A
corrected mention records ``method = "corrected"``, confidence 1 and, as its alternative,
what the geoparser had chosen. Offsets point into the original text, as everywhere.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import tomllib
from collections.abc import Callable, Iterable
from pathlib import Path

from ..files import write_atomically
from ..gazetteer.index import Gazetteer
from ..text.corpus import toml_kind
from ..types import Correction, Document, LoadProblem, Mention

__all__ = ["NOT_A_PLACE", "CorrectionStage", "changed_corrections", "check_corrections", "corrections_text",
           "edit_corrections", "load_corrections", "merged", "new_correction", "without", "write_corrections"]

NOT_A_PLACE = "none"
SURFACE_CHARS = 200  # a place name, not a paragraph
_FIELDS = ("surface", "article", "start", "place", "note", "created")


def load_corrections(path: str | Path | None) -> tuple[list[Correction], list[LoadProblem]]:
    """The corrections of a file, and its problems; a missing file is no corrections and no problem.

    Never raises: a file that cannot be read or parsed gives ``([], [problem])`` with
    ``loaded=False`` (the caller keeps what it had), a bad entry is reported and skipped.
    """
    if path is None:
        return [], []
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        return [], []
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return [], [LoadProblem(str(path), f"cannot read the corrections file: {error}; it is left as it is, "
                                           "and a store keeps the corrections it was built with")]
    rows = data.get("correction", [])
    if not isinstance(rows, list):
        return [], [LoadProblem(str(path), f"correction must be a list of [[correction]] tables, not {toml_kind(rows)}; "
                                           "nothing applied")]
    corrections, problems = [], []
    unknown = sorted(set(data) - {"correction"})  # a misspelt [[corection]] would otherwise vanish without a word
    if unknown:
        problems.append(LoadProblem(str(path), f"unknown keys {', '.join(unknown)} ignored (the file holds "
                                               "[[correction]] tables)", loaded=True))
    for number, row in enumerate(rows, start=1):
        correction, reasons = _correction_from_row(row)
        if correction is None:  # its last reason is why; the others name values a kept entry would leave out
            reasons[-1] += "; skipped"
        problems += [LoadProblem(str(path), f"entry {number}: {reason}", loaded=True) for reason in reasons]
        if correction is not None:
            corrections.append(correction)
    return corrections, problems


def _not(value, expected: type) -> str:
    """", not a whole number (5)" for a value of the wrong type; "" for one missing or of the right type."""
    right = isinstance(value, expected) and not (isinstance(value, bool) and expected is not bool)  # TOML true is no offset
    return "" if value is None or right else f", not {toml_kind(value)}"


def _correction_from_row(row) -> tuple[Correction | None, list[str]]:
    """The correction of one table, and what is wrong with it; None when it cannot be applied (its last reason says why).

    Every key is checked: an unknown key or a ``note`` or ``created`` of the wrong type is reported
    and left out, the correction kept; a ``surface``, ``place``, ``article`` or ``start`` that is
    missing or of the wrong type makes the entry unusable.
    """
    if not isinstance(row, dict):
        return None, [f"must be a table ([[correction]]){_not(row, dict)}"]
    surface, place = row.get("surface"), row.get("place")
    if not isinstance(surface, str) or not surface.strip() or len(surface) > SURFACE_CHARS:
        return None, [f"surface must be a name of 1 to {SURFACE_CHARS} characters{_not(surface, str)}"]
    reasons = []
    unknown = sorted(str(key) for key in row if key not in _FIELDS)
    if unknown:
        reasons.append(f"{surface!r}: unknown keys {', '.join(unknown)} ignored (known: {', '.join(_FIELDS)})")
    if not isinstance(place, str) or not place.strip():
        return None, [*reasons, f"{surface!r}: place must be a place id or {NOT_A_PLACE!r}{_not(place, str)}"]
    article, start = row.get("article", ""), row.get("start")
    if not isinstance(article, str):
        return None, [*reasons, f"{surface!r}: article must be an article id (text){_not(article, str)}"]
    if start is not None and (not isinstance(start, int) or isinstance(start, bool) or start < 0 or not article):
        return None, [*reasons, f"{surface!r}: start must be an offset (a whole number from 0) in the article named"
                                f"{_not(start, int)}"]
    note, created = row.get("note", ""), row.get("created", "")
    if not isinstance(note, str):
        reasons.append(f"{surface!r}: note must be text{_not(note, str)}; left empty")
        note = ""
    if isinstance(created, dt.date):  # a TOML date-time (created = 2026-12-01T20:00:00Z) is a time too
        created = created.isoformat()
    elif not isinstance(created, str):
        reasons.append(f"{surface!r}: created must be a date and time (2026-12-01T20:00:00+00:00){_not(created, str)}; "
                       "left empty")
        created = ""
    return Correction(surface=surface, place=place.strip(), article=article.strip(), start=start,
                      note=note, created=created), reasons


_HEADER = "Readers' corrections of the geoparser (see geo/resolution/corrections.py). One table each."


def _table(correction: Correction):
    """One ``[[correction]]`` table, its fields in the file's order, empty optional ones left out."""
    import tomlkit

    entry = {name: value for name, value in dataclasses.asdict(correction).items()
             if value not in (None, "") or name in ("surface", "place")}
    table = tomlkit.table()
    for name in _FIELDS:
        if name in entry:
            table.add(name, entry[name])
    table.trivia.indent = "\n"  # a blank line before each table
    return table


def corrections_text(corrections: Iterable[Correction]) -> str:
    """The corrections as the TOML of a corrections file (one ``[[correction]]`` table each)."""
    import tomlkit

    document = tomlkit.document()
    document.add(tomlkit.comment(_HEADER))
    tables = tomlkit.aot()
    for correction in corrections:
        tables.append(_table(correction))
    if len(tables):  # an empty one would be written "correction = []", above the comment
        document.append("correction", tables)
    return tomlkit.dumps(document)


def write_corrections(path: str | Path, corrections: Iterable[Correction]) -> None:
    """Make the file's corrections these, its comments and the entries it cannot read kept (``edit_corrections``)."""
    kept = list(corrections)
    edit_corrections(path, lambda _: list(kept))


def edit_corrections(path: str | Path, change: Callable[[list[Correction]], list[Correction]]) -> None:
    """Apply ``change`` (the file's corrections -> those to keep) to the file, keeping what a person wrote in it:
    its comments and order, the entries the page cannot read (reported when it is loaded), and the layout of
    those that stay. Corrections no longer kept are taken out, new ones appended. Written whole, to a
    temporary name and then renamed: a reader never sees half of it.

    A file TOML cannot parse is left as it is (the caller checks it with ``load_corrections`` first).
    """
    import tomlkit
    from tomlkit.items import AoT

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        text = ""
    document = tomlkit.parse(text) if text.strip() else tomlkit.parse(corrections_text([]))
    tables = document.get("correction")
    if tables is None or (isinstance(tables, list) and not tables):  # none yet, or "correction = []"
        document.pop("correction", None)
        tables = tomlkit.aot()
        document.append("correction", tables)
    if not isinstance(tables, AoT):
        raise ValueError(f"{path}: correction must be a list of [[correction]] tables")
    found = [_correction_from_row(table.unwrap())[0] for table in tables]  # None: an entry it cannot read, kept
    to_add = change([c for c in found if c is not None])
    for index in reversed(range(len(found))):
        if found[index] is None:
            continue
        if found[index] in to_add:
            to_add.remove(found[index])  # there already, as written
        else:
            del tables[index]
    for correction in to_add:
        tables.append(_table(correction))
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, tomlkit.dumps(document))


def new_correction(surface: str, place: str, article: str = "", start: int | None = None, note: str = "") -> Correction:
    """A correction made now (its ``created`` time in UTC)."""
    return Correction(surface=surface, place=place, article=article, start=start, note=note,
                      created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))


def _key(correction: Correction) -> tuple:
    """What a correction applies to: a later one for the same replaces it."""
    return correction.surface, correction.article, correction.start


def merged(corrections: Iterable[Correction], added: Correction) -> list[Correction]:
    """The corrections with ``added`` in place of any earlier one for the same name, article and offset."""
    return [*without(corrections, added), added]


def without(corrections: Iterable[Correction], removed: Correction) -> list[Correction]:
    """The corrections less the one for ``removed``'s name, article and offset."""
    return [c for c in corrections if _key(c) != _key(removed)]


def _entry(correction: Correction) -> str:
    """What a correction does, as one line (its ``created`` time aside: saved again, it changes nothing)."""
    return json.dumps([correction.surface, correction.article, correction.start, correction.place, correction.note])


def changed_corrections(old: Iterable[Correction], new: Iterable[Correction]) -> list[Correction]:
    """The corrections added, removed or changed between two sets (both versions of a changed one)."""
    before, after = {_entry(c): c for c in old}, {_entry(c): c for c in new}
    return [c for entry, c in sorted({**before, **after}.items()) if (entry in before) != (entry in after)]


def check_corrections(corrections: list[Correction], path: str, text_of: Callable[[str], str | None],
                      gazetteer: Gazetteer | None) -> list[LoadProblem]:
    """What cannot be applied: an article no longer in the corpus, offsets that no longer hold the name, an unknown place.

    ``text_of(article_id)`` gives an article's text, None when the corpus has no such article.
    Reported as ``entry N ('surface'): reason; skipped`` against the corrections file.
    """
    problems = []
    for number, correction in enumerate(corrections, start=1):
        reason = ""
        if correction.place != NOT_A_PLACE and gazetteer is not None and not _known(gazetteer, correction.place):
            reason = f"no place {correction.place!r} in the gazetteer"
        elif correction.article:
            text = text_of(correction.article)
            if text is None:
                reason = f"article {correction.article!r} is not in the corpus"
            elif correction.start is not None:
                found = text[correction.start:correction.start + len(correction.surface)]
                if found != correction.surface:
                    reason = (f"offset {correction.start} of {correction.article!r} no longer holds the name "
                              f"(it reads {found!r})")
        if reason:
            problems.append(LoadProblem(path, f"entry {number} ({correction.surface!r}): {reason}; skipped", loaded=True))
    return problems


def _known(gazetteer: Gazetteer, place_id: str) -> bool:
    try:
        gazetteer.place(place_id)
    except (KeyError, ValueError):
        return False
    return True


def _bounded(text: str, start: int, end: int) -> bool:
    """The name is a whole word there: no letter or digit joins it on either side."""
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or after.isalnum())


class CorrectionStage:
    """Pipeline stage: applies the corrections to a document's mentions (after the geocoder: a reader has the last word)."""

    def __init__(self, corrections: list[Correction], gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self.everywhere = {c.surface: c for c in corrections if not c.article}
        self.by_article: dict[str, list[Correction]] = {}
        for correction in corrections:
            if correction.article:
                self.by_article.setdefault(correction.article, []).append(correction)

    def __bool__(self) -> bool:
        return bool(self.everywhere or self.by_article)

    def __call__(self, doc: Document) -> Document:
        own = self.by_article.get(doc.article.id, [])
        if not own and not any(m.surface in self.everywhere for m in doc.mentions):
            return doc
        text = doc.text
        one = {(c.surface, c.start): c for c in own if c.start is not None}
        whole = {c.surface: c for c in own if c.start is None}
        mentions: list[Mention] = []
        held: list[tuple[int, int]] = []  # spans a reader has spoken for: kept, moved or removed
        for mention in doc.mentions:
            correction = (one.get((mention.surface, mention.start)) or whole.get(mention.surface)
                          or self.everywhere.get(mention.surface))
            if correction is None:
                mentions.append(mention)
                continue
            if correction.place != NOT_A_PLACE and self._known(correction.place):
                mentions.append(self._corrected(mention, correction))
            elif correction.place != NOT_A_PLACE:  # an unknown place: reported by check_corrections, left as it was
                mentions.append(mention)
            held.append((mention.start, mention.end))  # a name removed is not added back below
        for correction in own:  # names the geoparser missed in this article: linked where they stand
            if correction.place == NOT_A_PLACE or not self._known(correction.place):
                continue
            starts = ([correction.start] if correction.start is not None
                      else [m.start() for m in re.finditer(re.escape(correction.surface), text)])
            for start in starts:
                end = start + len(correction.surface)
                if (text[start:end] != correction.surface or not doc.in_body(start, end)
                        or not _bounded(text, start, end) or any(s < end and start < e for s, e in held)):
                    continue
                # The reader's longer name is the better reading of the words it spans ("Turkish
                # Defense Ministry" over "Turkish"), as the matcher prefers the longest name; a
                # mention only partly inside it stays, and the name is not added there.
                inside = [m for m in mentions if start <= m.start and m.end <= end]
                if any(m.start < end and start < m.end for m in mentions if m not in inside):
                    continue
                sentence = next((s.index for s in doc.sentences if s.start <= start < s.end), None)
                if sentence is None:
                    continue
                mentions = [m for m in mentions if m not in inside]
                mentions.append(Mention(start=start, end=end, surface=correction.surface, sentence_index=sentence,
                                        place_id=correction.place, type="toponym", method="corrected", confidence=1.0,
                                        note=correction.note or "added by a reader"))
                held.append((start, end))
        mentions.sort(key=lambda m: (m.start, m.end))
        return dataclasses.replace(doc, mentions=tuple(mentions))

    def _known(self, place_id: str) -> bool:
        return _known(self.gazetteer, place_id)

    @staticmethod
    def _corrected(mention: Mention, correction: Correction) -> Mention:
        was = () if mention.place_id == correction.place else ((mention.place_id, mention.confidence),)
        return dataclasses.replace(mention, place_id=correction.place, method="corrected", confidence=1.0,
                                   note=correction.note or "corrected by a reader", alternatives=was)
