"""Concurrent readers in real browsers: what each page shows when several share one server.

    GEO_CACHE_DIR=/tmp/gcache python bench/browsers.py [--sessions 20] [--clicks 2] [--upload-every 4]
                                                   [--solo 5] [--timeout 480]

A bounded loopback load test. One ``streamlit run dashboard.py`` (tests/e2e/appserver.py's
AppServer, 127.0.0.1 only) and one headless Chromium (appserver's CHROMIUM, CHROMIUM_ARGS)
driven by Playwright's async API, one browser context per reader session. Needs the gazetteer
index compiled in the cache ($GEO_CACHE_DIR), as the dashboard does; about 3 minutes on 2 CPUs when
all goes well, never more than ``--timeout`` (default 8 min: every step has its own limit, capped by
its phase's deadline, and a minute is kept for the final check and closing).

Each session has its own selection: a different subset of the corpus's sources (all 31 non-empty
subsets of the 5 outlets, taken in turn) and its own places, rotated through the curated places
its sources mention. The expected panels come from the pipeline itself (geo.frames.to_frames on
the bundled corpus, as the dashboard builds them), not from a hard-coded list.

1. Single reader: before anything else, one session at a time opens the deep links of the first
   ``--solo`` plans and makes their clicks, alone on the server (warms the shared caches too).
2. Concurrent readers: ``--sessions`` browser contexts open their deep links
   (``?sources=A|B&place=<place_id>``) at the same time and wait for their maps; once every map
   is drawn (or has failed), all of them go on at once: every ``--upload-every``-th session first
   uploads a small .txt naming a place no other source names (Aleppo, Manbij…) through the
   sidebar form with outlet "Upload desk <n>" and ticks that outlet; then every session clicks
   ``--clicks`` of its places on the map (the upload sessions also their uploaded place), with
   real mouse clicks on the visible part of the shape found by its tooltip, as
   tests/e2e/helpers.py does.
3. Final check, all sessions still open: each sidebar and page names its own uploaded outlet
   and no other session's, and each map draws its own uploaded place and no other's.

After the deep link opens and after every click, a session waits until its page settles on
exactly its own state: the panel's h3 is the place it asked for, the h5 excerpt headings are
exactly the outlets of its selection that mention that place, "Sources in view" is its own
count and its sidebar checkboxes are its own selection. While waiting it records anything it
should never see at all: a place heading it never asked for, an outlet heading outside its
selection, another session's "Upload desk" name. Those are isolation violations; a page that
never settles on its own state is a panel mismatch. Both must be 0.

Click to panel is timed as in bench/dashboard.py: a capture listener for click in the map's
iframe stamps the click on the page's clock; a MutationObserver in the page stamps the next
animation frame after an h3 shows the clicked place's name. It includes streamlit-folium's
250 ms debounce. The single-reader figures are measured in the same run, same server.

Errors: ``[data-testid="stException"]`` elements in any page, uncaught page errors, failed
requests and HTTP >= 400 (except map tiles), Streamlit websockets closed before the end,
timeouts of any step, other failures of a step, and tracebacks or logged stacks (Streamlit's
warnings) in the server's log. A map is checked too: a shape for a place none of the session's
sources mention is a violation, a missing one a mismatch.

Server RSS is VmRSS of the server process from /proc (idle, before and after the concurrent
phase, and its peak VmHWM). CPU seconds per phase are split between the server and the browser
(every other descendant of this process: Playwright's driver, Chromium, its renderers): on a
small machine Chromium drawing twenty Streamlit pages (about 4 CPU s per page load) is most of
the load, so the concurrent latencies are an upper bound on what the server alone would cost.

Prints one table (figure | value | target / expectation) and notes (``--screenshots DIR`` keeps
a screenshot of each session whose map never drew, ``--server-log FILE`` the server's log);
exits 1 if any isolation violation, panel mismatch, upload leak or error occurred, 2 on bad
arguments.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from appserver import CHROMIUM, CHROMIUM_ARGS, AppServer  # noqa: E402
from helpers import _READ_TOOLTIPS, _STYLED, _VISIBLE_POINT, MAP_IFRAME, SHAPES  # noqa: E402
from playwright.async_api import Error as PlaywrightError  # noqa: E402
from playwright.async_api import async_playwright  # noqa: E402

VIEWPORT = {"width": 1400, "height": 1000}
TILES = "tile.openstreetmap.org"  # the optional online layer; its requests may fail offline
UPLOAD_TOWNS = ["Aleppo", "Manbij", "Latakia", "Idlib", "Tartus", "Daraa", "Hama", "Deir ez-Zor", "Quneitra"]
UPLOAD_OUTLET = "Upload desk {}"
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")  # a new entry in Streamlit's log
UPLOAD_NAME = re.compile(r"Upload desk (\d+)(?!\d)")  # textContent runs words together
EXPANDER = "Add an article (this session only)"
FINAL_CHECK, CLOSING = 60, 20  # s kept from the overall timeout for the final check, and for closing the browser
PANEL_TARGET_MS = 350  # bench/dashboard.py's single-reader target for click to panel

# The page's state in one round trip: panel headings, script state, sidebar, metrics, exceptions, text.
STATE_JS = """() => {
  // textContent, not innerText: no layout forced on twenty pages polled a few times a second.
  const main = document.querySelector('[data-testid="stMain"]');
  const side = document.querySelector('[data-testid="stSidebar"]');
  const app = document.querySelector('[data-testid="stApp"]');
  const text = e => e ? e.textContent.trim() : '';
  const all = (root, selector) => root ? [...root.querySelectorAll(selector)] : [];
  return {
    h3: all(main, 'h3').map(text),
    h5: all(main, 'h5').map(text),
    state: app ? app.getAttribute('data-test-script-state') : null,
    checkboxes: all(side, '[data-testid="stCheckbox"]').map(c => [text(c), !!(c.querySelector('input') || {}).checked]),
    metrics: all(main, '[data-testid="stMetric"]').map(
      m => [text(m.querySelector('[data-testid="stMetricLabel"]')), text(m.querySelector('[data-testid="stMetricValue"]'))]),
    exceptions: all(document, '[data-testid="stException"]').map(e => text(e).slice(0, 300)),
    text: text(side) + '\\n' + text(main),
  };
}"""
# The point of a shape nearest its centre where the shape is on top at all (helpers' _VISIBLE_POINT wants a
# 2 px margin around it, which a shape a few pixels wide does not have); null if none.
ANY_POINT_JS = """path => {
  const box = path.getBoundingClientRect();
  const cx = box.left + box.width / 2, cy = box.top + box.height / 2;
  const step = Math.max(1, Math.min(box.width, box.height) / 40);
  let best = null;
  for (let y = box.top + 0.5; y <= box.bottom; y += step) {
    for (let x = box.left + 0.5; x <= box.right; x += step) {
      if (document.elementFromPoint(x, y) !== path) continue;
      const distance = (x - cx) ** 2 + (y - cy) ** 2;
      if (!best || distance < best.distance) best = {x: x - box.left, y: y - box.top, distance};
    }
  }
  return best && {point: {x: best.x, y: best.y}};
}"""
# In the page: the time the panel's h3 first shows the expected name, at the next animation frame.
OBSERVER_JS = """() => {
  if (window.__panel) return;
  window.__panel = {name: null, t0: null, t: null, pending: false};
  const root = document.querySelector('[data-testid="stMain"]') || document.body;
  const look = () => {
    const p = window.__panel;
    if (p.t0 === null || p.t !== null || p.pending) return;
    for (const h of root.querySelectorAll('h3')) {
      if (h.textContent.trim() === p.name) {
        p.pending = true;
        requestAnimationFrame(() => { p.t = performance.now(); });
        return;
      }
    }
  };
  new MutationObserver(look).observe(root, {subtree: true, childList: true, characterData: true});
}"""
# In the map iframe (same origin): the click's time on the page's clock.
CLICK_LISTENER_JS = """element => {
  if (window.__benchListener) return;
  window.__benchListener = true;
  document.addEventListener('click', () => {
    const p = window.parent.__panel;
    if (p && p.name !== null && p.t0 === null) p.t0 = window.parent.performance.now();
  }, true);
}"""


# --------------------------------------------------------------------------- what each session should see


@dataclass
class Truth:
    """The bundled corpus as the dashboard builds it: outlets, map labels, who mentions what."""

    outlets: list[str]
    labels: dict[str, str]  # place_id -> tooltip label on the map, e.g. "Palmyra (city, SY)"
    names: dict[str, str]  # place_id -> the panel's h3
    mentioned_by: dict[str, set[str]]  # place_id -> outlets mentioning it (demonyms included, the default)
    with_mentions: set[str]  # outlets with any mention: "Sources in view" counts these

    def sources_in_view(self, outlets: set[str]) -> int:
        return len(outlets & self.with_mentions)


@dataclass
class UploadPlan:
    number: int
    outlet: str
    filename: str
    data: bytes
    place_id: str
    label: str
    name: str


def corpus_truth() -> tuple[Truth, Callable[[int, int], UploadPlan]]:
    """The expected panels, from the pipeline on the bundled corpus; and a function planning an upload."""
    from geo import Geoparser, load_gazetteer
    from geo.frames import to_frames
    from geo.gazetteer.index import DATA_DIR
    from geo.page.mapping import build_map
    from geo.page.views import outlet_counts
    from geo.text.corpus import load_corpus, read_article
    from geo.types import Source

    gazetteer = load_gazetteer()
    parser = Geoparser(gazetteer)
    articles, _ = load_corpus(DATA_DIR / "articles", DATA_DIR / "sources.toml")
    places, mentions = to_frames(list(parser.pipe(articles)), gazetteer)
    outlets = sorted({a.source.outlet for a in articles})
    view = mentions[mentions["outlet"].isin(outlets)]
    _, labels = build_map(places, outlet_counts(view), outlets=outlets, show_countries=False)
    names = dict(zip(places["place_id"], places["name"], strict=True))
    mentioned_by = {pid: set(group["outlet"]) for pid, group in view.groupby("place_id")}
    truth = Truth(outlets, {pid: label for label, pid in labels.items()}, names, mentioned_by, set(view["outlet"]))

    def plan_upload(number: int, ordinal: int) -> UploadPlan:
        """Session ``number - 1``'s upload, the ``ordinal``-th: a text naming one place the corpus does not."""
        town = UPLOAD_TOWNS[ordinal % len(UPLOAD_TOWNS)]
        outlet = UPLOAD_OUTLET.format(number)
        data = f"Reporters visited {town} on Tuesday. Officials in {town} said the roads were open again.\n".encode()
        filename = f"upload-desk-{number}.txt"
        source = Source(outlet=outlet, title="", published="", attribution="stated")
        article, _ = read_article(f"upload-{number}", data, ".txt", source, filename)
        up_places, up_mentions = to_frames(list(parser.pipe([article])), gazetteer)
        _, up_labels = build_map(up_places, outlet_counts(up_mentions), outlets=[outlet], show_countries=False)
        if len(up_labels) != 1:
            raise SystemExit(f"the upload text naming {town} should put one place on the map, not {list(up_labels)}")
        (label, place_id), = up_labels.items()
        if place_id in truth.names:
            raise SystemExit(f"{town} ({place_id}) is already in the bundled corpus: not distinctive")
        name = dict(zip(up_places["place_id"], up_places["name"], strict=True))[place_id]
        return UploadPlan(number, outlet, filename, data, place_id, label, name)

    return truth, plan_upload


