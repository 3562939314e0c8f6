"""Build the corpus store, incrementally: parse only what is new or changed, then swap it in whole.

A store directory holds ``manifest.json`` (the commit point: schema version, gazetteer and
pipeline fingerprints, the generation it names, counts, load problems) and
``generations/<id>/`` with the four tables; ``<table>.parquet`` links at the top point into the
current generation, so ``pandas.read_parquet(STORE / "mentions.parquet")`` works. A build
writes a new generation beside the old one and commits it by replacing ``manifest.json``
(written to a temporary name, then renamed): an interrupted build (Ctrl-C, a killed worker, a
full disk) leaves the previous store as it was. One build runs at a time (a lock file). Old
generations are removed once no reader holds a lease on them (``lease``); the one before the
current is always kept.

What changed is decided per article file: same file, size, modification time and source entry
means unchanged, without reading it; otherwise it is read and its content hash compared. A
different schema version, gazetteer or pipeline, or an unreadable store file, re-parses all.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import secrets
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ..files import write_atomically
from ..frames import place_frame
from ..pipeline import Geoparser
from ..resolution.corrections import CorrectionStage, changed_corrections, check_corrections, load_corrections
from ..text.corpus import ArticleError, article_files, check_sources_cover, load_sources, read_article_file
from ..types import Article, Correction, LoadProblem, Source
from . import lease
from .engine import LocalEngine, ParserSpec
from .read import Store, StoreError, articles_touched, built_corrections, current_generation, open_store
from .schema import (
    PARSED_SCHEMAS,
    SCHEMA_VERSION,
    TABLES,
    article_hash,
    pipeline_fingerprint,
    source_hash,
    tables_from_docs,
)

__all__ = ["BuildPlan", "BuildReport", "build_store", "plan_build"]

Progress = Callable[[int, int], None]
_FILE_COLUMNS = ["article_id", "file", "size", "mtime_ns", "content_hash", "source_hash", "caveat"]
# Sorted so that one place's mentions (one article's sentences) sit together and row groups can be
# skipped by their statistics. Articles stay in arrival order: sorting their texts would take
# the whole corpus' text into memory (DuckDB cannot spill it in blocks), and they are looked
# up by id among a few columns.
_SORT = {"sentences": "article_id, sentence_index", "mentions": "place_id, article_id, start, \"end\", type"}


@dataclass
class BuildPlan:
    """What a build would do: the articles to parse, those kept as they are, those dropped."""

    store: Path
    reason: str  # why everything is parsed again ("" for an incremental build)
    parse: list[tuple[Path, Source]] = field(default_factory=list)  # new or changed: read again when parsed
    new: int = 0
    changed: int = 0
    kept: dict[str, dict] = field(default_factory=dict)  # unchanged: article id -> its (possibly refreshed) file fields
    removed: list[str] = field(default_factory=list)
    files: dict[str, dict] = field(default_factory=dict)  # file fields of the articles to parse
    problems: list[LoadProblem] = field(default_factory=list)
    unreadable: int = 0  # planned, but the file could not be read as an article when parsed
    unreadable_files: dict[str, dict] = field(default_factory=dict)  # file -> size, mtime_ns, reason (not retried)
    current: Store | None = None  # the store as it is, when its rows can be kept (None: everything is parsed)
    corrections: list[Correction] = field(default_factory=list)  # readers' corrections, applied after parsing
    corrections_path: str = ""
    corrected: int = 0  # unchanged articles parsed again because a correction of theirs changed
    _refreshed: bool = False

    @property
    def up_to_date(self) -> bool:
        """Nothing to parse or drop, no file whose recorded size or time must be refreshed, the same problems."""
        recorded = (self.current.manifest.get("problems") or []) if self.current else []
        return (not self.reason and not self.parse and not self.removed and not self._refreshed
                and _problem_set(p.__dict__ for p in self.problems) == _problem_set(recorded)
                and self.corrections_entries() == (self.current.manifest.get("corrections") or []))

    def corrections_entries(self) -> list[dict]:
        return [dataclasses.asdict(c) for c in self.corrections]

    def mark_unreadable(self, path: Path, fields: dict, error: Exception) -> None:
        """Report a file that cannot be read as an article, and remember it so that it is not read again unchanged."""
        self.problems.append(LoadProblem(str(path), str(error)))
        self.unreadable_files[fields["file"]] = {"size": fields["size"], "mtime_ns": fields["mtime_ns"],
                                                 "reason": str(error)}


def _problem_set(problems) -> set[tuple]:
    return {(p["path"], p["reason"], p["loaded"]) for p in problems}


@dataclass(frozen=True)
class BuildReport:
    """What a build did."""

    store: Path
    new: int
    changed: int
    removed: int
    unchanged: int
    articles: int
    places: int
    mentions: int
    reason: str
    engine: str
    workers: tuple[str, ...]
    seconds: float
    problems: tuple[LoadProblem, ...] = ()
    corrected: int = 0  # unchanged articles parsed again for their corrections

    def summary(self) -> str:
        """``12 new, 1 changed, 0 removed, 9,988 unchanged`` (and ``, 3 corrected``)."""
        corrected = f", {self.corrected:,} corrected" if self.corrected else ""
        return (f"{self.new:,} new, {self.changed:,} changed, {self.removed:,} removed, "
                f"{self.unchanged:,} unchanged{corrected}")


def _file_fields(path: Path, articles_dir: Path, stat: os.stat_result) -> dict:
    return {"file": path.relative_to(articles_dir).as_posix(), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _current(store: Path, gazetteer_fingerprint: str) -> tuple[Store | None, dict[str, dict], str]:
    """The current store and the file fields of its articles, or ``(None, {}, why everything is parsed)``."""
    try:
        current = open_store(store)
    except StoreError as error:
        return None, {}, error.reason
    if current.manifest.get("gazetteer") != gazetteer_fingerprint:
        return None, {}, "the gazetteer changed"
    if current.manifest.get("pipeline") != pipeline_fingerprint():
        return None, {}, "the pipeline changed"
    try:
        table = pq.read_table(current.table_path("articles"), columns=_FILE_COLUMNS)
    except (OSError, pa.ArrowException) as error:
        return None, {}, f"{current.table_path('articles')}: unreadable ({error})"
    return current, {row["article_id"]: row for row in table.to_pylist()}, ""


def plan_build(articles_dir: str | Path, sources_path: str | Path | None, store: str | Path,
               gazetteer_fingerprint: str, force: bool = False, corrections_path: str | Path | None = None) -> BuildPlan:
    """Compare the articles folder (and sources and corrections files) with the store; read only files that may have changed."""
    articles_dir, store = Path(articles_dir), Path(store)
    sources, problems = load_sources(sources_path) if sources_path else ({}, [])
    current, previous, reason = (None, {}, "a full rebuild was asked for") if force else _current(store, gazetteer_fingerprint)
    unreadable = (current.manifest.get("unreadable") or {}) if current else {}
    plan = BuildPlan(store, reason, problems=problems, current=current)
    plan.corrections, plan.corrections_path = _corrections(corrections_path, current, plan.problems)
    paths, listing_problems = article_files(articles_dir)
    if not paths and listing_problems and listing_problems[0].path == str(articles_dir):
        # A folder that cannot be listed (missing, unmounted) must not empty the store.
        raise StoreError(f"{articles_dir}: {listing_problems[0].reason}; the store is left as it was")
    plan.problems += listing_problems
    seen: list[Article] = []
    for path in paths:
        article_id = path.stem
        source = sources.get(article_id)  # None: a source of its own, named when the file is read
        try:
            fields = _file_fields(path, articles_dir, path.stat()) | {"source_hash": source_hash(source or Source())}
        except OSError as error:
            plan.problems.append(LoadProblem(str(path), error.strerror or str(error)))
            if article_id in previous:  # could not look at it now: keep what the store has
                plan.kept[article_id] = previous[article_id]
            continue
        old = previous.get(article_id)
        failed = unreadable.get(fields["file"])
        if not old and failed and (failed["size"], failed["mtime_ns"]) == (fields["size"], fields["mtime_ns"]):
            plan.problems.append(LoadProblem(str(path), failed["reason"]))  # as it was: not read again
            plan.unreadable_files[fields["file"]] = failed
            continue
        if not old:  # new: read when parsed
            plan.parse.append((path, source))
            plan.files[article_id] = fields
            plan.new += 1
            seen.append(Article(article_id, "", source))
            continue
        if all(old[k] == fields[k] for k in ("file", "size", "mtime_ns", "source_hash")):
            plan.kept[article_id] = old
            seen.append(Article(article_id, "", source))
            if old["caveat"]:
                plan.problems.append(LoadProblem(str(path), old["caveat"], loaded=True))
            continue
        try:
            article, caveat = read_article_file(path, source)
        except (OSError, ArticleError) as error:
            plan.mark_unreadable(path, fields, error)
            continue
        seen.append(article)
        fields |= {"content_hash": article_hash(article), "caveat": caveat}
        if old["content_hash"] == fields["content_hash"]:  # touched, not changed
            plan.kept[article_id] = old | fields
            plan._refreshed = True
            if caveat:
                plan.problems.append(LoadProblem(str(path), caveat, loaded=True))
            continue
        plan.parse.append((path, source))  # the text is read again when parsed: memory stays flat
        plan.files[article_id] = fields
        plan.changed += 1
    plan.removed = sorted(set(previous) - set(plan.kept) - {path.stem for path, _ in plan.parse})
    if current and plan.kept:
        _parse_corrected(plan, articles_dir, sources)
    if sources_path:
        plan.problems += check_sources_cover(sources, seen, str(sources_path))
    return plan


def _corrections(path: str | Path | None, current: Store | None, problems: list) -> tuple[list[Correction], str]:
    """The corrections file's corrections; when it cannot be read, those the store was built with (none is lost)."""
    corrections, found = load_corrections(path)
    problems += found
    if any(not p.loaded for p in found) and current:
        corrections = built_corrections(current)
    return corrections, str(path or "")


