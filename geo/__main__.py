"""Command line: ``python -m geo extract FILE...`` and ``python -m geo build``."""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from pathlib import Path

from .gazetteer.index import DATA_DIR
from .records import MENTION_COLUMNS
from .text.corpus import ARTICLE_SUFFIXES, ArticleError, load_sources, read_article_file
from .words import counted

# From this many files, extract parses on every core: a worker's start (about 0.2 s) is then
# well paid for (bench/geoparse.py measures the whole command on 1,000 files).
EXTRACT_PARALLEL_FROM = 200


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m geo", description="Geoparse news articles into places and mentions.")
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser("extract", help="print the place mentions of the given article files",
                                  description="Print one record per place mention of each FILE (.txt, .md, .html).",
                                  epilog="A FILE whose name begins with '-' goes after '--' (python -m geo extract -- "
                                         "-x.txt), or as ./-x.txt; options come before '--'.")
    extract.add_argument("files", nargs="+", metavar="FILE", type=Path)
    extract.add_argument("--format", choices=["jsonl", "csv", "geojson"], default="jsonl")
    extract.add_argument("--sources", type=Path, default=DATA_DIR / "sources.toml",
                         help="source metadata (outlet per article id); default: %(default)s")
    extract.add_argument("--corrections", type=Path, default=DATA_DIR / "corrections.toml",
                         help="readers' corrections applied after resolution; default: %(default)s")
    build = commands.add_parser(
        "build", help="write or update the corpus store (Parquet tables the dashboard reads)",
        description="Geoparse a folder of articles into a corpus store. Run again, it parses only the articles "
                    "that are new or changed and drops removed ones.")
    build.add_argument("--articles", type=Path, default=DATA_DIR / "articles", help="default: %(default)s")
    build.add_argument("--sources", type=Path, default=None,
                       help="source metadata (default: data/sources.toml for the bundled articles, else none)")
    build.add_argument("--store", type=Path, default=DATA_DIR / "build", help="the store directory; default: %(default)s")
    build.add_argument("--corrections", type=Path, default=DATA_DIR / "corrections.toml",
                       help="readers' corrections applied after resolution; default: %(default)s")
    build.add_argument("--engine", choices=["local", "dask"], default="local",
                       help="local: this machine's processes; dask: a Dask cluster (default: %(default)s)")
    build.add_argument("--processes", type=int, default=0,
                       help="local engine: worker processes (default: all cores for 500 articles or more, else 1)")
    build.add_argument("--scheduler", metavar="ADDRESS", default=None,
                       help="dask engine: a running scheduler, e.g. tcp://10.0.0.5:8786 (default: start a LocalCluster)")
    build.add_argument("--workers", type=int, default=0, help="dask engine without --scheduler: worker processes "
                                                              "(default: the number of cores)")
    build.add_argument("--rebuild", action="store_true", help="parse every article again, changed or not")
    build.add_argument("--progress-every", type=int, default=500, metavar="N",
                       help="say how far it got every N articles (default: %(default)s)")
    index = commands.add_parser(
        "index", help="compile the place index (the one shipped in data/index, by default)",
        description="Compile the gazetteer's index from the data files and the pinned data packages. Run it after "
                    "editing data/gazetteer.geojson, physical.geojson, aliases.toml, name_words.toml or "
                    "languages.toml, or changing a data package's pin, and commit data/index: a server then maps "
                    "it instead of compiling it (about 17 s and 1.1 GB).")
    index.add_argument("--data", type=Path, default=DATA_DIR, help="the data folder; default: %(default)s")
    index.add_argument("--out", type=Path, default=None, help="where the index goes; default: DATA/index")
    return parser


def _warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def _make_parser(corrections: list | None = None):
    """The pipeline, with the online geocoder when GEO_GEOCODER_ENABLED=1 (see README) and readers' corrections."""
    from .gazetteer.geocoder import CachedGeocoder, GeocoderStage, settings_from_env
    from .gazetteer.index import load_gazetteer
    from .pipeline import Geoparser
    from .resolution.corrections import CorrectionStage

    gazetteer = load_gazetteer()
    stage = CorrectionStage(corrections, gazetteer) if corrections else None
    try:
        settings = settings_from_env()
    except ValueError as error:
        _warn(f"geocoder settings ignored: {error}")
        return Geoparser(gazetteer, corrections=stage), None
    if not settings.enabled:
        return Geoparser(gazetteer, corrections=stage), None
    geocoder = CachedGeocoder(settings)
    return Geoparser(gazetteer, geocoder=GeocoderStage(geocoder, gazetteer), corrections=stage), geocoder


