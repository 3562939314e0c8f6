"""Many readers on one dashboard server, measured at the server: simulated readers speak Streamlit's protocol.

    python bench/load.py [--readers 10,25,50,100,200] [--corpora bundled,10000] [--arrive 30] [--servers 2]
                         [--json] [--profile]
    python bench/load.py --soak 600 [--corpora bundled]

A bounded loopback benchmark: one ``streamlit run dashboard.py -- --store DIR`` per corpus
(tests/e2e/appserver.py, 127.0.0.1 only) and simulated readers in this process, each a
websocket session of its own that sends what the page's frontend sends (``BackMsg``
protobufs) and reads what the server sends back (``ForwardMsg``): no browser draws anything,
so the CPU the readers cost is the server's. Each reader:

1. opens a deep link (``?sources=A|B&place=<id>``) and gets the whole page;
2. clicks places on its map: the component value the map sends (``last_object_clicked_tooltip``
   and its count), on the map fragment, with the message hashes it has cached declared, as the
   frontend does;
3. switches a source on or off (the sidebar checkbox), clicks again; narrows the publication
   dates (the date range), clicks again; every fifth reader also uploads an article naming a
   town the corpus does not (the upload form: file URLs, an HTTP PUT, the form's submit), whose
   outlet joins its sources ticked, and clicks the town;
4. waits a think time between actions (uniform in 0.5–1.5 × ``--think`` seconds; a reader reads).

Readers arrive together (``--arrive 0``, the default) or spread evenly over ``--arrive`` seconds
(a link posted to a newsroom is opened over a minute). Under the table, a capacity line per
corpus: the largest number of readers run whose click p95 stayed within 1 s, without errors.

After every run it checks the page it got against what its own state should show, computed in
this process from the store (geo.store.read, geo.page.mapping's labels): the panel's heading is
its place and the excerpt headings are exactly the outlets of its selection naming that place;
on a whole-page run, "Articles in view" is its own count. Anything that belongs to no state of its
own (another place's heading, an outlet it did not choose, another reader's upload desk) is an
isolation violation; its own content missing or different is a panel mismatch. Errors: exception
elements, ``st.error`` alerts, websockets closed, steps timed out, tracebacks in the server's log.

Click time is from sending the click to the run's ``script_finished``, at the server (no 250 ms
debounce, no drawing). The single reader's figures are measured in the same run on the same
server, before the concurrent phases: one reader alone through the first three readers' plans.
``--servers N`` starts N server processes over the same store and pins reader i to server i mod N
for all it does, as a reverse proxy pinning readers by cookie would (README, "Many readers"); the
single reader uses the first; RSS and CPU are the servers' together.
RSS is the server's VmRSS from /proc just before the readers connect and after the last of them
finished (all still connected); growth per session is their difference over the sessions.
Server CPU per action is the server process's CPU time (``/proc/PID/stat``, all its threads, the
ones that ended included: Streamlit runs each script run in a thread of its own) across each click
and each view change of the single reader, alone on the server then; its clock counts in 10 ms
ticks, so the figure is a mean over the single reader's actions.
``--profile`` samples the server with py-spy during the largest phase and prints where its time
went. ``--soak S`` runs 10 readers for S seconds, each reconnecting as a new session every
minute, sampling RSS, open files and threads every 10 s.

Prints one table (``--json``: one JSON object; its top-level figures are the largest run's, all
runs under ``runs``); exits 1 when a run had errors, isolation violations or mismatches.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import html
import io
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
sys.path.insert(0, str(ROOT / "tests"))

from appserver import AppServer  # noqa: E402
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from watch import tree_mb  # noqa: E402
from websockets.asyncio.client import connect  # noqa: E402

from geo.frames import COUNTRY_KINDS  # noqa: E402
from geo.page.mapping import drawn_places  # noqa: E402
from geo.page.tooltips import unique_labels  # noqa: E402
from geo.store import read  # noqa: E402
from geo.store.read import View  # noqa: E402

FINAL = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}
UPLOAD_TOWNS = ["Aleppo", "Manbij", "Latakia", "Idlib", "Tartus", "Daraa", "Hama", "Quneitra", "Qamishli", "Kobani",
                "Raqqa", "Afrin", "Jableh", "Baniyas", "Salamiyah", "Deir ez-Zor", "Homs", "Sweida"]
DESK = "Upload desk {}"
DESK_NAME = re.compile(r"Upload desk (\d+)")
UNESCAPE = re.compile(r"\\(.)")
NOT_IN_VIEW = "not mentioned by the sources in view"
BUNDLED_SOURCES = ROOT / "data" / "sources.toml"
HASHES_KEPT = 200  # cached message hashes a reader declares, newest first (the frontend keeps a cache too)


H5 = re.compile(r"<h5\b[^>]*>(.*?)</h5>", re.S)
TAG = re.compile(r"<[^>]+>")


def unescape(text: str) -> str:
    return UNESCAPE.sub(r"\1", text)


# --------------------------------------------------------------------------- what a reader should see


@dataclass(frozen=True)
class Expect:
    """One view as the page should show it: map labels, who names each place, the articles figure."""

    labels: dict[str, str]  # label -> place id, as the map's tooltips name them
    outlets_of: dict[str, frozenset[str]]  # place id -> outlets of the view naming it
    articles: int


COMPARE_HEADING = "Compare sources on "  # geo/app/compare.py: the comparison's heading, before the place's name


class Truth:
    """Expected pages, from the store itself in this process (before any reader connects)."""

    def __init__(self, store_path: Path) -> None:
        self.store = read.open_store(store_path)
        places = read.places(self.store)
        self.names = dict(zip(places["place_id"], places["name"], strict=True))
        self.places = places
        self.outlets = sorted(read.source_summaries(self.store)["outlet"])
        self.dates = read.date_range(self.store)
        self._views: dict[View, Expect] = {}

    def expect(self, view: View) -> Expect:
        if view not in self._views:
            counts = read.coverage_counts(self.store, view)
            outlets_of = {pid: frozenset(group["outlet"]) for pid, group in counts.groupby("place_id")}
            # As the map draws them: a region too large to point at (the Middle East) is listed under it, not drawn,
            # so no reader can click it there.
            drawn = drawn_places(self.places[self.places["place_id"].isin(outlets_of)])
            labels = {label: pid for pid, label in unique_labels(drawn).items()}
            self._views[view] = Expect(labels, outlets_of, read.articles_in_view(self.store, view))
        return self._views[view]


@dataclass
class Upload:
    outlet: str
    filename: str
    data: bytes
    name: str  # the panel heading of its town
    label: str  # its town's label on the map


def plan_uploads(truth: Truth) -> list[Upload]:
    """Texts naming one town each that the store does not mention (checked with the pipeline, as the page parses)."""
    from geo import Geoparser, load_gazetteer
    from geo.frames import to_frames
    from geo.text.corpus import read_article
    from geo.types import Source

    gazetteer = load_gazetteer()
    parser = Geoparser(gazetteer)
    uploads = []
    for town in UPLOAD_TOWNS:
        data = f"Reporters visited {town} on Tuesday. Officials in {town} said the roads were open again.\n".encode()
        article, _ = read_article("upload", data, ".txt", Source(outlet="x", title="", published="", attribution="stated"),
                                  "upload.txt")
        places, _ = to_frames(list(parser.pipe([article])), gazetteer)
        places = places[~places["kind"].isin(COUNTRY_KINDS)]
        if len(places) != 1 or places["place_id"].iloc[0] in truth.names:
            continue  # names more than one place, or one the corpus has: not distinctive
        label = unique_labels(places).popitem()[1]
        uploads.append(Upload("", f"{town.lower().replace(' ', '-')}.txt", data, places["name"].iloc[0], label))
    return uploads


@dataclass
class Plan:
    """One reader's choices: its first sources and place, the source it switches, its narrower dates."""

    number: int
    sources: tuple[str, ...]
    start: str
    switch: str
    since: str
    until: str
    upload: Upload | None
    seed: int


