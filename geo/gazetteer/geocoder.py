"""Optional online geocoder (geopy's Nominatim) for names the offline layers do not know.

Off by default. When on, a name right after a locative cue ("a depot in Qaryat Zulfa") that
the gazetteer did not match is looked up online: one request a second at most (Nominatim's
usage policy), every answer (a place or "nothing found") cached on disk. A timeout, HTTP error
or malformed answer keeps the offline result, with one warning per kind of failure, and pauses
the geocoder for ``cooldown_seconds``: a dead server costs one timeout, not one per name.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import os
import re
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..types import Candidate, Document, Mention
from .index import Gazetteer, default_cache_dir

__all__ = ["CachedGeocoder", "GeocodeResult", "GeocoderSettings", "GeocoderStage", "settings_from_env", "settings_from_mapping"]

PUBLIC_NOMINATIM = "nominatim.openstreetmap.org"
SOURCE = "Nominatim (OpenStreetMap) via geopy"


@dataclass(frozen=True)
class GeocoderSettings:
    """Where and how to geocode; the defaults respect the public Nominatim's usage policy."""

    enabled: bool = False
    domain: str = PUBLIC_NOMINATIM
    scheme: str = "https"
    user_agent: str = "newsgeo/0.1 (news geoparsing map)"
    timeout: float = 5.0
    min_delay_seconds: float = 1.0
    cooldown_seconds: float = 60.0  # pause after a failure
    featuretype: str = "settlement"  # towns, villages, suburbs: what news names after "in"; "" for any
    cache_path: Path = field(default_factory=lambda: default_cache_dir() / "geocode-cache.json")


@dataclass(frozen=True)
class GeocodeResult:
    """One answer of the geocoder, as stored in the disk cache."""

    query: str
    name: str
    lat: float
    lon: float
    country_code: str = ""
    osm_type: str = ""
    osm_id: str = ""
    importance: float = 0.0
    category: str = ""  # OSM class ("place", "boundary")
    type: str = ""  # OSM type ("village", "administrative")
    display_name: str = ""

    @property
    def place_id(self) -> str:
        """A stable id: the OSM object when known, else the name and point."""
        if self.osm_type and self.osm_id:
            return f"geocoder:{self.osm_type}/{self.osm_id}"
        return f"geocoder:{self.name}@{self.lat:.5f},{self.lon:.5f}"


_BOOLEANS = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False, "off": False, "": False}
_ENV = {"enabled": "GEO_GEOCODER_ENABLED", "domain": "GEO_GEOCODER_DOMAIN", "scheme": "GEO_GEOCODER_SCHEME",
        "user_agent": "GEO_GEOCODER_USER_AGENT", "timeout": "GEO_GEOCODER_TIMEOUT"}
_TEXT_RULES = {  # key: (test of the stripped text, what the error says)
    "scheme": (lambda v: v in ("http", "https"), "must be 'http' or 'https'"),
    "domain": (lambda v: v and "://" not in v and " " not in v, f"must be a host such as {PUBLIC_NOMINATIM!r}, without scheme"),
    "user_agent": (bool, "must name this application (Nominatim's usage policy requires it)"),
    "featuretype": (lambda v: True, ""),
}


def _parse(key: str, value, shown: str):
    if key == "enabled":
        text = value.strip().lower() if isinstance(value, str) else None
        if isinstance(value, bool) or text in _BOOLEANS:
            return value if isinstance(value, bool) else _BOOLEANS[text]
        problem = "must be true or false"
    elif key in ("timeout", "min_delay_seconds", "cooldown_seconds"):
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = math.nan
        if math.isfinite(number) and (number > 0 or (number == 0 and key != "timeout")):
            return number
        problem = "must be a number of seconds" + (" above 0" if key == "timeout" else ", 0 or more")
    elif key == "cache_path":
        if isinstance(value, str | os.PathLike) and str(value).strip():
            return Path(value)
        problem = "must be a file path"
    else:
        test, problem = _TEXT_RULES[key]
        if isinstance(value, str) and test(value.strip()):
            return value.strip()
    raise ValueError(f"geocoder setting {shown!r} {problem}, not {value!r}")


