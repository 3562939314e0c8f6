"""Cold and warm starts of the dashboard, as Streamlit Community Cloud starts a container: ``python bench/dashboard.py --cold``.

Rows, all in one run, each a fresh ``streamlit run dashboard.py`` on the bundled corpus opened in
headless Chromium (1400×1000) until a shape is drawn in the map's iframe:

- **cold**: an empty cache folder (``GEO_CACHE_DIR``) and no store (the store folder is new), as a
  container after a deploy, reboot or wake;
- **warm**: the same server started again on what the cold start left (the store built);
- **bare streamlit-folium page**: Streamlit's own floor, a page that only draws a folium map with the
  same vendored Leaflet and one place (the map counted drawn the same way);
- **cold, index compiled**: a copy of the checkout without ``data/index``, as a gazetteer being edited
  is deployed: the server compiles the index (in its child process) before the store.

For each: seconds from launch to the map, the peak resident memory of the server's whole process
tree (sampled every 0.1 s from launch; children such as the index compiler included), and the memory
it holds 5 s after the map is drawn. The budget lines are issue 33's: peak ≤ 600 MB, held ≤ 1.1× the
warm start's, cold start to the map ≤ 15 s. Checks print "yes"/"no"; the script exits 1 on a "no" of
the cold row (the compiled row has no budget: it is the path a deploy avoids by shipping the index).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from appserver import CHROMIUM, CHROMIUM_ARGS, free_port  # noqa: E402  (tests/e2e/appserver.py)
from watch import tree_mb  # noqa: E402  (tests/watch.py)

MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
MAP_DRAWN = "path.leaflet-interactive"
BUDGET = {"peak_mb": 600.0, "held_ratio": 1.1, "cold_s": 15.0}
SETTLE_S = 5.0


# Streamlit's own floor: a page that only draws a folium map through streamlit-folium, with the same vendored
# Leaflet from the same static serving (no CDN: there is no network), and one place on it.
BARE_PAGE = """
import folium
import streamlit as st
from streamlit_folium import st_folium

st.set_page_config(layout="wide")
m = folium.Map(location=[30, 35], zoom_start=4, tiles=None)
m.default_js = [("leaflet", "../../app/static/vendor/leaflet/leaflet.js")]
m.default_css = [("leaflet_css", "../../app/static/vendor/leaflet/leaflet.css")]
folium.CircleMarker([33.51, 36.29], radius=8, tooltip="Damascus").add_to(m)
st_folium(m, key="map", height=560, use_container_width=True, returned_objects=[])
"""


def bare_checkout(into: Path) -> Path:
    """A folder with the bare page beside the project's static files and Streamlit settings."""
    into.mkdir()
    (into / "dashboard.py").write_text(BARE_PAGE, encoding="utf-8")
    (into / "static").symlink_to(ROOT / "static")
    (into / ".streamlit").symlink_to(ROOT / ".streamlit")
    return into


def start(browser, checkout: Path, cache: Path, store: Path, timeout: float = 240, bare: bool = False) -> dict:
    """One server from ``checkout`` with ``cache`` and ``store``: seconds to the map, peak and held MB."""
    port = free_port()
    data = checkout / "data"
    command = [sys.executable, "-m", "streamlit", "run", str(checkout / "dashboard.py"), "--server.headless", "true",
               "--server.address", "127.0.0.1", "--server.port", str(port), "--server.fileWatcherType", "none"]
    if not bare:
        command += ["--", "--articles", str(data / "articles"), "--sources", str(data / "sources.toml"), "--store",
                    str(store)]
    launched = time.perf_counter()
    server = subprocess.Popen(command, cwd=checkout, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, "GEO_CACHE_DIR": str(cache)}, start_new_session=True)
    peak, stop = [0.0], threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], tree_mb(server.pid, unit=1e6))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        deadline = time.monotonic() + timeout
        while True:  # the server's port opens a moment after launch
            try:
                page.goto(f"http://127.0.0.1:{port}/", timeout=5000)
                break
            except Exception:  # noqa: BLE001 - not listening yet
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        page.frame_locator(MAP_IFRAME).locator(MAP_DRAWN).first.wait_for(state="visible", timeout=timeout * 1000)
        to_map = time.perf_counter() - launched
        time.sleep(SETTLE_S)
        held = tree_mb(server.pid, unit=1e6)
    finally:
        context.close()
        stop.set()
        sampler.join()
        os.killpg(server.pid, 15)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, 9)
            server.wait()
    return {"to_map_s": to_map, "peak_mb": peak[0], "held_mb": held}


def checkout_without_index(into: Path) -> Path:
    """A copy of what the server needs, less the shipped index (as after an edit of the gazetteer's data)."""
    into.mkdir()
    for name in ("dashboard.py", "geo", "static", ".streamlit", "data"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, into / name, ignore=shutil.ignore_patterns("build", "index", "__pycache__"))
        else:
            shutil.copy(source, into / name)
    return into


def cold_table() -> int:
    from playwright.sync_api import sync_playwright

    load = os.getloadavg()[0]
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-cold-") as tmp, sync_playwright() as playwright:
        tmp = Path(tmp)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            rows.append(("cold (empty cache folder, no store)", start(browser, ROOT, tmp / "cache", tmp / "store")))
            rows.append(("warm (what the cold start left)", start(browser, ROOT, tmp / "cache", tmp / "store")))
            rows.append(("bare streamlit-folium page (Streamlit's floor)",
                         start(browser, bare_checkout(tmp / "bare"), tmp / "cache-bare", tmp / "store-bare", bare=True)))
            copy = checkout_without_index(tmp / "checkout")
            rows.append(("cold, index compiled (data/index absent)",
                         start(browser, copy, tmp / "cache-2", tmp / "store-2", timeout=400)))
        finally:
            browser.close()
    warm = rows[1][1]["held_mb"]
    print("| start | to the map (s) | peak MB (tree) | held MB after | held / warm | budget | ok? |")
    print("|---|---|---|---|---|---|---|")
    failed = False
    for number, (name, row) in enumerate(rows):
        ratio = row["held_mb"] / warm
        if number == 0:
            ok = (row["peak_mb"] <= BUDGET["peak_mb"] and ratio <= BUDGET["held_ratio"]
                  and row["to_map_s"] <= BUDGET["cold_s"])
            budget = f"≤ {BUDGET['cold_s']:g} s, ≤ {BUDGET['peak_mb']:g} MB, ≤ {BUDGET['held_ratio']}× warm"
            failed = not ok
            verdict = "yes" if ok else "no"
        else:
            budget, verdict = "—", "—"
        print(f"| {name} | {row['to_map_s']:.1f} | {row['peak_mb']:.0f} | {row['held_mb']:.0f} | {ratio:.2f} | {budget} | "
              f"{verdict} |")
    floor = rows[2][1]["to_map_s"]
    print(f"\nTo the map against the bare page: cold {rows[0][1]['to_map_s'] / floor:.2f}×, warm "
          f"{rows[1][1]['to_map_s'] / floor:.2f}× (issue 22's target: ≤ 1.2×).")
    print(f"\nLoad average {load:.2f} before, {os.getloadavg()[0]:.2f} after, on {os.cpu_count()} CPUs; MB are 10^6 bytes; "
          f"memory is the server's whole process tree (the parse slot's child starts only with an upload).")
    return 1 if failed else 0
