"""Resolve each match to one place, using the article as context: each candidate scored
(``geo.resolution.scoring``: its layer, kind and size, and the article's evidence for it), from
the words around the name (a qualifier, "Town, ", a word for its kind, a list's neighbour) and,
in a second pass, the first pass's places (the local lens).

A list ("Washington, New York and Boston") is no "Town, State". No place is chosen where an
abbreviated state after the name ("CAMP MURRAY, Wash.") holds none of its candidates, nor
for an alternate name of a town abroad when places bear that name as their own, unless it is a
city of millions and they are towns a fortieth its size ("Mecca", "Medina": Makkah, Madinah).
Confidence is the candidate's share of the softmax over all candidates, lowered for weak
evidence; the runners-up are kept as the mention's alternatives.
"""

from __future__ import annotations

import dataclasses
import math
import re
from bisect import insort

from ..gazetteer.build import ALTERNATE, COMMON, load_languages
from ..gazetteer.index import Gazetteer
from ..text.textnorm import fold
from ..types import Candidate, Document, Match, Mention
from .scoring import (
    _NOTHING,
    WEIGHTS,
    Evidence,
    Weights,
    _any,
    _province_capitals,
    _Rest,
    _state_of_article,
    _world_city_names,
    prior_score,
    score_candidate,
)

__all__ = ["Resolver"]

SMALL_TOWN = 15_000  # GeoNames' own cut (cities15000); measured on GeoWebNews, see README
ALTERNATE_CITY = 100_000  # a city this large keeps a news spelling of its own beside a town of its country it is named with
# After ", " or in brackets; in Arabic after "،" or "في" ("درعا في سوريا", Daraa in Syria: no capital says it is a name).
_QUALIFIER = re.compile(r",[ \u00a0]?(?=[A-Z])| \((?=[A-Z][\w.]*\))|[،,][ \u00a0]?(?=[\u0621-\u064a])| في (?=[\u0621-\u064a])")
_STATE_POSITION = re.compile(r"[A-Z][\w'’.\-]*,[ \u00a0]$")
_TOWN_CUE = re.compile(r"\b(?:city|cities|town|towns|village|villages) of (?:[\w'’.\-]+,? ){0,4}(?:and )?$")
# "central Washington", "western Illinois", "the governorate of Hama", "states such as
# California or Washington": part of a region, the region itself, or one of a list of them.
_REGION_BEFORE = re.compile(r"\b(?:(?:north|south|east|west)(?:ern|east|west|eastern|western)?|central|upstate|downstate)"
                            r" $|\b(?:province|governorate|state|region|county|district) of $"
                            r"|\b(?:states|provinces|regions|counties) (?:such as|like|including) (?:[\w'’.\-]+,? ){0,4}"
                            r"(?:and |or )?$")
_TOWN_AFTER = re.compile(r" (?:city|town|village)\b")
# "stops in Washington, New York and Boston": a list of places, not a town and its state.
_LIST_AFTER = re.compile(r" (?:and|or|&) [A-Z]")
# Between two names of a list: "and", "or", a comma; in Arabic and Hebrew "و"/"ו" (and) written onto the next name,
# "أو" (or), the Arabic comma.
_LIST_JOIN = re.compile(r",? (?:and|or|&) |, |[ \u00a0](?:و|ו)|[ \u00a0]أو[ \u00a0]|[ \u00a0]?[،,][ \u00a0]")
ALTERNATIVES = 3


