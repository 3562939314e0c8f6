"""Open a corpus store and ask it what the page shows: plain functions over DuckDB, in process.

Nothing here holds the mentions in memory: each function runs one SQL query over the Parquet
files of the store's current generation and returns a small frame. A ``Store`` is shared by
every session of the dashboard, and sessions run in threads, so each query takes a cursor of
its own (a DuckDB connection must not be used by two threads at once). A session's uploads ride
along as ``overlay`` tables with the same columns, queried together with the store's.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import re
import threading
import weakref
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..records import SENTENCE_WHOLE, SENTENCE_WINDOW
from ..types import Correction
from . import lease
from .schema import NOT_NAMED, NOT_NAMED_TYPES, PLACE_ARTICLES_SQL, SCHEMA_VERSION, TABLES
from .verify import CORRECTIONS_FILE, corrections_digest, file_name, mark_damaged, store_damage, verify_store

__all__ = ["PlaceSentences", "Store", "StoreError", "View", "article_details", "article_focus", "article_furniture",
    "article_ids", "article_languages", "articles_in_view", "articles_naming", "articles_touched",
    "built_corrections", "coverage_counts", "current_generation", "daily_mentions", "date_range",
    "download_mentions", "every_outlet", "excerpt_window", "furniture_articles", "name_counts", "name_mentions",
    "nationality_examples", "neighbour_spans", "occurrences", "open_store", "overlay_from_docs", "place_confidence",
    "place_counts", "place_excerpts", "place_names", "place_review", "place_sentences", "places", "review_queue",
    "search_sentences", "source_summaries", "store_damage", "texts_for_reparse", "undated_articles", "verify_store",
    "view_mentions"]


class StoreError(Exception):
    """A store that is missing, of another schema version, or has an unreadable file; ``reason`` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class View:
    """What a reader has chosen to see: these outlets, demonyms or not, articles published in a date range
    (undated ones with them unless ``undated`` is off), articles about one place (``focus``)."""

    outlets: tuple[str, ...]
    demonyms: bool = True
    since: str = ""  # YYYY-MM-DD, inclusive; "" for no bound
    until: str = ""
    undated: bool = True  # articles without a date stay in view
    focus: str = ""  # a place id: only the articles mainly about it
    languages: tuple[str, ...] = ()  # ISO 639-1 codes: only articles in these ("" for all)

    def where(self, alias: str = "m", dates: str = "a", mentions: bool = True, outlets: bool = True) -> tuple[str, list]:
        """A SQL condition and its parameters: outlets on ``alias``, dates and focus on ``dates`` (the articles).

        Over mentions ``m`` joined to articles ``a`` by default; ``where("a", "a", mentions=False)``
        for the articles alone, where demonyms do not apply; ``outlets=False``: every outlet's.
        """
        clauses, params = (["TRUE"], []) if not outlets else ([f"list_contains(?, {alias}.outlet)"], [list(self.outlets)])
        if mentions and not self.demonyms:
            clauses.append(f"{alias}.type NOT IN {NOT_NAMED_TYPES}")
        bounds = []
        for bound, op in ((self.since, ">="), (self.until, "<=")):
            if bound:
                bounds.append(f"{dates}.published {op} ?")
                params.append(bound)
        if bounds or not self.undated:
            dated = " AND ".join([f"{dates}.published <> ''", *bounds])
            clauses.append(f"(({dated}) OR {dates}.published = '')" if self.undated else f"({dated})")
        if self.focus:
            clauses.append(f"{dates}.focus = ?")
            params.append(self.focus)
        if self.languages:
            clauses.append(f"list_contains(?, {dates}.language)")
            params.append(list(self.languages))
        return " AND ".join(clauses), params

    @property
    def dated(self) -> bool:
        """Whether the view asks anything of the articles (their dates, their focus): mentions are then joined to them."""
        return bool(self.since or self.until or not self.undated or self.focus or self.languages)


class _Opened:
    """What every ``Store`` over one opened generation shares: its DuckDB connection, its places, its lease.

    The lease (``lease.hold``) keeps a build from removing the generation's files; connection and
    lease are given back when the last Store over it is dropped, or on ``close``.
    """

    def __init__(self, lease_descriptor: int | None) -> None:
        self.lock = threading.Lock()
        self.places = None
        self.with_uploads: dict[int, tuple] = {}  # id(overlay places) -> (them, the store's places with them)
        self.corrections: list[Correction] | None = None
        self.damage: dict[str, str] | None = None  # name -> why, once verified (store_damage)
        # What clicks and views read again and again, kept across sessions, bounded (``_place_mentions``,
        # ``_articles_in_view``, ``_excerpt_texts``, ``every_outlet``): the store's own only, never with uploads.
        self.place_mentions: OrderedDict[str, pa.Table] = OrderedDict()
        self.excerpts: OrderedDict[tuple[str, int, int], tuple[str, dict]] = OrderedDict()
        self.view_articles: OrderedDict[View, pa.Array] = OrderedDict()
        self.every_outlet: OrderedDict[tuple[str, View], pa.Table] = OrderedDict()
        self.file_lock = threading.Lock()  # apart from ``lock``: reading whole files must not hold up other queries
        self.resources = {"connection": None, "lease": lease_descriptor}
        self.close = weakref.finalize(self, _give_back, self.resources)


def _give_back(resources: dict) -> None:
    if resources["connection"] is not None:
        with contextlib.suppress(Exception):
            resources["connection"].close()
    lease.release(resources["lease"])