def _parse_corrected(plan: BuildPlan, articles_dir: Path, sources: dict[str, Source]) -> None:
    """Move the unchanged articles whose corrections changed from kept to parsed again.

    A correction for one article names it; one for every article concerns those whose text
    holds its name (looked up in the store's texts, one query).
    """
    changed = changed_corrections(built_corrections(plan.current), plan.corrections)
    if not changed:
        return
    for article_id in sorted(set(articles_touched(plan.current, changed)) & set(plan.kept)):
        fields = plan.kept.pop(article_id)
        plan.parse.append((articles_dir / fields["file"], sources.get(article_id)))
        plan.files[article_id] = {k: fields[k] for k in ("file", "size", "mtime_ns", "source_hash")}
        plan.corrected += 1


class _Reading:
    """The plan's articles, read from their files one at a time as the engine takes them (sized, for the engine)."""

    def __init__(self, plan: BuildPlan) -> None:
        self.plan = plan

    def __len__(self) -> int:
        return len(self.plan.parse)

    def __iter__(self) -> Iterator[Article]:
        for path, source in self.plan.parse:
            try:
                article, caveat = read_article_file(path, source)
            except (OSError, ArticleError) as error:
                self.plan.mark_unreadable(path, self.plan.files.pop(path.stem), error)
                self.plan.unreadable += 1
                continue
            fields = self.plan.files[article.id]
            fields["content_hash"], fields["caveat"] = article_hash(article), caveat
            if caveat:
                self.plan.problems.append(LoadProblem(str(path), caveat, loaded=True))
            yield article


