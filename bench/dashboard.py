"""Dashboard performance beside its targets, for the bundled corpus and a 10,000-article corpus.

    GEO_CACHE_DIR=/tmp/gcache python bench/dashboard.py [--sizes 10000[,N…]] [--skip-10k] [--clicks 12]
    python bench/dashboard.py --cold        # cold and warm starts, memory included (bench/coldstart.py)

A benchmark, not a test: it prints one table (figure | bundled corpus | 10k corpus | target | ok?)
and notes below it, and exits 0 whether or not the targets are met. The large corpus is the
GeoWebNews texts (``--corpus``, default ../shared/benchmarks/geowebnews/GWN.xml) repeated into a
temporary folder of .txt files, with a sources.toml spreading them over 25 outlets ("outlet 0" to
"outlet 24", each text under many of them, as when outlets cover one story); nothing is written
into the repository. The gazetteer index must already be compiled in the cache ($GEO_CACHE_DIR,
else ~/.cache/newsgeo): the script loads it once before measuring and says whether it was there,
since compiling it is not start-up. Bundled and 10k corpora take about 4-5 minutes together
(--skip-10k: about one); needs headless Chromium (tests/e2e/appserver.py's CHROMIUM).

Figures (medians unless stated; the machine's load average is printed, the figures are noisy):

1. Cold start: from launching ``streamlit run dashboard.py`` (AppServer.started) until a
   ``path.leaflet-interactive`` is visible in streamlit-folium's iframe in headless Chromium:
   server start, page load, the first script run (imports, opening the corpus store, or building
   it when the corpus has none yet, building the map) and drawing the map. Median of
   ``--cold-runs`` fresh servers for the bundled corpus, one for larger ones (no target there:
   a generated corpus has no store yet, so its first start builds one; ``bench/scale.py``
   times the dashboard on stores built beforehand).
   A note splits it up using the websocket frames.
2. Click rerun (AppTest): ``AppTest.from_file("dashboard.py")`` with streamlit-folium's
   component function replaced by a fake returning a click on a place's tooltip; the time of
   ``at.run()`` after each click, alternating places, caches warmed first. AppTest reruns the
   whole script (a browser click reruns only the map fragment) and adds its own overhead (its
   time for an empty script is given in a note), so "of which the fragment" is also shown.
   2b. Click rerun in the browser: the server's time for the real click's rerun, from the
   websocket (Chrome DevTools timestamps): rerun request sent until script_finished received.
   On a small machine the browser drawing the panel meanwhile competes for the CPU, so
   2c replays the same clicks from a bare websocket client (a session of its own, the
   component's value and the fragment's id as the browser sends them) and times the same span.
3. Click to panel: in Chromium, from the mouse click on a marker (a capture listener in the
   map iframe) until the panel's h3 shows that place's name (a MutationObserver in the page, at
   the next animation frame): median and p95 over ``--clicks`` clicks alternating between places.
   Includes streamlit-folium's 250 ms debounce.
3b-3e. A view change (the first source switched off, then on, ``VIEW_CHANGES`` times in all): the
   time static/view.js takes to apply the view to the mounted map (its own performance.now()
   span), the wall time from the checkbox click until the map shows the new view, the server's
   rerun, the map element's websocket frame, and how often the map was mounted anew (never, now
   that its script is the corpus's).
4. Map payload: the size of the map component's arguments (the script, html and header
   strings with the rest of st_folium's arguments, ``len(json.dumps(kwargs))``, captured in
   AppTest) with the corpus's map file they link to (``geo.page.payload``): its own part, the
   map; the libraries the file holds before it (Leaflet, its cluster plugin, our scripts: the
   same for every corpus, cached by the browser) are shown beside it, not judged. 4b: the
   websocket frame carrying the map element to the browser.
5. Server RSS: VmRSS of the streamlit server process (and any children) after the clicks;
   its peak (VmHWM) alongside.

KB and MB here are 1000 and 1000² bytes.
"""

from __future__ import annotations

import argparse
import base64
import functools
import html
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

APP = ROOT / "dashboard.py"
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
MAP_DRAWN = "path.leaflet-interactive"
LABEL = re.compile(r"^.+ \([^()]*\)( #\d+)?$")  # "Palmyra (city, SY)", "Springfield (city, US) #2"
TARGETS = {"cold": 3.0, "rerun": 50.0, "panel": 350.0, "apply": 100.0, "payload": 500.0, "rss": 350.0}
PLACES = 5  # clicks alternate between this many places
VIEW_CHANGES = 8  # a source switched off and on again, four times