class Store:
    """An opened store (one generation), optionally with a session's uploads as ``overlay`` tables."""

    def __init__(self, path: Path, manifest: dict, overlay: dict[str, pa.Table] | None = None,
                 overlay_places=None, _shared: _Opened | None = None) -> None:
        self.path = path
        self.manifest = manifest
        self.overlay = overlay or {}
        self.overlay_places = overlay_places
        self._shared = _shared if _shared is not None else _Opened(None)

    @property
    def generation(self) -> str:
        return self.manifest["generation"]

    def table_path(self, name: str) -> Path:
        """The Parquet file of table ``name`` in this store's generation."""
        return self.path / self.manifest["tables"][name]

    @property
    def folder(self) -> Path:
        """The generation's folder: its tables, its corrections, its ``damaged`` mark."""
        return self.table_path("articles").parent

    def with_overlay(self, tables: dict[str, pa.Table], overlay_places) -> Store:
        """The same store with a session's own articles added to every query (the store itself is not changed)."""
        return Store(self.path, self.manifest, tables, overlay_places, self._shared)

    def close(self) -> None:
        """Give back the connection and the lease now (every Store over this generation is closed with it)."""
        self._shared.close()

    @contextlib.contextmanager
    def cursor(self) -> Iterator:
        """A DuckDB cursor of this thread's own, with the overlay registered (closed after use)."""
        resources = self._shared.resources
        with self._shared.lock:
            if not self._shared.close.alive:
                raise StoreError(f"{self.path}: this opened store was closed")
            if resources["connection"] is None:
                resources["connection"] = self._connect()
            cursor = resources["connection"].cursor()
        try:
            for name, table in self.overlay.items():
                cursor.register(f"overlay_{name}", table)
            yield cursor
        finally:
            cursor.close()

    def relation(self, name: str) -> str:
        """SQL for table ``name``: the store's view, unioned with the overlay's rows when there are any."""
        if name == "place_articles" and "mentions" in self.overlay:  # the overlay's own, summed as the build does
            own = PLACE_ARTICLES_SQL.format(mentions="overlay_mentions", articles="overlay_articles")
        elif name in self.overlay:
            own = f"SELECT * FROM overlay_{name}"
        else:
            return name
        # An overlay article replaces the store's of the same id (one corrected in this session).
        return f"(SELECT * FROM {name} WHERE article_id NOT IN (SELECT article_id FROM overlay_articles) UNION ALL BY NAME {own})"

    def _connect(self):
        import duckdb

        # A cap, not a use: twenty sessions' queries at once outgrew 128 MB of DuckDB's buffers on a busy
        # machine (an out-of-memory error); the server's resident size stays what it uses.
        connection = duckdb.connect(":memory:", config={"threads": 2, "memory_limit": "256MB"})
        for name in ("articles", "sentences", "mentions", "place_articles"):
            path = str(self.table_path(name)).replace("'", "''")
            connection.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")
        return connection

    def query(self, sql: str, params: list | None = None) -> pd.DataFrame:
        """Run ``sql`` (``{articles}``, ``{sentences}``, ``{mentions}``, ``{place_articles}`` name the tables) and
        return a frame."""
        sql = sql.format(**{name: self.relation(name) for name in ("articles", "sentences", "mentions", "place_articles")})
        with self.reading(sql), self.cursor() as cursor:
            return cursor.execute(sql, params or []).fetch_df()

    @contextlib.contextmanager
    def reading(self, sql: str) -> Iterator[None]:
        """Turn a DuckDB error of ``sql`` into a StoreError naming the table; one that may be the files'
        (not the query's own, nor memory) marks the generation damaged, for the next build to repair."""
        import duckdb

        try:
            yield
        except duckdb.Error as error:
            tables = [name for name in ("articles", "sentences", "mentions") if re.search(rf"\b{name}\b", sql)]
            if isinstance(error, _query_errors()):
                raise StoreError(f"{self.path}: a query over {', '.join(tables) or 'the store'} failed "
                                 f"({_first_line(error)})") from None
            # DuckDB rarely says which file (a page overwritten inside one answers "Invalid data"): the
            # hashes do, and when they cannot, every table the query read is suspect.
            tables = tables or ["articles", "sentences", "mentions"]
            found = store_damage(self, tables) or {name: f"a query failed: {_first_line(error)}" for name in tables}
            self._damaged(found)
            names = ", ".join(str(self.folder / file_name(name)) for name in sorted(found))
            raise StoreError(f"{names}: damaged, cannot be read ({_first_line(error)}); the next build rebuilds the "
                             "store") from None

    def _damaged(self, found: dict[str, str]) -> None:
        mark_damaged(self.folder, found)
        with self._shared.file_lock:
            self._shared.damage = (self._shared.damage or {}) | found


def _query_errors() -> tuple:
    """DuckDB's errors that are the query's or the machine's, not the files': they mark nothing damaged."""
    import duckdb

    return (duckdb.ParserException, duckdb.SyntaxException, duckdb.BinderException, duckdb.CatalogException,
            duckdb.OutOfMemoryException, duckdb.InterruptException, duckdb.ConnectionException)


def current_generation(path: str | Path) -> str | None:
    """The generation the store at ``path`` names now (None when it has no readable manifest); cheap."""
    try:
        return json.loads((Path(path) / "manifest.json").read_text(encoding="utf-8")).get("generation")
    except (OSError, ValueError, AttributeError):
        return None


def open_store(path: str | Path) -> Store:
    """Open the store at ``path``; StoreError says what is wrong (missing, other schema, unreadable file)."""
    path = Path(path)
    if set(str(path.resolve())) & set("*?[]{}"):  # DuckDB would read such a path as a pattern
        raise StoreError(f"{path}: a store's path cannot contain * ? [ ] {{ }}; choose another folder")
    for _ in range(3):  # a generation removed between reading the manifest and taking its lease: read it again
        manifest = _read_manifest(path)
        folder = (path / manifest["tables"]["articles"]).parent
        try:
            store = Store(path, manifest, _shared=_Opened(lease.hold(folder)))
            break
        except lease.GenerationGone:
            continue
    else:
        raise StoreError(f"{path}: the store kept changing while it was being opened; try again")
    for name in TABLES:
        table = store.table_path(name)
        try:
            pq.read_metadata(table)
        except (OSError, pa.ArrowException) as error:
            store.close()
            raise StoreError(f"{table}: not a readable Parquet file ({error})") from None
    return store


