"""The store's tables (Arrow schemas), how parsed documents become their rows, and fingerprints.

Tables: ``articles`` (one row per article: source fields, original text, body span, furniture,
its focus place, content hash and the file it came from), ``sentences`` (article, index, start, end),
``mentions`` (the mention schema of ``geo.records``, ``article`` renamed ``article_id``, with
each mention's alternatives, without the sentence's text: a sentence is kept once, as offsets
into its article's text) and
``places`` (GeoParquet, written by ``geo.store.build``), and ``place_articles``, the mentions
summed per place and article with the article's outlet, date, focus and language beside them
(``PLACE_ARTICLES_SQL``): a view's counts read it instead of every mention. Offsets are offsets into
``articles.text``, the original text.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import asdict
from importlib import metadata
from pathlib import Path

import pyarrow as pa

from ..gazetteer.index import Gazetteer
from ..records import MENTION_COLUMNS, TEXT_COLUMNS, mention_records
from ..resolution.focus import article_focus
from ..types import Article, Document, Source

__all__ = ["ARTICLE_SCHEMA", "MENTION_SCHEMA", "NOT_NAMED", "NOT_NAMED_TYPES", "PARSED_SCHEMAS", "PLACE_ARTICLES_SQL",
           "SCHEMA_VERSION", "SENTENCE_SCHEMA", "TABLES", "article_hash",
           "pipeline_fingerprint", "source_hash", "tables_from_docs"]

# Bump when a table's columns or their meaning change: a store of another version is rebuilt.
# 4: mentions no longer copy their sentence (it is in articles.text, at sentence_start);
# 5: articles keep their source's wire origin (``wire``: the agency whose copy it is);
# 6: ``place_articles``, the mentions summed per place and article.
SCHEMA_VERSION = 6
TABLES = ("articles", "sentences", "mentions", "places", "place_articles")

# Demonyms and people words ("Syrian", "Syrians") are mentions a reader may hide; they are counted apart.
NOT_NAMED = ("demonym", "people")
NOT_NAMED_TYPES = "(" + ", ".join(f"'{kind}'" for kind in NOT_NAMED) + ")"  # as SQL
# One row per place and article: a view's counts per place, outlet and day are sums over these rows (half as
# many as the mentions at 10,000 articles, and no join to the articles), the same whether a session's uploads
# are added (``geo.store.read``) or the build writes them. ``other_names``: the names written in other letters
# than the place's own (``دمشق`` for Damascus; a character longer in UTF-8 than one byte is not ASCII).
PLACE_ARTICLES_SQL = f"""
    SELECT m.place_id, m.article_id, any_value(m.outlet) AS outlet, any_value(a.published) AS published,
           any_value(a.focus) AS focus, any_value(a.language) AS language,
           count(*) AS mentions, count(*) FILTER (WHERE m.type NOT IN {NOT_NAMED_TYPES}) AS named,
           coalesce(list(DISTINCT m.surface) FILTER (WHERE m.surface <> m.name
                                                      AND strlen(m.surface) <> length(m.surface)), []) AS other_names,
           coalesce(list(DISTINCT m.surface) FILTER (WHERE m.surface <> m.name AND strlen(m.surface) <> length(m.surface)
                                                      AND m.type NOT IN {NOT_NAMED_TYPES}), []) AS named_other_names
    FROM {{mentions}} m JOIN (SELECT article_id, published, focus, language FROM {{articles}}) a USING (article_id)
    GROUP BY m.place_id, m.article_id"""
_GEO = Path(__file__).resolve().parents[1]

FILE_FIELDS = [
    pa.field("file", pa.string()),  # path relative to the articles folder
    pa.field("size", pa.int64()),
    pa.field("mtime_ns", pa.int64()),
    pa.field("content_hash", pa.string()),
    pa.field("source_hash", pa.string()),
    pa.field("caveat", pa.string()),
]
ARTICLE_SCHEMA = pa.schema([
    pa.field("article_id", pa.string()),
    pa.field("outlet", pa.string()),
    pa.field("title", pa.string()),
    pa.field("published", pa.string()),
    pa.field("url", pa.string()),
    pa.field("attribution", pa.string()),
    pa.field("attribution_note", pa.string()),
    pa.field("notes", pa.string()),
    pa.field("wire", pa.string()),  # the agency whose copy the article is (its dateline's), "" for none
    pa.field("path", pa.string()),
    pa.field("extracted_from_html", pa.bool_()),
    pa.field("text", pa.large_string()),
    pa.field("body_start", pa.int64()),
    pa.field("body_end", pa.int64()),
    pa.field("furniture", pa.list_(pa.struct([("start", pa.int64()), ("end", pa.int64()), ("reason", pa.string())]))),
    pa.field("sentence_count", pa.int64()),
    pa.field("language", pa.string()),  # ISO 639-1, stated in the sources file or detected
    pa.field("focus", pa.string()),  # the place the article is mainly about (geo.resolution.focus), "" for none
    pa.field("focus_reason", pa.string()),
    *FILE_FIELDS,
])
SENTENCE_SCHEMA = pa.schema([
    pa.field("article_id", pa.string()), pa.field("sentence_index", pa.int64()),
    pa.field("start", pa.int64()), pa.field("end", pa.int64()),
])
_MENTION_TYPES = {"sentence_index": pa.int64(), "sentence_start": pa.int64(), "sentence_end": pa.int64(),
                  "start": pa.int64(), "end": pa.int64(), "lat": pa.float64(), "lon": pa.float64(),
                  "confidence": pa.float64()}
ALTERNATIVE_TYPE = pa.list_(pa.struct([("place_id", pa.string()), ("name", pa.string()), ("kind", pa.string()),
                                        ("admin1", pa.string()), ("country_code", pa.string()),
                                        ("score", pa.float64())]))
MENTION_SCHEMA = pa.schema([
    *(pa.field("article_id" if name == "article" else name, _MENTION_TYPES.get(name, pa.string()))
      for name in MENTION_COLUMNS if name not in TEXT_COLUMNS),
    pa.field("alternatives", ALTERNATIVE_TYPE),  # the runners-up, for a reader checking the choice
])
PARSED_SCHEMAS = {"articles": ARTICLE_SCHEMA, "sentences": SENTENCE_SCHEMA, "mentions": MENTION_SCHEMA}
_SOURCE_FIELDS = ("outlet", "title", "published", "url", "attribution", "attribution_note", "notes", "wire")


def source_hash(source: Source) -> str:
    """A digest of an article's source entry (outlet, title, date…): a changed entry re-parses the article."""
    return hashlib.sha256(json.dumps(asdict(source), sort_keys=True).encode()).hexdigest()[:16]