class Resolver:
    """Pipeline stage: turns ``doc.matches`` into ``doc.mentions``."""

    def __init__(self, gazetteer: Gazetteer, weights: Weights = WEIGHTS) -> None:
        self.gazetteer = gazetteer
        self.weights = weights
        self._by_records: dict[tuple, list] = {}
        # The words after a name that make it a first-level division: English ones in data/name_words.toml
        # ("Aleppo province"), the other languages' in data/languages.toml ("Hatay ilinde", in Hatay province).
        languages = load_languages(gazetteer.data_dir / "languages.toml")
        self._region_after = gazetteer.words.region_after | frozenset(
            word for table in languages.values() for word in table.get("region_after", []))
        # The word right before a name that makes it the division: Arabic "ريف حلب", Aleppo's countryside.
        self._region_before = frozenset(word for table in languages.values() for word in table.get("region_before", []))

    def __call__(self, doc: Document) -> Document:
        return dataclasses.replace(doc, mentions=tuple(self.resolve(doc)))

    def _candidates(self, match: Match) -> list[tuple[Candidate, int, float]]:
        """(place, flags, prior score), the highest prior first (memoised: news repeats its names)."""
        found = self._by_records.get(match.records)
        if found is None:
            merged: dict[int, int] = {}
            for entry, flags, _ in match.records:
                # An entry matched by its main name and by an alternate one counts as main.
                merged[entry] = merged[entry] & flags if entry in merged else flags
            found = [(self.gazetteer.candidate(entry), flags) for entry, flags in merged.items()]
            found = _world_city_names(found)
            found = sorted(((c, f, prior_score(c, f, self.weights)) for c, f in found),
                           key=lambda item: (-item[2], item[0].place_id))
            if len(self._by_records) > 100_000:  # a long build: stay bounded
                self._by_records.clear()
            self._by_records[match.records] = found
        return found

    def _qualifier(self, text: str, end: int) -> tuple[str, str, bool] | None:
        """(country, admin1 or "", abbreviated) of a country or region named right after ", "
        or in brackets ("Damascus, Syria" → SY; "Lexington, Ky." → US, KY, True), in Arabic after "،" or "في"
        ("درعا في سوريا" → SY), else None."""
        found = _QUALIFIER.match(text, end)
        if not found:
            return None
        gazetteer = self.gazetteer
        for key in gazetteer.names_at(text, found.end()):
            if _LIST_AFTER.match(text, found.end() + len(key)):
                return None
            for entry, _, _ in gazetteer.records(key):
                if entry < gazetteer.special_count:
                    place = gazetteer.candidate(entry)
                    if place.kind == "country":
                        return place.country_code, "", False
                    if place.kind == "region" and place.admin1:
                        return place.country_code, place.admin1, key.endswith(".") and len(key) <= 6
        return None

    def resolve(self, doc: Document) -> list[Mention]:
        """One mention per match that resolves (context-only aliases may not)."""
        text, matches = doc.text, doc.matches
        per_match = [self._candidates(m) for m in matches]
        # The words around matter only where there is a choice (a single candidate's
        # qualifier is read when the small-town rule asks for it).
        cues = [self._cues(text, m) if len(c) > 1 else None for m, c in zip(matches, per_match, strict=True)]
        keys = [fold(m.surface) for m in matches]
        # Context comes from the rest of the article: a name never supports itself, nor do
        # its other occurrences ("Georgia" twice does not make Georgia a US state).
        total = Evidence()
        by_name: dict[str, Evidence] = {}
        for match, candidates, key in zip(matches, per_match, keys, strict=True):
            own = self._support(match, candidates)
            if own is not _NOTHING:
                total.add(own)
                if key not in by_name:
                    by_name[key] = Evidence()
                by_name[key].add(own)
        memo: dict = {}
        first = [self._resolve_memo(memo, match, candidates, total.rest(by_name.get(key, _NOTHING)), cue, text, key)
                 for match, candidates, cue, key in zip(matches, per_match, cues, keys, strict=True)]
        # The local lens: the first pass's towns, districts and states lend their country and
        # state to a second pass over the names with more than one candidate.
        for candidates, mention, key in zip(per_match, first, keys, strict=True):
            if mention is None or mention.type != "toponym":
                continue
            place = next((c for c, _, _ in candidates if c.place_id == mention.place_id), None)
            town = place is not None and place.kind in ("city", "district", "region")
            # "Lebanon" placed as the country, though towns bear its name too (Lebanon, Ohio): the country
            # is named, as an unambiguous name would have said in the first pass (``_support``).
            country = place is not None and place.kind == "country" and len(candidates) > 1
            if not (town or country):
                continue
            if key not in by_name:
                by_name[key] = Evidence()
            for evidence in (total, by_name[key]):
                if country:
                    evidence.countries[place.country_code] += 1
                    continue
                evidence.town_countries[place.country_code] += 1
                if place.admin1:
                    evidence.town_states[(place.country_code, place.admin1)] += 1
        cues = self._list_kinds(text, matches, per_match, first, cues)
        mentions = []
        memo = {}
        for match, candidates, cue, key, once in zip(matches, per_match, cues, keys, first, strict=True):
            again = (self._resolve_memo(memo, match, candidates, total.rest(by_name.get(key, _NOTHING)), cue, text, key)
                     if len(candidates) > 1 or once is None else once)
            if again is not None:
                mentions.append(again)
        return mentions

    @staticmethod
    def _list_kinds(text: str, matches, per_match, first, cues) -> list:
        """The cues, with "region" for a name that can be a region or a town, next in a list to a name the first
        pass placed as a region, where the words around it say no kind: names joined by "and", "or" or a comma are
        of one kind ("Ontario and Quebec" are provinces, "Idlib and Hama provinces" too). Not the other way: a town
        beside it would turn a province into a town while the province turned the town into a province."""
        def region(j: int) -> bool:
            """Whether the first pass placed match ``j`` as a region, one not named for a town of its own (London,
            Madrid say nothing of their neighbours' kind) unless the words say it is the region ("Hama provinces")."""
            mention, candidates = first[j], per_match[j]
            if mention is None or mention.type != "toponym":
                return False
            place = next((c for c, _, _ in candidates if c.place_id == mention.place_id), None)
            return place is not None and place.kind == "region" and (
                (place.country_code, place.admin1) not in _province_capitals(candidates)
                or bool(cues[j] and cues[j][2] == "region"))

        listed = list(cues)
        for i, (match, cue) in enumerate(zip(matches, cues, strict=True)):
            if cue is None or cue[2] or not {"city", "region"} <= {c.kind for c, _, _ in per_match[i]}:
                continue
            for j in (i - 1, i + 1):
                if not 0 <= j < len(matches) or matches[j].sentence_index != match.sentence_index:
                    continue
                left, right = (matches[j], match) if j < i else (match, matches[j])
                if _LIST_JOIN.fullmatch(text, left.end, right.start) and region(j):
                    listed[i] = (cue[0], cue[1], "region")
                    break
        return listed

    def _resolve_memo(self, memo: dict, match, candidates, evidence, cue, text: str, key: str) -> Mention | None:
        """``_resolve_one``, once per name and reading in a pass: an article repeats its names
        ("Israel" 45 times), and every occurrence of a name sees the same rest of the article."""
        if cue is None:  # one candidate: cheap, and the small-town rule reads this occurrence's text
            return self._resolve_one(match, candidates, evidence, cue, text)
        # The records tuple is the matcher's, shared by every occurrence written the same way.
        reading = (key, id(match.records), match.needs_context, match.after_cue, match.demonym, cue)
        if reading not in memo:
            memo[reading] = self._resolve_one(match, candidates, evidence, cue, text)
        found = memo[reading]
        if found is None or (found.start, found.end) == (match.start, match.end):
            return found
        return dataclasses.replace(found, start=match.start, end=match.end, surface=match.surface,
                                   sentence_index=match.sentence_index)

    def _cues(self, text: str, match: Match) -> tuple:
        """(qualifier, state position, kind cue) read from the words around the match."""
        before = text[max(0, match.start - 60):match.start]
        after = text[match.end:match.end + 14].lower()
        kind_cue = ""
        next_word = after.split(maxsplit=1)[0].strip(".,;:") if after[:1].isspace() and after.strip() else ""
        previous_word = before.rsplit(maxsplit=1)[-1] if before.strip() else ""
        if next_word in self._region_after or previous_word in self._region_before or _REGION_BEFORE.search(before):
            kind_cue = "region"
        elif _TOWN_AFTER.match(after) or _TOWN_CUE.search(before):
            kind_cue = "town"
        state_position = bool(_STATE_POSITION.search(before)) and not _LIST_AFTER.match(text, match.end)
        return self._qualifier(text, match.end), state_position, kind_cue

    @staticmethod
    def _support(match: Match, candidates: list[tuple[Candidate, int, float]]) -> Evidence:
        """The countries and states this match names for the rest of the article."""
        evidence = _NOTHING
        strong = [c for c, flags, _ in candidates if not flags & (ALTERNATE | COMMON)]
        if len({c.place_id for c in strong}) == 1 and not match.needs_context:
            place = strong[0]
            if place.kind in ("country", "continent") or place.method == "curated" or match.demonym:
                evidence = Evidence()
                evidence.countries[place.country_code] += 1
        # A named state lends context even when ambiguous (Maryland: US or Liberia).
        for place in strong:
            if place.kind == "region" and place.admin1:
                if evidence is _NOTHING:
                    evidence = Evidence()
                evidence.states[(place.country_code, place.admin1)] += 1
        return evidence

    def _most_evidence_here(self, evidence, qualifier, state_position, kind_cue) -> float:
        """The most this match's evidence can lift a candidate (a bound: pruning stays exact)."""
        w = self.weights
        terms = ((w.named_country + w.named_capital, _any(evidence.countries)), (w.named_state, _any(evidence.states)),
                 (w.nearby_country, _any(evidence.town_countries)), (w.nearby_state, _any(evidence.town_states)),
                 (w.qualifier, qualifier is not None), (w.state_position, state_position), (w.kind_word, bool(kind_cue)))
        return sum(max(0.0, weight) for weight, present in terms if present)

    def _scores(self, candidates, evidence, qualifier, state_position, kind_cue) -> tuple[list, list[float]]:
        """(score, place id, place, flags) of the candidates that can reach the best four, and
        the priors of those that cannot (a name can have 200 namesakes)."""
        regions = frozenset((c.country_code, c.admin1) for c, _, _ in candidates if c.kind == "region")
        if any(c.kind in ("country", "continent") for c, _, _ in candidates):
            admin = frozenset(c.country_code for c, _, _ in candidates)
        else:
            admin = frozenset(country for country, _ in regions)
        kept = 1 + ALTERNATIVES
        states = _state_of_article(candidates, evidence)
        most = self._most_evidence_here(evidence, qualifier, state_position, kind_cue)
        most += self.weights.state_of_article * bool(states)
        capitals = _province_capitals(candidates)
        scored = []
        top: list[float] = []  # the best `kept` scores so far, lowest first
        for i, (c, f, prior) in enumerate(candidates):  # the highest prior first
            if len(top) == kept and prior + most < top[0]:
                # Neither it nor any after it can reach the best or the alternatives; their
                # priors still count in the softmax (their evidence would add little).
                return scored, [p for _, _, p in candidates[i:]]
            score = score_candidate(c, f, evidence, qualifier, regions, state_position, kind_cue, self.weights, prior,
                                    admin, c.place_id in states, capitals)
            scored.append((score, c.place_id, c, f))
            if len(top) < kept:
                insort(top, score)
            elif score > top[0]:
                top[0] = score
                top.sort()
        return scored, []

    def _resolve_one(self, match, candidates, evidence: Evidence | _Rest, cues, text: str = "") -> Mention | None:
        qualifier, state_position, kind_cue = cues or (None, False, "")
        countries = evidence.countries
        if len(candidates) == 1:  # one place so named: nothing to weigh
            c, f, prior = candidates[0]
            scored, unscored = [(prior, c.place_id, c, f)], []
        else:
            scored, unscored = self._scores(candidates, evidence, qualifier, state_position, kind_cue)
        scored.sort(key=lambda item: (-item[0], item[1]))
        if match.needs_context:
            # A name that counts only where the article names the place's country ("قالت مصادر في سوريا إن الطائرات
            # قصفت القنيطرة", no cue before it) means one of the places so named in a country the article names.
            scored = [item for item in scored if countries.get(item[2].country_code)]
            if not scored:
                return None
        chosen = scored[0]
        if (chosen[3] & ALTERNATE and chosen[2].kind == "city" and not countries.get(chosen[2].country_code)
                and not evidence.town_states.get((chosen[2].country_code, chosen[2].admin1))
                and not (chosen[2].population >= ALTERNATE_CITY and evidence.town_countries.get(chosen[2].country_code))
                and not any(c.kind == "region" and (c.country_code, c.admin1) == (chosen[2].country_code, chosen[2].admin1)
                            for c, _, _ in candidates)):
            # An alternate name of a town in a country the article never names ("Hamas" for Hamm,
            # "Salisbury" for Harare) yields to the places that bear the name as their own; not when
            # its own province bears it (Ḩamāh of Hama governorate: "Hama" is its name), nor when the
            # article places another town in its province: news spells a town of the province it
            # reports from as it likes ("Deir Hafer" beside Aleppo), and a city of its country ("Raqqa" beside Aleppo).
            chosen = next((item for item in scored if not item[3] & ALTERNATE), None)
            if chosen is None:
                return None
        best_score, best_id, best, best_flags = chosen
        if qualifier and qualifier[2] and best.method == "geonames" and not any(
                c.country_code == qualifier[0] and qualifier[1] in ("", c.admin1) for c, _, _ in candidates):
            # "CAMP MURRAY, Wash.": a state abbreviated after a name only ever says where that
            # place is (unlike "Paris, London", a list), and no place so named is there.
            return None
        if (best.kind == "city" and best.method == "geonames" and best.population < SMALL_TOWN
                and not countries.get(best.country_code) and not match.after_cue
                and not (qualifier if cues else self._qualifier(text, match.end))):
            return None  # a hamlet abroad named bare ("Omar" in a photo credit): too weak
        total = sum(math.exp(s - best_score) for s, *_ in scored) + sum(math.exp(p - best_score) for p in unscored)
        confidence = 1.0 / total
        if best_flags & COMMON:
            confidence *= 0.7
        if best_flags & ALTERNATE:
            confidence *= 0.8
        if match.needs_context:
            confidence *= 0.8
        alternatives = tuple((place_id, round(math.exp(s - best_score) / total, 3))
                             for s, place_id, *_ in [item for item in scored if item[1] != best_id][:ALTERNATIVES])
        return Mention(
            start=match.start, end=match.end, surface=match.surface, sentence_index=match.sentence_index,
            place_id=best.place_id, type="people" if match.people else "demonym" if match.demonym else "toponym",
            method=best.method, confidence=round(min(confidence, 0.99), 3), alternatives=alternatives,
            note=self._why(best, len(scored) + len(unscored), evidence, qualifier, state_position, kind_cue),
        )

    def _why(self, best: Candidate, candidates: int, evidence, qualifier, state_position: bool, kind_cue: str) -> str:
        """Why this place won, in a reader's words: the evidence that lifted it, else its layer or size."""
        if candidates == 1:
            return "the only place so named"
        reasons = []
        country = best.country_code
        if qualifier and qualifier[0] == country and qualifier[1] in ("", best.admin1):
            reasons.append("its country or state is named right after it")
        if state_position and best.kind in ("country", "region", "district"):
            reasons.append("it follows a town's name, as a state or country does")
        if (kind_cue == "town" and best.kind == "city") or (kind_cue == "region" and best.kind in ("region", "district")):
            reasons.append(f"the words around it say it is a {'town' if kind_cue == 'town' else 'region'}")
        if best.kind in ("city", "district") and best.admin1 and evidence.states.get((country, best.admin1)):
            reasons.append("its state or province is named in this article")
        if best.kind not in ("country", "continent") and country:
            named = evidence.countries.get(country)
            if named:
                reasons.append(f"{self.gazetteer.country_name(country)} is named {named} time{'s' if named > 1 else ''} "
                               "in this article")
            elif evidence.town_countries.get(country) and best.kind in ("city", "district", "region"):
                reasons.append(f"the article's other places are in {self.gazetteer.country_name(country)}")
        if not reasons:
            if best.method == "curated":
                reasons.append("the story's own gazetteer lists it first")
            elif best.kind in ("country", "continent"):
                reasons.append(f"a {best.kind}'s name comes before towns of that name")
            else:
                reasons.append("the largest place so named")
        return "; ".join(reasons)