# In the map iframe: every clickable shape whose centre really receives a click there, with its label.
CANDIDATES_JS = """() => {
  let map = null;
  for (const key of Object.keys(window)) {
    try { if (window[key] instanceof L.Map) { map = window[key]; break; } } catch (e) { /* not ours */ }
  }
  if (!map) return [];
  const found = [];
  map.eachLayer(layer => {
    const path = layer._path, tip = layer.getTooltip && layer.getTooltip();
    if (!path || !tip || !path.isConnected) return;
    const div = document.createElement('div');
    div.innerHTML = String(tip.getContent());
    const label = div.textContent.split('\\n').map(s => s.trim()).find(Boolean) || '';
    const r = path.getBoundingClientRect();
    const x = r.x + r.width / 2, y = r.y + r.height / 2;
    if (x < 5 || y < 5 || x > innerWidth - 5 || y > innerHeight - 5) return;
    if (document.elementFromPoint(x, y) !== path) return;
    found.push({label, x, y, area: r.width * r.height});
  });
  return found;
}"""
# In the page: the time the panel's h3 first shows the expected place, at the next frame.
OBSERVER_JS = """() => {
  window.__panel = {label: null, t0: null, t: null, pending: false};
  const root = document.querySelector('[data-testid="stMain"]') || document.body;
  const look = () => {
    const p = window.__panel;
    if (p.t0 === null || p.t !== null || p.pending) return;
    for (const h of root.querySelectorAll('h3')) {
      const name = h.textContent.trim();
      if (name && (p.label === name || p.label.startsWith(name + ' ('))) {
        p.pending = true;
        requestAnimationFrame(() => { p.t = performance.now(); });
        return;
      }
    }
  };
  new MutationObserver(look).observe(root, {subtree: true, childList: true, characterData: true});
}"""
# In the map iframe: the click's time on the page's clock (same origin).
CLICK_LISTENER_JS = """() => {
  if (window.__benchListener) return;
  window.__benchListener = true;
  document.addEventListener('click', () => {
    const p = window.parent.__panel;
    if (p && p.label !== null && p.t0 === null) p.t0 = window.parent.performance.now();
  }, true);
}"""


# --------------------------------------------------------------------------- corpora


