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
from .text.corpus import ARTICLE_SUFFIXES, ArticleError, load_corpus, load_sources, read_article


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m geo", description="Geoparse news articles into places and mentions.")
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser("extract", help="print the place mentions of the given article files",
                                  description="Print one record per place mention of each FILE (.txt, .md, .html).")
    extract.add_argument("files", nargs="+", metavar="FILE", type=Path)
    extract.add_argument("--format", choices=["jsonl", "csv", "geojson"], default="jsonl")
    extract.add_argument("--sources", type=Path, default=DATA_DIR / "sources.toml",
                         help="source metadata (outlet per article id); default: %(default)s")
    build = commands.add_parser("build", help="write the corpus' places and mentions (GeoJSON and CSV)",
                                description="Geoparse a folder of articles and write places/mentions files.")
    build.add_argument("--articles", type=Path, default=DATA_DIR / "articles", help="default: %(default)s")
    build.add_argument("--sources", type=Path, default=DATA_DIR / "sources.toml", help="default: %(default)s")
    build.add_argument("--out", type=Path, default=DATA_DIR / "build", help="default: %(default)s")
    build.add_argument("--processes", type=int, default=0,
                       help="worker processes (default: all cores for 500 articles or more, else 1)")
    return parser


def _warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def _make_parser():
    """The pipeline, with the online geocoder when GEO_GEOCODER_ENABLED=1 (see README)."""
    from .gazetteer.geocoder import CachedGeocoder, GeocoderStage, settings_from_env
    from .gazetteer.index import load_gazetteer
    from .pipeline import Geoparser

    gazetteer = load_gazetteer()
    try:
        settings = settings_from_env()
    except ValueError as error:
        _warn(f"geocoder settings ignored: {error}")
        return Geoparser(gazetteer), None
    if not settings.enabled:
        return Geoparser(gazetteer), None
    geocoder = CachedGeocoder(settings)
    return Geoparser(gazetteer, geocoder=GeocoderStage(geocoder, gazetteer)), geocoder


def _extract(args: argparse.Namespace) -> int:
    from .records import mention_records

    sources, problems = load_sources(args.sources)
    for problem in problems:
        _warn(f"{problem.path}: {problem.reason}")
    parser, geocoder = _make_parser()
    failed = 0
    rows = []
    for path in args.files:
        try:
            if path.suffix.lower() not in ARTICLE_SUFFIXES:
                raise ArticleError(f"not an article file (expected {', '.join(ARTICLE_SUFFIXES)})")
            article, caveat = read_article(path.stem, path.read_bytes(), path.suffix, sources.get(path.stem), str(path))
        except (OSError, ArticleError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            print(f"error: {path}: {reason}", file=sys.stderr)
            failed += 1
            continue
        if caveat:
            _warn(f"{path}: {caveat}")
        rows.extend(mention_records(parser(article), parser.gazetteer))
    for message in geocoder.warnings if geocoder else []:
        _warn(message)
    _write(rows, args.format, sys.stdout)
    return 1 if failed else 0


def _write(rows: list[dict], fmt: str, out) -> None:
    if fmt == "jsonl":
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=MENTION_COLUMNS)
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
    from .frames import to_frames

    if not args.articles.is_dir():
        print(f"error: {args.articles}: no such folder", file=sys.stderr)
        return 2
    articles, problems = load_corpus(args.articles, args.sources)
    for problem in problems:
        (_warn if problem.loaded else lambda m: print(f"error: {m}", file=sys.stderr))(f"{problem.path}: {problem.reason}")
    parser, geocoder = _make_parser()

    def progress(docs):
        for number, doc in enumerate(docs, start=1):
            if number % 500 == 0 or number == len(articles):
                print(f"parsed {number}/{len(articles)} articles", file=sys.stderr)
            yield doc

    processes = args.processes or ((os.cpu_count() or 1) if len(articles) >= 500 else 1)
    places, mentions = to_frames(progress(parser.pipe(articles, n_process=processes)), parser.gazetteer)
    for message in geocoder.warnings if geocoder else []:
        _warn(message)
    args.out.mkdir(parents=True, exist_ok=True)
    places.to_file(args.out / "places.geojson", driver="GeoJSON")
    mentions.to_file(args.out / "mentions.geojson", driver="GeoJSON")
    places.drop(columns="geometry").to_csv(args.out / "places.csv", index=False)
    mentions.drop(columns="geometry").to_csv(args.out / "mentions.csv", index=False)
    print(f"{len(articles)} articles, {len(places)} places, {len(mentions)} mentions -> {args.out}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _extract(args) if args.command == "extract" else _build(args)
    except BrokenPipeError:  # `| head` closed the pipe: not an error
        return 0


if __name__ == "__main__":
    sys.exit(main())