def make_plans(truth: Truth, readers: int, uploads: list[Upload], upload_every: int = 5) -> list[Plan]:
    rng = random.Random(14)
    plans = []
    outlets = truth.outlets
    first, last = (dt.date.fromisoformat(d) for d in truth.dates) if truth.dates else (None, None)
    for number in range(1, readers + 1):
        for _ in range(100):
            size = rng.randint(2, max(2, min(len(outlets) - 1, 6)))
            sources = tuple(sorted(rng.sample(outlets, min(size, len(outlets)))))
            start_view = truth.expect(View(sources))
            if len(start_view.labels) >= 3:
                break
        else:
            raise SystemExit(f"no choice of sources puts three places on the map for reader {number}")
        start = start_view.labels[sorted(start_view.labels)[rng.randrange(len(start_view.labels))]]
        switch = rng.choice(outlets)
        since = until = ""
        if first is not None and last > first:
            days = (last - first).days
            a = rng.randint(0, days - 1)
            b = rng.randint(a + 1, days) if rng.random() < 0.5 else days
            since = (first + dt.timedelta(days=a)).isoformat() if a > 0 else ""
            until = (first + dt.timedelta(days=b)).isoformat() if b < days else ""
            if not since and not until:
                since = (first + dt.timedelta(days=1)).isoformat()
        upload = None
        if uploads and upload_every and number % upload_every == 0:
            template = uploads[(number // upload_every - 1) % len(uploads)]
            upload = Upload(DESK.format(number), f"desk-{number}-{template.filename}", template.data, template.name,
                            template.label)
        plans.append(Plan(number, sources, start, switch, since, until, upload, rng.randrange(10**9)))
    return plans


# --------------------------------------------------------------------------- one reader


@dataclass
class Screen:
    """What one run sent: the panel, the figures, the widgets a reader can use next, anything wrong."""

    h3: list[str] = field(default_factory=list)
    h5: list[str] = field(default_factory=list)
    metrics: dict[str, str] = field(default_factory=dict)
    infos: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # every label and body, to look for other readers' uploads
    widgets: dict[str, tuple[str, str]] = field(default_factory=dict)  # (kind, label) -> id
    component: tuple[str, str, str] | None = None  # (id, fragment id, message hash)
    shown: dict[str, tuple[str, object]] = field(default_factory=dict)  # widget id -> (fragment id, its state)


@dataclass
class Record:
    click_ms: list[float] = field(default_factory=list)
    change_ms: list[float] = field(default_factory=list)
    open_ms: list[float] = field(default_factory=list)
    upload_ms: list[float] = field(default_factory=list)
    click_cpu_ms: list[float] = field(default_factory=list)  # the server's CPU per action: the single reader only
    change_cpu_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)
    sessions: int = 0


class StepFailed(Exception):
    pass


class Reader:
    def __init__(self, url: str, plan: Plan, truth: Truth, record: Record, think: float, timeout: float) -> None:
        self.url, self.plan, self.truth, self.record = url, plan, truth, record
        self.think, self.timeout = think, timeout
        self.server_pid: int | None = None  # set for the single reader: the server's CPU is then its own
        self.rng = random.Random(plan.seed)
        self.ws = None
        self.session_id = ""
        self.query = plan_link(plan)
        self.widget_values: dict[str, object] = {}  # widget id -> WidgetState set by this reader
        self.cache: dict[str, ForwardMsg] = {}
        self.clicks = 0
        self.place: str | None = plan.start
        self.sources = set(plan.sources)
        self.since = self.until = ""
        self.uploaded = False
        self.component: tuple[str, str, str] | None = None
        self.widgets: dict[tuple[str, str], str] = {}
        self.shown: dict[str, tuple[str, object]] = {}  # widget id -> (fragment id, the state the page shows)

    # ------------------------------------------------------------ the protocol

    async def connect(self) -> None:
        ws_url = self.url.replace("http", "ws", 1) + "_stcore/stream"
        self.ws = await connect(ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=self.timeout,
                                ping_interval=None)

    async def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.ws.close(), 10)

    async def receive(self) -> ForwardMsg:
        message = ForwardMsg()
        message.ParseFromString(await asyncio.wait_for(self.ws.recv(), self.timeout))
        if message.WhichOneof("type") == "ref_hash":  # the server trusts our cache for this one
            cached = self.cache.get(message.ref_hash)
            if cached is None:
                raise StepFailed(f"the server referred to a message this reader never had ({message.ref_hash[:8]})")
            resolved = ForwardMsg()
            resolved.CopyFrom(cached)
            resolved.metadata.CopyFrom(message.metadata)
            return resolved
        if message.metadata.cacheable and message.hash:
            self.cache[message.hash] = message
            if len(self.cache) > HASHES_KEPT:
                self.cache.pop(next(iter(self.cache)))
        return message

    async def run(self, *, fragment: bool = False, trigger: str | None = None) -> tuple[float, Screen]:
        """One rerun as the frontend asks for it; (ms until the final script_finished, what it sent)."""
        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query
        if fragment and self.component:
            state.fragment_id = self.component[1]
        state.cached_message_hashes.extend(reversed(list(self.cache)))
        # As the frontend does: the value of every widget on show, with what this reader changed.
        for widget_id, (_, shown) in self.shown.items():
            if widget_id not in self.widget_values:
                state.widget_states.widgets.add().CopyFrom(shown)
        for widget in self.widget_values.values():
            state.widget_states.widgets.add().CopyFrom(widget)
        if trigger:
            state.widget_states.widgets.add(id=trigger, trigger_value=True)
        started = time.perf_counter()
        await self.ws.send(message.SerializeToString())
        screen = Screen()
        while True:
            reply = await self.receive()
            kind = reply.WhichOneof("type")
            if kind == "new_session":
                self.session_id = reply.new_session.initialize.session_id
            elif kind == "page_info_changed":
                self.query = reply.page_info_changed.query_string
            elif kind == "delta":
                self.read_delta(reply, screen)
            elif kind == "session_event" and reply.session_event.WhichOneof("type") == "script_compilation_exception":
                screen.errors.append("script compilation exception")
            elif kind == "script_finished":
                if reply.script_finished in FINAL:
                    ms = 1000 * (time.perf_counter() - started)
                    if screen.component:
                        if self.component and self.component[0] != screen.component[0]:
                            # Another view, another map: the frontend unmounts the old one and forgets its value.
                            self.widget_values.pop(self.component[0], None)
                        self.component = screen.component
                    self.widgets.update(screen.widgets)
                    if fragment:  # the fragment's widgets are drawn again; the rest of the page stays
                        self.shown = {k: v for k, v in self.shown.items() if v[0] != state.fragment_id}
                        self.shown.update(screen.shown)
                    else:
                        self.shown = dict(screen.shown)
                    return ms, screen
                if reply.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    raise StepFailed("the script did not compile")
                screen = Screen()  # finished early for a rerun (st.rerun): the next run is the page

    def read_delta(self, reply: ForwardMsg, screen: Screen) -> None:
        delta = reply.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        value = getattr(element, kind)
        if kind == "heading":
            if value.tag == "h3":
                screen.h3.append(unescape(value.body))
            screen.texts.append(value.body)
        elif kind == "markdown":
            if value.body.startswith("##### "):
                screen.h5.append(unescape(value.body[6:]))
            screen.texts.append(value.body)
        elif kind == "html":  # escaped HTML (geo/page/views.py): the outlets' headings over their excerpts are <h5>
            screen.h5 += [html.unescape(TAG.sub("", heading)) for heading in H5.findall(value.body)]
            screen.texts.append(html.unescape(TAG.sub(" ", value.body)))
        elif kind == "metric":
            screen.metrics[value.label] = value.body
        elif kind == "alert":
            body = unescape(value.body)
            screen.texts.append(body)
            if value.format == value.ERROR:
                screen.errors.append(f"error shown: {body[:200]}")
            elif value.format == value.INFO:
                screen.infos.append(body)
        elif kind == "exception":
            screen.errors.append(f"exception shown: {value.type}: {value.message[:200]}")
        elif kind == "component_instance":
            screen.component = (value.id, delta.fragment_id, reply.hash)
        elif hasattr(value, "id") and hasattr(value, "label"):
            screen.widgets[(kind, unescape(value.label))] = value.id
            screen.texts.append(value.label)
            if (state := shown_state(kind, value)) is not None:
                # A widget the frontend already shows keeps its value there: the server sends ``value`` only when it
                # sets one (``set_value``), and otherwise the widget's own default, which is not what is on screen
                # (the "undated" toggle, on from the session's state, came again with default off).
                if not value.set_value and value.id in self.shown:
                    state = self.shown[value.id][1]
                screen.shown[value.id] = (delta.fragment_id, state)

    def set_widget(self, widget_id: str, **value) -> None:
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        state = WidgetState(id=widget_id)
        for name, item in value.items():
            if name == "string_array_value":
                state.string_array_value.data.extend(item)
            else:
                setattr(state, name, item)
        self.widget_values[widget_id] = state

    def widget(self, kind: str, label: str) -> str:
        if (kind, label) not in self.widgets:
            raise StepFailed(f"the page sent no {kind} labelled {label!r}")
        return self.widgets[(kind, label)]

    # ------------------------------------------------------------ what this reader does

    def view(self) -> View:
        corpus = tuple(sorted(self.sources - {self.plan.upload.outlet} if self.plan.upload else self.sources))
        return View(corpus, True, self.since, self.until)

    async def pause(self) -> None:
        await asyncio.sleep(self.think * self.rng.uniform(0.5, 1.5))

    async def open(self) -> bool:
        try:
            await self.connect()
            self.record.sessions += 1
            ms, screen = await self.run()
            self.record.open_ms.append(ms)
            self.check(screen, whole=True, what="deep link")
            return True
        except Exception as error:  # every failure is counted, none stops the others
            self.record.errors.append(f"reader {self.plan.number}, opening: {describe(error)}")
            return False

    async def action_run(self, times: list[float], cpu_times: list[float], *, fragment: bool = False) -> tuple[float, Screen]:
        """``run()`` for a click or a view change, its time kept in ``times``; for the single reader (``server_pid``
        set), the server's CPU time for it in ``cpu_times``."""
        cpu = cpu_seconds(self.server_pid) if self.server_pid else None
        ms, screen = await self.run(fragment=fragment)
        times.append(ms)
        if cpu is not None:
            cpu_times.append(1000 * (cpu_seconds(self.server_pid) - cpu))
        return ms, screen

    async def click(self, label: str, place_id: str) -> None:
        if not self.component:
            raise StepFailed("no map component to click")
        self.clicks += 1
        self.set_widget(self.component[0], json_value=json.dumps(
            {"last_object_clicked_tooltip": label, "last_object_clicked_count": self.clicks}))
        self.place = place_id
        ms, screen = await self.action_run(self.record.click_ms, self.record.click_cpu_ms, fragment=True)
        self.check(screen, whole=False, what=f"click on {label}")

    async def click_some(self, count: int) -> None:
        expect = self.truth.expect(self.view())
        labels = sorted(expect.labels)
        if not labels:
            return
        offset = self.rng.randrange(len(labels))
        for k in range(count):
            label = labels[(offset + k) % len(labels)]
            if expect.labels[label] == self.place and len(labels) > 1:
                label = labels[(offset + k + 1) % len(labels)]
            await self.pause()
            await self.click(label, expect.labels[label])

    async def switch_source(self) -> None:
        outlet = self.plan.switch
        corpus_sources = self.sources - ({self.plan.upload.outlet} if self.plan.upload else set())
        on = outlet not in self.sources
        if not on and len(corpus_sources) == 1:  # never leave it with no source of the corpus
            outlet = next(o for o in self.truth.outlets if o not in self.sources)
            on = True
        self.set_widget(self.widget("checkbox", outlet), bool_value=on)
        (self.sources.add if on else self.sources.discard)(outlet)
        ms, screen = await self.action_run(self.record.change_ms, self.record.change_cpu_ms)
        self.check(screen, whole=True, what=f"source {outlet} {'on' if on else 'off'}")

    async def narrow_dates(self) -> None:
        if not self.truth.dates or not (self.plan.since or self.plan.until):
            return
        first, last = self.truth.dates
        since, until = self.plan.since or first, self.plan.until or last
        self.set_widget(self.widget("date_input", "Published between"),
                        string_array_value=[since.replace("-", "/"), until.replace("-", "/")])
        self.since, self.until = self.plan.since, self.plan.until
        ms, screen = await self.action_run(self.record.change_ms, self.record.change_cpu_ms)
        self.check(screen, whole=True, what=f"dates {since} to {until}")

    async def add_upload(self) -> None:
        """The upload form as the frontend fills it: file URLs, the file PUT, then the form submitted."""
        upload = self.plan.upload
        started = time.perf_counter()
        request = BackMsg()
        request.file_urls_request.request_id = uuid.uuid4().hex
        request.file_urls_request.file_names.append(upload.filename)
        request.file_urls_request.session_id = self.session_id
        await self.ws.send(request.SerializeToString())
        while True:
            reply = await self.receive()
            if reply.WhichOneof("type") == "file_urls_response":
                urls = reply.file_urls_response.file_urls[0]
                break
        await asyncio.to_thread(put_file, self.url, urls.upload_url, upload.filename, upload.data)
        from streamlit.proto.Common_pb2 import UploadedFileInfo

        info = UploadedFileInfo(file_id=urls.file_id, name=upload.filename, size=len(upload.data))
        info.file_urls.CopyFrom(urls)
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        state = WidgetState(id=self.widget("file_uploader", "Article (.txt, .md, .html)"))
        state.file_uploader_state_value.uploaded_file_info.append(info)
        self.widget_values[state.id] = state
        self.set_widget(self.widget("text_input", "Outlet"), string_value=upload.outlet)
        ms, screen = await self.run(trigger=self.widget("button", "Add to the map"))
        # The form clears itself: the page forgets the file; so does this reader.
        for widget_id in (state.id, self.widget("text_input", "Outlet")):
            self.widget_values.pop(widget_id, None)
        self.record.upload_ms.append(1000 * (time.perf_counter() - started))
        # Its outlet joins the sources its link names, ticked: it is in view at once.
        self.sources.add(upload.outlet)
        self.uploaded = True
        self.check(screen, whole=True, what="upload")
        if ("checkbox", upload.outlet) not in screen.widgets:
            self.record.mismatches.append(f"reader {self.plan.number}: its upload's outlet is not in its sidebar")
            return
        await self.pause()
        await self.click(upload.label, "upload")

    async def act(self, clicks: int) -> None:
        """The reader's visit: clicks, a source switched, clicks, dates narrowed, clicks (an upload on the way)."""
        steps = [lambda: self.click_some(clicks), self.switch_source, lambda: self.click_some(clicks)]
        if self.plan.upload and not self.uploaded:
            steps.insert(1, self.add_upload)
        steps += [self.narrow_dates, lambda: self.click_some(clicks)]
        for step in steps:
            try:
                await step()
            except Exception as error:  # every failure is counted, none stops the others
                self.record.errors.append(f"reader {self.plan.number}: {describe(error)}")
                return
            await self.pause()

    # ------------------------------------------------------------ is this its own page?

    def check(self, screen: Screen, *, whole: bool, what: str) -> None:
        who = f"reader {self.plan.number}, {what}"
        for error in screen.errors:
            self.record.errors.append(f"{who}: {error}")
        view = self.view()
        expect = self.truth.expect(view)
        upload = self.plan.upload
        own_outlets = self.sources
        for text in screen.texts + screen.h5:
            for number in DESK_NAME.findall(unescape(text)):
                if int(number) != self.plan.number:
                    self.record.violations.append(f"{who}: shows {DESK.format(number)}")
        foreign = [o for o in screen.h5 if o not in own_outlets]
        if foreign:
            self.record.violations.append(f"{who}: excerpts of outlets it did not choose: {foreign}")
        if self.place == "upload":  # an upload has no date: undated articles stay in view whatever the dates
            name, wanted = upload.name, frozenset({upload.outlet})
        elif self.place:
            name, wanted = self.truth.names.get(self.place, self.place), expect.outlets_of.get(self.place)
        else:
            name, wanted = None, None
        # The panel's heading is the place; the comparison's, under the map, is "Compare sources on" the same place.
        panels = [h for h in screen.h3 if not (name and h == f"{COMPARE_HEADING}{name}")]
        if any(h != name for h in panels):
            self.record.violations.append(f"{who}: panel of {[h for h in panels if h != name]}, asked {name}")
        elif wanted:
            if panels != [name]:
                self.record.mismatches.append(f"{who}: panel heading {panels}, expected [{name!r}]")
            elif set(screen.h5) != wanted:
                self.record.mismatches.append(f"{who}: excerpts of {sorted(screen.h5)}, expected {sorted(wanted)}")
        elif name and not any(NOT_IN_VIEW in i for i in screen.infos):
            self.record.mismatches.append(f"{who}: {name} is not in view, and the page did not say so")
        if whole:
            articles = expect.articles + (1 if self.uploaded else 0)
            shown = screen.metrics.get("Articles in view")
            if shown != str(articles):
                self.record.mismatches.append(f"{who}: Articles in view {shown}, expected {articles}")


