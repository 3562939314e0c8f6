"""How a candidate place is scored against the article: its prior and the article's evidence.

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
- minus a penalty when only an alternate GeoNames name matched, unless the name is a city of
  millions' and every place bearing it as its own is a fortieth its size ("Mecca": Makkah).
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter

from ..gazetteer.build import ALTERNATE, CAPITAL_PRIOR, COMMON, haversine_km
from ..types import Candidate

__all__ = ["WEIGHTS", "Evidence", "Weights", "prior_score", "score_candidate"]

WORLD_CITY = 1_000_000  # a city this large keeps a foreign name of its own against small namesakes
WORLD_CITY_RATIO = 40  # Madinah is 49 times Medina, Ohio; on GeoWebNews no mention changes at 40 or at 100
SEAT_KM = 25.0  # a province placed at its seat: the build puts one without a shape of its own at its seat town
# A place of the regional file (data/regional.toml) without a census figure counts as a town this size: the
# file holds the districts and villages conflict news names, and population is the prior's stand-in for that.
REGIONAL_POPULATION = 10_000
_KIND_PRIOR = {"country": 5.0, "continent": 4.9, "region": 2.2}


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
        population = max(candidate.population, REGIONAL_POPULATION) if candidate.method == "regional" else candidate.population
        score = 0.5 + math.log10(population + 10) * weights.population + candidate.priority
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
    for Madinah, "Bombay", "Peking") when every place bearing the name as its own is a town WORLD_CITY_RATIO
    times smaller or more (a fortieth its size): the world's news means the city, and the small namesakes take their
    name from it."""
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