def _settings(items: Iterable[tuple[str, str, object]], defaults: GeocoderSettings | None) -> GeocoderSettings:
    """Settings from (key, name shown in errors, value) triples over ``defaults``."""
    names = {f.name for f in dataclasses.fields(GeocoderSettings)}
    values = {}
    for key, shown, value in items:
        if key not in names:
            raise ValueError(f"unknown geocoder setting {shown!r} (known: {', '.join(sorted(names))})")
        values[key] = _parse(key, value, shown)
    settings = dataclasses.replace(defaults or GeocoderSettings(), **values)
    # The public server allows one request a second; faster gets the app blocked.
    if settings.domain == PUBLIC_NOMINATIM and settings.min_delay_seconds < 1.0:
        raise ValueError(f"geocoder setting 'min_delay_seconds' must be at least 1 for {PUBLIC_NOMINATIM} (usage policy)")
    return settings


def settings_from_mapping(mapping: Mapping, defaults: GeocoderSettings | None = None) -> GeocoderSettings:
    """Settings from a plain mapping (e.g. ``st.secrets.get("geocoder", {})``) over ``defaults``.

    Raises ValueError naming the key for an unknown key or a bad value.
    """
    return _settings(((key, key, value) for key, value in mapping.items()), defaults)


def settings_from_env(environ: Mapping[str, str] | None = None, defaults: GeocoderSettings | None = None) -> GeocoderSettings:
    """Settings from GEO_GEOCODER_ENABLED, _DOMAIN, _SCHEME, _USER_AGENT and _TIMEOUT (unset ones keep defaults)."""
    environ = os.environ if environ is None else environ
    return _settings(((key, name, environ[name]) for key, name in _ENV.items() if name in environ), defaults)


def environment_of(settings: Mapping) -> dict[str, str]:
    """Settings given as a mapping (Streamlit's ``[geocoder]`` secrets) as the environment variables a child process
    reads with ``settings_from_env``; keys it does not know are left out."""
    return {name: str(settings[key]).lower() if isinstance(settings[key], bool) else str(settings[key])
            for key, name in _ENV.items() if key in settings}


class CachedGeocoder:
    """Nominatim behind a rate limiter and a JSON file cache; never raises on network trouble.

    ``warnings`` collects one message per kind of failure ("geocoder timed out", ...).
    """

    def __init__(self, settings: GeocoderSettings) -> None:
        self.settings = settings
        self.warnings: list[str] = []
        self._kinds: set[str] = set()
        self._cache: dict[str, GeocodeResult | None] | None = None  # read on first use
        self._geocode = None  # geopy is imported on first use only
        self._paused_until = 0.0
        self._lock = threading.Lock()  # Streamlit sessions may share one geocoder

    @property
    def enabled(self) -> bool:
        """Whether lookups may happen at all (settings.enabled)."""
        return self.settings.enabled

    def lookup(self, query: str) -> GeocodeResult | None:
        """The place ``query`` names, from the cache or the server; None when unknown or on failure."""
        name = " ".join(query.split()).casefold()
        if not self.enabled or not name:
            return None
        # Answers depend on the server and the kind of place asked for: both are in the key.
        key = f"{self.settings.domain}|{self.settings.featuretype}|{name}"
        with self._lock:
            cache = self._load() if self._cache is None else self._cache
            if key in cache:
                return cache[key]
            if time.monotonic() < self._paused_until:
                return None
            try:
                result = self._ask(query)
            except Exception as error:  # whatever goes wrong, the offline result stands
                self._failed(error)
                return None
            cache[key] = result  # "nothing found" is an answer too; failures never get here
            self._save()
            return result

    def _ask(self, query: str) -> GeocodeResult | None:
        if self._geocode is None:
            from geopy.adapters import RequestsAdapter
            from geopy.extra.rate_limiter import RateLimiter
            from geopy.geocoders import Nominatim

            s = self.settings
            # No retries: urllib3 would retry a read timeout twice (three timeouts per name).
            adapter = functools.partial(RequestsAdapter, max_retries=0)
            nominatim = Nominatim(user_agent=s.user_agent, domain=s.domain, scheme=s.scheme, timeout=s.timeout,
                                  adapter_factory=adapter)
            self._geocode = RateLimiter(nominatim.geocode, min_delay_seconds=s.min_delay_seconds, max_retries=0,
                                        swallow_exceptions=False)
        location = self._geocode(query, exactly_one=True, addressdetails=True, language="en",
                                 featuretype=self.settings.featuretype or None)
        return None if location is None else _result(query, location.raw)

    def _failed(self, error: Exception) -> None:
        from geopy.exc import GeocoderParseError, GeocoderTimedOut, GeocoderUnavailable

        status = getattr(error.__cause__, "status_code", None)  # geopy keeps the HTTP error as the cause
        if status:
            kind = f"HTTP {status}"
        elif isinstance(error, GeocoderTimedOut):
            kind = "timed out"
        elif isinstance(error, GeocoderParseError | ValueError | TypeError | KeyError | AttributeError | IndexError):
            kind = "answer malformed"
        elif isinstance(error, GeocoderUnavailable):
            kind = "unreachable"
        else:
            kind = f"failed ({type(error).__name__})"
        retry_after = getattr(error, "retry_after", None) or 0  # a 429 may say how long to wait
        self._paused_until = time.monotonic() + max(self.settings.cooldown_seconds, retry_after)
        self._warn(kind, f"geocoder {kind} ({self.settings.domain}); using offline results")

    def _warn(self, kind: str, message: str) -> None:
        if kind not in self._kinds:
            self._kinds.add(kind)
            self.warnings.append(message)

    def _load(self) -> dict[str, GeocodeResult | None]:
        path = self.settings.cache_path
        self._cache = {}
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(raw, dict):
                raise ValueError("not a JSON object")
            self._cache = {key: None if entry is None else _checked(GeocodeResult(**entry)) for key, entry in raw.items()}
        except FileNotFoundError:
            pass
        except (OSError, ValueError, TypeError) as error:  # truncated, not JSON, bad entries: start again
            self._warn("cache", f"geocode cache {path} was corrupt ({error}); rebuilt")
            self._save()
        return self._cache

    def _save(self) -> None:
        path = self.settings.cache_path
        data = {key: None if r is None else dataclasses.asdict(r) for key, r in self._cache.items()}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Temp file + rename: a crash mid-write never leaves half a cache behind.
            handle, temp = tempfile.mkstemp(prefix=".geocode-", suffix=".json", dir=path.parent)
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    json.dump(data, out, ensure_ascii=False, indent=0)
                os.replace(temp, path)
            finally:
                Path(temp).unlink(missing_ok=True)
        except OSError as error:
            self._warn("cache write", f"geocode cache {path} could not be written ({error}); answers kept in memory only")


