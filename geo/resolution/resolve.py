"""Resolve each match to one place, using the article as context.

Score of a candidate = prior of its layer and kind (curated > country > continent > state >
town and district by population) plus the article's evidence for it, each with a weight
(``Weights``, fitted on GeoWebNews with held-out folds: bench/fit_resolution.py):
- its country is named elsewhere (a country, a demonym, a curated place);
- its state or province is named elsewhere ("Lexington" in a story that names Kentucky);
- a qualifier follows it ("Damascus, Maryland", "Lexington, Ky.", "Walker County (Ga.)");
- the other places of the article lie in its country or its state (the local lens: a second
  pass over the first pass's towns; "Karachi, Hyderabad and Thatta");
- a name right after "Town, " is that town's state or country ("Tacoma, Washington");
- the words around it say its kind ("the cities of Homs and Hama", "Aleppo province"), or its
  neighbour in a list is a region ("Ontario and Quebec", "Idlib and Hama provinces");
- a town that shares its name with its own province or governorate is the town (Hama, Homs),
  unless the words around say region ("Homs province", "the governorate of Hama");
- a state that shares its name with a country of elsewhere (Georgia) is the state when the
  article's other places lie in the state, or two of them in its country, and none in that
  country;
- a country's capital when the article names that country ("Athens" beside "Greece", though
  Washington lends the US towns its country);
- minus a penalty when only an alternate GeoNames name matched.
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
from collections import Counter

from ..gazetteer.build import ALTERNATE, CAPITAL_PRIOR, COMMON, haversine_km, load_languages
from ..gazetteer.index import Gazetteer
from ..text.textnorm import fold
from ..types import Candidate, Document, Match, Mention

__all__ = ["Evidence", "Resolver", "Weights", "prior_score", "score_candidate"]

SMALL_TOWN = 15_000  # GeoNames' own cut (cities15000); measured on GeoWebNews, see README
WORLD_CITY = 1_000_000  # a city this large keeps a foreign name of its own against small namesakes
WORLD_CITY_RATIO = 40  # Madinah is 49 times Medina, Ohio; on GeoWebNews no mention changes at 40 or at 100
SEAT_KM = 25.0  # a province placed at its seat: the build puts one without a shape of its own at its seat town
_KIND_PRIOR = {"country": 5.0, "continent": 4.9, "region": 2.2}
# After ", " or in brackets; in Arabic after "،" or "في" ("درعا في سوريا", Daraa in Syria: no capital says it is a name).
_QUALIFIER = re.compile(r",[ \u00a0]?(?=[A-Z])| \((?=[A-Z][\w.]*\))|[،,][ \u00a0]?(?=[\u0621-\u064a])| في (?=[\u0621-\u064a])")
_STATE_POSITION = re.compile(r"[A-Z][\w'’.\-]*,[ \u00a0]$")
_TOWN_CUE = re.compile(r"\b(?:city|cities|town|towns|village|villages) of (?:[\w'’.\-]+,? ){0,4}(?:and )?$")
# The word for a division after a name; plural after a list: "Idlib and Hama provinces".
_REGION_AFTER = re.compile(r" (?:province|governorate|state|region|county|district)s?\b| counties\b")
# "central Washington", "western Illinois", "the governorate of Hama", "states such as
# California or Washington": part of a region, the region itself, or one of a list of them.
_REGION_BEFORE = re.compile(r"\b(?:(?:north|south|east|west)(?:ern|east|west|eastern|western)?|central|upstate|downstate)"
                            r" $|\b(?:province|governorate|state|region|county|district) of $"
                            r"|\b(?:states|provinces|regions|counties) (?:such as|like|including) (?:[\w'’.\-]+,? ){0,4}"
                            r"(?:and |or )?$")
_TOWN_AFTER = re.compile(r" (?:city|town|village)\b")
# "stops in Washington, New York and Boston": a list of places, not a town and its state.
_LIST_AFTER = re.compile(r" (?:and|or|&) [A-Z]")
_LIST_JOIN = re.compile(r",? (?:and|or|&) |, ")  # between two names of a list
ALTERNATIVES = 3


@dataclasses.dataclass(frozen=True)
class Weights:
    """How much each kind of evidence counts (see the module docstring). The values are those
    bench/fit_resolution.py fits on all of GeoWebNews (held-out folds agree; a weight moves
    from its stated value only for a clear gain). A named country (``named_country``) came out
    at 0: it adds nothing once the local lens counts the article's places (``nearby_*``); it
    stays a field so the fit can weigh it again on other corpora."""

    population: float = 1 / 3  # per tenfold population, for towns and districts
    alternate: float = -0.6
    named_country: float = 0.0
    named_state: float = 3.0
    qualifier: float = 5.0
    nearby_country: float = 0.8
    nearby_state: float = 0.5
    state_position: float = 3.0
    kind_word: float = 2.5
    province_capital: float = 1.0  # taken off a province that shares its name with a town of its own
    state_of_article: float = 3.0
    named_capital: float = 1.0


WEIGHTS = Weights()


@dataclasses.dataclass
class Evidence:
    """What an article says: counts of the countries and (country, admin1) states it names,
    and of those its places lie in. ``rest`` is the part that comes from other names."""

    countries: Counter = dataclasses.field(default_factory=Counter)
    states: Counter = dataclasses.field(default_factory=Counter)
    town_countries: Counter = dataclasses.field(default_factory=Counter)
    town_states: Counter = dataclasses.field(default_factory=Counter)

    def add(self, other: Evidence) -> None:
        # Most names lend nothing: skip their empty counters (this runs for every match).
        if other.countries:
            self.countries.update(other.countries)
        if other.states:
            self.states.update(other.states)
        if other.town_countries:
            self.town_countries.update(other.town_countries)
        if other.town_states:
            self.town_states.update(other.town_states)

    def rest(self, own: Evidence) -> Evidence | _Rest:
        if not (own.countries or own.states or own.town_countries or own.town_states):
            return self  # most names lend nothing: the whole article's evidence, uncopied
        return _Rest(self, own)


_NOTHING = Evidence()  # what most names lend: shared, never added to


class _Rest:
    """The article's evidence minus one name's own, looked up without copying the counters."""

    __slots__ = ("countries", "states", "town_countries", "town_states")

    def __init__(self, total: Evidence, own: Evidence) -> None:
        self.countries = _Difference(total.countries, own.countries)
        self.states = _Difference(total.states, own.states)
        self.town_countries = _Difference(total.town_countries, own.town_countries)
        self.town_states = _Difference(total.town_states, own.town_states)


class _Difference:
    __slots__ = ("total", "own")

    def __init__(self, total: Counter, own: Counter) -> None:
        self.total, self.own = total, own

    def get(self, key) -> int:
        return self.total.get(key, 0) - self.own.get(key, 0)


def prior_score(candidate: Candidate, flags: int, weights: Weights = WEIGHTS) -> float:
    """The score before the article's evidence: layer, kind, population, alternate name."""
    if candidate.method == "curated":
        score = 3.5 + candidate.priority
    elif candidate.kind == "country":
        # Same-named countries (the demonym "American"): the more populous is meant.
        score = _KIND_PRIOR["country"] + math.log10(candidate.population + 10) / 20
    elif candidate.kind in _KIND_PRIOR:
        score = _KIND_PRIOR[candidate.kind] + candidate.priority
    else:
        score = 0.5 + math.log10(candidate.population + 10) * weights.population + candidate.priority
    if flags & ALTERNATE:
        score += weights.alternate
    return score