def _read_manifest(path: Path) -> dict:
    manifest_path = path / "manifest.json"
    if not manifest_path.is_file():
        raise StoreError(f"{path}: no store here yet")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise StoreError(f"{manifest_path}: unreadable ({error})") from None
    version = manifest.get("schema_version") if isinstance(manifest, dict) else None
    if version != SCHEMA_VERSION:
        raise StoreError(f"{path} was written in store format {version}, and this version reads format {SCHEMA_VERSION}")
    if not isinstance(manifest.get("tables"), dict) or set(manifest["tables"]) != set(TABLES):
        raise StoreError(f"{manifest_path}: does not list the store's tables")
    return manifest


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:300]


def _joined(store: Store, view: View) -> str:
    """FROM clause of mentions ``m``, joined to their articles ``a`` only when the view has dates."""
    mentions = store.relation("mentions")
    if not view.dated:
        return f"{mentions} m"
    return (f"{mentions} m JOIN (SELECT article_id, published, focus, language FROM {store.relation('articles')}) a "
            "USING (article_id)")


def places(store: Store):
    """Every place of the store (and the overlay) as a GeoDataFrame: shapes and details, corpus-wide counts.

    Shared between callers: read it, never change it.
    """
    import geopandas as gpd

    with store._shared.lock:
        if store._shared.places is None:  # a few thousand rows at most: read once per store
            try:
                store._shared.places = gpd.read_parquet(store.table_path("places"))
            except (OSError, ValueError, pa.ArrowException) as error:
                store._damaged({"places": f"unreadable: {_first_line(error)}"})
                raise StoreError(f"{store.table_path('places')}: cannot be read ({_first_line(error)})") from None
        frame = store._shared.places
        extra = store.overlay_places
        if extra is None or not len(extra):
            return frame
        # A session's uploads are the same objects run after run: join them to the store's places once.
        joined = store._shared.with_uploads.get(id(extra))
        if joined is None or joined[0] is not extra:
            joined = (extra, pd.concat([frame, extra[~extra["place_id"].isin(frame["place_id"])]], ignore_index=True))
            store._shared.with_uploads[id(extra)] = joined
            while len(store._shared.with_uploads) > 64:
                store._shared.with_uploads.pop(next(iter(store._shared.with_uploads)))
        return joined[1]


def _summed(view: View) -> tuple[str, str, list]:
    """``(mentions column, other names column, WHERE and its parameters)`` of a view's counts over
    ``{place_articles} p``, every outlet's (``every_outlet`` takes the view's): with demonyms hidden, the named
    mentions only, and the articles that have one."""
    where, params = view.where("p", "p", mentions=False, outlets=False)
    if view.demonyms:
        return "mentions", "other_names", [where, *params]
    return "named", "named_other_names", [f"{where} AND p.named > 0", *params]


def every_outlet(store: Store, view: View, sql: str, params: list) -> pa.Table:
    """The rows of the view's outlets of ``sql``, a query of a view's counts grouped by outlet (among others) over
    every outlet's articles (``View.where(outlets=False)``).

    What the query answers is kept per view with its outlets set aside: readers who tick other
    sources over the same dates (most of them) share it, each taking its own outlets' rows.
    """

    def read_it() -> pa.Table:
        with store.reading(sql), store.cursor() as cursor:
            return cursor.sql(sql, params=params).to_arrow_table()

    every = _kept(store, store._shared.every_outlet, (sql, dataclasses.replace(view, outlets=())), read_it,
                  EVERY_OUTLET_ROWS_KEPT, lambda table: table.num_rows)
    return every.filter(pc.is_in(every.column("outlet"), value_set=pa.array(list(view.outlets), pa.string())))


def _by_place_and_outlet(store: Store, view: View) -> pa.Table:
    """Mentions, articles and names in other letters per place and outlet in view (``every_outlet``)."""
    mentions, others, (where, *params) = _summed(view)
    return every_outlet(store, view, f"""
        SELECT place_id, outlet, sum({mentions})::BIGINT AS mentions, count(*)::BIGINT AS articles,
               list_distinct(flatten(list({others}))) AS others
        FROM {store.relation("place_articles")} p WHERE {where} GROUP BY place_id, outlet""", params)


def place_counts(store: Store, view: View) -> pd.DataFrame:
    """Per place in view: mentions, articles, sources and the outlets naming it (``a; b``), and up to three
    names written in other letters than its own (``دمشق, Şam``: an Arabic or Turkish article's); an article has
    one outlet, so its articles are the sum of its outlets'."""
    rows = _by_place_and_outlet(store, view)
    # Summed by Arrow (a Python loop over every place and outlet held the GIL 13 ms a view at 10k, 12 outlets); the
    # names in other letters, rare, by hand.
    places = rows.group_by("place_id", use_threads=False).aggregate(
        [("mentions", "sum"), ("articles", "sum"), ("outlet", "list")])
    named = rows.filter(pc.greater(pc.list_value_length(rows.column("others")), 0))
    written: dict[str, set[str]] = {}
    for place_id, others in zip(named.column("place_id").to_pylist(), named.column("others").to_pylist(), strict=True):
        written.setdefault(place_id, set()).update(others)
    ids = places.column("place_id").to_pylist()
    outlets = [sorted(outlet) for outlet in places.column("outlet_list").to_pylist()]
    return pd.DataFrame({
        "place_id": pd.Series(ids, dtype="str"),
        "mention_count": pd.Series(places.column("mentions_sum").to_numpy(), dtype="int64"),
        "article_count": pd.Series(places.column("articles_sum").to_numpy(), dtype="int64"),
        "source_count": pd.Series([len(outlet) for outlet in outlets], dtype="int64"),
        "outlets": pd.Series(["; ".join(outlet) for outlet in outlets], dtype="str"),
        "other_names": pd.Series([", ".join(sorted(written.get(p, ()))[:3]) for p in ids], dtype="str")})