def shown_state(kind: str, element):
    """The state the frontend reports for a widget it shows untouched (checkboxes, toggles, select boxes); else None."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    if kind == "checkbox":
        return WidgetState(id=element.id, bool_value=element.value if element.set_value else element.default)
    if kind == "selectbox":
        if element.set_value and element.HasField("raw_value"):
            return WidgetState(id=element.id, string_value=element.raw_value)
        if element.HasField("default") and element.default < len(element.options):
            return WidgetState(id=element.id, string_value=element.options[element.default])
    return None


def plan_link(plan: Plan) -> str:
    return urlencode({"sources": "|".join(plan.sources), "place": plan.start})


def put_file(base: str, upload_url: str, filename: str, data: bytes) -> None:
    """PUT one file as the frontend does (multipart, with the XSRF cookie and header when the server wants them)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    with opener.open(base + "_stcore/health", timeout=30) as response:  # it sets the XSRF cookie
        response.read()
    jar = next(h.cookiejar for h in opener.handlers if isinstance(h, urllib.request.HTTPCookieProcessor))
    cookie = next((c.value for c in jar if c.name == "_streamlit_xsrf"), None)
    boundary = uuid.uuid4().hex
    body = io.BytesIO()
    body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
               f"Content-Type: text/plain\r\n\r\n".encode())
    body.write(data)
    body.write(f"\r\n--{boundary}--\r\n".encode())
    url = upload_url if upload_url.startswith("http") else base.rstrip("/") + "/" + upload_url.lstrip("/")
    request = urllib.request.Request(url, data=body.getvalue(), method="PUT",
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    if cookie:
        request.add_header("X-Xsrftoken", cookie)
    with opener.open(request, timeout=30) as response:
        if response.status >= 300:
            raise StepFailed(f"upload PUT answered {response.status}")


def describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:300] if str(error) else type(error).__name__