def _province_capitals(candidates) -> frozenset:
    """(country, admin1) of the provinces among ``candidates`` that a town among them can be the seat of: those the
    town lies in, and those whose point is the town's (within ``SEAT_KM``). A province made after GeoNames drew its
    divisions (Halabja, 2014) has no admin1 of GeoNames' and its towns another's: its point is its seat's."""
    towns = [c for c, _, _ in candidates if c.kind == "city"]
    capitals = {(c.country_code, c.admin1) for c in towns}
    for c, _, _ in candidates:
        if c.kind == "region" and any(t.country_code == c.country_code
                                      and haversine_km(c.lat, c.lon, t.lat, t.lon) <= SEAT_KM for t in towns):
            capitals.add((c.country_code, c.admin1))
    return frozenset(capitals)


def score_candidate(
    candidate: Candidate, flags: int, evidence: Evidence | _Rest, qualifier: tuple[str, str, bool] | None = None,
    named_regions: frozenset = frozenset(), state_position: bool = False, kind_cue: str = "",
    weights: Weights = WEIGHTS, prior: float | None = None, admin_namesake: frozenset = frozenset(),
    state_of_article: bool = False, capitals: frozenset = frozenset(),
) -> float:
    """Higher is more likely; see the module docstring for the terms.

    ``qualifier``: (country, admin1 or "", abbreviated) named right after the name; ``named_regions``:
    (country, admin1) of regions the same name can mean, so a town sharing its own state's
    name gets no lift from that state (New York the state, not New York City, in "New York
    and New Jersey"); ``state_position``: the name follows "Town, "; ``kind_cue``: "town" or
    "region" when the words around the name say so; ``prior``: ``prior_score``, when known;
    ``admin_namesake``: the countries where a state's evidence does not turn the name into a
    town, because the name is also a state's there ("Florida" and "Wales" in their own
    countries; Damascus, Maryland stays a town though Syria has a Damascus governorate), or
    every candidate's country when it is also a country's or a continent's ("Kazakhstan");
    ``state_of_article``: this candidate is a state whose name is also a country's, and the
    article's other places lie in the state and not in that country (``_state_of_article``);
    ``capitals``: (country, admin1) of the towns the same name can mean, so a province that
    shares its name with a town of its own ("Hama") yields to the town unless ``kind_cue`` says region.
    """
    score = prior_score(candidate, flags, weights) if prior is None else prior
    country = candidate.country_code
    if country and evidence.countries.get(country):
        score += weights.named_country
        if candidate.kind == "city" and candidate.priority >= CAPITAL_PRIOR:
            score += weights.named_capital  # the build marks a country's capital by its prior
    kind = candidate.kind
    local = kind in ("city", "district") and not flags & COMMON
    if kind in ("city", "district", "region", "country") and evidence.town_countries.get(country):
        score += weights.nearby_country
    if local and candidate.admin1 and country not in admin_namesake:
        state = (country, candidate.admin1)
        if state not in named_regions:
            if not flags & ALTERNATE and evidence.states.get(state):
                score += weights.named_state
            if evidence.town_states.get(state):
                score += weights.nearby_state
    if qualifier and qualifier[0] == country and qualifier[1] in ("", candidate.admin1):
        score += weights.qualifier
    if state_position and kind in ("country", "region", "district"):  # "Oulton Park, Cheshire"
        score += weights.state_position
    if (kind_cue == "town" and kind == "city") or (kind_cue == "region" and kind in ("region", "district")):
        score += weights.kind_word
    if kind == "region" and kind_cue != "region" and (country, candidate.admin1) in capitals:
        score -= weights.province_capital  # the province is named for its capital: bare, the name is the town's
    if state_of_article:
        score += weights.state_of_article
    return score


