"""What review and corrections read: a place's names and confidence, the review queue, page furniture, the
corrections a store was built with, the articles a correction changes."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa

from ..types import Correction
from .database import Store, StoreError, View, first_line, mentions_joined
from .sentences import window_sql
from .verify import CORRECTIONS_FILE, corrections_digest


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
        FROM {mentions_joined(store, view)} WHERE m.place_id = ? AND {where}
        GROUP BY surface ORDER BY mentions DESC, surface""", [place_id, *params])
    frame["alternatives"] = [_best_alternatives(items) for items in frame["alternatives"]]
    return frame


def place_confidence(store: Store, place_id: str, view: View) -> tuple[float | None, bool]:
    """``(mean confidence of the place's mentions in view or None, whether a reader corrected any)``."""
    where, params = view.where()
    row = store.query(f"""SELECT avg(confidence) AS mean, bool_or(method = 'corrected') AS corrected
                          FROM {mentions_joined(store, view)} WHERE m.place_id = ? AND {where}""", [place_id, *params]).iloc[0]
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
    window_start, window_end = window_sql("m.start", 'm."end"', "m.sentence_start", "m.sentence_end")
    return store.query(f"""
        WITH named AS (
            SELECT m.article_id, m.outlet, m.start, m."end", m.sentence_start, m.sentence_end, m.method, m.confidence,
                   {window_start} AS window_start, {window_end} AS window_end
            FROM {mentions_joined(store, view)} WHERE m.place_id = ? AND m.surface = ? AND {where}
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
            FROM {mentions_joined(store, view)} WHERE {where} GROUP BY m.place_id, m.surface),
        outlets AS (
            SELECT m.place_id, count(DISTINCT m.outlet) AS outlets FROM {mentions_joined(store, view)} WHERE {where}
            GROUP BY m.place_id)
        SELECT * FROM named JOIN outlets USING (place_id) WHERE NOT corrected
        ORDER BY lowest, margin LIMIT ?""", [*params, *params, limit])


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
            why = f"unreadable: {first_line(error)}"
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


def occurrences(store: Store, article_id: str, name: str) -> int:
    """How many times ``name`` stands in an article's text, as written."""
    frame = store.query("SELECT text FROM {articles} WHERE article_id = ?", [article_id])
    return frame["text"].iloc[0].count(name) if len(frame) and name else 0
