"""What a build has to do: compare the articles folder, its sources and corrections files with the store.

What changed is decided per article file: same file, size, modification time and source entry
means unchanged, without reading it; otherwise it is read and its content hash compared. A
different schema version, gazetteer or pipeline, an unreadable store file, or one that does not
match the hash its manifest keeps (``verify``), re-parses all. A plan only reads: a build with
nothing to do writes nothing, so it works on a store it cannot write (a read-only mount).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ..resolution.corrections import changed_corrections, load_corrections
from ..text.corpus import ArticleError, article_files, check_sources_cover, load_sources, read_article_file
from ..types import Article, Correction, LoadProblem, Source
from .read import Store, StoreError, articles_touched, built_corrections, open_store, store_damage
from .schema import article_hash, pipeline_fingerprint, source_hash
from .verify import corrections_digest, file_name

__all__ = ["BuildPlan", "corrections_text", "plan_build"]

_FILE_COLUMNS = ["article_id", "file", "size", "mtime_ns", "content_hash", "source_hash", "caveat"]


def corrections_text(corrections: list[Correction]) -> str:
    """A generation's ``corrections.json``: one canonical text, so that its digest tells a change."""
    return json.dumps([dataclasses.asdict(c) for c in corrections], sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"))


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
                and corrections_digest(corrections_text(self.corrections)) == self.current.manifest.get(
                    "corrections_sha256"))

    def mark_unreadable(self, path: Path, fields: dict, error: Exception) -> None:
        """Report a file that cannot be read as an article, and remember it so that it is not read again unchanged."""
        self.problems.append(LoadProblem(str(path), str(error)))
        self.unreadable_files[fields["file"]] = {"size": fields["size"], "mtime_ns": fields["mtime_ns"],
                                                 "reason": str(error)}


def _problem_set(problems) -> set[tuple]:
    return {(p["path"], p["reason"], p["loaded"]) for p in problems}


def _file_fields(path: Path, articles_dir: Path, stat: os.stat_result) -> dict:
    return {"file": path.relative_to(articles_dir).as_posix(), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _current(store: Path, gazetteer_fingerprint: str) -> tuple[Store | None, dict[str, dict], str, Store | None]:
    """The current store and the file fields of its articles, or ``(None, {}, why everything is parsed)``;
    last, the store as opened even when it cannot be kept (its corrections may still be needed)."""
    try:
        current = open_store(store)
    except StoreError as error:
        return None, {}, error.reason, None
    if current.manifest.get("gazetteer") != gazetteer_fingerprint:
        return None, {}, "the gazetteer changed", current
    if current.manifest.get("pipeline") != pipeline_fingerprint():
        return None, {}, "the pipeline changed", current
    if not current.manifest.get("hashes"):
        return None, {}, "its manifest keeps no hashes of its tables", current
    # Every file hashed in full: damage behind an intact Parquet footer is found no other way, and a
    # damaged table must never be read into the next generation.
    damaged = store_damage(current)
    if damaged:
        return None, {}, "; ".join(f"{file_name(name)} was damaged ({why})" for name, why in sorted(damaged.items())), \
            current
    try:
        table = pq.read_table(current.table_path("articles"), columns=_FILE_COLUMNS)
    except (OSError, pa.ArrowException) as error:
        return None, {}, f"{current.table_path('articles')}: unreadable ({error})", current
    return current, {row["article_id"]: row for row in table.to_pylist()}, "", current


def plan_build(articles_dir: str | Path, sources_path: str | Path | None, store: str | Path,
               gazetteer_fingerprint: str, force: bool = False, corrections_path: str | Path | None = None) -> BuildPlan:
    """Compare the articles folder (and sources and corrections files) with the store; read only files that may have changed."""
    articles_dir, store = Path(articles_dir), Path(store)
    sources, problems = load_sources(sources_path) if sources_path else ({}, [])
    current, previous, reason, opened = ((None, {}, "a full rebuild was asked for", None) if force
                                         else _current(store, gazetteer_fingerprint))
    unreadable = (current.manifest.get("unreadable") or {}) if current else {}
    plan = BuildPlan(store, reason, problems=problems, current=current)
    plan.corrections, plan.corrections_path = _corrections(corrections_path, opened, plan.problems)
    paths, listing_problems = article_files(articles_dir)
    if not paths and listing_problems and listing_problems[0].path == str(articles_dir):
        # A folder that cannot be listed (missing, unmounted) must not empty the store.
        raise StoreError(f"{articles_dir}: {listing_problems[0].reason}; the store is left as it was")
    plan.problems += listing_problems
    seen: list[Article] = []
    for path in paths:
        article_id = path.stem
        source = sources.get(article_id)  # None: the outlet the file states, found when it is read
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


def _corrections(path: str | Path | None, opened: Store | None, problems: list) -> tuple[list[Correction], str]:
    """The corrections file's corrections; when it cannot be read, those the store was built with (none is lost)."""
    corrections, found = load_corrections(path)
    problems += found
    if any(not p.loaded for p in found) and opened:
        with contextlib.suppress(StoreError):  # its corrections.json damaged too: nothing left to keep
            corrections = built_corrections(opened)
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