# --------------------------------------------------------------------------- the server process


def process_figures(pid: int) -> dict:
    """The server's RSS and peak (MB), threads and open files, from /proc."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        files = len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return {"rss_mb": float("nan"), "peak_mb": float("nan"), "threads": 0, "files": 0}
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    mb = {key: int(fields.get(key, "0 kB").split()[0]) / 1024 for key in ("VmRSS", "VmHWM")}
    return {"rss_mb": mb["VmRSS"], "peak_mb": mb["VmHWM"], "threads": int(fields.get("Threads", "0")), "files": files}


def servers_figures(pids: list[int]) -> dict:
    """``process_figures`` of several servers, added up."""
    each = [process_figures(pid) for pid in pids]
    return {key: sum(figures[key] for figures in each) for key in each[0]}


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def server_problems(output: str) -> list[str]:
    from browsers import server_problems as problems

    return problems(output)


class Profiler:
    """py-spy sampling the server's threads that hold the GIL (``--gil``), from start() to stop()."""

    RATE = 100

    def __init__(self, pid: int, folder: Path) -> None:
        self.pid, self.path = pid, folder / "profile.txt"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.started = time.perf_counter()
        beside = Path(sys.executable).with_name("py-spy")  # installed in this environment, maybe not on PATH
        spy = str(beside) if beside.exists() else shutil.which("py-spy")
        if spy is None:
            self.process = None
            return
        self.process = subprocess.Popen([spy, "record", "--pid", str(self.pid), "--format", "raw", "--gil",
                                         "--nonblocking", "--rate", str(self.RATE), "--output", str(self.path),
                                         "--duration", "3600"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def stop(self) -> dict:
        import signal

        seconds = time.perf_counter() - self.started
        if self.process is None:
            return {"error": "py-spy is not installed (pip install -r requirements-dev.txt)"}
        self.process.send_signal(signal.SIGINT)  # py-spy writes what it sampled and exits
        try:
            _, stderr = self.process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return {"error": "py-spy did not stop"}
        if not self.path.exists():
            return {"error": f"py-spy wrote nothing: {stderr.decode(errors='replace').strip()[-300:]}"}
        if os.environ.get("LOAD_PROFILE_COPY"):  # the raw stacks, for a closer look
            Path(os.environ["LOAD_PROFILE_COPY"]).write_text(self.path.read_text())
        return summarise_profile(self.path.read_text(), seconds, self.RATE)


def summarise_profile(raw: str, seconds: float, rate: int) -> dict:
    """Where the GIL went: share of samples per function, inclusive, for ours and the libraries' main parts."""
    inclusive, leaves, total = Counter(), Counter(), 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        count = int(count)
        total += count
        frames = [re.sub(r":\d+\)$", ")", f) for f in stack.split(";")[1:]]  # no thread name, no line numbers
        for frame in set(frames):
            inclusive[frame] += count
        if frames:
            leaves[frames[-1]] += count

    def short(frame: str) -> str:
        name, _, where = frame.partition(" (")
        where = where.rstrip(")")
        for marker in ("site-packages/", "/work/", str(ROOT) + "/"):
            where = where.split(marker)[-1]
        return f"{name} ({where})"

    ours = [(short(f), n) for f, n in inclusive.most_common() if "dashboard.py" in f or "/geo/" in f]
    return {"gil_busy": total / max(1.0, seconds * rate), "samples": total,
            "ours": [(f, n / total) for f, n in ours[:12]],
            "leaves": [(short(f), n / total) for f, n in leaves.most_common(12)]}


# --------------------------------------------------------------------------- phases


async def single_reader(url: str, plans: list[Plan], truth: Truth, args, pid: int | None = None) -> Record:
    """One reader alone on the server, through the first plans one after the other (think time short); with the
    server's ``pid``, the server's CPU time for each click and view change (it serves no one else meanwhile)."""
    record = Record()
    for plan in plans:
        reader = Reader(url, plan, truth, record, args.think / 4, args.step_timeout)
        reader.server_pid = pid
        try:
            if await reader.open():
                await reader.act(args.clicks)
        finally:
            await reader.close()
    return record


async def concurrent_readers(urls: list[str], pids: list[int], plans: list[Plan], truth: Truth, args,
                             profiler=None) -> dict:
    """``len(plans)`` readers at once: all connect and open together, then each goes its own way; all stay till the end.

    With several servers (``--servers``), reader i stays on server i mod N for all it does, as a proxy that pins
    a reader by cookie keeps it; memory and CPU are the servers' together.
    """
    record = Record()
    readers = [Reader(urls[number % len(urls)], plan, truth, record, args.think, args.step_timeout)
               for number, plan in enumerate(plans)]
    before, cpu_before, started = servers_figures(pids), sum(map(cpu_seconds, pids)), time.perf_counter()
    own_before = sum(os.times()[:2])  # the simulated readers' own CPU: they share the machine with the server
    after = before
    memory = MemoryWatch(pids, args.memory_cap, record)
    if profiler:
        profiler.start()
    watching = asyncio.create_task(memory.watch())
    try:
        if args.arrive > 0:
            # A link posted to a newsroom is opened over a minute, not in one instant: reader i arrives at
            # i/n of ``--arrive`` seconds, then goes its own way; all stay connected till the end.
            async def visit(number: int, reader: Reader) -> None:
                await asyncio.sleep(args.arrive * number / len(readers))
                if await reader.open():
                    await reader.act(args.clicks)

            await asyncio.gather(*(visit(number, reader) for number, reader in enumerate(readers)))
        else:  # --arrive 0: all open together, and clicks start once every page has opened
            opened = await asyncio.gather(*(r.open() for r in readers))
            await asyncio.gather(*(r.act(args.clicks) for r, ok in zip(readers, opened, strict=True) if ok))
        after = servers_figures(pids)  # every reader still connected
    finally:
        profile = profiler.stop() if profiler else None
        wall, cpu = time.perf_counter() - started, sum(map(cpu_seconds, pids)) - cpu_before
        own = sum(os.times()[:2]) - own_before
        watching.cancel()
        await asyncio.gather(*(r.close() for r in readers))
    return {"record": record, "before": before, "after": after, "wall_s": wall, "cpu_s": cpu, "readers_cpu_s": own,
            "profile": profile,
            "servers": len(urls), "tree_peak_mb": memory.peak, "over_cap": memory.over}


class MemoryWatch:
    """Each server's resident memory with its children's (the parse child's), sampled as ``capped`` does; with a
    cap (``--memory-cap``, Community Cloud's shape), a server that goes over it is killed, as the host would."""

    PERIOD = 0.2  # s

    def __init__(self, pids: list[int], cap_mb: float | None, record: Record) -> None:
        self.pids, self.cap, self.record = pids, cap_mb, record
        self.peak, self.over = 0.0, []

    async def watch(self) -> None:
        import signal

        while True:
            for pid in self.pids:
                mb = tree_mb(pid)
                self.peak = max(self.peak, mb)
                if self.cap and mb > self.cap and pid not in self.over:
                    self.over.append(pid)
                    self.record.errors.append(f"server {pid}: {mb:.0f} MB, over the {self.cap:.0f} MB cap; killed")
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
            await asyncio.sleep(self.PERIOD)


async def soak(url: str, pid: int, plans: list[Plan], truth: Truth, args) -> dict:
    """``--soak`` seconds of 10 readers, each a new session every two minutes; the server sampled every 10 s."""
    record, samples = Record(), []
    end = time.monotonic() + args.soak
    started = time.monotonic()

    async def sample() -> None:
        while time.monotonic() < end:
            samples.append((time.monotonic() - started, process_figures(pid)))
            await asyncio.sleep(10)

    async def reader_loop(plan: Plan) -> None:
        while time.monotonic() < end - 5:
            reader = Reader(url, plan, truth, record, args.think, args.step_timeout)
            session_end = min(end, time.monotonic() + 120)
            try:
                if not await reader.open():
                    await asyncio.sleep(1)
                    continue
                while time.monotonic() < session_end:
                    await reader.act(args.clicks)
            finally:
                await reader.close()

    sampler = asyncio.create_task(sample())
    await asyncio.gather(*(reader_loop(plan) for plan in plans))
    await sampler
    samples.append((time.monotonic() - started, process_figures(pid)))
    return {"record": record, "samples": samples}


async def rebuild_while_reading(url: str, pid: int, plans: list[Plan], truth: Truth, args, corpus: Path,
                                store: Path) -> dict:
    """Readers read while ``python -m geo build`` adds an article (an outlet nobody chose) every 15 s."""
    builds = []

    async def rebuild() -> None:
        for number in range(args.rebuilds):
            await asyncio.sleep(15)
            (corpus / f"late-{number}.txt").write_text(f"Talks number {number} were held in Baku, Azerbaijan.",
                                                       encoding="utf-8")
            done = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "geo", "build", "--articles",
                                                            str(corpus), "--sources", str(BUNDLED_SOURCES),
                                                            "--store", str(store)],
                                           capture_output=True, text=True, cwd=ROOT)
            builds.append((done.returncode, sorted(p.name for p in (store / "generations").iterdir()
                                                   if not p.name.startswith("."))))

    outcome, _ = await asyncio.gather(concurrent_readers([url], [pid], plans, truth, args), rebuild())
    outcome["builds"] = builds
    return outcome