def _extract(args: argparse.Namespace) -> int:
    from .resolution.corrections import check_corrections, load_corrections

    sources, problems = load_sources(args.sources)
    corrections, correction_problems = load_corrections(args.corrections)
    for problem in problems + correction_problems:
        _warn(f"{problem.path}: {problem.reason}")
    parser, geocoder = _make_parser(corrections)
    failed = 0
    articles = []
    for path in args.files:
        try:
            if path.suffix.lower() not in ARTICLE_SUFFIXES:
                raise ArticleError(f"not an article file (expected {', '.join(ARTICLE_SUFFIXES)})")
            # Size and kind checked before reading: a 30 GB file, a FIFO or /dev/zero is named, not read.
            article, caveat = read_article_file(path, sources.get(path.stem))
        except (OSError, ArticleError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            print(f"error: {path}: {reason}", file=sys.stderr)
            failed += 1
            continue
        if caveat:
            _warn(f"{path}: {caveat}")
        articles.append(article)
    # Only the articles given are checked: a correction for another is not for this run.
    texts = {article.id: article.text for article in articles}
    named = [c for c in corrections if not c.article or c.article in texts]
    for problem in check_corrections(named, str(args.corrections), texts.get, parser.gazetteer):
        _warn(f"{problem.path}: {problem.reason}")
    if geocoder is None and len(articles) >= EXTRACT_PARALLEL_FROM and (os.cpu_count() or 1) > 1:
        if args.format == "jsonl":  # lines made on the workers: this process only writes them
            for line in _extract_in_processes(parser, articles, _json_line):
                sys.stdout.write(line)
            return 1 if failed else 0
        rows = _extract_in_processes(parser, articles)
    else:  # the online geocoder keeps to one request a second: this process only
        rows = [row for article in articles for row in _records(parser, article)]
    for message in geocoder.warnings if geocoder else []:
        _warn(message)
    _write(rows, args.format, sys.stdout)
    return 1 if failed else 0


def _json_line(row: dict) -> str:
    return json.dumps(row, ensure_ascii=False) + "\n"


def _extract_in_processes(parser, articles: list, encode=None) -> list:
    """Mention records (or, with ``encode``, their lines) of many articles from every core,
    in the order of the files given."""
    import functools

    from .store.engine import (
        EngineError,
        LocalEngine,
        ParserSpec,
        forget_worker_parser,
        mention_rows_partition,
        seed_worker_parser,
    )

    by_path: dict[str, list] = {}
    spec = ParserSpec.of(parser.gazetteer)
    try:
        seed_worker_parser(spec, parser)  # forked workers inherit it, corrections too: no second load
        engine = LocalEngine(os.cpu_count(), partition_size=50, fork=True)
        task = functools.partial(mention_rows_partition, encode=encode)
        for part in engine.parse(spec, articles, task):
            by_path.update(part.docs)
    except EngineError as error:
        _warn(f"{error}; parsing in this process")
        rows = [row for article in articles for row in _records(parser, article)]
        return [encode(row) for row in rows] if encode else rows
    finally:
        forget_worker_parser(spec)
    return [row for article in articles for row in by_path[article.path]]


def _records(parser, article) -> list[dict]:
    from .records import mention_records

    return mention_records(parser(article), parser.gazetteer)


def _write(rows: list[dict], fmt: str, out) -> None:
    if fmt == "jsonl":
        for row in rows:
            out.write(_json_line(row))
    elif fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=MENTION_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    else:
        features = [{
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [row["lon"], row["lat"]]},  # GeoJSON: lon, lat
            "properties": {k: v for k, v in row.items() if k not in ("lat", "lon")},
        } for row in rows]
        json.dump({"type": "FeatureCollection", "features": features}, out, ensure_ascii=False)
        out.write("\n")


def _build(args: argparse.Namespace) -> int:
    from .store.build import build_store
    from .store.engine import DaskEngine, EngineError, LocalEngine
    from .store.read import StoreError

    if not args.articles.is_dir():
        print(f"error: {args.articles}: no such folder", file=sys.stderr)
        return 2
    if args.engine == "local" and args.scheduler:
        print("error: --scheduler goes with --engine dask", file=sys.stderr)
        return 2
    bundled = args.articles.resolve() == (DATA_DIR / "articles").resolve()
    sources = args.sources or (DATA_DIR / "sources.toml" if bundled else None)
    parser, geocoder = _make_parser()
    engine = (DaskEngine(args.scheduler, args.workers or os.cpu_count() or 1) if args.engine == "dask"
              else LocalEngine(args.processes or None))

    def progress(done: int, total: int) -> None:
        every = max(args.progress_every, 1)
        if done == total or done // every != (done - 1) // every:
            print(f"parsed {done:,}/{total:,} articles", file=sys.stderr)

    try:
        report = build_store(args.articles, sources, args.store, parser, engine, progress, force=args.rebuild,
                             corrections_path=args.corrections)
    except (StoreError, EngineError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"interrupted; the store at {args.store} is as it was before this build", file=sys.stderr)
        return 130
    for problem in report.problems:
        (_warn if problem.loaded else lambda m: print(f"error: {m}", file=sys.stderr))(f"{problem.path}: {problem.reason}")
    for message in geocoder.warnings if geocoder else []:
        _warn(message)
    if report.reason:
        print(f"parsing every article: {report.reason}", file=sys.stderr)
    print(f"{report.summary()} ({report.engine}, {report.seconds:.1f} s)", file=sys.stderr)
    print(f"{counted(report.articles, 'article')}, {counted(report.places, 'place')}, "
          f"{counted(report.mentions, 'mention')} -> {args.store}",
          file=sys.stderr)
    return 0


def _index(args: argparse.Namespace) -> int:
    from .gazetteer.index import SHIPPED, write_index

    out = args.out or args.data / SHIPPED
    try:
        fingerprint = write_index(args.data, out)
    except (OSError, ValueError) as error:
        print(f"error: cannot compile the place index into {out}: {error}", file=sys.stderr)
        return 1
    print(f"place index {fingerprint} -> {out}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return {"extract": _extract, "build": _build, "index": _index}[args.command](args)
    except BrokenPipeError:  # `| head` closed the pipe: not an error
        return 0


if __name__ == "__main__":
    sys.exit(main())