def coverage_counts(store: Store, view: View) -> pd.DataFrame:
    """Mentions per (place, outlet) in view, in long form."""
    return _by_place_and_outlet(store, view).select(["place_id", "outlet", "mentions"]).to_pandas()


def _window_sql(start: str, end: str, sentence_start: str = "sentence_start", sentence_end: str = "sentence_end") -> tuple:
    """SQL for the ``(start, end)`` of a sentence's window around ``[start, end)``, as ``geo.records.sentence_window``
    has it (the whole sentence when short, else SENTENCE_WINDOW characters either side; word edges aside):
    a sentence is never copied whole, as one can be as long as its article."""
    whole = f"{sentence_end} - {sentence_start} <= {SENTENCE_WHOLE}"
    return (f"CASE WHEN {whole} THEN {sentence_start} ELSE greatest({sentence_start}, {start} - {SENTENCE_WINDOW}) END",
            f"CASE WHEN {whole} THEN {sentence_end} ELSE least({sentence_end}, greatest({end}, {start}) + {SENTENCE_WINDOW}) END")


# An excerpt's window reaches from its sentence's first name to its last, within this many
# characters (names further on stay in the sentence, outside the excerpt).
EXCERPT_CHARS = SENTENCE_WHOLE


@dataclass(frozen=True)
class PlaceSentences:
    """What the panel shows of one place in a view (``place_sentences``)."""

    excerpts: list  # SentenceExcerpt, by outlet, article and sentence
    totals: dict[str, int]  # sentences naming the place per outlet (all of them, not only those kept)
    articles: dict[str, dict]  # the excerpts' articles, as ``article_details`` gives them (no text)
    confidence: float | None  # the mean confidence of the place's mentions in view (None: none in view)
    corrected: bool  # whether a reader corrected any of them


def place_sentences(store: Store, place_id: str, view: View, per_outlet: int | None = None,
                    every_for: tuple[str, ...] = ()) -> PlaceSentences:
    """The sentences naming one place in view, one excerpt per (outlet, article, sentence) with its mention spans,
    their articles, and how sure the geoparser was of the place.

    Only the first ``per_outlet`` sentences of each outlet (all for the outlets in ``every_for``;
    all everywhere when None), in article and sentence order: a place can have thousands, and
    the panel shows a few. An excerpt is its sentence, or the window of it around its names
    when the sentence is long (``window_start``).

    A click asks this of a place it has not shown yet: its mentions, kept from an earlier click in
    any view (``_place_mentions``), filtered to the view's articles (``_articles_in_view``), the
    excerpts' texts and articles (``_excerpt_texts``), and the grouping in Python: DuckDB plans a
    query with window functions and grouped distincts in more time than it runs it.
    """
    from ..page.views import SentenceExcerpt

    mentions = _place_mentions(store, place_id)
    in_view = pc.is_in(mentions.column("article_id"), value_set=_articles_in_view(store, view))
    if not view.demonyms:
        in_view = pc.and_(in_view, pc.invert(pc.is_in(mentions.column("type"), value_set=pa.array(NOT_NAMED))))
    rows = zip(*(column.to_pylist() for column in mentions.filter(in_view).select(_SENTENCE_COLUMNS).columns),
               strict=True)
    sentences: list[list] = []  # [outlet, article, index, start, end, kinds, spans], in order
    totals: dict[str, int] = {}
    confidences, corrected = [], False
    for outlet, article_id, index, sentence_start, sentence_end, start, end, kind, confidence, fixed in rows:
        if confidence is not None:
            confidences.append(confidence)
        corrected = corrected or bool(fixed)
        if not sentences or sentences[-1][:3] != [outlet, article_id, index]:
            totals[outlet] = totals.get(outlet, 0) + 1
            sentences.append([outlet, article_id, index, sentence_start, sentence_end, set(), []])
        sentences[-1][5].add(kind)
        sentences[-1][6].append((start, end))
    ranks: dict[str, int] = {}
    kept, windows = [], []
    for sentence in sentences:
        ranks[sentence[0]] = rank = ranks.get(sentence[0], 0) + 1
        if per_outlet is None or rank <= per_outlet or sentence[0] in every_for:
            kept.append(sentence)
            windows.append(excerpt_window(*sentence[3:5], sentence[6]))
    texts, articles = _excerpt_texts(store, [s[1] for s in kept], windows)
    excerpts = [SentenceExcerpt(outlet, article_id, index, sentence_start, sentence_end, text,
                                ", ".join(sorted(kinds)), spans, window[0])
                for (outlet, article_id, index, sentence_start, sentence_end, kinds, spans), window, text
                in zip(kept, windows, texts, strict=True)]
    mean = sum(confidences) / len(confidences) if confidences else None
    return PlaceSentences(excerpts, totals, articles, mean, corrected)


def excerpt_window(sentence_start: int, sentence_end: int, spans: list[tuple[int, int]]) -> tuple[int, int]:
    """Where a sentence's excerpt starts and ends: the sentence when short, else from the window around its first
    name (``geo.records.sentence_window``, without the word edges) to its last name, EXCERPT_CHARS at most."""
    if sentence_end - sentence_start <= SENTENCE_WHOLE:
        return sentence_start, sentence_end
    first_start, first_end = spans[0]
    last_end = max(end for _, end in spans)
    window_start = max(sentence_start, first_start - SENTENCE_WINDOW)
    return window_start, min(sentence_end, window_start + EXCERPT_CHARS, max(last_end, first_end) + SENTENCE_WINDOW)


# What clicks and views keep of an opened generation (``_Opened``), the entries used last kept: mentions over all
# the places kept (about 100 bytes each), views' article ids, excerpts' texts (a few hundred characters each),
# and views' counts per outlet.
PLACE_MENTIONS_KEPT = 200_000
VIEWS_KEPT = 64
EVERY_OUTLET_ROWS_KEPT = 400_000  # views' counts per place and outlet, per day and outlet… (``every_outlet``)
EXCERPTS_KEPT = 20_000