def _result(query: str, raw: Mapping) -> GeocodeResult:
    """A result from Nominatim's JSON; KeyError, TypeError or ValueError when it is malformed."""
    display = str(raw.get("display_name") or "")
    return _checked(GeocodeResult(
        query=query, name=str(raw.get("name") or display.split(",")[0].strip() or query),
        lat=float(raw["lat"]), lon=float(raw["lon"]),
        country_code=str((raw.get("address") or {}).get("country_code") or "").upper(),
        osm_type=str(raw.get("osm_type") or ""), osm_id=str(raw.get("osm_id") or ""),
        importance=float(raw.get("importance") or 0.0), category=str(raw.get("class") or raw.get("category") or ""),
        type=str(raw.get("type") or ""), display_name=display,
    ))


def _checked(result: GeocodeResult) -> GeocodeResult:
    """The result itself, or ValueError when it cannot be a place (the cache file is not trusted)."""
    if not all(isinstance(n, int | float) and math.isfinite(n) for n in (result.lat, result.lon, result.importance)):
        raise ValueError(f"bad numbers for {result.query!r}")
    if not (-90 <= result.lat <= 90 and -180 <= result.lon <= 180):
        raise ValueError(f"point out of range for {result.query!r}")
    if not all(isinstance(getattr(result, f.name), str) for f in dataclasses.fields(result) if f.type == "str"):
        raise ValueError(f"bad text for {result.query!r}")
    return result


_TOKEN = re.compile(r"[^\W_][\w'’\-]*")
# Arabic articles joined to a capitalised word ("al-Ain", "ez-Zor") and lower-case connectors
# between capitalised words ("Rio de Janeiro") belong to a name.
_ARTICLES = frozenset({"ad", "al", "an", "ar", "as", "ash", "at", "az", "ed", "el", "en", "er", "es", "et", "ez"})
_CONNECTORS = frozenset({"de", "del", "da", "di", "du", "do", "dos", "la", "le", "van", "von", "bin", "ibn", "al", "el"})
_POSSESSIVE = re.compile(r"['’]s?$")
_SPACES = " \u00a0\u202f\u2009\t"
MAX_WORDS = 4


