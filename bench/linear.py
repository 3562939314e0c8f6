"""Does extraction time grow linearly with article length, on ordinary and on adversarial text?

    python bench/linear.py [--sizes 10000,40000,160000,640000]

A benchmark, not a test. For each length it builds an article by repeating (1) a news
paragraph and (2) adversarial text (markup, template literals, quotes, bidi and zero-width
characters, long runs without a sentence end, capitalised non-places), geoparses it (best
of three) and prints seconds and microseconds per character. Linear growth means the
per-character time stays flat: the last line compares the largest size with the smallest.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

NEWS = ("Turkish and Israeli officials met in Baku on Wednesday to discuss Syria, where Israel struck the T4 "
        "air base near Palmyra. Damascus said the talks concerned the buffer zone in southern Syria. ")
ADVERSARIAL = ("<script>window.x=1</script> ${document.title='x'} `Damascus` \u202e\u200fPalmyra\u200b ‘Tel Aviv’ "
               "“Gaza” «Erbil» **Baku** [a](javascript:alert(1)) $x$ &lt;img&gt; AAAA BBBB CCCC Of The And "
               + "Syria-Turkey-Israel-" * 20 + " ")


def best_of_three(parser, text: str) -> float:
    from geo.types import Article

    times = []
    for _ in range(3):
        started = time.perf_counter()
        parser(Article("x", text))
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--sizes", default="10000,40000,160000,640000")
    args = options.parse_args()
    from geo import Geoparser

    parser = Geoparser()
    sizes = [int(s) for s in args.sizes.split(",")]
    print("| text | characters | seconds | µs per character |")
    print("|---|---|---|---|")
    ratios = []
    for name, unit in (("news", NEWS), ("adversarial", ADVERSARIAL)):
        per_char = []
        for size in sizes:
            text = (unit * (size // len(unit) + 1))[:size]
            seconds = best_of_three(parser, text)
            per_char.append(seconds / size * 1e6)
            print(f"| {name} | {size} | {seconds:.3f} | {per_char[-1]:.2f} |")
        ratios.append((name, per_char[-1] / per_char[0]))
    for name, ratio in ratios:
        print(f"{name}: time per character at {sizes[-1]} / at {sizes[0]}: {ratio:.2f} (1.00 = linear)")


if __name__ == "__main__":
    main()
