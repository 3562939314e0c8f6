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

What to parse is decided by ``plan`` (the files compared with the store, each of the store's
files checked against its hash). Each generation keeps its tables' sha256 and the digest of the
corrections it was built with in the manifest, the corrections themselves beside its tables
(``corrections.json``): the manifest, read on every page run, stays small.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import json
import os
import secrets
import shutil
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ..files import write_atomically
from ..frames import place_frame
from ..pipeline import Geoparser
from ..resolution.corrections import CorrectionStage, check_corrections
from ..types import LoadProblem
from . import lease
from .engine import LocalEngine, ParserSpec
from .plan import BuildPlan, _Reading, corrections_text, plan_build
from .read import StoreError, current_generation
from .schema import PARSED_SCHEMAS, PLACE_ARTICLES_SQL, SCHEMA_VERSION, TABLES, pipeline_fingerprint, tables_from_docs
from .verify import CORRECTIONS_FILE, corrections_digest, file_sha256

__all__ = ["BuildPlan", "BuildReport", "build_store", "plan_build"]

Progress = Callable[[int, int], None]
# Sorted so that one place's mentions (one article's sentences) sit together and row groups can be
# skipped by their statistics. Articles stay in arrival order: sorting their texts would take
# the whole corpus' text into memory (DuckDB cannot spill it in blocks), and they are looked
# up by id among a few columns.
_PARQUET = "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 65536)"  # every table the build writes with DuckDB
_SORT = {"sentences": "article_id, sentence_index", "mentions": "place_id, article_id, start, \"end\", type"}


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
    up_to_date: bool = False  # nothing to do: the store was not written

    def summary(self) -> str:
        """``12 new, 1 changed, 0 removed, 9,988 unchanged`` (and ``, 3 corrected``, or ``; up to date``)."""
        corrected = f", {self.corrected:,} corrected" if self.corrected else ""
        current = "; up to date" if self.up_to_date else ""
        return (f"{self.new:,} new, {self.changed:,} changed, {self.removed:,} removed, "
                f"{self.unchanged:,} unchanged{corrected}{current}")


@contextlib.contextmanager
def _build_lock(store: Path) -> Iterator[None]:
    """One build at a time: an exclusive ``flock`` on the store's ``.build.lock``.

    A store this process cannot write (a read-only mount, another user's folder) is locked through
    a descriptor opened for reading (``flock`` needs no more), or not at all when it has no lock
    file yet: such a build can only find the store up to date, and then writes nothing.
    """
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; one builder at a time is then up to the user
        fcntl = None
    store.mkdir(parents=True, exist_ok=True)
    path = store / ".build.lock"
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
    except (PermissionError, OSError) as error:
        if not isinstance(error, PermissionError) and error.errno != errno.EROFS:
            raise
        try:
            descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            descriptor = None
    try:
        if descriptor is not None and fcntl is not None:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        if descriptor is not None:
            os.close(descriptor)  # closing drops the lock


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (``kill``, a service manager stopping the build) stops the build as Ctrl-C does, with
    KeyboardInterrupt: the staging folder is removed, the workers end, the store is as it was.

    Only in the main thread (the only one that may set a handler) and only over the default
    handler (a server's own is left alone). A second SIGTERM kills at once, as the default would.
    """
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGTERM) != signal.SIG_DFL:
        yield
        return

    def interrupt(signum, frame):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


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
        with _terminate_as_interrupt(), _build_lock(store):
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
                       time.perf_counter() - started, problems, plan.corrected, plan.up_to_date)


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
                # COPY answers with the rows written
                counts[name] = con.execute(f"COPY ({ordered}) TO '{target}' {_PARQUET}").fetchone()[0]
            summed = PLACE_ARTICLES_SQL.format(mentions=f"read_parquet('{_sql_path(staging / 'mentions.parquet')}')",
                                               articles=f"read_parquet('{_sql_path(staging / 'articles.parquet')}')")
            target = _sql_path(staging / "place_articles.parquet")
            con.execute(f"COPY ({summed} ORDER BY place_id, article_id) TO '{target}' {_PARQUET}")
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
    writers: list[pq.ParquetWriter] = []
    done, total = 0, len(plan.parse)
    try:
        for name, schema in PARSED_SCHEMAS.items():
            writers.append(pq.ParquetWriter(staging / f"new-{name}.parquet", schema))
        by_name = dict(zip(PARSED_SCHEMAS, writers, strict=True))
        for partition in engine.parse(ParserSpec.of(parser.gazetteer), _Reading(plan)):
            workers.add(partition.worker)
            docs = [geocoder(doc) for doc in partition.docs] if geocoder else partition.docs
            docs = [corrections(doc) for doc in docs] if corrections else docs
            for name, table in tables_from_docs(docs, parser.gazetteer, plan.files).items():
                by_name[name].write_table(table)
            done += len(docs)
            if progress:
                progress(done, total)
    except BaseException:
        _close_all(writers, failing=True)
        raise
    _close_all(writers, failing=False)
    return True


def _close_all(writers: list[pq.ParquetWriter], failing: bool) -> None:
    """Close every writer, even when one's close fails (a full disk fails them all).

    The first close error is raised, unless an error is on its way already (``failing``): that
    one is the clear one. A writer whose close failed is marked closed (pyarrow's own
    ``is_open``), or pyarrow would close it again when it is collected and print
    "Exception ignored in: ParquetWriter.__del__".
    """
    first = None
    for writer in writers:
        try:
            writer.close()
        except Exception as error:
            first = first or error
            writer.is_open = False
            handle = getattr(writer, "file_handle", None)
            if handle is not None:
                with contextlib.suppress(Exception):
                    handle.close()
    if first is not None and not failing:
        raise first


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
    corrections = corrections_text(plan.corrections)
    write_atomically(staging / CORRECTIONS_FILE, corrections)  # beside the tables: the manifest keeps its digest
    # Hashed as each table is flushed to disk, one read for both: a build and the page check them.
    hashes = {name: file_sha256(staging / f"{name}.parquet", sync=True) for name in TABLES}
    manifest = {
        "schema_version": SCHEMA_VERSION, "gazetteer": fingerprint, "pipeline": pipeline_fingerprint(),
        "generation": generation, "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "engine": engine,
        "tables": {name: f"generations/{generation}/{name}.parquet" for name in TABLES},
        "hashes": hashes, "corrections_sha256": corrections_digest(corrections),
        "counts": counts, "problems": [dataclasses.asdict(p) for p in plan.problems],
        "unreadable": plan.unreadable_files,
        # Kept apart from the load problems: they are found after parsing, not by the plan.
        "correction_problems": correction_problems,
    }
    write_atomically(staging / "manifest.json", json.dumps(manifest, indent=1, ensure_ascii=False))
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