def write_corpus(size: int, gwn: Path, folder: Path) -> tuple[str, ...]:
    """``size`` .txt articles (GeoWebNews texts repeated) and a sources.toml over 25 outlets; the script args."""
    from geoparse import load_corpus

    texts = [a["text"] for a in load_corpus(gwn) if a["text"].strip()]
    articles = folder / "articles"
    articles.mkdir(parents=True)
    entries = []
    for i in range(size):
        article_id = f"gwn-{i:05d}"
        (articles / f"{article_id}.txt").write_text(texts[i % len(texts)], encoding="utf-8")
        outlet = (i + i // len(texts)) % 25  # each text under many outlets (i % 25 alone gives 200 texts one each)
        entries.append(f'[[article]]\nid = "{article_id}"\noutlet = "outlet {outlet}"\n'
                       f'title = "GeoWebNews text {i % len(texts)}"\npublished = "2025-04-{1 + i % 28:02d}"\n'
                       f'attribution = "stated"\n')
    sources = folder / "sources.toml"
    sources.write_text("# Generated by bench/dashboard.py\n\n" + "\n".join(entries), encoding="utf-8")
    return ("--articles", str(articles), "--sources", str(sources))


def gazetteer_status() -> str:
    """Load the gazetteer index once (compiling it if missing), so that cold starts only read it."""
    from geo import load_gazetteer
    from geo.gazetteer.index import default_cache_dir

    cache = default_cache_dir()
    before = set(cache.glob("index-*"))
    started = time.perf_counter()
    load_gazetteer()
    seconds = time.perf_counter() - started
    built = set(cache.glob("index-*")) - before
    if built:
        return f"gazetteer index was missing: compiled it into {cache} first ({seconds:.0f} s, not counted)"
    return f"gazetteer index already compiled in {cache} (loads in {seconds:.2f} s); cold starts only read it"


# --------------------------------------------------------------------------- AppTest (child process)


class FakeMap:
    """Stands in for streamlit-folium's component: returns the click set last, records its arguments."""

    def __init__(self) -> None:
        self.tooltip: str | None = None
        self.count = 0
        self.calls: list[dict] = []

    def click(self, tooltip: str) -> None:
        self.tooltip, self.count = tooltip, self.count + 1

    def __call__(self, **kwargs):
        self.calls.append(kwargs)
        return {"last_object_clicked_tooltip": self.tooltip, "last_object_clicked_count": self.count or None}


def map_labels(script: str) -> list[str]:
    """Place labels in the map script, in order (each tooltip begins with ``<b>label</b>``)."""
    seen: dict[str, None] = {}
    # The tooltips sit in JSON (GeoJSON properties), where < and > are written \u003c, \u003e.
    script = script.replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u0026", "&")
    for raw in re.findall(r"<b>(.*?)</b>", script):
        label = html.unescape(raw)
        if LABEL.match(label):
            seen.setdefault(label, None)
    return list(seen)


def spread(items: list, n: int) -> list:
    """``n`` items taken evenly across ``items``."""
    if len(items) <= n:
        return list(items)
    return [items[round(i * (len(items) - 1) / (n - 1))] for i in range(n)]


def panel_shows(at, label: str) -> bool:
    names = [re.sub(r"\\(.)", r"\1", s.value) for s in at.subheader]
    return any(label == name or label.startswith(name + " (") for name in names)


def apptest_child(script_args: list[str], clicks: int, timeout: float) -> dict:
    import cProfile
    import pstats
    from unittest.mock import patch

    import streamlit
    from streamlit.runtime.scriptrunner import script_runner
    from streamlit.testing.v1 import AppTest

    sys.argv = ["dashboard.py", *script_args]  # dashboard.py reads sys.argv[1:]; AppTest takes no argv
    empty = AppTest.from_string("import streamlit as st\nst.write('x')")
    empty.run()
    harness = statistics.median(_timed(empty.run) for _ in range(5))

    fake, fragment_seconds = FakeMap(), []
    real_fragment = streamlit.fragment

    def timing_fragment(func=None, **options):
        """st.fragment, timing each call of the fragment function (the part a browser click reruns)."""
        if func is None:
            return lambda f: timing_fragment(f, **options)

        @functools.wraps(func)
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                fragment_seconds.append(time.perf_counter() - started)
        return real_fragment(timed, **options)

    at = AppTest.from_file(str(APP), default_timeout=timeout)

    def run() -> float:
        with patch("streamlit_folium._component_func", fake), patch.object(streamlit, "fragment", timing_fragment):
            seconds = _timed(at.run)
        if at.exception:
            raise SystemExit(f"dashboard raised under AppTest: {at.exception[0].message}\n{at.exception[0].stack_trace}")
        return seconds

    first = run()
    run()
    arguments = fake.calls[-1]
    script = map_script(arguments)
    # The map's file holds Leaflet, its cluster plugin and our scripts before the map itself (one fetch, not eight):
    # the same bytes for every corpus, cached by the browser. The payload is the map's own part with its arguments.
    from geo.page.payload import MAP_START

    own = script.split(MAP_START, 1)[1] if MAP_START in script else script
    payload = len(json.dumps(arguments, default=str)) + len(own) - len(arguments["script"])
    libraries = len(script) - len(own)
    points = re.findall(r'\{"geometry": \{"coordinates": \[[^]]*\], "type": "Point"\}, "properties": \{.*?\}, '
                        r'"type": "Feature"\}', script)
    composition = {"script": len(own), "markers": len(points)}  # rings are drawn by static/view.js: none in the file
    labels = map_labels(script)
    places = spread(labels, PLACES)
    if len(places) < 2:
        raise SystemExit(f"fewer than two place labels found in the map script: {places}")
    for label in places:  # warm every per-place path once
        fake.click(label)
        run()
    times, fragments, missed = [], [], []
    for i in range(clicks):
        label = places[i % len(places)]
        fake.click(label)
        fragment_seconds.clear()
        times.append(run())
        fragments.append(sum(fragment_seconds))
        if not panel_shows(at, label):
            missed.append(label)

    # The same clicks under cProfile (slower: read the shares), profiled in the script's thread. One profile
    # per run: every run compiles dashboard.py afresh, and pstats keeps one entry per (file, line, name).
    profiles: list = []
    real_exec = script_runner.exec_func_with_error_handling

    def profiled_exec(func, ctx):
        profiles.append(cProfile.Profile())
        return real_exec(lambda: profiles[-1].runcall(func), ctx)

    profiled_runs = 6
    with patch.object(script_runner, "exec_func_with_error_handling", profiled_exec):
        for i in range(profiled_runs):
            fake.click(places[i % len(places)])
            run()
    totals: dict[tuple, list[float]] = {}
    for profile in profiles:
        for key, (_, calls, tottime, cumtime, _) in pstats.Stats(profile).stats.items():
            entry = totals.setdefault(key, [0.0, 0.0, 0.0])
            entry[0] += calls
            entry[1] += tottime
            entry[2] += cumtime
    ours, others = [], []
    for (filename, line, name), (calls, tottime, cumtime) in totals.items():
        path = Path(filename)
        entry = {"name": f"{path.name}:{line}({name})", "cum_ms": 1000 * cumtime / profiled_runs,
                 "self_ms": 1000 * tottime / profiled_runs, "calls": calls / profiled_runs}
        if path == APP or ROOT / "geo" in path.parents:
            ours.append(entry)
        else:
            others.append(entry)
    ours.sort(key=lambda e: -e["cum_ms"])
    others.sort(key=lambda e: -e["self_ms"])
    profiled_total = 1000 * sum(e[1] for e in totals.values()) / profiled_runs
    return {"first_run_s": first, "harness_ms": 1000 * harness, "payload": payload, "libraries": libraries,
            "composition": composition,
            "labels": len(labels),
            "places": places, "rerun_ms": [1000 * t for t in times], "fragment_ms": [1000 * t for t in fragments],
            "missed": missed, "profile_ours": ours[:14], "profile_others": others[:8], "profiled_total_ms": profiled_total}


def map_script(arguments: dict) -> str:
    """The map's script: in the component's arguments, or in the file under static serving they link to
    (``geo.page.payload``: the corpus's own map)."""
    from geo.page.payload import SERVED, STATIC_DIR

    served = [link for link in arguments["js_links"] if f"/{SERVED}/" in link]
    return (STATIC_DIR / SERVED / served[0].rsplit("/", 1)[1]).read_text(encoding="utf-8") if served else arguments["script"]


def _timed(func) -> float:
    started = time.perf_counter()
    func()
    return time.perf_counter() - started


def run_apptest(script_args: tuple[str, ...], clicks: int, timeout: float) -> dict:
    """The AppTest figures, in a child process of their own (the dashboard's caches are per process)."""
    command = [sys.executable, __file__, "--child-apptest", json.dumps(list(script_args)), "--clicks", str(clicks),
               "--timeout", str(timeout)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout * 3 + 120, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"AppTest child failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- browser


def decode(kind: str, event: dict) -> tuple[str, str, int, object]:
    """(message type, detail, frame bytes, message) of a websocket frame seen by DevTools."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    response = event["response"]
    data = base64.b64decode(response["payloadData"]) if response["opcode"] == 2 else response["payloadData"].encode()
    message = BackMsg() if kind == "sent" else ForwardMsg()
    try:
        message.ParseFromString(data)
    except Exception:  # not a Streamlit message: count its bytes only
        return "?", "", len(data), None
    what = message.WhichOneof("type") or "?"
    detail = ""
    if what == "delta" and message.delta.WhichOneof("type") == "new_element":
        detail = message.delta.new_element.WhichOneof("type") or ""
    elif what == "rerun_script":
        detail = message.rerun_script.fragment_id
    return what, detail, len(data), message


class Frames:
    """Websocket frames as Chromium's DevTools report them: (direction, monotonic seconds, event)."""

    def __init__(self, page) -> None:
        self.events: list[tuple[str, float, dict]] = []
        cdp = page.context.new_cdp_session(page)
        cdp.on("Network.webSocketFrameSent", lambda e: self.events.append(("sent", e["timestamp"], e)))
        cdp.on("Network.webSocketFrameReceived", lambda e: self.events.append(("recv", e["timestamp"], e)))
        cdp.send("Network.enable")
        self.cdp = cdp

    def decoded(self, start: int = 0):
        for kind, stamp, event in self.events[start:]:
            yield (kind, stamp, *decode(kind, event))

    def settle(self, page, quiet: float = 1.0, limit: float = 60.0) -> None:
        """Wait until nothing has arrived for ``quiet`` seconds (the component's first value rerun included)."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            last = self.events[-1][1] if self.events else 0.0
            if time.monotonic() - last > quiet:
                return
            page.wait_for_timeout(100)

    def click_rerun(self, start: int, page, limit: float = 20.0) -> tuple[float | None, bool]:
        """Server time (ms) of the first rerun requested from frame ``start`` on, and whether it was a fragment's."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            sent = None
            for kind, stamp, what, detail, _, _ in self.decoded(start):
                if kind == "sent" and what == "rerun_script" and sent is None:
                    sent = (stamp, bool(detail))
                elif kind == "recv" and what == "script_finished" and sent is not None:
                    return 1000 * (stamp - sent[0]), sent[1]
            page.wait_for_timeout(50)
        return None, False


def rss_mb(pid: int, fields: tuple[str, str] = ("VmRSS", "VmHWM")) -> tuple[float, float]:
    """(VmRSS, VmHWM) in MB of a process and its descendants (or two other /proc status fields)."""
    rss = peak = 0.0
    todo = [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
        values = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        rss += int(values.get(fields[0], "0 kB").split()[0]) * 1024 / 1e6
        peak += int(values.get(fields[1], "0 kB").split()[0]) * 1024 / 1e6
    return rss, peak


def cold_start(browser, script_args: tuple[str, ...], map_timeout: float, clicks: int) -> dict:
    """Launch a server, open the page, time the map; with ``clicks``, then click places and read the RSS."""
    from appserver import AppServer

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    frames = Frames(page)
    offset = time.perf_counter() - time.monotonic()  # DevTools stamps are CLOCK_MONOTONIC seconds
    result: dict = {}
    try:
        with AppServer(script_args=script_args, timeout=120) as app:
            up = time.perf_counter() - app.started
            page.goto(app.url, timeout=map_timeout * 1000)
            page.frame_locator(MAP_IFRAME).locator(MAP_DRAWN).first.wait_for(state="visible", timeout=map_timeout * 1000)
            drawn = time.perf_counter() - app.started
            frames.settle(page)
            result = {"cold_s": drawn, "stages": cold_stages(frames, app.started - offset, up, drawn)}
            if clicks:
                result.update(browser_clicks(page, frames, clicks))
                result.update(browser_view_changes(page, frames, VIEW_CHANGES))
                result["replay_ms"], result["replay_missed"] = replay_clicks(app.url, result["clicked"], clicks)
                result["rss_mb"], result["hwm_mb"] = rss_mb(app.process.pid)
                # Of the RSS: anonymous memory, and file-backed pages (shared libraries' code, mapped files).
                result["anon_mb"], result["file_mb"] = rss_mb(app.process.pid, ("RssAnon", "RssFile"))
    finally:
        context.close()
    return result


def cold_stages(frames: Frames, launched: float, up: float, drawn: float) -> dict:
    """Seconds after launch at which the page connected, the map element arrived, the first run finished."""
    stages = {"server up": up}
    received = 0
    for kind, stamp, what, detail, size, message in frames.decoded():
        at = stamp - launched
        if kind == "sent" and what == "rerun_script":
            stages.setdefault("page connected", at)
        if kind == "recv":
            if at <= drawn:
                received += size
            if what == "page_config_changed":
                stages.setdefault("script imports done", at)
            if what == "delta" and detail == "component_instance" and "map element" not in stages:
                stages["map element"] = at
                stages["map_frame_bytes"] = size
                stages["map_json_args"] = len(message.delta.new_element.component_instance.json_args)
            if what == "script_finished":
                stages.setdefault("first run done", at)
    stages["map drawn"] = drawn
    stages["ws_bytes_until_drawn"] = received
    return stages


def browser_clicks(page, frames: Frames, clicks: int) -> dict:
    iframe = page.locator(MAP_IFRAME)
    iframe.scroll_into_view_if_needed()
    frame = iframe.element_handle().content_frame()
    box = iframe.bounding_box()
    candidates: dict[str, dict] = {}
    for shape in sorted(frame.evaluate(CANDIDATES_JS), key=lambda s: s["area"]):
        if LABEL.match(shape["label"]):
            candidates.setdefault(shape["label"], shape)
    places = spread(sorted(candidates.values(), key=lambda s: (s["y"], s["x"])), PLACES)
    if len(places) < 2:
        raise RuntimeError(f"fewer than two clickable places found on the map: {list(candidates)}")
    page.evaluate(OBSERVER_JS)
    panel, server, fragment_runs, wall, missed = [], [], 0, [], []
    for i in range(clicks):
        place = places[i % len(places)]
        page.evaluate("label => Object.assign(window.__panel, {label, t0: null, t: null, pending: false})", place["label"])
        frame.evaluate(CLICK_LISTENER_JS)
        start = len(frames.events)
        started = time.perf_counter()
        page.mouse.click(box["x"] + place["x"], box["y"] + place["y"])
        try:
            page.wait_for_function("() => window.__panel.t !== null", timeout=20000, polling=10)
        except Exception:  # a click that never opened its panel is reported, not fatal
            missed.append(place["label"])
            continue
        wall.append(1000 * (time.perf_counter() - started))
        t0, t = page.evaluate("() => [window.__panel.t0, window.__panel.t]")
        panel.append(t - t0 if t0 is not None else wall[-1])
        ms, is_fragment = frames.click_rerun(start, page)
        if ms is not None:
            server.append(ms)
            fragment_runs += is_fragment
        frames.settle(page, quiet=0.3, limit=10)
    return {"panel_ms": panel, "wall_ms": wall, "server_ms": server, "fragment_runs": fragment_runs,
            "clicked": [p["label"] for p in places], "candidates": len(candidates), "panel_missed": missed}


def replay_clicks(url: str, labels: list[str], clicks: int) -> tuple[list[float], int]:
    """Server time (ms) of click reruns sent by a bare websocket client, with no browser drawing meanwhile.

    A session of its own: one full run, then each click as the browser sends it (the component's
    value, the fragment's id, the map message declared cached). Returns the times and how many
    reruns did not send the clicked place's heading.
    """
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.sync.client import connect

    def run(ws, message) -> tuple[float, list]:
        started = time.perf_counter()
        ws.send(message.SerializeToString())
        replies = []
        while True:
            reply = ForwardMsg()
            reply.ParseFromString(ws.recv(timeout=120))
            replies.append(reply)
            if reply.WhichOneof("type") == "script_finished":
                return 1000 * (time.perf_counter() - started), replies

    times, missed = [], 0
    with connect(url.replace("http", "ws", 1) + "_stcore/stream", subprotocols=["streamlit"], max_size=None) as ws:
        first = BackMsg()
        first.rerun_script.query_string = ""
        _, replies = run(ws, first)
        maps = [r for r in replies if r.WhichOneof("type") == "delta"
                and r.delta.new_element.WhichOneof("type") == "component_instance"]
        if not maps:
            raise RuntimeError("the map component was not sent to a bare websocket client")
        component = maps[0]
        for i in range(clicks):
            label = labels[i % len(labels)]
            message = BackMsg()
            message.rerun_script.query_string = ""
            message.rerun_script.fragment_id = component.delta.fragment_id
            if component.hash:
                message.rerun_script.cached_message_hashes.append(component.hash)
            widget = message.rerun_script.widget_states.widgets.add()
            widget.id = component.delta.new_element.component_instance.id
            widget.json_value = json.dumps({"last_object_clicked_tooltip": label, "last_object_clicked_count": i + 1})
            ms, replies = run(ws, message)
            times.append(ms)
            headings = [re.sub(r"\\(.)", r"\1", r.delta.new_element.heading.body) for r in replies
                        if r.WhichOneof("type") == "delta" and r.delta.new_element.WhichOneof("type") == "heading"]
            missed += not any(label == h or label.startswith(h + " (") for h in headings)
    return times, missed


def browser_view_changes(page, frames: Frames, changes: int) -> dict:
    """Switch the first source off and on ``changes`` times: how long static/view.js takes to apply each view
    (its own timing), the wall time from the checkbox to the map redrawn, the server's rerun, the bytes of the
    map element each change sends, and whether the map was mounted anew (it should not be)."""
    def leaflet_frame():  # found again each time: a map mounted anew may come in a new frame
        return next(f for f in page.frames if f.url and "streamlit_folium" in f.url and not f.is_detached())

    leaflet_frame().evaluate("() => { window.map.__benchMounted = true; }")
    checkbox = page.get_by_test_id("stSidebar").get_by_test_id("stCheckbox").first
    applied, wall, server, frame_kb, remounted, missed = [], [], [], [], 0, 0
    for _ in range(changes):
        leaflet = leaflet_frame()
        before = leaflet.evaluate("() => (window.newsgeoViewApplied || {}).key || null")
        start = len(frames.events)
        started = time.perf_counter()
        checkbox.locator("label").click()
        try:
            leaflet.wait_for_function("k => window.newsgeoViewApplied && window.newsgeoViewApplied.key !== k",
                                      arg=before, timeout=30000, polling=10)
        except Exception as error:  # the map mounted anew (its frame replaced), or never redrawn: counted
            missed += 1
            print(f"view change {len(wall) + missed}: not applied on the mounted map ({type(error).__name__})",
                  file=sys.stderr)
            frames.settle(page, quiet=0.5, limit=20)
            leaflet_frame().evaluate("() => { window.map.__benchMounted = true; }")
            continue
        wall.append(1000 * (time.perf_counter() - started))
        applied.append(leaflet.evaluate("() => window.newsgeoViewApplied.ms"))
        if not leaflet.evaluate("() => window.map.__benchMounted === true"):
            remounted += 1
            leaflet.evaluate("() => { window.map.__benchMounted = true; }")
        ms, _ = frames.click_rerun(start, page)
        if ms is not None:
            server.append(ms)
        frames.settle(page, quiet=0.3, limit=10)
        frame_kb += [size / 1e3 for _, _, what, detail, size, _ in frames.decoded(start)
                     if what == "delta" and detail == "component_instance"]
    return {"view_apply_ms": applied, "view_wall_ms": wall, "view_server_ms": server, "view_frame_kb": frame_kb,
            "view_remounted": remounted, "view_missed": missed, "view_changes": changes}


def run_browser(script_args: tuple[str, ...], clicks: int, cold_runs: int, map_timeout: float) -> dict:
    from appserver import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            runs = [cold_start(browser, script_args, map_timeout, clicks if i == cold_runs - 1 else 0)
                    for i in range(cold_runs)]
        finally:
            browser.close()
    result = dict(runs[-1])
    result["cold_runs_s"] = [r["cold_s"] for r in runs]
    result["cold_s"] = statistics.median(result["cold_runs_s"])
    return result


# --------------------------------------------------------------------------- report


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def med_p95(values: list[float]) -> str:
    return f"{statistics.median(values):.0f} / {p95(values):.0f}" if values else "n/a"


def figures(browser: dict, apptest: dict) -> dict[str, tuple[str, float | None]]:
    """Row key -> (cell text, value judged against the target or None); "failed" where a run failed."""
    def cold(b, a):
        runs = b["cold_runs_s"]
        return f"{b['cold_s']:.1f}" + (f" (runs {', '.join(f'{c:.1f}' for c in runs)})" if len(runs) > 1 else ""), b["cold_s"]

    def timed(values: list[float], remark: str = "") -> tuple[str, float | None]:
        return med_p95(values) + remark, statistics.median(values) if values else None

    cells = {
        "cold": cold,
        "rerun": lambda b, a: timed(a["rerun_ms"]),
        "fragment": lambda b, a: (med_p95(a["fragment_ms"]), None),
        "server": lambda b, a: timed(b["server_ms"], "" if b["fragment_runs"] == len(b["server_ms"])
                                     else " (not all fragment reruns)"),
        "replay": lambda b, a: timed(b["replay_ms"], f" ({b['replay_missed']} without the place's heading)"
                                     if b["replay_missed"] else ""),
        "panel": lambda b, a: timed(b["panel_ms"], f" ({len(b['panel_missed'])} clicks missed)" if b["panel_missed"] else ""),
        "apply": lambda b, a: timed(b["view_apply_ms"], f" ({b['view_missed']} of {b['view_changes']} not applied)"
                                    if b["view_missed"] else ""),
        "change": lambda b, a: (med_p95(b["view_wall_ms"]) + f" (map mounted anew {b['view_remounted']} times)", None),
        "change_server": lambda b, a: (med_p95(b["view_server_ms"]), None),
        "change_frame": lambda b, a: (f"{statistics.median(b['view_frame_kb']):.0f}" if b["view_frame_kb"] else "none",
                                      None),
        "payload": lambda b, a: (f"{a['payload'] / 1e3:.0f} (+ {a.get('libraries', 0) / 1e3:.0f} of libraries, cached)",
                                 a["payload"] / 1e3),
        "frame": lambda b, a: (f"{b['stages']['map_frame_bytes'] / 1e3:.0f}", b["stages"]["map_frame_bytes"] / 1e3),
        "rss": lambda b, a: (f"{b['rss_mb']:.0f} (peak {b['hwm_mb']:.0f})", b["rss_mb"]),
        "first": lambda b, a: (f"{a['first_run_s']:.1f}", None),
        "ws": lambda b, a: (f"{b['stages']['ws_bytes_until_drawn'] / 1e3:.0f}", None),
        "places": lambda b, a: (f"{a['labels']} ({b['candidates']} clickable in view)", None),
    }
    out = {}
    for key, cell in cells.items():
        try:
            out[key] = cell(browser, apptest)
        except (KeyError, TypeError):  # that part of the run failed (reported on stderr)
            out[key] = ("failed", None)
    return out


ROWS = [  # key, figure, target text, target key (None: information only), bundled corpus only
    ("cold", "1. cold start: launch → map drawn (s)", "≤ 3 s (bundled)", "cold", True),
    ("rerun", "2. click rerun, AppTest at.run(), whole script (ms, median / p95)", "≤ 50 ms", "rerun", False),
    ("fragment", "   of which the map fragment, map_and_panel (ms)", "—", None, False),
    ("server", "2b. click rerun on the server, browser click (fragment; ms)", "≤ 50 ms", "rerun", False),
    ("replay", "2c. click rerun on the server, bare websocket client (ms)", "≤ 50 ms", "rerun", False),
    ("panel", "3. click → panel name shown, Chromium (ms, median / p95)", "≤ 350 ms", "panel", False),
    ("apply", "3b. view change applied by the browser, static/view.js (ms)", "≤ 100 ms", "apply", False),
    ("change", "3c. view change: source checkbox → map redrawn, Chromium (ms)", "—", None, False),
    ("change_server", "3d. view change rerun on the server (ms)", "—", None, False),
    ("change_frame", "3e. map element's websocket frame per view change (KB)", "—", None, False),
    ("payload", "4. map payload: component arguments (KB)", "≤ 500 KB", "payload", False),
    ("frame", "4b. map element's websocket frame (KB)", "≤ 500 KB", "payload", False),
    ("rss", "5. server RSS after the clicks (MB)", "≤ 350 MB", "rss", False),
    ("first", "first AppTest run: load, geoparse, page (s)", "—", None, False),
    ("ws", "websocket bytes received until the map is drawn (KB)", "—", None, False),
    ("places", "place labels on the map", "—", None, False),
]


def table(columns: list[str], results: list[dict]) -> str:
    lines = ["| figure | " + " | ".join(columns) + " | target | ok? |", "|---" * (len(columns) + 3) + "|"]
    for key, title, target_text, target_key, bundled_only in ROWS:
        cells = [r[key][0] for r in results]
        verdicts = []
        if target_key is not None:
            judged = list(zip(columns, results, strict=True))[:1] if bundled_only else zip(columns, results, strict=True)
            for name, r in judged:
                value = r[key][1]
                verdict = "n/a" if value is None else "yes" if value <= TARGETS[target_key] else "no"
                verdicts.append(verdict if len(columns) == 1 or bundled_only else f"{name.split()[0]} {verdict}")
        lines.append(f"| {title} | " + " | ".join(cells) + f" | {target_text} | {', '.join(verdicts) or '—'} |")
    return "\n".join(lines)


def notes(columns: list[str], browsers: list[dict], apptests: list[dict]) -> list[str]:
    out = []
    for name, b, a in zip(columns, browsers, apptests, strict=True):
        if not (a and b):
            out.append(f"{name}: part of the run failed (see stderr); no notes")
            continue
        s = b["stages"]
        order = ["server up", "page connected", "script imports done", "map element", "first run done", "map drawn"]
        out.append(f"{name}: cold start timeline (s after launch): "
                   + " · ".join(f"{k} {s[k]:.2f}" for k in order if k in s))
        out.append(f"{name}: clicked {', '.join(b['clicked'])} (browser); {', '.join(a['places'])} (AppTest); "
                   f"browser wall time click → panel seen by Playwright {med_p95(b['wall_ms'])} ms; "
                   f"{b['fragment_runs']}/{len(b['server_ms'])} browser click reruns were fragment-only")
        if a["missed"] or b["panel_missed"]:
            out.append(f"{name}: panel did not show the clicked place for: {a['missed'] + b['panel_missed']}")
        out.append(f"{name}: AppTest harness time for an empty script {a['harness_ms']:.1f} ms per run")
        c = a["composition"]
        out.append(f"{name}: map script {c['script'] / 1e3:.0f} KB with {c['markers']} point features (the sources' "
                   "rings are drawn in the browser)")
        if statistics.median(a["rerun_ms"]) > TARGETS["rerun"] or (b["server_ms"] and statistics.median(b["server_ms"])
                                                                   > TARGETS["rerun"]):
            out.append(f"{name}: click rerun under cProfile (whole script, {a['profiled_total_ms']:.0f} ms of "
                       "profiled self time per rerun); dashboard.py and geo/ by cumulative ms per rerun:")
            out += [f"    {e['cum_ms']:8.1f} cum {e['self_ms']:7.1f} self {e['calls']:8.1f} calls  {e['name']}"
                    for e in a["profile_ours"]]
            out.append("  other functions by self ms per rerun:")
            out += [f"    {e['self_ms']:8.1f} self {e['cum_ms']:7.1f} cum {e['calls']:8.1f} calls  {e['name']}"
                    for e in a["profile_others"]]
    return out


def attempt(name: str, func, *args, **kwargs) -> dict:
    """One part of the run; a failure is reported and leaves its cells "failed" instead of losing the table."""
    try:
        return func(*args, **kwargs)
    except Exception as error:  # a benchmark reports what it could measure
        print(f"{name}: {func.__name__} failed: {type(error).__name__}: {error}", file=sys.stderr)
        return {}


def main() -> None:
    from geoparse import DEFAULT_CORPUS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000", help="comma-separated sizes of generated corpora (default 10000)")
    parser.add_argument("--skip-10k", action="store_true", help="the bundled corpus only")
    parser.add_argument("--clicks", type=int, default=12, help="timed clicks per corpus, alternating places")
    parser.add_argument("--cold-runs", type=int, default=3, help="cold starts of the bundled corpus (median)")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="GeoWebNews XML to repeat")
    parser.add_argument("--cold", action="store_true", help="cold and warm starts of a fresh server instead (coldstart.py)")
    parser.add_argument("--child-apptest", help=argparse.SUPPRESS)
    parser.add_argument("--timeout", type=float, default=300, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cold:
        from coldstart import cold_table

        sys.exit(cold_table())
    if args.child_apptest is not None:
        print(json.dumps(apptest_child(json.loads(args.child_apptest), args.clicks, args.timeout)))
        return

    sizes = [] if args.skip_10k else [int(s) for s in args.sizes.split(",") if s.strip()]
    began = time.perf_counter()
    status, load = gazetteer_status(), os.getloadavg()[0]
    print(f"load average {load:.2f} on {os.cpu_count()} CPUs; {status}", file=sys.stderr)
    columns, browsers, apptests = ["bundled corpus"], [], []
    with tempfile.TemporaryDirectory(prefix="bench-dashboard-") as tmp:
        corpora: list[tuple[str, tuple[str, ...], int]] = [("bundled corpus", (), 5)]
        for size in sizes:
            print(f"writing {size} articles…", file=sys.stderr)
            name = f"{size // 1000}k corpus" if size % 1000 == 0 else f"{size}-article corpus"
            corpora.append((name, write_corpus(size, args.corpus, Path(tmp) / str(size)), size))
            columns.append(name)
        for name, script_args, size in corpora:
            timeout = 60 + 0.03 * size
            runs = args.cold_runs if not script_args else 1
            print(f"{name}: browser ({runs} cold start(s), {args.clicks} clicks)…", file=sys.stderr)
            browsers.append(attempt(name, run_browser, script_args, args.clicks, runs, map_timeout=timeout))
            print(f"{name}: AppTest…", file=sys.stderr)
            apptests.append(attempt(name, run_apptest, script_args, args.clicks, timeout))
    results = [figures(b, a) for b, a in zip(browsers, apptests, strict=True)]
    print(table(columns, results))
    print()
    print(f"{status}. Load average {load:.2f} before the run, {os.getloadavg()[0]:.2f} after, on {os.cpu_count()} CPUs; "
          f"total {time.perf_counter() - began:.0f} s.")
    for line in notes(columns, browsers, apptests):
        print(line)
    print(basemap_size())


def basemap_size() -> str:
    """What the offline basemap costs the browser: the files static/basemap.js fetches (once; then cached)."""
    folder = Path(__file__).resolve().parent.parent / "static"
    files = sorted((folder / "basemap").glob("*.json")) + sorted((folder / "basemap").glob("*.geojson"))
    files.append(folder / "basemap.js")
    sizes = ", ".join(f"{f.name} {f.stat().st_size / 1024:.0f} KB" for f in files)
    total = sum(f.stat().st_size for f in files) / 1024
    return f"offline basemap: {total:.0f} KB in all ({sizes}); rivers and boundaries only from zoom 4 and 5"


if __name__ == "__main__":
    main()
