"""Build places and mentions for large corpora (GeoWebNews texts repeated) and check growth.

    python bench/scale.py [--sizes 1000,2500,5000,10000]

Each size runs in a child process of its own: wall time of the whole build (geoparse +
GeoDataFrames), articles per second and peak memory. Linear growth means seconds per
article stay flat as the corpus grows.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def child(size: int, corpus: Path) -> None:
    from geoparse import load_corpus

    from geo import Geoparser
    from geo.frames import to_frames
    from geo.types import Article, Source

    texts = [a["text"] for a in load_corpus(corpus)]
    parser = Geoparser()
    articles = (
        Article(f"gwn-{i:05d}", texts[i % len(texts)], Source(outlet=f"outlet {i % 25}")) for i in range(size)
    )
    started = time.perf_counter()
    places, mentions = to_frames(parser.pipe(articles), parser.gazetteer)
    seconds = time.perf_counter() - started
    print(json.dumps({
        "size": size, "seconds": seconds, "places": len(places), "mentions": len(mentions),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }))


def main() -> None:
    from geoparse import DEFAULT_CORPUS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,2500,5000,10000")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.corpus)
        return
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        print(f"building {size} articles…", file=sys.stderr)
        done = subprocess.run([sys.executable, __file__, "--child", str(size), "--corpus", str(args.corpus)],
                              capture_output=True, text=True, check=True)
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print("| articles | build s | articles/s | ms per article | mentions | places | peak MB |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['size']} | {r['seconds']:.1f} | {r['size'] / r['seconds']:.0f} | {1000 * r['seconds'] / r['size']:.2f} "
              f"| {r['mentions']} | {r['places']} | {r['peak_mb']:.0f} |")
    first, last = rows[0], rows[-1]
    growth = (last["seconds"] / last["size"]) / (first["seconds"] / first["size"])
    print(f"\ntime per article at {last['size']} / at {first['size']}: {growth:.2f} (1.00 = linear)")


if __name__ == "__main__":
    main()