def slope_mb_per_min(samples: list[tuple[float, dict]]) -> float | None:
    points = [(t / 60, s["rss_mb"]) for t, s in samples]
    if len(points) < 3:
        return None
    mean_t = statistics.fmean(t for t, _ in points)
    mean_r = statistics.fmean(r for _, r in points)
    spread = sum((t - mean_t) ** 2 for t, _ in points)
    return sum((t - mean_t) * (r - mean_r) for t, r in points) / spread if spread else None


# --------------------------------------------------------------------------- corpora


def prepare_store(name: str, folder: Path, args) -> Path:
    """The store the server will read: the bundled corpus, or N GeoWebNews texts (bench/dashboard.py's write_corpus)."""
    from geo import Geoparser, load_gazetteer
    from geo.gazetteer.index import DATA_DIR
    from geo.store.build import build_store
    from geo.store.engine import LocalEngine

    store = folder / f"store-{name}"
    parser = Geoparser(load_gazetteer())
    if name == "bundled":  # a copy, with the sources entries in each file's folder, so rebuilds can add to it
        corpus = folder / "corpus-bundled"
        shutil.copytree(DATA_DIR / "articles", corpus)
        build_store(corpus, DATA_DIR / "sources.toml", store, parser, LocalEngine(1))
        args.bundled_corpus = corpus
        return store
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_dashboard", Path(__file__).with_name("dashboard.py"))
    bench_dashboard = importlib.util.module_from_spec(spec)  # by path: the page is also called dashboard.py
    spec.loader.exec_module(bench_dashboard)
    write_corpus = bench_dashboard.write_corpus
    corpus = folder / f"corpus-{name}"
    corpus.mkdir()
    write_corpus(int(name), args.corpus, corpus)
    started = time.perf_counter()
    report = build_store(corpus / "articles", corpus / "sources.toml", store, parser, LocalEngine(os.cpu_count() or 1))
    print(f"{name}: store of {report.articles:,} articles built in {time.perf_counter() - started:.0f} s",
          file=sys.stderr)
    return store