def _kept(store: Store, kept: OrderedDict, key, read_it: Callable[[], object], limit: int,
          size: Callable[[object], int] = lambda value: 1):
    """``kept[key]``, else ``read_it()`` kept there, the entries used last kept up to ``limit`` in ``size`` (one
    larger than a quarter of it is not kept). A session's uploads change what is read: never kept then."""
    if store.overlay:
        return read_it()
    with store._shared.lock:
        if (value := kept.get(key)) is not None:
            kept.move_to_end(key)
            return value
    value = read_it()
    if size(value) <= limit // 4:
        with store._shared.lock:
            kept[key] = value
            _evict(kept, limit, size)
    return value


def _evict(kept: OrderedDict, limit: int, size: Callable[[object], int] = lambda value: 1) -> None:
    """Drop the entries used longest ago until those left are ``limit`` in ``size`` at most (the lock held)."""
    while sum(map(size, kept.values())) > limit:
        kept.popitem(last=False)


def _place_mentions(store: Store, place_id: str) -> pa.Table:
    """Every mention of a place whatever the view, in the panel's order (outlet, article, sentence, span).

    Read once per opened generation and kept for every session and view: a click on a place another reader
    clicked reads only which of its articles are in view.
    """
    # With each article's language (from its place_articles row): the names the corpus uses for the place, by
    # language, come from the same rows (``place_names``).
    sql = f"""SELECT m.outlet, m.article_id, m.sentence_index, m.sentence_start, m.sentence_end, m.start, m."end", m.type,
                     m.confidence, m.method = 'corrected' AS corrected, m.surface, coalesce(p.language, '') AS language
              FROM {store.relation("mentions")} m
              JOIN (SELECT article_id, language FROM {store.relation("place_articles")} WHERE place_id = ?) p
              USING (article_id)
              WHERE m.place_id = ? ORDER BY m.outlet, m.article_id, m.sentence_index, m.start, m."end" """

    def read_it() -> pa.Table:
        with store.reading(sql), store.cursor() as cursor:
            return cursor.sql(sql, params=[place_id, place_id]).to_arrow_table()

    return _kept(store, store._shared.place_mentions, place_id, read_it, PLACE_MENTIONS_KEPT, lambda t: t.num_rows)


_SENTENCE_COLUMNS = ["outlet", "article_id", "sentence_index", "sentence_start", "sentence_end", "start", "end", "type",
                     "confidence", "corrected"]


def place_names(store: Store, place_id: str) -> list[tuple[str, str, int]]:
    """``(language, name as written, mentions)`` of every name the corpus's articles use for a place (in every
    outlet and date, the reader's filters aside; a venue inferred from its country is no name of its own)."""
    mentions = _place_mentions(store, place_id)
    named = mentions.filter(pc.not_equal(mentions.column("type"), "venue"))
    found = Counter(zip(named.column("language").to_pylist(), named.column("surface").to_pylist(), strict=True))
    return [(language, surface, n) for (language, surface), n in found.items()]


def _articles_in_view(store: Store, view: View) -> pa.Array:
    """The ids of the articles in view, kept per view for every click made in it (from every outlet's)."""
    where, params = view.where("a", "a", mentions=False, outlets=False)
    sql = f"SELECT article_id, outlet FROM {store.relation('articles')} a WHERE {where}"

    def read_it() -> pa.Array:
        return every_outlet(store, view, sql, params).column("article_id").combine_chunks()

    return _kept(store, store._shared.view_articles, view, read_it, VIEWS_KEPT)


def _excerpt_texts(store: Store, article_ids: list[str], windows: list[tuple[int, int]]) -> tuple[list[str], dict]:
    """The text of each ``(article, window)`` (cut in the query: an article can be long, and many are asked), and
    the articles' details as ``article_details`` gives them; those read before (the store's own) are kept."""
    if not article_ids:
        return [], {}
    shared, asked = store._shared, [(a, *w) for a, w in zip(article_ids, windows, strict=True)]
    found: dict[tuple[str, int, int], tuple[str, dict]] = {}
    if not store.overlay:
        with shared.lock:
            for key in asked:
                if key in shared.excerpts:
                    shared.excerpts.move_to_end(key)
                    found[key] = shared.excerpts[key]
    missing = [key for key in dict.fromkeys(asked) if key not in found]
    if missing:
        wanted = pa.table({"k": pa.array(range(len(missing)), pa.int64()), "article_id": [m[0] for m in missing],
                           "window_start": pa.array([m[1] for m in missing], pa.int64()),
                           "window_end": pa.array([m[2] for m in missing], pa.int64())})
        sql = f"""SELECT w.k, substring(a.text, w.window_start + 1, w.window_end - w.window_start) AS sentence,
                         {", ".join(f"a.{name}" for name in _DETAILS)}
                  FROM wanted w JOIN {store.relation("articles")} a USING (article_id)"""
        with store.reading(sql), store.cursor() as cursor:
            cursor.register("wanted", wanted)
            rows = cursor.execute(sql).fetchall()
        details_of: dict[str, dict] = {}
        for k, text, *details in rows:
            found[missing[k]] = (text, details_of.setdefault(details[0], dict(zip(_DETAILS, details, strict=True))))
        if not store.overlay:
            with shared.lock:
                for key in missing:
                    if key in found:
                        shared.excerpts[key] = found[key]
                _evict(shared.excerpts, EXCERPTS_KEPT)
    texts, articles = [], {}
    for key in asked:
        text, details = found.get(key, ("", None))
        texts.append(text)
        if details is not None:
            articles.setdefault(key[0], details)
    return texts, articles


def place_excerpts(store: Store, place_id: str, view: View, per_outlet: int | None = None,
                   every_for: tuple[str, ...] = ()) -> tuple[list, dict[str, int]]:
    """``(excerpts, sentences per outlet)`` of ``place_sentences``."""
    found = place_sentences(store, place_id, view, per_outlet, every_for)
    return found.excerpts, found.totals