@dataclass
class Plan:
    """One session's selection: its sources, the place its deep link opens, the places it clicks."""

    index: int
    sources: tuple[str, ...]
    start: str
    clicks: list[str]
    upload: UploadPlan | None = None

    def link(self) -> str:
        return "?" + urlencode({"sources": "|".join(self.sources), "place": self.start})


def make_plans(truth: Truth, sessions: int, clicks: int, upload_every: int, plan_upload) -> list[Plan]:
    """A different source subset per session (all 31 taken in turn, sizes mixed), places rotated per session."""
    subsets = [c for size in (2, 1, 3, 4, 5) for c in itertools.combinations(truth.outlets, size)]
    subsets = subsets[::2] + subsets[1::2]  # neighbours differ more
    plans = []
    for i in range(sessions):
        sources = subsets[i % len(subsets)]
        candidates = sorted(pid for pid in truth.labels if truth.mentioned_by.get(pid, set()) & set(sources))
        if len(candidates) < 2:
            raise SystemExit(f"sources {sources} mention fewer than two places on the map: {candidates}")
        rotated = [candidates[(i + k) % len(candidates)] for k in range(clicks + 1)]  # consecutive places differ
        upload = plan_upload(i + 1, i // upload_every) if upload_every and (i + 1) % upload_every == 0 else None
        plans.append(Plan(i, sources, rotated[0], rotated[1:], upload))
    return plans


# --------------------------------------------------------------------------- the record


@dataclass
class Record:
    solo_panel_ms: list[float] = field(default_factory=list)
    solo_load_s: list[float] = field(default_factory=list)
    panel_ms: list[float] = field(default_factory=list)
    load_s: list[float] = field(default_factory=list)
    upload_s: list[float] = field(default_factory=list)
    solo_clicks: int = 0
    clicks: int = 0
    planned_clicks: int = 0
    opened: int = 0
    connected: int = 0
    held: int = 0
    violations: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (kind, detail)
    rss: dict[str, tuple[float, float]] = field(default_factory=dict)
    slow: list[tuple[float, str]] = field(default_factory=list)  # (ms, what) of the slowest clicks
    timed_out: bool = False
    auto_ticked: list[int] = field(default_factory=list)  # upload sessions whose new outlet came ticked
    cpu: dict[str, tuple[float, float, float]] = field(default_factory=dict)  # mark -> (server, browser CPU s, clock)
    small_shapes: set[str] = field(default_factory=set)  # clicked where helpers' margin test found no point


ERROR_KINDS = ["exception element", "page error", "failed request", "websocket closed", "timeout", "step failed",
               "server traceback"]


def rss_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of one process in MB."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return float("nan"), float("nan")
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return tuple(int(fields.get(key, "0 kB").split()[0]) * 1024 / 1e6 for key in ("VmRSS", "VmHWM"))


def cpu_seconds(pid: int, waited: bool = False) -> float:
    """User + system CPU seconds of a process so far (with ``waited``, also of its children that have ended)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if waited else 0)
    return ticks / os.sysconf("SC_CLK_TCK")


def cpu_now(server: int) -> tuple[float, float]:
    """(server, browser) CPU seconds so far; the browser is every descendant of this process but the server:
    Playwright's driver, Chromium and its renderers."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    mine, todo = set(), [os.getpid()]
    while todo:
        current = todo.pop()
        children = [pid for pid, parent in parents.items() if parent == current and pid != server]
        mine.update(children)
        todo += children
    return cpu_seconds(server), sum(cpu_seconds(pid, waited=True) for pid in mine)


# --------------------------------------------------------------------------- one session


async def poll(page, condition, message: str, timeout: float) -> None:
    """Await ``condition()`` until it is true; a frame being replaced mid-check counts as not yet."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if await condition():
                return
        except PlaywrightError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"after {timeout:.0f} s: {message}")
        await asyncio.sleep(0.2)


class Session:
    """One reader: a browser context, its page, its plan, what it saw."""

    def __init__(self, browser, url: str, plan: Plan, truth: Truth, record: Record, args, phase: str,
                 uploads: dict[int, UploadPlan]):
        self.browser, self.url, self.plan, self.truth, self.record = browser, url, plan, truth, record
        self.args, self.phase, self.uploads = args, phase, uploads
        self.tag = f"{phase} session {plan.index}"
        self.selection = set(plan.sources)
        self.own_names = {truth.names[p] for p in [plan.start, *plan.clicks]}
        if plan.upload:
            self.own_names.add(plan.upload.name)
        self.allowed_outlets = set(plan.sources) | ({plan.upload.outlet} if plan.upload else set())
        self.context = self.page = None
        self.closing = False
        self.opened = False
        self.seen_exceptions: set[str] = set()
        self.seen_foreign: set[str] = set()
        self.websocket_closed = False
        self.connected = False
        self.uploaded = False  # its upload reached its sidebar

    # --- errors

    def error(self, kind: str, detail: str) -> None:
        if not self.closing:
            self.record.errors.append((kind, f"{self.tag}: {detail}"))

    def _request_failed(self, request) -> None:
        if TILES not in request.url:
            self.error("failed request", f"{request.url}: {request.failure}")

    def _response(self, response) -> None:
        if response.status >= 400 and TILES not in response.url:
            self.error("failed request", f"{response.url}: HTTP {response.status}")

    def _websocket(self, ws) -> None:
        if "_stcore/stream" in ws.url:
            if not self.connected and self.phase != "solo":
                self.record.connected += 1
            self.connected = True
            ws.on("close", lambda _: self._ws_closed(ws.url))

    def _ws_closed(self, url: str) -> None:
        if not self.closing:
            self.websocket_closed = True
            self.error("websocket closed", url)

    async def step(self, name: str, coro, timeout: float):
        """Run one step within ``timeout`` (and the phase's deadline); a timeout or failure is counted and the
        session goes on (or stops)."""
        timeout = min(timeout, self.args.deadline - time.monotonic())
        if timeout <= 0:
            coro.close()
            self.error("timeout", f"{name}: skipped, the phase is out of time")
            return None
        try:
            return await asyncio.wait_for(coro, timeout)
        except TimeoutError as error:
            self.error("timeout", f"{name}: {str(error) or f'not done within {timeout:.0f} s'}")
        except PlaywrightError as error:
            kind = "timeout" if type(error).__name__ == "TimeoutError" else "step failed"
            self.error(kind, f"{name}: {str(error).splitlines()[0]}")
        except (AssertionError, RuntimeError, KeyError, ValueError) as error:
            self.error("step failed", f"{name}: {type(error).__name__}: {error}")
        return None

    # --- state

    async def state(self) -> dict:
        state = await self.page.evaluate(STATE_JS)
        for text in state["exceptions"]:
            if text not in self.seen_exceptions:
                self.seen_exceptions.add(text)
                self.error("exception element", text.replace("\n", " ")[:200])
        own = str(self.plan.upload.number) if self.plan.upload else None
        foreign = [f"place heading {h!r}" for h in state["h3"] if h not in self.own_names]
        foreign += [f"outlet heading {h!r}" for h in state["h5"] if h not in self.allowed_outlets]
        foreign += [f"'Upload desk {n}' in sidebar or page" for n in set(UPLOAD_NAME.findall(state["text"])) if n != own]
        for item in foreign:
            if item not in self.seen_foreign:
                self.seen_foreign.add(item)
                self.record.violations.append(f"{self.tag} ({'|'.join(self.plan.sources)}): saw {item}")
        return state

    def differences(self, state: dict, place_id: str) -> list[str]:
        """How the page differs from this session's own state with ``place_id`` in the panel."""
        name = self.truth.names.get(place_id) or self.plan.upload.name
        expected = self.truth.mentioned_by.get(place_id, set()) & self.selection
        if self.plan.upload and place_id == self.plan.upload.place_id:
            expected = {self.plan.upload.outlet}
        count = self.truth.sources_in_view(self.selection) + (self.plan.upload.outlet in self.selection
                                                              if self.plan.upload else 0)
        metric = next((value for label, value in state["metrics"] if label == "Sources in view"), None)
        known = set(self.truth.outlets) | ({self.plan.upload.outlet} if self.plan.upload else set())
        checked = {label for label, ticked in state["checkboxes"] if ticked and label in known}
        out = []
        if state["h3"] != [name]:
            out.append(f"h3 {state['h3']} (expected [{name!r}])")
        if sorted(state["h5"]) != sorted(expected):
            out.append(f"h5 {state['h5']} (expected {sorted(expected)})")
        if metric != str(count):
            out.append(f"Sources in view {metric} (expected {count})")
        if checked != self.selection:
            out.append(f"sidebar ticks {sorted(checked)} (expected {sorted(self.selection)})")
        if state["state"] != "notRunning":
            out.append(f"script state {state['state']}")
        return out

    async def settle(self, what: str, place_id: str) -> None:
        """Wait until the page shows exactly this session's state; record violations meanwhile, a mismatch at the end."""
        deadline = time.monotonic() + self.args.settle_timeout
        while True:
            differences = self.differences(await self.state(), place_id)
            if not differences:
                return
            if time.monotonic() > deadline:
                self.record.mismatches.append(f"{self.tag} {what}: {'; '.join(differences)}")
                return
            await asyncio.sleep(0.25)

    # --- map

    async def wait_for_map(self):
        """As helpers.wait_for_map: one map iframe, its shapes attached, Leaflet's stylesheet in force.

        Polls rather than waits on locators: while the app reruns with a new map, the old and the
        new iframe are both in the page for a moment (a strict-mode error), and that is "not yet".
        """
        page = self.page
        iframes, frame = page.locator(MAP_IFRAME), page.frame_locator(MAP_IFRAME)

        async def ready() -> bool:
            return (await iframes.count() == 1 and await frame.locator(SHAPES).count() > 0
                    and await frame.locator(".leaflet-container").count() == 1
                    and await frame.locator(".leaflet-container").evaluate(_STYLED))

        await poll(page, ready, "the map was not drawn (one map iframe, shapes, Leaflet styled)", self.args.load_timeout)
        return frame

    async def drawn_labels(self) -> list[str]:
        """The map's labels once it is drawn; a map iframe replaced while reading them is read again."""
        for attempt in range(3):
            frame = await self.wait_for_map()
            try:
                return await self.map_labels(frame)
            except PlaywrightError:
                if attempt == 2:
                    raise
                await asyncio.sleep(0.5)
        return []

    async def map_labels(self, frame) -> list[str]:
        found = await frame.locator(SHAPES).evaluate_all(_READ_TOOLTIPS)
        return [item["tooltip"].strip().splitlines()[0] if item["tooltip"].strip() else "" for item in found]

    def map_expected(self) -> set[str]:
        """The labels this session's map should draw: places its ticked sources mention, its upload's place."""
        labels = {label for pid, label in self.truth.labels.items() if self.truth.mentioned_by.get(pid, set()) & self.selection}
        if self.plan.upload and self.plan.upload.outlet in self.selection:
            labels.add(self.plan.upload.label)
        return labels

    def check_map(self, labels: list[str], what: str) -> None:
        """A place on the map none of this session's sources mention is a violation; a missing one a mismatch."""
        allowed = {label for pid, label in self.truth.labels.items() if self.truth.mentioned_by.get(pid, set())
                   & set(self.plan.sources)} | ({self.plan.upload.label} if self.plan.upload else set())
        for label in sorted(set(labels) - allowed):
            item = f"map shape {label!r}"
            if item not in self.seen_foreign:
                self.seen_foreign.add(item)
                self.record.violations.append(f"{self.tag} ({'|'.join(self.plan.sources)}) {what}: saw {item}")
        missing = self.map_expected() - set(labels)
        if missing:
            self.record.mismatches.append(f"{self.tag} {what}: map lacks {sorted(missing)}")

    async def click_place(self, frame, label: str) -> None:
        """As helpers.click_shape(find_shape(...)): a real click on the visible part of the shape with that tooltip."""
        labels = await self.map_labels(frame)
        self.check_map(labels, f"before clicking {label}")
        if labels.count(label) != 1:
            raise AssertionError(f"expected one shape labelled {label!r}; the map has {labels}")
        shape = frame.locator(SHAPES).nth(labels.index(label))
        await shape.scroll_into_view_if_needed()
        found = await shape.evaluate(_VISIBLE_POINT)
        if "point" not in found:  # a shape a few pixels across (Gaza Strip at the default zoom): any point on top
            found = await shape.evaluate(ANY_POINT_JS) or found
            self.record.small_shapes.add(label)
        if "point" not in found:
            raise AssertionError(f"no part of {label!r} is on top on the map: {found['covered']}")
        await shape.click(position=found["point"])

    # --- steps

    async def open(self) -> bool:
        self.context = await self.browser.new_context(viewport=VIEWPORT)
        self.context.set_default_timeout(self.args.action_timeout * 1000)
        self.page = page = await self.context.new_page()
        page.on("pageerror", lambda error: self.error("page error", (error.stack or str(error))[:600]))
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)
        page.on("websocket", self._websocket)
        started = time.perf_counter()
        ok = await self.step("open deep link", self._open(started), self.args.load_timeout)
        self.opened = bool(ok)
        if not ok and self.args.screenshots:
            with contextlib.suppress(PlaywrightError):
                await self.page.screenshot(path=str(Path(self.args.screenshots) / f"{self.phase}-{self.plan.index}.png"))
        return self.opened

    async def _open(self, started: float) -> bool:
        await self.page.goto(self.url + self.plan.link(), timeout=self.args.load_timeout * 1000)
        await self.wait_for_map()
        (self.record.solo_load_s if self.phase == "solo" else self.record.load_s).append(time.perf_counter() - started)
        await self.page.evaluate(OBSERVER_JS)
        await self.settle("after opening its deep link", self.plan.start)
        self.check_map(await self.drawn_labels(), "after opening its deep link")
        return True

    async def upload(self) -> None:
        await self.step("upload", self._upload(), self.args.load_timeout)

    async def _upload(self) -> None:
        up, page = self.plan.upload, self.page
        sidebar = page.get_by_test_id("stSidebar")
        await sidebar.get_by_text(EXPANDER).click()
        await sidebar.locator('input[type="file"]').set_input_files(
            files=[{"name": up.filename, "mimeType": "text/plain", "buffer": up.data}])
        await sidebar.get_by_text(up.filename).first.wait_for()  # the file has reached the server
        await sidebar.get_by_label("Outlet").fill(up.outlet)
        started = time.perf_counter()
        await sidebar.get_by_role("button", name="Add to the map").click()
        checkbox = sidebar.get_by_role("checkbox", name=up.outlet, exact=True)
        await checkbox.wait_for(state="attached", timeout=self.args.load_timeout * 1000)
        self.record.upload_s.append(time.perf_counter() - started)
        self.uploaded = True
        await sidebar.get_by_text(f"Added {up.filename} as {up.outlet}").wait_for()
        # The dashboard ticks a new outlet itself only when no ?sources= filter is set (every source ticked).
        if await checkbox.is_checked():
            self.record.auto_ticked.append(self.plan.index)
        else:
            await sidebar.get_by_text(up.outlet, exact=True).click()  # tick it, as a reader does, by its label
        self.selection.add(up.outlet)
        await self.settle("after uploading and ticking its outlet", self.plan.start)
        await poll(page, lambda: _has(self.drawn_labels(), up.label), f"{up.label} never drawn on the map",
                   self.args.action_timeout)

    async def click(self, place_id: str) -> None:
        if await self.step(f"click {place_id}", self._click(place_id), self.args.action_timeout * 2):
            if self.phase == "solo":
                self.record.solo_clicks += 1
            else:
                self.record.clicks += 1

    async def _click(self, place_id: str) -> bool:
        up = self.plan.upload
        label = up.label if up and place_id == up.place_id else self.truth.labels[place_id]
        name = self.truth.names.get(place_id) or up.name
        page = self.page
        frame = await self.wait_for_map()
        await page.evaluate("name => Object.assign(window.__panel, {name, t0: null, t: null, pending: false})", name)
        await frame.locator(".leaflet-container").evaluate(CLICK_LISTENER_JS)
        started = time.perf_counter()
        await self.click_place(frame, label)
        await page.wait_for_function("() => window.__panel.t !== null", timeout=self.args.action_timeout * 1000,
                                     polling=20)
        wall = 1000 * (time.perf_counter() - started)
        t0, t = await page.evaluate("() => [window.__panel.t0, window.__panel.t]")
        ms = t - t0 if t0 is not None else wall
        (self.record.solo_panel_ms if self.phase == "solo" else self.record.panel_ms).append(ms)
        self.record.slow.append((ms, f"{self.tag} → {label}"))
        await self.settle(f"after clicking {label}", place_id)
        return True

    async def final_check(self) -> None:
        await self.step("final check", self._final_check(), self.args.action_timeout * 2)

    async def _final_check(self) -> None:
        """Uploads stayed where they were made: in sidebars (by checkbox label) and on maps (by tooltip label)."""
        state = await self.state()  # records another session's upload name as a violation too
        own = self.plan.upload
        sidebar_outlets = {label for label, _ in state["checkboxes"]}
        others = [u for n, u in self.uploads.items() if not own or n != own.number]
        for other in others:
            if other.outlet in sidebar_outlets:
                self.record.leaks.append(f"{self.tag}: {other.outlet} (session {other.number - 1}'s upload) in its sidebar")
        if own and self.uploaded and own.outlet not in sidebar_outlets:
            self.record.mismatches.append(f"{self.tag}: its own upload {own.outlet} is missing from its sidebar")
        labels = set(await self.drawn_labels())
        for other in others:
            if other.label in labels and not (own and own.label == other.label):
                self.record.leaks.append(f"{self.tag}: {other.label} ({other.outlet}'s place) on its map")
        if own and self.uploaded and own.label not in labels:
            self.record.mismatches.append(f"{self.tag}: its own uploaded place {own.label} is not on its map")
        if self.opened and not self.websocket_closed:
            self.record.held += 1

    async def close(self) -> None:
        self.closing = True
        if self.context:
            with contextlib.suppress(TimeoutError, PlaywrightError):
                await asyncio.wait_for(self.context.close(), 30)


async def _has(awaitable, item) -> bool:
    return item in await awaitable


# --------------------------------------------------------------------------- the run


async def drive(url: str, pid: int, plans: list[Plan], truth: Truth, record: Record, args) -> None:
    uploads = {p.upload.number: p.upload for p in plans if p.upload}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        sessions: list[Session] = []
        try:
            print(f"single reader: {min(args.solo, len(plans))} plan(s) one after the other…", file=sys.stderr)
            record.cpu["start"] = (*cpu_now(pid), time.perf_counter())
            for plan in plans[:args.solo]:
                solo = Session(browser, url, Plan(plan.index, plan.sources, plan.start, plan.clicks), truth, record,
                               args, "solo", {})
                try:
                    if await solo.open():
                        for place_id in solo.plan.clicks:
                            await solo.click(place_id)
                finally:
                    await solo.close()
            record.rss["before"] = rss_mb(pid)
            record.cpu["before"] = (*cpu_now(pid), time.perf_counter())

            print(f"concurrent: {len(plans)} sessions opening…", file=sys.stderr)
            sessions = [Session(browser, url, plan, truth, record, args, "concurrent", uploads) for plan in plans]
            opened = await asyncio.gather(*(s.open() for s in sessions))
            record.opened = sum(opened)
            record.cpu["opened"] = (*cpu_now(pid), time.perf_counter())
            print(f"concurrent: {record.opened} maps drawn; uploading and clicking…", file=sys.stderr)

            async def work(session: Session) -> None:
                if not session.opened:
                    return
                if session.plan.upload:
                    await session.upload()
                for place_id in session.plan.clicks + ([session.plan.upload.place_id] if session.plan.upload else []):
                    await session.click(place_id)

            await asyncio.gather(*(work(s) for s in sessions))
            print("concurrent: final check of every session…", file=sys.stderr)
            args.deadline = args.end - CLOSING
            await asyncio.gather(*(s.final_check() for s in sessions if s.page))
            record.rss["after"] = rss_mb(pid)
            record.cpu["after"] = (*cpu_now(pid), time.perf_counter())
        finally:
            for session in sessions:
                session.closing = True
            await asyncio.gather(*(s.close() for s in sessions))
            with contextlib.suppress(TimeoutError, PlaywrightError):
                await asyncio.wait_for(browser.close(), 60)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def med_p95(values: list[float], digits: int = 0) -> str:
    return f"{statistics.median(values):.{digits}f} / {p95(values):.{digits}f} (n={len(values)})" if values else "n/a"


def cpu_rows(record: Record) -> list[tuple[str, str, str]]:
    """Where the CPU went in each phase: the server, or the browser (Chromium, its renderers, Playwright)."""
    rows = []
    for start, end, phase in (("start", "before", "single reader"), ("before", "opened", "concurrent opening"),
                              ("opened", "after", "concurrent uploads, clicks, final check")):
        if start in record.cpu and end in record.cpu:
            (s0, b0, t0), (s1, b1, t1) = record.cpu[start], record.cpu[end]
            rows.append((f"CPU s during {phase}: server / browser (wall s)", f"{s1 - s0:.0f} / {b1 - b0:.0f} ({t1 - t0:.0f})",
                         f"informational; {os.cpu_count()} CPUs"))
    return rows


def report(record: Record, args, plans: list[Plan], wall: float, loads: tuple[float, float]) -> bool:
    """Print the table and notes; True when isolation held and nothing went wrong."""
    by_kind = {kind: sum(1 for k, _ in record.errors if k == kind) for kind in ERROR_KINDS}
    n_uploads = sum(1 for p in plans if p.upload)
    mb = record.rss
    rss = " → ".join(f"{mb[k][0]:.0f}" for k in ("idle", "before", "after") if k in mb)
    peak = max((v[1] for v in mb.values()), default=float("nan"))
    ok = not (record.violations or record.mismatches or record.leaks or record.errors or record.timed_out)
    rows = [
        ("sessions held concurrently (map drawn, connected, checked at the end)", f"{record.held} of {len(plans)} "
         f"({record.connected} connected, {record.opened} drew their map)", f"= --sessions ({len(plans)})"),
        ("clicks done, concurrent phase", f"{record.clicks} of {record.planned_clicks}", "all"),
        ("click → panel, concurrent (ms, median / p95)", med_p95(record.panel_ms), "informational; degrades gracefully"),
        ("click → panel, single reader, same run (ms, median / p95)", med_p95(record.solo_panel_ms) +
         f", {record.solo_clicks} clicks", f"≤ {PANEL_TARGET_MS} ms (bench/dashboard.py)"),
        ("deep link → map drawn, concurrent (s, median / p95)", med_p95(record.load_s, 1), "informational"),
        ("deep link → map drawn, single reader (s, median / p95)", med_p95(record.solo_load_s, 1), "informational"),
        ("upload: submit → outlet in sidebar, concurrent (s, median / p95)", med_p95(record.upload_s, 1),
         f"{n_uploads} uploads"),
        ("isolation violations (foreign place / outlet / upload seen)", str(len(record.violations)), "0 (must)"),
        ("panel mismatches (own state never shown exactly)", str(len(record.mismatches)), "0 (must)"),
        ("upload leaks (another session's upload in sidebar or map)", str(len(record.leaks)), "0 (must)"),
        ("errors", f"{len(record.errors)} (" + ", ".join(f"{k} {v}" for k, v in by_kind.items()) + ")", "0"),
        *cpu_rows(record),
        ("server RSS idle → before → after concurrent phase (MB)", f"{rss} (peak {peak:.0f})", "informational"),
        ("total wall time (s)", f"{wall:.0f}" + (" (overall timeout hit)" if record.timed_out else ""),
         f"≤ --timeout ({args.timeout:.0f})"),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"| {'figure':{width}} | value | target / expectation |")
    print(f"|{'-' * (width + 2)}|---|---|")
    for figure, value, target in rows:
        print(f"| {figure:{width}} | {value} | {target} |")
    print()
    print(f"{'OK' if ok else 'FAILED'}: {len(plans)} sessions, {args.clicks} click(s) each (+1 on its place per upload "
          f"session), uploads every {args.upload_every}th session; load average {loads[0]:.2f} before, {loads[1]:.2f} "
          f"after, on {os.cpu_count()} CPUs.")
    if record.auto_ticked:
        print(f"upload sessions whose new outlet came ticked (no ?sources= filter): {record.auto_ticked}")
    if record.small_shapes:
        print(f"shapes too small for helpers' 2 px margin test, clicked at any point on top: {sorted(record.small_shapes)}")
    slowest = sorted(record.slow, reverse=True)[:5]
    if slowest:
        print("slowest clicks (ms): " + "; ".join(f"{ms:.0f} {what}" for ms, what in slowest))
    for title, items in (("isolation violations", record.violations), ("panel mismatches", record.mismatches),
                         ("upload leaks", record.leaks), ("errors", [f"{k}: {d}" for k, d in record.errors])):
        if items:
            print(f"{title} ({len(items)}):")
            for item in items[:25]:
                print(f"  - {item}")
            if len(items) > 25:
                print(f"  … and {len(items) - 25} more")
    return ok


def server_problems(output: str) -> list[str]:
    """Tracebacks and logged stacks (Streamlit logs warnings such as CachedWidgetWarning with one) in the server log:
    the log line that introduced each, and its last frame in dashboard.py or geo/."""
    problems = []
    for marker in ("Traceback (most recent call last):", "Stack (most recent call last):"):
        for before, block in itertools.pairwise(output.split(marker)):
            logged = [line for line in before.splitlines() if LOG_LINE.match(line)]
            body = [line for line in block.splitlines() if not LOG_LINE.match(line)]
            ours = [line.strip() for line in body if "dashboard.py" in line or "/geo/" in line]
            last = ours[-1:] + [line.strip() for line in body if line.strip()][-1:]
            problems.append(" | ".join([logged[-1][:200] if logged else marker, *last])[:500])
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20, help="concurrent browser sessions (default 20)")
    parser.add_argument("--clicks", type=int, default=2, help="map clicks per session (default 2)")
    parser.add_argument("--upload-every", type=int, default=4, help="every Nth session uploads an article (0: none)")
    parser.add_argument("--solo", type=int, default=5, help="plans replayed by the single reader first (default 5)")
    parser.add_argument("--timeout", type=float, default=480, help="overall limit in seconds (default 480)")
    parser.add_argument("--load-timeout", type=float, default=180, help="per page load / upload, seconds")
    parser.add_argument("--action-timeout", type=float, default=60, help="per click or other action, seconds")
    parser.add_argument("--settle-timeout", type=float, default=60, help="for a page to show its own state, seconds")
    parser.add_argument("--screenshots", help="a folder for screenshots of sessions whose map never drew")
    parser.add_argument("--server-log", help="a file to copy the server's log into")
    args = parser.parse_args()
    if args.sessions < 1 or args.clicks < 1 or args.upload_every < 0 or args.solo < 0:
        parser.error("--sessions and --clicks must be at least 1; --upload-every and --solo at least 0")

    began = time.perf_counter()
    load_before = os.getloadavg()[0]
    truth, plan_upload = corpus_truth()
    plans = make_plans(truth, args.sessions, args.clicks, args.upload_every, plan_upload)
    record = Record(planned_clicks=sum(len(p.clicks) + bool(p.upload) for p in plans))
    remaining = args.timeout - (time.perf_counter() - began)
    with AppServer(timeout=min(120, max(10, remaining))) as app:
        record.rss["idle"] = rss_mb(app.process.pid)
        remaining = args.timeout - (time.perf_counter() - began)
        try:
            args.end = time.monotonic() + remaining
            args.deadline = args.end - CLOSING - FINAL_CHECK  # for the single reader, opening, uploads and clicks
            asyncio.run(asyncio.wait_for(drive(app.url, app.process.pid, plans, truth, record, args), remaining))
        except TimeoutError:
            record.timed_out = True
            record.errors.append(("timeout", f"overall timeout of {args.timeout:.0f} s hit"))
        record.rss.setdefault("after", rss_mb(app.process.pid))
        output = app.output()
        for problem in server_problems(output):
            record.errors.append(("server traceback", problem))
        if args.server_log:
            Path(args.server_log).write_text(output)
    ok = report(record, args, plans, time.perf_counter() - began, (load_before, os.getloadavg()[0]))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
