"""The corpus store at scale: builds per size and engine, an incremental build, and the dashboard on each store.

    python bench/scale.py [--sizes 1000,10000,100000] [--engines local-1,local-all,dask-2] [--clicks 12]

A benchmark, not a test: it prints one table and exits 0 whether or not the targets are met.
Corpora are the GeoWebNews texts repeated with distinct ids over 25 outlets and 28 dates
(``bench/dashboard.py``'s ``write_corpus``), written to a temporary folder; nothing goes into
the repository. Each build is ``python -m geo build --rebuild`` in a process of its own, timed
from launch to exit (start-up included); its peak memory is the largest summed RSS of the
command and every process it started (workers, Dask's scheduler and nannies), sampled every
0.1 s. Store size is the generation's files on disk. The incremental build adds 10 new
articles to the 10,000-article store (built by ``local-all``) and times the whole command.
The dashboard figures come from ``bench/dashboard.py``'s browser run (headless Chromium):
the bundled corpus (median of three cold starts) and each size's store opened as built
elsewhere (``-- --store DIR``), all in this run.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

ENGINES = {
    "local-1": ["--engine", "local", "--processes", "1"],
    "local-all": ["--engine", "local", "--processes", str(os.cpu_count() or 1)],
    "dask-2": ["--engine", "dask", "--workers", "2"],
}
TARGETS = {"incremental_s": 5.0, "click_ms": 600.0, "rss_mb": 300.0}


def tree_rss_mb(root: int) -> float:
    """Summed VmRSS of ``root`` and all its descendants (MB)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        stack += children.get(pid, [])
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        found = re.search(r"VmRSS:\s+(\d+) kB", status)
        total += int(found.group(1)) if found else 0
    return total * 1024 / 1e6