def view_mentions(store: Store, view: View) -> pd.DataFrame:
    """Every mention in view (for the download; the page itself never holds them all)."""
    where, params = view.where()
    return store.query(f"SELECT m.* FROM {_joined(store, view)} WHERE {where} ORDER BY article_id, start, type", params)


def download_mentions(store: Store, view: View) -> pd.DataFrame:
    """Every mention in view with the sentence around it (as ``python -m geo extract`` writes it) and its
    article's title, date and address, for the CSV a reader downloads."""
    where, params = view.where()
    articles = store.relation("articles")
    window_start, window_end = _window_sql("m.start", 'm."end"', "m.sentence_start", "m.sentence_end")
    return store.query(f"""
        SELECT m.*, substring(d.text, {window_start} + 1, {window_end} - {window_start}) AS sentence,
               d.title AS article_title, d.published AS article_published, d.url AS article_url
        FROM {_joined(store, view)} JOIN (SELECT article_id, title, published, url, text FROM {articles}) d USING (article_id)
        WHERE {where} ORDER BY article_id, start, type""", params)


def articles_in_view(store: Store, view: View) -> int:
    """How many articles the view's outlets and dates take in."""
    where, params = view.where("a", "a", mentions=False)
    return int(store.query(f"SELECT count(*) AS n FROM {{articles}} a WHERE {where}", params)["n"].iloc[0])


def source_summaries(store: Store) -> pd.DataFrame:
    """Per outlet: how many articles, first and last date, attributions, the title when it has one article, the
    place its articles are most often about (``focus``), their languages, and the agencies whose copy they are
    (``wires``, over ``wire_articles`` of them)."""
    return store.query("""
        SELECT outlet, count(*) AS articles, min(published) FILTER (WHERE published <> '') AS first_published,
               max(published) FILTER (WHERE published <> '') AS last_published,
               string_agg(DISTINCT coalesce(nullif(attribution, ''), 'unknown'), '/' ORDER BY
                          coalesce(nullif(attribution, ''), 'unknown')) AS attributions,
               any_value(coalesce(nullif(title, ''), article_id)) AS title, any_value(published) AS published,
               mode(nullif(focus, '')) AS focus,
               string_agg(DISTINCT nullif(language, ''), '/' ORDER BY nullif(language, '')) AS languages,
               string_agg(DISTINCT nullif(wire, ''), '/' ORDER BY nullif(wire, '')) AS wires,
               count(*) FILTER (WHERE wire <> '') AS wire_articles
        FROM {articles} GROUP BY outlet ORDER BY outlet""")


def nationality_examples(store: Store, limit: int = 3) -> list[str]:
    """The nationality words this corpus uses most ("Turkish", "Israeli"), for the toggle that hides them."""
    return list(store.query("""SELECT surface, count(*) AS n FROM {mentions} WHERE type = 'demonym'
                               GROUP BY surface ORDER BY n DESC, surface LIMIT ?""", [limit])["surface"])


def date_range(store: Store) -> tuple[str, str] | None:
    """The first and last publication date of the store's (and the overlay's) articles; None when none is dated."""
    row = store.query("""SELECT min(published) AS first, max(published) AS last FROM {articles}
                         WHERE published <> '' """).iloc[0]
    return None if pd.isna(row["first"]) else (row["first"], row["last"])


# What the page shows of an article beside an excerpt (``article_details``, ``place_sentences``).
_DETAILS = ("article_id", "outlet", "title", "published", "url", "sentence_count", "language")


def article_details(store: Store, article_ids: list[str], with_text: bool = False) -> dict[str, dict]:
    """``article id -> {outlet, title, published, url, sentence_count, language[, text]}`` for the given articles."""
    text = ", text" if with_text else ""
    frame = store.query(f"""SELECT {", ".join(_DETAILS)}{text} FROM {{articles}}
                            WHERE list_contains(?, article_id)""", [list(article_ids)])
    return {row["article_id"]: row for row in frame.to_dict("records")}


def neighbour_spans(store: Store, sentences: list[tuple[str, int]], width: int = 1) -> dict[tuple[str, int], tuple]:
    """For each (article id, sentence index): the (start, end) of up to ``width`` sentences before and after it."""
    if not sentences:
        return {}
    wanted = pa.table({"article_id": [a for a, _ in sentences], "sentence_index": [i for _, i in sentences]})
    sql = f"""SELECT w.article_id, w.sentence_index AS around, s.sentence_index, s.start, s."end"
              FROM wanted w JOIN {store.relation("sentences")} s ON s.article_id = w.article_id
                   AND s.sentence_index BETWEEN w.sentence_index - ? AND w.sentence_index + ?
                   AND s.sentence_index <> w.sentence_index
              ORDER BY w.article_id, around, s.sentence_index"""
    with store.reading(sql), store.cursor() as cursor:
        cursor.register("wanted", wanted)
        rows = cursor.execute(sql, [width, width]).fetchall()
    found: dict[tuple[str, int], tuple[list, list]] = {key: ([], []) for key in sentences}
    for article_id, around, index, start, end in rows:
        found[(article_id, around)][0 if index < around else 1].append((start, end))
    return found


def overlay_from_docs(docs: list, gazetteer) -> tuple[dict[str, pa.Table], object]:
    """A session's own parsed articles as overlay tables and places (see ``Store.with_overlay``)."""
    from ..frames import to_frames
    from .schema import tables_from_docs

    places_frame, _ = to_frames(docs, gazetteer)
    return tables_from_docs(docs, gazetteer), places_frame


def furniture_articles(store: Store, view: View, limit: int = 1000) -> tuple[pd.DataFrame, int, int]:
    """Articles in view with page furniture left out (the first ``limit``), how many have some, how many pieces."""
    where, params = view.where("a", "a", mentions=False)
    frame = store.query(f"""SELECT article_id, outlet, coalesce(nullif(title, ''), article_id) AS title,
                                   len(furniture) AS pieces FROM {{articles}} a WHERE {where} AND len(furniture) > 0
                            ORDER BY outlet, article_id""", params)
    return frame.head(limit), len(frame), int(frame["pieces"].sum()) if len(frame) else 0