def article_hash(article: Article) -> str:
    """A digest of the article's text as parsed and its source entry."""
    digest = hashlib.sha256(article.text.encode("utf-8", "surrogatepass"))
    digest.update(b"\0" + source_hash(article.source).encode() + (b"\0html" if article.extracted_from_html else b""))
    return digest.hexdigest()[:24]


@functools.cache  # the code does not change under a running process; read it once
def pipeline_fingerprint() -> str:
    """A digest of the code and word lists that turn text into mentions: when it changes, everything is re-parsed.

    The gazetteer's own fingerprint (its data files and packages) is kept beside it in the manifest.
    """
    digest = hashlib.sha256()
    for path in sorted([*_GEO.glob("text/*.py"), *_GEO.glob("resolution/*.py"), _GEO / "pipeline.py",
                        _GEO / "records.py", _GEO / "types.py", _GEO / "store" / "schema.py",
                        _GEO / "gazetteer" / "index.py", _GEO / "gazetteer" / "geocoder.py"]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for name in ("name_words.toml", "events.toml", "languages.toml", "outlets.toml"):
        path = _GEO.parent / "data" / name
        digest.update(path.read_bytes() if path.exists() else b"-")
    for package in ("blingfire", "trafilatura", "wordfreq", "lingua-language-detector"):
        try:
            digest.update(f"{package}={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(package.encode())
    return digest.hexdigest()[:20]


def tables_from_docs(docs: list[Document], gazetteer: Gazetteer, files: dict[str, dict] | None = None) -> dict[str, pa.Table]:
    """The ``articles``, ``sentences`` and ``mentions`` rows of parsed documents, as Arrow tables.

    ``files`` gives, per article id, the FILE_FIELDS of the file it was read from (absent for
    uploads: those columns stay empty, the hashes are computed).
    """
    files = files or {}
    articles: dict[str, list] = {f.name: [] for f in ARTICLE_SCHEMA}
    sentences: dict[str, list] = {f.name: [] for f in SENTENCE_SCHEMA}
    mention_rows: list[dict] = []
    for doc in docs:
        article = doc.article
        source = article.source
        focus, focus_reason = article_focus(doc, gazetteer)
        row = {"article_id": article.id, **{name: getattr(source, name) for name in _SOURCE_FIELDS},
               "focus": focus, "focus_reason": focus_reason, "language": doc.language,
               "path": article.path, "extracted_from_html": article.extracted_from_html, "text": article.text,
               "body_start": doc.body.start if doc.body else None, "body_end": doc.body.end if doc.body else None,
               "furniture": [{"start": f.start, "end": f.end, "reason": f.reason} for f in doc.furniture],
               "sentence_count": len(doc.sentences)}
        # The build has hashed the file already (its fields); an upload has no file, so it is hashed here.
        row |= files.get(article.id) or {"file": None, "size": None, "mtime_ns": None, "caveat": "",
                                          "content_hash": article_hash(article), "source_hash": source_hash(source)}
        for name, values in articles.items():
            values.append(row[name])
        for sentence in doc.sentences:
            sentences["article_id"].append(article.id)
            sentences["sentence_index"].append(sentence.index)
            sentences["start"].append(sentence.start)
            sentences["end"].append(sentence.end)
        mention_rows.extend(mention_records(doc, gazetteer, with_text=False))
    mentions = {field.name: [r["article" if field.name == "article_id" else field.name] for r in mention_rows]
                for field in MENTION_SCHEMA}
    return {
        "articles": pa.Table.from_pydict(articles, schema=ARTICLE_SCHEMA),
        "sentences": pa.Table.from_pydict(sentences, schema=SENTENCE_SCHEMA),
        "mentions": pa.Table.from_pydict(mentions, schema=MENTION_SCHEMA),
    }