@contextlib.contextmanager
def _build_lock(store: Path) -> Iterator[None]:
    store.mkdir(parents=True, exist_ok=True)
    with open(store / ".build.lock", "w") as handle:
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks; one builder at a time is then up to the user
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_store(articles_dir: str | Path, sources_path: str | Path | None, store: str | Path,
                parser: Geoparser, engine=None, progress: Progress | None = None, force: bool = False,
                corrections_path: str | Path | None = None) -> BuildReport:
    """Bring the store at ``store`` up to date with the articles folder; return what was done.

    ``parser`` is this process's pipeline: its gazetteer names the places, and its online
    geocoder stage, if it has one, runs here after the engine's offline stages. Raises
    StoreError when the store cannot be written (the previous one is then left as it was) and
    geo.store.engine.EngineError when the engine fails.
    """
    started = time.perf_counter()
    store = Path(store)
    engine = engine or LocalEngine()
    fingerprint = parser.gazetteer.meta.get("fingerprint", "")
    try:
        with _build_lock(store):
            plan = plan_build(articles_dir, sources_path, store, fingerprint, force, corrections_path)
            workers: set[str] = set()
            manifest = (plan.current.manifest if plan.up_to_date
                        else _write_generation(plan, parser, engine, fingerprint, progress, workers))
    except OSError as error:
        raise StoreError(f"cannot write the store at {store}: {error.strerror or error}; "
                         "the previous store, if any, is unchanged") from None
    except Exception as error:
        import duckdb

        if not isinstance(error, duckdb.Error):
            raise
        raise StoreError(f"cannot write the store at {store}: {error}; the previous store, if any, is unchanged") from None
    counts = manifest["counts"]
    new = plan.new - plan.unreadable  # a new file that turns out unreadable was not added
    problems = (*plan.problems, *(LoadProblem(**p) for p in manifest.get("correction_problems") or []))
    return BuildReport(store, max(0, new), plan.changed, len(plan.removed), len(plan.kept), counts["articles"],
                       counts["places"], counts["mentions"], plan.reason, engine.describe(), tuple(sorted(workers)),
                       time.perf_counter() - started, problems, plan.corrected)