def run_corpus(name: str, folder: Path, args) -> tuple[list[dict], dict | None]:
    store = prepare_store(name, folder, args)
    truth = Truth(store)
    uploads = plan_uploads(truth)
    plans = make_plans(truth, max(args.readers + [10]), uploads)
    results, soaked = [], None
    with contextlib.ExitStack() as servers:
        # One server per process over the same store (readers only read it); the first serves the single reader.
        apps = [servers.enter_context(AppServer(script_args=("--store", str(store)), timeout=180))
                for _ in range(args.servers)]
        app, pid = apps[0], apps[0].process.pid
        # Not counted: the first open pays for imports, the first upload for loading the gazetteer.
        warm = asyncio.run(single_reader(app.url, [plans[0]] + [p for p in plans if p.upload][:1], truth, args))
        single = asyncio.run(single_reader(app.url, plans[:3], truth, args, pid))
        single.errors += warm.errors
        if args.rebuilds:
            print(f"{name}: 20 readers and {args.rebuilds} rebuilds…", file=sys.stderr)
            outcome = asyncio.run(rebuild_while_reading(app.url, pid, plans[:20], truth, args, args.bundled_corpus,
                                                        store))
            results.append({**summary(name, 20, outcome, single), "builds": outcome["builds"]})
        elif args.soak:
            print(f"{name}: soak of {args.soak:.0f} s, 10 readers…", file=sys.stderr)
            soaked = asyncio.run(soak(app.url, pid, plans[:10], truth, args))
        else:
            for readers in args.readers:
                print(f"{name}: {readers} readers…", file=sys.stderr)
                profiler = Profiler(pid, folder) if args.profile and readers == max(args.readers) else None
                outcome = asyncio.run(concurrent_readers([a.url for a in apps], [a.process.pid for a in apps],
                                                         plans[:readers], truth, args, profiler))
                results.append(summary(name, readers, outcome, single))
        problems = [problem for a in apps for problem in server_problems(a.output())]
    for row in results:
        row["errors"] += len(problems)
        row["error_list"] += problems
    if soaked is not None:
        soaked["server_problems"] = problems
        soaked["single"] = single
    return results, soaked


