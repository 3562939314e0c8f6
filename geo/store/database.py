"""An opened corpus store and the view a reader has chosen: the ``Store`` every session shares (a DuckDB
connection over the Parquet files of one generation, a cursor per query), ``View`` as SQL, ``open_store``."""

from __future__ import annotations

import contextlib
import json
import re
import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..types import Correction
from . import lease
from .schema import NOT_NAMED_TYPES, PLACE_ARTICLES_SQL, SCHEMA_VERSION, TABLES
from .verify import file_name, mark_damaged, store_damage


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
        # ``_excerpt_texts``, ``every_outlet``): the store's own only, never with uploads.
        self.place_mentions: OrderedDict[str, pa.Table] = OrderedDict()
        self.excerpts: OrderedDict[tuple[str, int, int], tuple[str, dict]] = OrderedDict()
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

    def without_overlay(self) -> Store:
        """The store as every reader has it, without this session's own articles."""
        return Store(self.path, self.manifest, None, None, self._shared) if self.overlay else self

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
                                 f"({first_line(error)})") from None
            # DuckDB rarely says which file (a page overwritten inside one answers "Invalid data"): the
            # hashes do, and when they cannot, every table the query read is suspect.
            tables = tables or ["articles", "sentences", "mentions"]
            found = store_damage(self, tables) or {name: f"a query failed: {first_line(error)}" for name in tables}
            self._damaged(found)
            names = ", ".join(str(self.folder / file_name(name)) for name in sorted(found))
            raise StoreError(f"{names}: damaged, cannot be read ({first_line(error)}); the next build rebuilds the "
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


def first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:300]


def mentions_joined(store: Store, view: View) -> str:
    """FROM clause of mentions ``m``, joined to their articles ``a`` only when the view has dates."""
    mentions = store.relation("mentions")
    if not view.dated:
        return f"{mentions} m"
    return (f"{mentions} m JOIN (SELECT article_id, published, focus, language FROM {store.relation('articles')}) a "
            "USING (article_id)")