def _write_generation(plan: BuildPlan, parser: Geoparser, engine, fingerprint: str, progress: Progress | None,
                      workers: set[str]) -> dict:
    """Write and commit a new generation; return its manifest."""
    import duckdb

    generations = plan.store / "generations"
    generations.mkdir(parents=True, exist_ok=True)
    for stale in generations.glob(".staging-*"):  # left by a build that was killed
        shutil.rmtree(stale, ignore_errors=True)
    staging = generations / f".staging-{secrets.token_hex(4)}"
    staging.mkdir()
    try:
        parsed = _write_parsed(plan, parser, engine, staging, progress, workers)
        previous = plan.current
        # A small memory limit: the sorts spill to disk instead of growing with the corpus.
        con = duckdb.connect(config={"threads": os.cpu_count() or 1, "memory_limit": "256MB",
                                     "temp_directory": str(staging / ".spill")})
        try:
            kept = pa.Table.from_pylist([{"article_id": k, "file": v["file"], "size": v["size"],
                                          "mtime_ns": v["mtime_ns"]} for k, v in plan.kept.items()],
                                        schema=pa.schema([("article_id", pa.string()), ("file", pa.string()),
                                                          ("size", pa.int64()), ("mtime_ns", pa.int64())]))
            con.register("kept", kept)
            counts: dict[str, int] = {}
            for name in ("articles", "sentences", "mentions"):
                parts = [f"SELECT * FROM read_parquet('{_sql_path(staging / f'new-{name}.parquet')}')"] if parsed else []
                if previous and plan.kept:
                    old = f"read_parquet('{_sql_path(previous.table_path(name))}')"
                    parts.append("SELECT o.* REPLACE (k.file AS file, k.size AS size, k.mtime_ns AS mtime_ns) "
                                 f"FROM {old} o JOIN kept k USING (article_id)" if name == "articles" else
                                 f"SELECT * FROM {old} WHERE article_id IN (SELECT article_id FROM kept)")
                if not parts:
                    con.register("empty", PARSED_SCHEMAS[name].empty_table())
                    parts = ["SELECT * FROM empty"]
                query = " UNION ALL BY NAME ".join(parts)
                target = _sql_path(staging / f"{name}.parquet")
                ordered = f"SELECT * FROM ({query}) ORDER BY {_SORT[name]}" if name in _SORT else query
                counts[name] = con.execute(f"COPY ({ordered}) TO '{target}' "  # COPY answers with the rows written
                                           "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 65536)").fetchone()[0]
            places = _places(con, staging / "mentions.parquet", parser, previous)
            counts["places"] = len(places)
            checked = _checked_corrections(con, staging / "articles.parquet", plan, parser)
        finally:
            con.close()
        places.to_parquet(staging / "places.parquet", index=False)
        for name in ("articles", "sentences", "mentions"):
            (staging / f"new-{name}.parquet").unlink(missing_ok=True)
        shutil.rmtree(staging / ".spill", ignore_errors=True)
        return _commit(plan, staging, fingerprint, counts, engine.describe(), checked)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write_parsed(plan: BuildPlan, parser: Geoparser, engine, staging: Path, progress: Progress | None,
                  workers: set[str]) -> bool:
    """Parse the plan's articles with the engine, streaming their rows into ``new-<table>.parquet``."""
    if not plan.parse:
        return False
    geocoder = parser.stage("geocoder")
    corrections = CorrectionStage(plan.corrections, parser.gazetteer)
    writers = {name: pq.ParquetWriter(staging / f"new-{name}.parquet", schema) for name, schema in PARSED_SCHEMAS.items()}
    done, total = 0, len(plan.parse)
    try:
        for partition in engine.parse(ParserSpec.of(parser.gazetteer), _Reading(plan)):
            workers.add(partition.worker)
            docs = [geocoder(doc) for doc in partition.docs] if geocoder else partition.docs
            docs = [corrections(doc) for doc in docs] if corrections else docs
            for name, table in tables_from_docs(docs, parser.gazetteer, plan.files).items():
                writers[name].write_table(table)
            done += len(docs)
            if progress:
                progress(done, total)
    finally:
        for writer in writers.values():
            writer.close()
    return True