def article_furniture(store: Store, article_id: str) -> list[tuple[str, str]]:
    """``(reason, text)`` of each piece of page furniture left out of one article."""
    frame = store.query("SELECT text, furniture FROM {articles} WHERE article_id = ?", [article_id])
    if frame.empty:
        return []
    text, pieces = frame["text"].iloc[0], frame["furniture"].iloc[0]
    return [(piece["reason"], text[piece["start"]:piece["end"]]) for piece in pieces]


def place_review(store: Store, place_id: str, view: View) -> pd.DataFrame:
    """Per name written for a place in view: mentions, articles, confidence, how and why it was placed, its alternatives.

    ``alternatives`` is a list of ``{place_id, name, country_code, score}``, the highest score
    each runner-up had in any mention, best first.
    """
    where, params = view.where()
    frame = store.query(f"""
        SELECT surface, count(*) AS mentions, count(DISTINCT article_id) AS articles,
               min(confidence) AS lowest, avg(confidence) AS mean,
               string_agg(DISTINCT method, ', ' ORDER BY method) AS methods, mode(note) AS why,
               flatten(list(alternatives)) AS alternatives
        FROM {_joined(store, view)} WHERE m.place_id = ? AND {where}
        GROUP BY surface ORDER BY mentions DESC, surface""", [place_id, *params])
    frame["alternatives"] = [_best_alternatives(items) for items in frame["alternatives"]]
    return frame


def place_confidence(store: Store, place_id: str, view: View) -> tuple[float | None, bool]:
    """``(mean confidence of the place's mentions in view or None, whether a reader corrected any)``."""
    where, params = view.where()
    row = store.query(f"""SELECT avg(confidence) AS mean, bool_or(method = 'corrected') AS corrected
                          FROM {_joined(store, view)} WHERE m.place_id = ? AND {where}""", [place_id, *params]).iloc[0]
    return (None, False) if pd.isna(row["mean"]) else (float(row["mean"]), bool(row["corrected"]))


def _best_alternatives(items) -> list[dict]:
    best: dict[str, dict] = {}
    for item in items if items is not None else []:
        if item is None:
            continue
        kept = best.get(item["place_id"])
        if kept is None or item["score"] > kept["score"]:
            best[item["place_id"]] = dict(item)
    return sorted(best.values(), key=lambda a: (-a["score"], a["place_id"]))


def name_mentions(store: Store, place_id: str, surface: str, view: View, limit: int = 200) -> pd.DataFrame:
    """The mentions of one name for one place in view (article, offsets, the sentence around it): what a reader
    corrects one by one. ``sentence`` is the window of the sentence around the name, from ``window_start``."""
    where, params = view.where()
    window_start, window_end = _window_sql("m.start", 'm."end"', "m.sentence_start", "m.sentence_end")
    return store.query(f"""
        WITH named AS (
            SELECT m.article_id, m.outlet, m.start, m."end", m.sentence_start, m.sentence_end, m.method, m.confidence,
                   {window_start} AS window_start, {window_end} AS window_end
            FROM {_joined(store, view)} WHERE m.place_id = ? AND m.surface = ? AND {where}
            ORDER BY m.outlet, m.article_id, m.start LIMIT ?)
        SELECT n.*, substring(t.text, n.window_start + 1, n.window_end - n.window_start) AS sentence
        FROM named n JOIN (SELECT article_id, text FROM {{articles}}) t USING (article_id)
        ORDER BY n.outlet, n.article_id, n.start""", [place_id, surface, *params, limit])


def name_counts(store: Store, place_id: str, surface: str, article_id: str | None = None) -> tuple[int, int]:
    """``(mentions, articles)`` of one name placed at one place, in the whole corpus or in one article: what a
    correction of that name (for every article, or for one) would move, whatever the reader's view."""
    article = " AND article_id = ?" if article_id is not None else ""
    row = store.query(f"""SELECT count(*) AS mentions, count(DISTINCT article_id) AS articles FROM {{mentions}}
                          WHERE place_id = ? AND surface = ?{article}""",
                      [place_id, surface, *([article_id] if article_id is not None else [])]).iloc[0]
    return int(row["mentions"]), int(row["articles"])


def review_queue(store: Store, view: View, limit: int = 2000) -> pd.DataFrame:
    """Per (place, name) in view, what a reviewer looks at: lowest confidence, smallest margin over the
    runner-up, located online, venue inferred, how many outlets name the place; corrected names left out."""
    where, params = view.where()
    return store.query(f"""
        WITH named AS (
            SELECT m.place_id, any_value(m.name) AS name, any_value(m.kind) AS kind,
                   any_value(m.country_code) AS country_code, m.surface, count(*) AS mentions,
                   min(m.confidence) AS lowest,
                   min(m.confidence - coalesce(list_max(list_transform(m.alternatives, lambda a: a.score)), 0)) AS margin,
                   bool_or(m.method = 'geocoder') AS online, bool_or(m.type = 'venue') AS venue,
                   bool_and(m.method = 'corrected') AS corrected,
                   any_value(m.alternatives[1].name) AS runner_up, any_value(m.alternatives[1].country_code) AS runner_up_country
            FROM {_joined(store, view)} WHERE {where} GROUP BY m.place_id, m.surface),
        outlets AS (
            SELECT m.place_id, count(DISTINCT m.outlet) AS outlets FROM {_joined(store, view)} WHERE {where}
            GROUP BY m.place_id)
        SELECT * FROM named JOIN outlets USING (place_id) WHERE NOT corrected
        ORDER BY lowest, margin LIMIT ?""", [*params, *params, limit])