def summary(corpus: str, readers: int, outcome: dict, single: Record) -> dict:
    record = outcome["record"]
    before, after = outcome["before"], outcome["after"]
    errors = record.errors + single.errors
    return {
        "corpus": corpus, "servers": outcome.get("servers", 1), "readers": readers, "sessions": record.sessions,
        "clicks": len(record.click_ms),
        "click_ms_p50": percentile(record.click_ms, 0.5), "click_ms_p95": percentile(record.click_ms, 0.95),
        "single_click_ms_p50": percentile(single.click_ms, 0.5), "single_click_ms_p95": percentile(single.click_ms, 0.95),
        "change_ms_p50": percentile(record.change_ms, 0.5), "change_ms_p95": percentile(record.change_ms, 0.95),
        "single_change_ms_p95": percentile(single.change_ms, 0.95),
        "cpu_ms_per_click": statistics.fmean(single.click_cpu_ms) if single.click_cpu_ms else None,
        "cpu_ms_per_change": statistics.fmean(single.change_cpu_ms) if single.change_cpu_ms else None,
        "open_ms_p95": percentile(record.open_ms, 0.95), "uploads": len(record.upload_ms),
        "errors": len(errors), "isolation_violations": len(record.violations) + len(single.violations),
        "panel_mismatches": len(record.mismatches) + len(single.mismatches),
        "rss_mb_start": round(before["rss_mb"], 1), "rss_mb_end": round(after["rss_mb"], 1),
        "rss_mb_peak": round(after["peak_mb"], 1), "tree_peak_mb": round(outcome.get("tree_peak_mb", 0.0), 1),
        "over_cap": len(outcome.get("over_cap", [])),
        "mb_per_session": round((after["rss_mb"] - before["rss_mb"]) / max(1, record.sessions), 2),
        "server_cpu_share": round(outcome["cpu_s"] / outcome["wall_s"], 2), "wall_s": round(outcome["wall_s"], 1),
        "readers_cpu_share": round(outcome.get("readers_cpu_s", 0.0) / outcome["wall_s"], 2),
        "threads": (before["threads"], after["threads"]), "files": (before["files"], after["files"]),
        "profile": outcome["profile"],
        "error_list": errors, "violation_list": record.violations + single.violations,
        "mismatch_list": record.mismatches + single.mismatches,
    }


# --------------------------------------------------------------------------- report


def ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f}"


def print_table(rows: list[dict], args) -> None:
    print(f"Readers think {args.think:g} s (×0.5–1.5) between actions; {args.clicks} clicks after each change; "
          f"server on {os.cpu_count()} CPUs, readers in this process.\n")
    print("| corpus | servers | readers | sessions | clicks | click ms p50 / p95 | single reader p50 / p95 | p95 ≤ 2× single? "
          "| open ms p95 | change ms p95 (single) | errors | isolation violations "
          "| mismatches | RSS MB start → end (MB/session) | server CPU share |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        ok = (r["click_ms_p95"] is not None and r["single_click_ms_p95"] is not None
              and r["click_ms_p95"] <= 2 * r["single_click_ms_p95"])
        print(f"| {r['corpus']} | {r['servers']} | {r['readers']} | {r['sessions']} | {r['clicks']} | {ms(r['click_ms_p50'])} / "
              f"{ms(r['click_ms_p95'])} | {ms(r['single_click_ms_p50'])} / {ms(r['single_click_ms_p95'])} | "
              f"{'yes' if ok else 'no'} | {ms(r['open_ms_p95'])} | "
              f"{ms(r['change_ms_p95'])} ({ms(r['single_change_ms_p95'])}) | {r['errors']} | "
              f"{r['isolation_violations']} | {r['panel_mismatches']} | {r['rss_mb_start']:.0f} → {r['rss_mb_end']:.0f} "
              f"({r['mb_per_session']:+.2f}) | {r['server_cpu_share']:.2f} |")
    if args.memory_cap:
        for r in rows:
            print(f"\nMemory cap {args.memory_cap:.0f} MB ({r['corpus']}, {r['readers']} readers): peak {r['tree_peak_mb']:.0f} "
                  f"MB, server with its children; " + (f"{r['over_cap']} server(s) went over it and were killed."
                                                        if r["over_cap"] else "held."))
    for r in rows:
        print(f"\nCPU over the phase ({r['corpus']}, {r['readers']} readers): server {r['server_cpu_share']:.2f}, the simulated "
              f"readers (this process) {r['readers_cpu_share']:.2f}, of {os.cpu_count()} CPUs: readers slowed by their own "
              "process show up as the server's latency.")
    print("\nTargets: 50 readers' click p95 ≤ 2× the single reader's p95 (same run); 0 errors; 0 isolation violations; "
          "≤ 5 MB per session.")
    for corpus in dict.fromkeys(r["corpus"] for r in rows):
        print(capacity_line(corpus, [r for r in rows if r["corpus"] == corpus]))
        first = next(r for r in rows if r["corpus"] == corpus)
        print(f"Server CPU per action, {corpus} (the single reader, alone on the server; target ≤ {CPU_TARGETS[0]:.0f} ms a "
              f"click, ≤ {CPU_TARGETS[1]:.0f} ms a view change at 10,000 articles): click {ms(first['cpu_ms_per_click'])} ms, "
              f"view change {ms(first['cpu_ms_per_change'])} ms (means).")
    for r in rows:
        if r.get("builds") is not None:
            print(f"\nRebuilt while they read: {len(r['builds'])} builds, exit codes "
                  f"{[code for code, _ in r['builds']]}; generations on disk after each: "
                  + "; ".join(", ".join(g) for _, g in r["builds"]))
        if r["profile"]:
            print_profile(r)
        for title, items in (("errors", r["error_list"]), ("isolation violations", r["violation_list"]),
                             ("mismatches", r["mismatch_list"])):
            if items:
                print(f"\n{r['corpus']}, {r['readers']} readers, {title} ({len(items)}):")
                for item in items[:15]:
                    print(f"  - {item}")


CPU_TARGETS = (15.0, 50.0)  # server CPU ms per click and per view change
CAPACITY_MS = 1000.0  # a click answered within a second, at the 95th percentile, is a page that keeps up


