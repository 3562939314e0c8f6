"""Resolve each match to one place, using the article as context.

Score of a candidate = prior of its layer and kind (curated > country > continent >
state > city by population) + context (its country, or its US state, is named elsewhere in
the article) + an explicit qualifier right after the name ("Damascus, Maryland"), minus a
penalty when only an alternate GeoNames name matched. Confidence is the candidate's share of
the softmax over all candidates, lowered for weak evidence.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections import Counter

from ..gazetteer.build import ALTERNATE, COMMON
from ..gazetteer.index import Gazetteer
from ..text.textnorm import fold
from ..types import Candidate, Document, Match, Mention

__all__ = ["Resolver", "score_candidate"]

SMALL_TOWN = 15_000  # GeoNames' own cut (cities15000); measured on GeoWebNews, see README
_KIND_PRIOR = {"country": 5.0, "continent": 4.9, "region": 2.2}
_QUALIFIER = re.compile(r",\s*([A-Z][\w.'’\- ]{1,40}?)(?=[,.;:)\s]|$)")


def score_candidate(
    candidate: Candidate, flags: int, countries: Counter, states: Counter, qualifier: str,
    named_regions: frozenset = frozenset(),
) -> float:
    """Higher is more likely; see the module docstring for the terms.

    ``named_regions``: (country, code) of regions the same name can mean; a town sharing its
    own state's name gets no lift from that state (California the state, not Spencer, CA).
    """
    if candidate.method == "curated":
        score = 3.5 + candidate.priority
    elif candidate.kind == "country":
        # Same-named countries (the demonym "American"): the more populous is meant.
        score = _KIND_PRIOR["country"] + math.log10(candidate.population + 10) / 20
    elif candidate.kind in _KIND_PRIOR:
        score = _KIND_PRIOR[candidate.kind] + candidate.priority
    else:
        score = 0.5 + math.log10(candidate.population + 10) / 3 + candidate.priority
    if flags & ALTERNATE:
        score -= 0.3
    if candidate.country_code and countries.get(candidate.country_code):
        score += 1.2
    # US states: GeoNames' admin1 codes and the regions' ISO codes agree only there.
    us_town = candidate.kind == "city" and candidate.country_code == "US" and not flags & (ALTERNATE | COMMON)
    if us_town and ("US", candidate.admin1) not in named_regions and states.get(candidate.admin1):
        score += 3.0
    if qualifier and qualifier in (candidate.country_code, candidate.admin1):
        score += 5.0
    return score


class Resolver:
    """Pipeline stage: turns ``doc.matches`` into ``doc.mentions``."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer

    def __call__(self, doc: Document) -> Document:
        return dataclasses.replace(doc, mentions=tuple(self.resolve(doc)))

    def _candidates(self, match: Match) -> list[tuple[Candidate, int]]:
        merged: dict[int, int] = {}
        for entry, flags, _ in match.records:
            # An entry matched by its main name and by an alternate one counts as main.
            merged[entry] = merged[entry] & flags if entry in merged else flags
        return [(self.gazetteer.candidate(entry), flags) for entry, flags in merged.items()]

    def _qualifier(self, text: str, end: int) -> str:
        """Country or US state code named right after ", " (Damascus, Syria → SY)."""
        found = _QUALIFIER.match(text, end)
        if not found:
            return ""
        key = fold(found.group(1).strip())
        if key not in self.gazetteer.names:
            return ""
        for entry, _, _ in self.gazetteer.records(key):
            if entry < self.gazetteer.special_count:
                place = self.gazetteer.candidate(entry)
                if place.kind == "country":
                    return place.country_code
                if place.kind == "region" and place.admin1:
                    return place.admin1
        return ""

    def resolve(self, doc: Document) -> list[Mention]:
        """One mention per match that resolves (context-only aliases may not)."""
        per_match = [self._candidates(m) for m in doc.matches]
        support = [self._support(m, c) for m, c in zip(doc.matches, per_match, strict=True)]
        countries: Counter = Counter()
        states: Counter = Counter()
        for own_countries, own_states in support:
            countries.update(own_countries)
            states.update(own_states)
        # Context comes from the rest of the article: a name never supports itself, nor do
        # its other occurrences ("Georgia" twice does not make Georgia a US state).
        by_name: dict[str, tuple[Counter, Counter]] = {}
        for match, (own_countries, own_states) in zip(doc.matches, support, strict=True):
            key = fold(match.surface)
            name_countries, name_states = by_name.get(key, (Counter(), Counter()))
            by_name[key] = (name_countries + own_countries, name_states + own_states)
        mentions = []
        for match, candidates in zip(doc.matches, per_match, strict=True):
            own_countries, own_states = by_name[fold(match.surface)]
            mention = self._resolve_one(doc.text, match, candidates, countries - own_countries, states - own_states)
            if mention is not None:
                mentions.append(mention)
        return mentions

    @staticmethod
    def _support(match: Match, candidates: list[tuple[Candidate, int]]) -> tuple[Counter, Counter]:
        """The countries and US states this match lends the rest of the article as context."""
        countries: Counter = Counter()
        states: Counter = Counter()
        strong = [c for c, flags in candidates if not flags & (ALTERNATE | COMMON)]
        if len({c.place_id for c in strong}) == 1 and not match.needs_context:
            place = strong[0]
            if place.kind in ("country", "continent") or place.method == "curated" or match.demonym:
                countries[place.country_code] += 1
        # A named state lends context even when ambiguous (Maryland: US or Liberia).
        for place in strong:
            if place.kind == "region" and place.country_code == "US":
                states[place.admin1] += 1
        return countries, states

    def _resolve_one(self, text, match, candidates, countries, states) -> Mention | None:
        qualifier = self._qualifier(text, match.end)
        regions = frozenset((c.country_code, c.admin1) for c, _ in candidates if c.kind == "region")
        scored = sorted(
            ((score_candidate(c, f, countries, states, qualifier, regions), c.place_id, c, f) for c, f in candidates),
            key=lambda item: (-item[0], item[1]),
        )
        best_score, _, best, best_flags = scored[0]
        if match.needs_context and not countries.get(best.country_code):
            return None
        if best_flags & ALTERNATE and best.kind == "city" and not countries.get(best.country_code):
            return None  # an alternate name ("Hamas" for Hamm) of a town in a country the article never names
        if (best.kind == "city" and best.method == "geonames" and best.population < SMALL_TOWN
                and not countries.get(best.country_code) and not match.after_cue):
            return None  # a hamlet abroad named bare ("Omar" in a photo credit): too weak
        total = sum(math.exp(s - best_score) for s, *_ in scored)
        confidence = 1.0 / total
        if best_flags & COMMON:
            confidence *= 0.7
        if best_flags & ALTERNATE:
            confidence *= 0.8
        if match.needs_context:
            confidence *= 0.8
        return Mention(
            start=match.start, end=match.end, surface=match.surface, sentence_index=match.sentence_index,
            place_id=best.place_id, type="demonym" if match.demonym else "toponym", method=best.method,
            confidence=round(min(confidence, 0.99), 3),
        )