class GeocoderStage:
    """Pipeline stage: geocodes unknown names after locative cues and adds their mentions."""

    def __init__(self, geocoder: CachedGeocoder, gazetteer: Gazetteer) -> None:
        self.geocoder = geocoder
        self.gazetteer = gazetteer
        self.words = gazetteer.words

    def __call__(self, doc: Document) -> Document:
        if not self.geocoder.enabled or not doc.sentences:
            return doc
        # A name the matcher found whole but the resolver dropped ("fighters from Hamas") was
        # judged, not missed; one it found only a piece of ("Qasab" in "Bir al-Qasab") is new.
        spans = [(s, e, i, cue) for s, e, i, cue in self._names(doc)
                 if not any(m.start < e and s < m.end for m in doc.mentions)
                 and not any(m.start <= s and e <= m.end for m in doc.matches)]
        found: dict[str, GeocodeResult | None] = {}
        for start, end, _, after_cue in spans:
            if after_cue and doc.text[start:end] not in found:
                found[doc.text[start:end]] = self.geocoder.lookup(doc.text[start:end])
        added = []
        for start, end, sentence_index, _ in spans:  # every occurrence, cue or not, once the name is known
            result = found.get(doc.text[start:end])
            if result is not None:
                confidence = round(min(0.8, 0.5 + 0.3 * result.importance), 3)  # no context was weighed: modest
                added.append(Mention(start, end, doc.text[start:end], sentence_index, self._register(result), "toponym",
                                     "geocoder", confidence, note="not in the offline gazetteer; located online"))
        if not added:
            return doc
        mentions = sorted(doc.mentions + tuple(added), key=lambda m: (m.start, m.type != "toponym"))
        return dataclasses.replace(doc, mentions=tuple(mentions))

    def _register(self, result: GeocodeResult) -> str:
        kind = "city" if result.category in ("place", "boundary") else "place"
        candidate = Candidate(result.place_id, result.name, kind, result.country_code, result.lat, result.lon, 0, "geocoder")
        description = f"Located online: {result.display_name or result.name}. Data © OpenStreetMap contributors (ODbL)."
        self.gazetteer.add_external(candidate, {"source": SOURCE, "precision": "point", "description": description})
        return result.place_id

    def _names(self, doc: Document) -> Iterator[tuple[int, int, int, bool]]:
        """(start, end, sentence index, after a locative cue) of each run of 1-4 name words."""
        text = doc.text
        for sentence in doc.sentences:
            tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text, sentence.start, sentence.end)]
            cues = not _is_headline([text[s:e] for s, e in tokens])
            run: list[int] = []  # token indexes
            for i, (start, end) in enumerate(tokens):
                if run and not (start == tokens[run[-1]][1] + 1 and text[start - 1] in _SPACES):
                    yield from self._emit(text, tokens, run, sentence.index, cues)
                    run = []
                if self._name_word(text[start:end], first=not run):
                    run.append(i)
                    if not _POSSESSIVE.search(text[start:end]):
                        continue  # "Zulfa's market": the name ends at the possessive
                yield from self._emit(text, tokens, run, sentence.index, cues)
                run = []
            yield from self._emit(text, tokens, run, sentence.index, cues)

    def _name_word(self, word: str, first: bool) -> bool:
        if word in self.words.function_words or word.lower() in self.words.never_alone:
            return False
        head, _, rest = word.partition("-")
        return word[:1].isupper() or (head in _ARTICLES and rest[:1].isupper()) or (not first and word in _CONNECTORS)

    def _emit(self, text: str, tokens: list, run: list[int], sentence_index: int, cues: bool):
        while run and text[slice(*tokens[run[-1]])] in _CONNECTORS:
            run = run[:-1]  # "Paris de": a name never ends on a connector
        if not run or len(run) > MAX_WORDS:
            return  # a long capitalised run is a title or an organisation, not a place
        start, end = tokens[run[0]][0], tokens[run[-1]][1]
        possessive = _POSSESSIVE.search(text, start, end)
        end = possessive.start() if possessive else end
        words = text[start:end].split()
        if not words or words[0] in self.words.title_words or any(w in self.words.org_heads for w in words):
            return  # "President Trump", "Middle East Eye"
        before = [text[slice(*t)].lower() for t in tokens[max(0, run[0] - 2):run[0]]]
        touching = run[0] > 0 and tokens[run[0] - 1][1] + 1 == start
        # "according to Reuters" names a source, not a destination
        after_cue = cues and touching and before[-1] in self.words.locative_cues and before[-2:] != ["according", "to"]
        yield start, end, sentence_index, after_cue


def _is_headline(words: list[str]) -> bool:
    """Title case ("Strike Hits Depot In Town"): capitals there say nothing about names."""
    long_words = [w for w in words if len(w) >= 4]
    return len(long_words) >= 3 and sum(w[0].isupper() for w in long_words) / len(long_words) >= 0.7