def capacity_line(corpus: str, rows: list[dict]) -> str:
    """The largest number of readers whose click p95 stayed ≤ 1 s, of those measured (a run with errors does not count)."""
    kept = [r["readers"] for r in rows if r["click_ms_p95"] is not None and r["click_ms_p95"] <= CAPACITY_MS
            and not r["errors"]]
    tried = ", ".join(str(r["readers"]) for r in rows)
    if not kept:
        return f"Capacity, {corpus}: none of {tried} readers kept click p95 ≤ {CAPACITY_MS:.0f} ms."
    return f"Capacity, {corpus}: {max(kept)} readers with click p95 ≤ {CAPACITY_MS:.0f} ms (of {tried} tried)."


def print_profile(row: dict) -> None:
    profile = row["profile"]
    if "error" in profile:
        print(f"\nprofile ({row['corpus']}, {row['readers']} readers): {profile['error']}")
        return
    print(f"\nWhere the server's time went ({row['corpus']}, {row['readers']} readers; py-spy --gil, "
          f"{profile['samples']:,} samples): the GIL was held {profile['gil_busy']:.0%} of the phase.")
    print("Inclusive share of GIL samples, our code:")
    for frame, share in profile["ours"]:
        print(f"  {share:6.1%}  {frame}")
    print("Innermost frames (self time):")
    for frame, share in profile["leaves"]:
        print(f"  {share:6.1%}  {frame}")


def print_soak(name: str, soaked: dict, args) -> bool:
    record, samples = soaked["record"], soaked["samples"]
    first, last = samples[0][1], samples[-1][1]
    half = [s for s in samples if s[0] >= args.soak / 2]
    errors = record.errors + soaked["server_problems"]
    print(f"Soak on {name}: {args.soak:.0f} s, 10 readers thinking {args.think:g} s, each a new session every 120 s "
          f"(disconnected sessions are kept {120} s by Streamlit).\n")
    print("| figure | value | target |")
    print("|---|---|---|")
    print(f"| sessions / clicks | {record.sessions} / {len(record.click_ms)} | — |")
    print(f"| click ms p50 / p95 | {ms(percentile(record.click_ms, 0.5))} / {ms(percentile(record.click_ms, 0.95))} | — |")
    print(f"| RSS MB first → last sample (max) | {first['rss_mb']:.0f} → {last['rss_mb']:.0f} "
          f"({max(s['rss_mb'] for _, s in samples):.0f}) | flat |")
    whole, second = slope_mb_per_min(samples), slope_mb_per_min(half)
    print(f"| RSS slope, whole soak / second half (MB per minute) | "
          f"{'n/a' if whole is None else f'{whole:+.2f}'} / {'n/a' if second is None else f'{second:+.2f}'} | ≈ 0 |")
    print(f"| threads first → last (max) | {first['threads']} → {last['threads']} "
          f"({max(s['threads'] for _, s in samples)}) | no growth |")
    print(f"| open files first → last (max) | {first['files']} → {last['files']} "
          f"({max(s['files'] for _, s in samples)}) | no growth |")
    print(f"| errors / isolation violations / mismatches | {len(errors)} / {len(record.violations)} / "
          f"{len(record.mismatches)} | 0 / 0 / 0 |")
    print("\nRSS every 10 s (MB): " + " ".join(f"{s['rss_mb']:.0f}" for _, s in samples))
    for title, items in (("errors", errors), ("isolation violations", record.violations),
                         ("mismatches", record.mismatches)):
        for item in items[:15]:
            print(f"  {title}: {item}")
    return not (errors or record.violations or record.mismatches)


def main() -> int:
    from geoparse import DEFAULT_CORPUS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", default="10,25,50", help="concurrent readers per phase (default 10,25,50)")
    parser.add_argument("--corpora", default="bundled,10000", help="bundled and/or article counts (default bundled,10000)")
    parser.add_argument("--clicks", type=int, default=3, help="clicks after each change (default 3)")
    parser.add_argument("--think", type=float, default=2.0, help="mean think time between actions, s (default 2)")
    parser.add_argument("--arrive", type=float, default=0.0,
                        help="readers' first visits spread evenly over this many seconds (default 0: all at once)")
    parser.add_argument("--servers", type=int, default=1,
                        help="server processes over the same store, readers pinned to one each (default 1)")
    parser.add_argument("--memory-cap", type=float, default=None, metavar="MB",
                        help="kill a server whose memory (with its children's) passes MB, as a host with that "
                             "limit would; e.g. 1024 for Community Cloud")
    parser.add_argument("--step-timeout", type=float, default=120, help="limit per step, s (default 120)")
    parser.add_argument("--soak", type=float, default=0, help="soak for this many seconds instead (10 readers)")
    parser.add_argument("--rebuilds", type=int, default=0,
                        help="instead: 20 readers on the bundled corpus while it is rebuilt this many times")
    parser.add_argument("--profile", action="store_true", help="sample the server with py-spy in the largest phase")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="GeoWebNews (GWN.xml) for sized corpora")
    args = parser.parse_args()
    try:
        args.readers = sorted({int(n) for n in args.readers.split(",") if n.strip()})
        corpora = [c.strip() for c in args.corpora.split(",") if c.strip()]
        assert args.readers and all(n >= 1 for n in args.readers) and corpora
        assert all(c == "bundled" or (c.isdigit() and int(c) > 0) for c in corpora)
    except (ValueError, AssertionError):
        parser.error("--readers takes counts like 10,25,50; --corpora 'bundled' and/or article counts")
    if args.soak and not 30 <= args.soak <= 3600:
        parser.error("--soak takes 30 to 3600 seconds")
    if args.rebuilds and (corpora != ["bundled"] or args.soak or not 1 <= args.rebuilds <= 20):
        parser.error("--rebuilds takes 1 to 20, with --corpora bundled and no --soak")
    if any(c != "bundled" for c in corpora) and not args.corpus.is_file():
        parser.error(f"{args.corpus}: GeoWebNews not found (--corpus)")
    rows, ok = [], True
    with tempfile.TemporaryDirectory(prefix="load-") as folder:
        for name in corpora:
            results, soaked = run_corpus(name, Path(folder), args)
            rows += results
            if soaked is not None:
                ok &= print_soak(name, soaked, args)
    if args.soak:
        return 0 if ok else 1
    bad = any(r["errors"] or r["isolation_violations"] or r["panel_mismatches"] for r in rows)
    if args.json:
        headline = max(rows, key=lambda r: (r["readers"], r["corpus"] != "bundled"))
        drop = ("error_list", "violation_list", "mismatch_list")
        print(json.dumps({**{k: v for k, v in headline.items() if k not in drop},
                          "runs": [{k: v for k, v in r.items() if k not in drop} for r in rows]}, indent=1))
    else:
        print_table(rows, args)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