def _places(con, mentions: Path, parser: Geoparser, previous):
    """Per-place aggregates of every mention (one SQL pass), with the gazetteer's shapes and details."""
    rows = con.sql(f"""
        SELECT place_id, any_value(name) AS name, any_value(kind) AS kind, any_value(country_code) AS country_code,
               any_value(lat) AS lat, any_value(lon) AS lon, count(*) AS mention_count,
               count(DISTINCT article_id) AS article_count,
               string_agg(DISTINCT outlet, '; ' ORDER BY outlet) AS outlets,
               bool_and(type = 'venue') AS only_venue,
               CASE WHEN bool_or(type = 'venue') THEN coalesce(min(note) FILTER (WHERE note <> ''), '') ELSE '' END
                   AS venue_note
        FROM read_parquet('{_sql_path(mentions)}') GROUP BY place_id ORDER BY place_id""").to_arrow_table().to_pylist()
    known = {}
    if previous is not None:
        import geopandas as gpd

        old = gpd.read_parquet(previous.table_path("places"))
        known = {row["place_id"]: row for row in old.to_dict("records")}
    return place_frame(rows, parser.gazetteer, known)


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def _checked_corrections(con, articles: Path, plan: BuildPlan, parser: Geoparser) -> list[dict]:
    """The corrections that cannot be applied (their article gone, their offset moved), as problems."""
    named = sorted({c.article for c in plan.corrections if c.article})
    texts = dict(con.execute(f"SELECT article_id, text FROM read_parquet('{_sql_path(articles)}') "
                             "WHERE list_contains(?, article_id)", [named]).fetchall()) if named else {}
    problems = check_corrections(plan.corrections, plan.corrections_path, texts.get, parser.gazetteer)
    return [dataclasses.asdict(p) for p in problems]


def _commit(plan: BuildPlan, staging: Path, fingerprint: str, counts: dict, engine: str,
            correction_problems: list[dict]) -> dict:
    """Move the staged tables into a generation of their own, point the store at it; return its manifest."""
    generation = f"{time.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(3)}"
    manifest = {
        "schema_version": SCHEMA_VERSION, "gazetteer": fingerprint, "pipeline": pipeline_fingerprint(),
        "generation": generation, "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "engine": engine,
        "tables": {name: f"generations/{generation}/{name}.parquet" for name in TABLES},
        "counts": counts, "problems": [dataclasses.asdict(p) for p in plan.problems],
        "unreadable": plan.unreadable_files,
        # Kept apart from the load problems: they are found after parsing, not by the plan.
        "corrections": plan.corrections_entries(), "correction_problems": correction_problems,
    }
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
    for path in staging.iterdir():
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())
    target = plan.store / "generations" / generation
    previous = current_generation(plan.store)
    staging.rename(target)
    try:
        write_atomically(plan.store / "manifest.json", json.dumps(manifest, indent=1, ensure_ascii=False))
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)  # not committed: the previous manifest still names its own
        raise
    for name in TABLES:  # convenience links for other tools; readers of ours follow the manifest
        link = plan.store / f"{name}.parquet"
        temporary = plan.store / f".{name}.parquet.{secrets.token_hex(3)}"
        try:
            os.symlink(Path("generations") / generation / f"{name}.parquet", temporary)
            if link.is_dir() and not link.is_symlink():
                shutil.rmtree(link)
            os.replace(temporary, link)
        except OSError:  # a file system without links: the manifest alone is enough for us
            temporary.unlink(missing_ok=True)
    # Older generations go once no reader holds a lease on them; the one before is kept anyway, for
    # readers a lease cannot see (another machine on a shared disk, a tool reading the links).
    keep = {generation, previous}
    for old in (plan.store / "generations").iterdir():
        if not old.name.startswith(".") and old.name not in keep:
            lease.remove_unless_held(old)
    return manifest