def _world_city_names(candidates: list[tuple[Candidate, int]]) -> list[tuple[Candidate, int]]:
    """The candidates, with a foreign name of a city of millions counted as its own ("Mecca" for Makkah, "Medina"
    for Madinah, "Bombay", "Peking") when every place bearing the name as its own is a town a hundredth its size
    or less: the world's news means the city, and the small namesakes take their name from it."""
    own = [c.population for c, flags in candidates if not flags & ALTERNATE]
    if len(own) == len(candidates) or any(c.kind != "city" for c, flags in candidates if not flags & ALTERNATE):
        return candidates
    largest = max(own, default=0)
    return [(c, flags & ~ALTERNATE if flags & ALTERNATE and c.kind == "city" and c.population >= WORLD_CITY
             and largest * WORLD_CITY_RATIO <= c.population else flags) for c, flags in candidates]


def _state_of_article(candidates, evidence) -> set[str]:
    """Place ids of the states whose name is also a country's ("Georgia") that the article's
    other places point to: one of them lies in the state, or two in its country, and none lies
    in the country of that name nor is it named (the places of the first pass, ``town_*``)."""
    rivals = [c.country_code for c, _, _ in candidates if c.kind == "country"]
    if not rivals or any(evidence.town_countries.get(r) or evidence.countries.get(r) for r in rivals):
        return set()
    return {c.place_id for c, _, _ in candidates
            if c.kind == "region" and c.admin1 and c.country_code not in rivals
            and (evidence.town_states.get((c.country_code, c.admin1)) or evidence.town_countries.get(c.country_code) >= 2)}