def timed_build(args: list[str]) -> dict:
    """Run ``python -m geo build ARGS``; wall seconds, peak tree RSS, and what it printed."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "geo", "build", *args], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    peak = 0.0
    while process.poll() is None:
        peak = max(peak, tree_rss_mb(process.pid))
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    out, err = process.communicate()
    if process.returncode:
        raise RuntimeError(f"build failed ({process.returncode}): {err[-2000:]}")
    summary = next((line for line in err.splitlines() if " new, " in line), "")
    return {"seconds": seconds, "peak_mb": peak, "summary": summary, "stderr": err}


def store_mb(store: Path) -> float:
    generation = (store / "mentions.parquet").resolve().parent
    return sum(p.stat().st_size for p in generation.iterdir()) / 1e6


def add_articles(corpus: Path, count: int) -> None:
    """``count`` new articles (texts of the corpus under new ids) and their sources entries."""
    articles = corpus / "articles"
    donors = sorted(articles.iterdir())[:count]
    entries = []
    for number, donor in enumerate(donors):
        article_id = f"added-{number:03d}"
        shutil.copy(donor, articles / f"{article_id}.txt")
        entries.append(f'[[article]]\nid = "{article_id}"\noutlet = "outlet {number % 25}"\npublished = "2025-05-01"\n')
    with open(corpus / "sources.toml", "a", encoding="utf-8") as handle:
        handle.write("\n" + "\n".join(entries))


def dashboard(script_args: tuple[str, ...], clicks: int, cold_runs: int, timeout: float) -> dict:
    from dashboard import attempt, run_browser

    result = attempt(" ".join(script_args) or "bundled", run_browser, script_args, clicks, cold_runs, map_timeout=timeout)
    return {"cold_s": result.get("cold_s"), "panel_ms": result.get("panel_ms", []), "rss_mb": result.get("rss_mb"),
            "anon_mb": result.get("anon_mb"), "file_mb": result.get("file_mb"), "cold_runs": result.get("cold_runs_s", [])}


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    from geoparse import DEFAULT_CORPUS

    from dashboard import gazetteer_status, write_corpus

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--clicks", type=int, default=12)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--keep", type=Path, help="write corpora and stores here and keep them (default: a temporary folder)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    engines = args.engines.split(",")
    print(f"{gazetteer_status()}; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs", file=sys.stderr)
    began = time.perf_counter()
    builds: dict[tuple[int, str], dict] = {}
    stores: dict[int, Path] = {}
    incremental = None
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        base = args.keep or Path(tmp)
        for size in sizes:
            corpus = base / f"corpus-{size}"
            shutil.rmtree(corpus, ignore_errors=True)
            print(f"writing {size:,} articles…", file=sys.stderr)
            write_corpus(size, args.corpus, corpus)
            for engine in engines:
                store = corpus / f"store-{engine}"
                print(f"{size:,} articles, {engine}…", file=sys.stderr)
                result = timed_build(["--articles", str(corpus / "articles"), "--sources", str(corpus / "sources.toml"),
                                      "--store", str(store), "--rebuild", *ENGINES[engine]])
                result["store_mb"] = store_mb(store)
                builds[(size, engine)] = result
                print(f"  {result['seconds']:.1f} s, {result['summary']}", file=sys.stderr)
            stores[size] = corpus / f"store-{'local-all' if 'local-all' in engines else engines[0]}"
            if size == 10000:
                add_articles(corpus, 10)
                incremental = timed_build(["--articles", str(corpus / "articles"), "--sources",
                                           str(corpus / "sources.toml"), "--store", str(stores[size])])
                print(f"incremental: {incremental['seconds']:.1f} s, {incremental['summary']}", file=sys.stderr)
        views = {"bundled": dashboard((), args.clicks, 3, 120)}
        for size, store in stores.items():
            print(f"dashboard on the {size:,}-article store…", file=sys.stderr)
            views[size] = dashboard(("--store", str(store)), args.clicks, 1, 180)

    columns = ["bundled (5)"] + [f"{size:,}" for size in sizes]
    rows = []

    def row(figure: str, cells: list[str], target: str = "—", ok: str = "—") -> None:
        rows.append(f"| {figure} | " + " | ".join(cells) + f" | {target} | {ok} |")

    for engine in engines:
        row(f"build s, {engine}", ["—"] + [f"{builds[(s, engine)]['seconds']:.1f}" for s in sizes])
    for engine in engines:
        row(f"articles/s, {engine}", ["—"] + [f"{s / builds[(s, engine)]['seconds']:.0f}" for s in sizes])
    for engine in engines:
        per = [1000 * builds[(s, engine)]["seconds"] / s for s in sizes]
        flat = per[-1] / per[0]
        row(f"ms per article, {engine}", ["—"] + [f"{p:.2f}" for p in per], "flat (last / first ≤ 1.2)",
            f"{flat:.2f}: {'yes' if flat <= 1.2 else 'no'}")
    for engine in engines:
        row(f"peak memory of the build (MB), {engine}", ["—"] + [f"{builds[(s, engine)]['peak_mb']:.0f}" for s in sizes])
    row("store on disk (MB)", ["—"] + [f"{builds[(s, engines[0])]['store_mb']:.1f}" for s in sizes])
    if incremental:
        ok = "yes" if incremental["seconds"] <= TARGETS["incremental_s"] else "no"
        row("incremental build, +10 articles into the 10,000 store (s)",
            ["—"] + [f"{incremental['seconds']:.1f} ({incremental['summary']})" if s == 10000 else "—" for s in sizes],
            "≤ 5 s", ok)
    bundled = views["bundled"]["cold_s"]
    cells, verdicts = [f"{bundled:.1f} (runs {', '.join(f'{c:.1f}' for c in views['bundled']['cold_runs'])})"
                       if bundled else "failed"], []
    for size in sizes:
        cold = views[size]["cold_s"]
        cells.append(f"{cold:.1f} ({cold / bundled:.2f}×)" if cold and bundled else "failed")
        limit = 2.0 if size >= 100000 else 1.5 if size >= 10000 else None
        if limit and cold and bundled:
            verdicts.append(f"{size:,} {'yes' if cold / bundled <= limit else 'no'}")
    row("dashboard: launch → map drawn, Chromium (s; × bundled)", cells, "10k ≤ 1.5×, 100k ≤ 2× bundled", ", ".join(verdicts))
    cells, verdicts = [], []
    for key in ["bundled", *sizes]:
        clicks = views[key]["panel_ms"]
        cells.append(f"{statistics.median(clicks):.0f} / {p95(clicks):.0f}" if clicks else "failed")
        if key == 100000 and clicks:
            verdicts.append("yes" if statistics.median(clicks) <= TARGETS["click_ms"] else "no")
    row("dashboard: click → panel, Chromium (ms, median / p95)", cells, "100k ≤ 600 ms median", ", ".join(verdicts) or "—")
    cells = [f"{views[k]['rss_mb']:.0f} (anon {views[k]['anon_mb']:.0f}, files {views[k]['file_mb']:.0f})"
             if views[k]["rss_mb"] else "failed" for k in ["bundled", *sizes]]
    rss = views.get(100000, {}).get("rss_mb")
    row("dashboard: server RSS after the clicks (MB; anonymous, file-backed)", cells, "100k ≤ 300 MB",
        ("yes" if rss <= TARGETS["rss_mb"] else "no") if rss else "—")
    print("| figure | " + " | ".join(columns) + " | target | ok? |")
    print("|---" * (len(columns) + 3) + "|")
    print("\n".join(rows))
    print(f"\n{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f} after the run; "
          f"total {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