def search_sentences(store: Store, phrase: str, view: View, limit: int = 500) -> pd.DataFrame:
    """The body sentences in view holding ``phrase`` (case folded), each with the places it names.

    Returns one row per sentence: outlet, article, sentence index and span, its text and
    ``places`` (place ids named there, possibly none). A scan of the articles' text: no index
    to keep, and fast enough for a newsroom's months.
    """
    where, params = view.where("a", "a", mentions=False)
    window_start, window_end = _window_sql("hit", f"hit + {len(phrase)}", "start", '"end"')
    return store.query(f"""
        WITH found AS (
            SELECT a.article_id, a.outlet, s.sentence_index, s.start, s."end", a.text,
                   s.start - 1 + instr(lower(substring(a.text, s.start + 1, s."end" - s.start)), lower(?)) AS hit
            FROM {{sentences}} s JOIN {{articles}} a USING (article_id)
            WHERE {where} AND contains(lower(substring(a.text, s.start + 1, s."end" - s.start)), lower(?))
            ORDER BY a.outlet, a.article_id, s.sentence_index LIMIT ?),
        hits AS (  -- a long sentence is shown as the window around the words, as the panel shows a name
            SELECT article_id, outlet, sentence_index, start, "end", {window_start} AS window_start,
                   substring(text, {window_start} + 1, {window_end} - {window_start}) AS sentence
            FROM found)
        SELECT h.*, coalesce(list(DISTINCT m.place_id) FILTER (WHERE m.place_id IS NOT NULL), []) AS places
        FROM hits h LEFT JOIN {{mentions}} m ON m.article_id = h.article_id AND m.sentence_index = h.sentence_index
        GROUP BY ALL ORDER BY h.outlet, h.article_id, h.sentence_index""", [phrase, *params, phrase, limit])


def daily_mentions(store: Store, view: View) -> pd.DataFrame:
    """Mentions per publication day and outlet in view (undated articles left out: they have no day)."""
    mentions, _, (where, *params) = _summed(view)
    return every_outlet(store, view, f"""
        SELECT p.published AS day, p.outlet, sum({mentions})::BIGINT AS mentions FROM {store.relation("place_articles")} p
        WHERE {where} AND p.published <> '' GROUP BY ALL ORDER BY day, p.outlet""", params).to_pandas()


def undated_articles(store: Store, view: View) -> int:
    """How many articles of the view's outlets have no date."""
    where, params = view.where("a", "a", mentions=False)
    return int(store.query(f"SELECT count(*) AS n FROM {{articles}} a WHERE {where} AND a.published = ''",
                           params)["n"].iloc[0])


def article_focus(store: Store) -> pd.DataFrame:
    """Each article's focus place (id, name) with its outlet: what the sources list says each is about."""
    return store.query("""SELECT a.article_id, a.outlet, a.focus, a.focus_reason FROM {articles} a
                          WHERE a.focus <> ''""")


def texts_for_reparse(store: Store, article_ids: list[str]) -> list:
    """The store's articles as ``geo.types.Article`` (text and source), to be parsed again in a session."""
    from ..types import Article, Source

    frame = store.query("""SELECT article_id, outlet, title, published, url, attribution, attribution_note, notes,
                                  language, wire, path, extracted_from_html, text FROM {articles}
                           WHERE list_contains(?, article_id) ORDER BY article_id""", [list(article_ids)])
    return [Article(r.article_id, r.text, Source(r.outlet, r.title, r.published, r.url, r.attribution,
                                                  r.attribution_note, r.notes, r.language or "", r.wire or ""),
                    r.path, bool(r.extracted_from_html)) for r in frame.itertuples()]


def built_corrections(store: Store) -> list[Correction]:
    """The readers' corrections the store was built with: its generation's ``corrections.json`` (the manifest
    keeps only their digest, so that it stays small), read once per opened generation. StoreError, and the
    generation marked damaged, when the file is not as it was built."""
    with store._shared.file_lock:
        if store._shared.corrections is not None:
            return list(store._shared.corrections)
        path = store.folder / CORRECTIONS_FILE
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            why = f"unreadable: {_first_line(error)}"
        else:
            if corrections_digest(text) == store.manifest.get("corrections_sha256"):  # as written: valid JSON
                store._shared.corrections = [Correction(**entry) for entry in json.loads(text)]
                return list(store._shared.corrections)
            why = "hash mismatch"
    store._damaged({"corrections": why})  # outside the lock, which marking takes
    raise StoreError(f"{path}: cannot be read ({why}); the next build rebuilds the store")


def articles_touched(store: Store, corrections: list[Correction]) -> list[str]:
    """The articles corrections can change: those one names, and those holding the name of one for every article."""
    named = {c.article for c in corrections if c.article}
    return sorted(named | set(articles_naming(store, sorted({c.surface for c in corrections if not c.article}))))


def articles_naming(store: Store, surfaces: list[str]) -> list[str]:
    """The articles whose text holds any of ``surfaces`` (what a correction for every article can change)."""
    if not surfaces:
        return []
    frame = store.query("SELECT article_id FROM {articles} WHERE " + " OR ".join(["contains(text, ?)"] * len(surfaces)),
                        list(surfaces))
    return sorted(frame["article_id"])


def article_ids(store: Store, view: View, limit: int = 5000) -> list[str]:
    """The articles in view, by outlet and id (the first ``limit``)."""
    where, params = view.where("a", "a", mentions=False)
    return list(store.query(f"SELECT article_id FROM {{articles}} a WHERE {where} ORDER BY outlet, article_id LIMIT ?",
                            [*params, limit])["article_id"])


def occurrences(store: Store, article_id: str, name: str) -> int:
    """How many times ``name`` stands in an article's text, as written."""
    frame = store.query("SELECT text FROM {articles} WHERE article_id = ?", [article_id])
    return frame["text"].iloc[0].count(name) if len(frame) and name else 0


def article_languages(store: Store) -> dict[str, int]:
    """``language -> articles`` in the store ("" for those whose language could not be told)."""
    frame = store.query("SELECT coalesce(language, '') AS language, count(*) AS n FROM {articles} GROUP BY ALL ORDER BY n DESC")
    return dict(zip(frame["language"], frame["n"].astype(int), strict=True))