def _any(counts) -> bool:
    """Whether a counter has any count (for the rest of one, whether the whole has: a bound)."""
    return bool(counts.total if isinstance(counts, _Difference) else counts)


class Resolver:
    """Pipeline stage: turns ``doc.matches`` into ``doc.mentions``."""

    def __init__(self, gazetteer: Gazetteer, weights: Weights = WEIGHTS) -> None:
        self.gazetteer = gazetteer
        self.weights = weights
        self._by_records: dict[tuple, list] = {}
        # The words after a name that make it a first-level division in the other languages (data/languages.toml
        # ``region_after``: "Hatay ilinde", in Hatay province), as "province" after it does in English.
        languages = load_languages(gazetteer.data_dir / "languages.toml")
        self._region_after = frozenset(word for table in languages.values() for word in table.get("region_after", []))

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
            if place is not None and place.kind in ("city", "district", "region"):
                if key not in by_name:
                    by_name[key] = Evidence()
                for evidence in (total, by_name[key]):
                    evidence.town_countries[place.country_code] += 1
                    if place.admin1:
                        evidence.town_states[(place.country_code, place.admin1)] += 1
        cues = self._list_kinds(text, matches, per_match, first, cues)
        mentions = []
        memo = {}
        for match, candidates, cue, key, once in zip(matches, per_match, cues, keys, first, strict=True):
            again = (self._resolve_memo(memo, match, candidates, total.rest(by_name.get(key, _NOTHING)), cue, text, key)
                     if len(candidates) > 1 else once)
            if again is not None:
                mentions.append(again)
        return mentions

    @staticmethod
    def _list_kinds(text: str, matches, per_match, first, cues) -> list:
        """The cues, with "region" for a name that can be a region or a town, next in a list to a name the first
        pass placed as a region, where the words around it say no kind: names joined by "and", "or" or a comma are
        of one kind ("Ontario and Quebec" are provinces, "Idlib and Hama provinces" too). Not the other way: a town
        beside it would turn a province into a town while the province turned the town into a province."""
        places = [None if m is None or m.type != "toponym" else
                  next((c for c, _, _ in candidates if c.place_id == m.place_id), None)
                  for m, candidates in zip(first, per_match, strict=True)]
        # A region named for a town of its own (London, Madrid) says nothing of its neighbours' kind, unless the
        # words say it is the region ("Idlib and Hama provinces").
        kinds = [None if place is None else "named for its town"
                 if place.kind == "region" and (place.country_code, place.admin1) in _province_capitals(candidates)
                 and not (cue and cue[2] == "region") else place.kind
                 for place, candidates, cue in zip(places, per_match, cues, strict=True)]
        cues = list(cues)
        for i, (match, cue) in enumerate(zip(matches, cues, strict=True)):
            if cue is None or cue[2] or not {"city", "region"} <= {c.kind for c, _, _ in per_match[i]}:
                continue
            for j in (i - 1, i + 1):
                if not 0 <= j < len(matches) or matches[j].sentence_index != match.sentence_index:
                    continue
                left, right = (matches[j], match) if j < i else (match, matches[j])
                if kinds[j] == "region" and _LIST_JOIN.fullmatch(text, left.end, right.start):
                    cues[i] = (cue[0], cue[1], "region")
                    break
        return cues

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
        if _REGION_AFTER.match(after) or _REGION_BEFORE.search(before) or next_word in self._region_after:
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
                and not any(c.kind == "region" and (c.country_code, c.admin1) == (chosen[2].country_code, chosen[2].admin1)
                            for c, _, _ in candidates)):
            # An alternate name of a town in a country the article never names ("Hamas" for
            # Hamm, "Salisbury" for Harare) yields to the places that bear the name as their own;
            # not when its own province bears it (Ḩamāh of Hama governorate: "Hama" is its name).
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
