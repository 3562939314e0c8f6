"""The online geocoder against a fake Nominatim on 127.0.0.1: answers, cache, failures, pipeline stage."""

from __future__ import annotations

import dataclasses
import json
import socket
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

import geo
from geo.gazetteer.geocoder import CachedGeocoder, GeocoderSettings, GeocoderStage, settings_from_env, settings_from_mapping
from geo.records import mention_records
from geo.types import Article

TIMEOUT = 0.5
ARTICLE = "The strike hit a depot in Qaryat Zulfa on Monday.\n\nOfficials in Damascus said Qaryat Zulfa was quiet again.\n"
POINT = {"lat": "35.123456", "lon": "38.654321"}


def stored(path: Path) -> dict:
    """The disk cache by query, without the endpoint namespace of its keys."""
    return {key.rsplit("|", 1)[-1]: value for key, value in json.loads(path.read_text(encoding="utf-8")).items()}


class FakeNominatim:
    """A Nominatim /search endpoint whose behaviour a test switches with ``mode``."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.queries: list[str] = []
        self.release = threading.Event()  # lets hanging handlers go at teardown
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server API
                url = urlparse(self.path)
                fake.queries.append(parse_qs(url.query).get("q", [""])[0])
                fake.answer(self, url.path)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.server.handle_error = lambda request, address: None  # a client that gave up is no error
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)

    def answer(self, handler: BaseHTTPRequestHandler, path: str) -> None:
        mode = self.mode
        if mode == "hang":
            self.release.wait(10)
            return
        if mode == "slow":
            self.release.wait(TIMEOUT * 3)
        status, body = {
            "429": (429, b'{"error": "rate limited"}'),
            "500": (500, b"internal error"),
            "malformed": (200, b'[{"lat": "35.1", "lon": '),
            "wrong shape": (200, b'[{"lat": "north", "lon": "38.6"}]'),
            "empty": (200, b"[]"),
        }.get(mode, (200, json.dumps([self.place(handler)]).encode()))
        if path != "/search":
            status, body = 404, b"not found"
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def place(self, handler) -> dict:
        name = parse_qs(urlparse(handler.path).query).get("q", ["?"])[0]
        return {**POINT, "display_name": f"{name}, Homs Governorate, Syria", "name": name, "osm_type": "node",
                "osm_id": zlib.crc32(name.encode()), "importance": 0.4, "class": "place", "type": "village",
                "address": {"village": name, "country": "Syria", "country_code": "sy"}}


@pytest.fixture
def fake(monkeypatch):
    for variable in ("http_proxy", "https_proxy", "all_proxy"):  # geopy would send 127.0.0.1 through them
        monkeypatch.delenv(variable, raising=False)
        monkeypatch.delenv(variable.upper(), raising=False)
    server = FakeNominatim()
    server.thread.start()
    yield server
    server.release.set()
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def make_geocoder(fake, tmp_path):
    def make(**overrides) -> CachedGeocoder:
        settings = GeocoderSettings(enabled=True, scheme="http", domain=f"127.0.0.1:{fake.port}", timeout=TIMEOUT,
                                    min_delay_seconds=0, cooldown_seconds=0, cache_path=tmp_path / "geocode-cache.json")
        return CachedGeocoder(dataclasses.replace(settings, **overrides))
    return make


@pytest.fixture(scope="module")
def gazetteer():
    # Our own instance: the geocoder stage adds places to it, which other test modules must not see.
    return geo.load_gazetteer()


def test_geocoder_success_is_returned_and_cached_on_disk(fake, make_geocoder, tmp_path):
    result = make_geocoder().lookup("Qaryat Zulfa")
    assert (result.name, result.lat, result.lon, result.country_code) == ("Qaryat Zulfa", 35.123456, 38.654321, "SY")
    assert result.place_id == f"geocoder:node/{zlib.crc32(b'Qaryat Zulfa')}"
    assert stored(tmp_path / "geocode-cache.json")["qaryat zulfa"]["lat"] == 35.123456
    again = make_geocoder().lookup("qaryat  ZULFA")  # a fresh instance reads the file; the key is normalised
    assert again == result
    assert fake.queries == ["Qaryat Zulfa"]


def test_geocoder_negative_answer_is_cached(fake, make_geocoder, tmp_path):
    fake.mode = "empty"
    geocoder = make_geocoder()
    assert geocoder.lookup("Nowhere Town") is None
    assert make_geocoder().lookup("Nowhere Town") is None
    assert fake.queries == ["Nowhere Town"]
    assert stored(tmp_path / "geocode-cache.json") == {"nowhere town": None}
    assert geocoder.warnings == []


@pytest.mark.parametrize(("mode", "kind"), [
    ("429", "geocoder HTTP 429"), ("500", "geocoder HTTP 500"), ("malformed", "geocoder answer malformed"),
    ("wrong shape", "geocoder answer malformed"), ("hang", "geocoder timed out"),
])
def test_geocoder_failure_warns_once_and_is_not_cached(fake, make_geocoder, tmp_path, mode, kind):
    fake.mode = mode
    geocoder = make_geocoder()
    results = [geocoder.lookup(name) for name in ("Qaryat Zulfa", "Tell Nasri", "Qaryat Zulfa")]
    assert results == [None, None, None]
    assert len(fake.queries) == 3  # not cached: every lookup asked again
    assert len(geocoder.warnings) == 1 and geocoder.warnings[0].startswith(kind)
    cache = tmp_path / "geocode-cache.json"
    assert not cache.exists() or stored(cache) == {}


def test_geocoder_slow_answer_times_out_without_blocking(fake, make_geocoder):
    fake.mode = "slow"
    geocoder = make_geocoder()
    began = time.monotonic()
    assert geocoder.lookup("Qaryat Zulfa") is None
    assert time.monotonic() - began < TIMEOUT * 2.5
    assert geocoder.warnings[0].startswith("geocoder timed out")


def test_geocoder_unreachable_server_warns_once(make_geocoder):
    with socket.socket() as probe:  # a port nobody listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    geocoder = make_geocoder(domain=f"127.0.0.1:{port}")
    assert [geocoder.lookup("Qaryat Zulfa"), geocoder.lookup("Tell Nasri")] == [None, None]
    assert len(geocoder.warnings) == 1 and geocoder.warnings[0].startswith("geocoder unreachable")


def test_geocoder_later_success_after_failure_is_cached(fake, make_geocoder, tmp_path):
    geocoder = make_geocoder()
    fake.mode = "500"
    assert geocoder.lookup("Qaryat Zulfa") is None
    fake.mode = "ok"
    assert geocoder.lookup("Qaryat Zulfa").lat == 35.123456
    assert geocoder.lookup("Qaryat Zulfa").lat == 35.123456
    assert len(fake.queries) == 2
    assert "qaryat zulfa" in stored(tmp_path / "geocode-cache.json")
    assert len(geocoder.warnings) == 1


def test_geocoder_pauses_after_a_failure(fake, make_geocoder):
    geocoder = make_geocoder(cooldown_seconds=60)
    fake.mode = "hang"
    began = time.monotonic()
    assert [geocoder.lookup(name) for name in ("Qaryat Zulfa", "Tell Nasri", "Ain Issa")] == [None] * 3
    assert len(fake.queries) == 1  # a dead server costs one timeout, not one per name
    assert time.monotonic() - began < TIMEOUT * 2.5


@pytest.mark.parametrize("content", [
    b'{"qaryat zulfa": {"query": "Qaryat Zulfa", "na', b"[1, 2, 3]", b'{"qaryat zulfa": {"lat": "north"}}',
    b'{"qaryat zulfa": {"query": "Q", "name": "Q", "lat": 95.0, "lon": 1.0}}', b"\xff\xfe\x00garbage",
])
def test_geocoder_corrupt_cache_is_rebuilt(fake, make_geocoder, tmp_path, content):
    cache = tmp_path / "geocode-cache.json"
    cache.write_bytes(content)
    geocoder = make_geocoder()
    assert geocoder.lookup("Qaryat Zulfa").lat == 35.123456
    assert len(geocoder.warnings) == 1 and "was corrupt" in geocoder.warnings[0] and "rebuilt" in geocoder.warnings[0]
    assert list(stored(cache)) == ["qaryat zulfa"]


def test_geocoder_disabled_makes_no_request_and_keeps_the_doc(fake, make_geocoder, gazetteer):
    geocoder = make_geocoder(enabled=False)
    offline = geo.Geoparser(gazetteer)(Article("a", ARTICLE))
    staged = geo.Geoparser(gazetteer, geocoder=GeocoderStage(geocoder, gazetteer))(Article("a", ARTICLE))
    assert staged == offline
    assert geocoder.lookup("Qaryat Zulfa") is None
    assert fake.queries == []


def test_geocoder_stage_adds_mentions_for_an_unknown_name_after_a_cue(fake, make_geocoder, gazetteer):
    doc = geo.Geoparser(gazetteer, geocoder=GeocoderStage(make_geocoder(), gazetteer))(Article("a", ARTICLE))
    found = [m for m in doc.mentions if m.method == "geocoder"]
    assert [m.surface for m in found] == ["Qaryat Zulfa", "Qaryat Zulfa"]  # the second one has no cue: same name
    assert all(doc.text[m.start:m.end] == m.surface and m.type == "toponym" for m in found)
    assert [m.start for m in doc.mentions] == sorted(m.start for m in doc.mentions)
    assert "Damascus" in {m.surface for m in doc.mentions if m.method != "geocoder"}
    assert fake.queries == ["Qaryat Zulfa"]  # Damascus is known offline; "Officials" follows no cue


def test_geocoder_stage_leaves_a_name_the_resolver_dropped(fake, make_geocoder, gazetteer):
    stage = GeocoderStage(make_geocoder(), gazetteer)
    doc = geo.Geoparser(gazetteer, geocoder=stage)(Article("a", "Fighters from Hamas fired rockets on Monday.\n"))
    assert "Hamas" in {m.surface for m in doc.matches} and not doc.mentions  # known offline, judged not a place
    assert fake.queries == []


def test_geocoder_stage_looks_up_a_name_known_offline_only_in_part(fake, make_geocoder, gazetteer):
    stage = GeocoderStage(make_geocoder(), gazetteer)
    doc = geo.Geoparser(gazetteer, geocoder=stage)(Article("a", "Residents fled to Bir al-Qasab on Monday.\n"))
    assert "Qasab" in {m.surface for m in doc.matches}
    assert fake.queries == ["Bir al-Qasab"]
    assert [(m.surface, m.method) for m in doc.mentions] == [("Bir al-Qasab", "geocoder")]


def test_geocoder_mention_records_carry_the_answer(fake, make_geocoder, gazetteer):
    doc = geo.Geoparser(gazetteer, geocoder=GeocoderStage(make_geocoder(), gazetteer))(Article("a", ARTICLE))
    rows = [r for r in mention_records(doc, gazetteer) if r["method"] == "geocoder"]
    assert rows and all((r["lat"], r["lon"], r["country_code"]) == (35.12346, 38.65432, "SY") for r in rows)
    assert gazetteer.details(rows[0]["place_id"])["source"] == "Nominatim (OpenStreetMap) via geopy"


def test_geocoder_stage_keeps_the_offline_result_on_failure(fake, make_geocoder, gazetteer):
    fake.mode = "500"
    geocoder = make_geocoder()
    offline = geo.Geoparser(gazetteer)(Article("a", ARTICLE))
    staged = geo.Geoparser(gazetteer, geocoder=GeocoderStage(geocoder, gazetteer))(Article("a", ARTICLE))
    assert staged == offline
    assert len(geocoder.warnings) == 1 and geocoder.warnings[0].startswith("geocoder HTTP 500")


def test_geocoder_settings_read_mapping_and_environment(tmp_path):
    settings = settings_from_mapping({"enabled": True, "domain": "geo.example.org", "scheme": "http", "timeout": "2",
                                      "user_agent": "tests/1.0", "cache_path": str(tmp_path / "c.json")})
    assert (settings.enabled, settings.domain, settings.scheme, settings.timeout) == (True, "geo.example.org", "http", 2.0)
    assert settings.cache_path == tmp_path / "c.json" and settings.min_delay_seconds == 1.0
    env = {"GEO_GEOCODER_ENABLED": "yes", "GEO_GEOCODER_DOMAIN": "nominatim.example.org", "GEO_GEOCODER_USER_AGENT": "x/2"}
    from_env = settings_from_env(env)
    assert (from_env.enabled, from_env.domain, from_env.user_agent, from_env.scheme) == (True, "nominatim.example.org", "x/2",
                                                                                          "https")
    assert settings_from_env({}) == GeocoderSettings()


@pytest.mark.parametrize(("mapping", "named"), [
    ({"enabled": "maybe"}, "'enabled'"), ({"timeout": -1}, "'timeout'"), ({"timeout": "soon"}, "'timeout'"),
    ({"scheme": "ftp"}, "'scheme'"), ({"user_agent": " "}, "'user_agent'"), ({"domain": "https://x.org"}, "'domain'"),
    ({"min_delay_seconds": 0.2}, "'min_delay_seconds'"), ({"user-agent": "x"}, "'user-agent'"),
])
def test_geocoder_settings_reject_bad_values_naming_the_key(mapping, named):
    with pytest.raises(ValueError, match=named):
        settings_from_mapping(mapping)


def test_geocoder_settings_from_env_name_the_variable():
    with pytest.raises(ValueError, match="GEO_GEOCODER_SCHEME"):
        settings_from_env({"GEO_GEOCODER_SCHEME": "gopher"})


def test_geocoder_settings_from_env_read_the_timeout():
    assert settings_from_env({"GEO_GEOCODER_TIMEOUT": "2.5"}).timeout == 2.5
