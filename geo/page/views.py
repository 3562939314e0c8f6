"""What the dashboard shows, computed without Streamlit: filters, tables, excerpts, downloads."""

from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import PurePath
from typing import NamedTuple
from urllib.parse import quote, urlparse

import numpy as np
import pandas as pd

from ..frames import COUNTRY_KINDS, VENUE_PRECISION
from ..text.corpus import ArticleError, read_article
from ..words import counted
from .colours import valid_colour
from .excerpts import escape_html, escape_markdown, highlighted_html, isolated
from .story import type_words

__all__ = ["MAX_UPLOAD_BYTES", "SentenceExcerpt", "Upload", "article_label", "colour_dot", "coverage_matrix",
    "date_bounds", "date_filter", "excerpt_paragraphs", "language_name", "link_target", "linked_dates", "linked_dates_notice",
    "make_upload", "mention_context", "mention_label", "mentions_csv", "neighbour_sentences", "outlet_counts",
    "outlet_heading_html",
    "paragraph_html", "phrase_html", "place_caption", "place_for_tooltip", "places_geojson",
    "places_in_view", "places_shown", "precision_text", "safe_url", "sentence_html", "shade_single_sources",
    "source_line", "stacked_html", "summary_counts"]


class Upload(NamedTuple):
    """An article a reader added in one session (hashable: it keys the dashboard's cache)."""

    article_id: str
    filename: str
    data: bytes
    outlet: str
    title: str
    published: str
    language: str = ""  # ISO 639-1, or "" to detect it


MAX_UPLOAD_BYTES = 2 * 1024 * 1024
UPLOAD_SUFFIXES = (".txt", ".md", ".html", ".htm")


def make_upload(filename: str, data: bytes, outlet: str, title: str, published: str, number: int,
                max_bytes: int = MAX_UPLOAD_BYTES, language: str = "") -> tuple[Upload, str]:
    """A reader's file checked as an article would be: ``(upload, caveat)``, or ArticleError naming the file.

    ``number`` makes the article id unique in the session. Left empty, the title is the article's own (its HTML
    title, else its first line) and the outlet the one it states (``geo.text.outlet``), else "Upload: <file name>".
    """
    name = PurePath(filename).name or "upload"
    suffix = PurePath(name).suffix.lower()
    try:
        if suffix not in UPLOAD_SUFFIXES:
            raise ArticleError(f"not a {', '.join(UPLOAD_SUFFIXES)} file")
        if len(data) > max_bytes:
            raise ArticleError(f"too large ({len(data) / 2**20:.1f} MB; the limit is {max_bytes / 2**20:g} MB)")
        article, caveat = read_article("upload", data, suffix)
    except ArticleError as error:
        raise ArticleError(f"{name}: {error}") from None
    stem = re.sub(r"[^\w-]+", "-", PurePath(name).stem).strip("-")[:40] or "article"
    # What the reader left empty, the article says itself: its page title or first line, the outlet it states.
    stated = article.source
    own_title = stated.title if stated.title and stated.title != "upload" else name
    own_outlet = stated.outlet if stated.attribution == "inferred" else f"Upload: {name}"
    upload = Upload(f"upload-{number}-{stem}", name, data, outlet.strip() or own_outlet, title.strip() or own_title,
                    published, language)
    return upload, caveat


def precision_text(precision: str, geom_type: str) -> str:
    """How exactly a place is located, in words: "approximate polygon", "venue inferred from the country named"…"""
    shape = "polygon" if geom_type in ("Polygon", "MultiPolygon") else "point"
    return {
        "venue": "venue inferred from the country named",
        VENUE_PRECISION: VENUE_PRECISION,
        "approximate": f"approximate {shape}",
        "exact": "exact polygon" if shape == "polygon" else "exact point",
        "point": "point" if shape == "point" else "polygon",
        "country": "country outline" if shape == "polygon" else "country, centre point",
        "continent": "continent, centre point",
    }.get(precision, f"{precision or 'located'} ({shape})")


def outlet_counts(mentions) -> pd.DataFrame:
    """Mentions per (place, outlet) of an in-memory mentions frame, in the long form the store's queries return."""
    return (mentions.groupby(["place_id", "outlet"]).size().rename("mentions").reset_index()
            if len(mentions) else pd.DataFrame({"place_id": [], "outlet": [], "mentions": []}))


def places_in_view(places, counts):
    """Places with at least one mention in view, with their counts for the view (``geo.store.read.place_counts``)."""
    if counts.empty:
        return places.iloc[0:0].copy()
    kept = places.drop(columns=["mention_count", "article_count", "outlets"]).merge(
        counts, on="place_id", how="inner"
    )
    return kept.sort_values(["mention_count", "name", "place_id"], ascending=[False, True, True], ignore_index=True)


class SentenceExcerpt(NamedTuple):
    """A sentence naming a place: where it is, the mention types and every mention span in it."""

    outlet: str
    article_id: str
    sentence_index: int
    sentence_start: int
    sentence_end: int
    sentence: str  # the sentence's text, or its window around the names: article.text[window_start:…]
    kinds: str  # e.g. "demonym, toponym"
    spans: list[tuple[int, int]]  # offsets into the article's text
    window_start: int | None = None  # where ``sentence`` starts in the article (None: at sentence_start)


def coverage_matrix(counts, places, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Places × sources mention counts (from per-(place, outlet) ``counts``), with how many sources name each place.

    Indexed by place id (a row the reader picks selects that place; the id is not shown);
    the place column reads as the map and "Find a place" do (``labels``: place id → label).
    """
    if counts.empty:
        return pd.DataFrame(columns=["place", "sources"], index=pd.Index([], name="place_id"))
    names = places.set_index("place_id")["name"]
    # One row per (place, outlet) in ``counts``: a plain pivot (pivot_table's aggregation costs twice the time).
    matrix = counts.pivot(index="place_id", columns="outlet", values="mentions").fillna(0).astype("int64")
    matrix.insert(0, "sources", (matrix > 0).sum(axis=1))
    shown = pd.Series({p: (labels or {}).get(p) for p in matrix.index.tolist()}, dtype=object)
    matrix.insert(0, "place", shown.fillna(names.reindex(matrix.index)).fillna(pd.Series(matrix.index, index=matrix.index)))
    matrix.columns.name = None
    return matrix.sort_values(["sources", "place"], ascending=[True, True])


def neighbour_sentences(sentences: list[tuple[int, int]], index: int, width: int = 1) -> tuple[list, list]:
    """The spans of up to ``width`` sentences before and after sentence ``index``."""
    return sentences[max(0, index - width):index], sentences[index + 1:index + 1 + width]


def safe_url(url: str) -> str | None:
    """The URL when it is http(s) with a host, else None (no javascript:, data:, file:…)."""
    try:
        parsed = urlparse((url or "").strip())
    except ValueError:
        return None
    if parsed.scheme.lower() in ("http", "https") and parsed.netloc:
        return parsed.geturl()
    return None


def link_target(url: str) -> str:
    """An http(s) URL made safe inside a Markdown link's parentheses (no space, quote, bracket or parenthesis)."""
    return quote(url, safe=":/?#@!$&*+,;=%~-._")


def places_shown(places_view, countries: bool):
    """The places in view that the page shows: countries and continents only with their toggle on."""
    return places_view if countries else places_view[~places_view["kind"].isin(COUNTRY_KINDS)]


def places_geojson(places_view) -> str:
    """The places the reader sees (``places_shown``) as a GeoJSON FeatureCollection (text)."""
    return places_view.to_json(drop_id=True, to_wgs84=True)


# What a reader reads first: the outlet, the article, the sentence (counted from 1, as the panel
# counts), the place; offsets and ids after, for tools.
CSV_FIRST = ["outlet", "article_title", "article_published", "article_url", "sentence_number", "sentence", "surface",
             "name", "kind", "country_code", "lat", "lon", "type", "confidence"]


def mentions_csv(mentions) -> bytes:
    """The mentions in view (``geo.store.read.download_mentions``) as UTF-8 CSV, without geometry."""
    frame = mentions.drop(columns=[c for c in ("geometry",) if c in mentions.columns])
    if "sentence_index" in frame.columns:
        frame = frame.assign(sentence_number=frame["sentence_index"] + 1).drop(columns=["sentence_index"])
    first = [c for c in CSV_FIRST if c in frame.columns]
    frame = frame[first + [c for c in frame.columns if c not in first]]
    return frame.to_csv(index=False).encode("utf-8")


def summary_counts(articles: int, counts) -> dict[str, int]:
    """Headline figures of what is in view, from per-(place, outlet) ``counts``."""
    return {
        "articles": articles,
        "sources": int(counts["outlet"].nunique()) if not counts.empty else 0,
        "places": int(counts["place_id"].nunique()) if not counts.empty else 0,
        "mentions": int(counts["mentions"].sum()) if not counts.empty else 0,
    }


def date_bounds(first_last: tuple[str, str] | None) -> tuple[dt.date, dt.date] | None:
    """The store's first and last publication dates as dates; None when it has none."""
    if first_last is None:
        return None
    try:
        return dt.date.fromisoformat(first_last[0]), dt.date.fromisoformat(first_last[1])
    except (TypeError, ValueError):  # the corpus reader checks dates: a store of another tool's making
        return None


def linked_dates(since: str | None, until: str | None, bounds: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date]:
    """The range a link asks for (``?since=…&until=…``), kept within the corpus's dates; the whole corpus by default."""
    first, last = bounds

    def day(text: str | None, default: dt.date) -> dt.date:
        try:
            return min(max(dt.date.fromisoformat(text or ""), first), last)
        except ValueError:
            return default

    return tuple(sorted([day(since, first), day(until, last)]))


def linked_dates_notice(since: str | None, until: str | None, bounds: tuple[dt.date, dt.date]) -> str:
    """What to tell a reader whose link asks for dates the articles do not reach (or not dates at all); "" when none."""
    first, last = bounds
    asked, unread = [], []
    for name, text in (("since", since), ("until", until)):
        if not text:
            continue
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            unread.append(f"{name}={text[:40]}")
            continue
        if not first <= day <= last:
            asked.append(day.isoformat())
    if unread:
        return (f"The link's {' and '.join(unread)} is not a date (YYYY-MM-DD); showing the articles of "
                f"{first.isoformat()} to {last.isoformat()}.")
    if asked:
        return (f"The link asks for {' to '.join(asked)}, outside the articles' dates ({first.isoformat()} to "
                f"{last.isoformat()}); showing the nearest dates they reach.")
    return ""


def date_filter(picked, bounds: tuple[dt.date, dt.date]) -> tuple[str, str]:
    """``(since, until)`` for a View from the range a reader picked: "" where it is the corpus's own bound.

    A bound at the corpus's edge is no bound, so undated articles stay in view; a range with one
    date (the reader is still picking the second) bounds only its start.
    """
    first, last = bounds
    since, until = (list(picked or ()) + [None, None])[:2]
    return (since.isoformat() if since and since > first else "", until.isoformat() if until and until < last else "")


def place_for_tooltip(tooltip: str, labels: dict[str, str]) -> str | None:
    """The place whose label begins a clicked tooltip's text (its first line), if any."""
    first = (tooltip or "").strip().splitlines()[0].strip() if (tooltip or "").strip() else ""
    if first in labels:
        return labels[first]
    # Some renderers join the tooltip's lines: take the longest label the text starts with.
    matches = [label for label in labels if first.startswith(label)]
    return labels[max(matches, key=len)] if matches else None


def phrase_html(sentence: str, phrase: str) -> str:
    """A sentence as escaped HTML with each occurrence of a searched phrase (case aside) in bold."""
    folded, wanted = sentence.lower(), phrase.lower()
    spans, at = [], folded.find(wanted) if wanted else -1
    while at >= 0:
        spans.append((at, at + len(wanted)))
        at = folded.find(wanted, at + len(wanted))
    if len(folded) != len(sentence):  # lower() changed the length (a rare letter): no bold rather than a wrong one
        spans = []
    return highlighted_html(sentence, 0, len(sentence), spans)


@functools.cache  # Babel builds the locale's tables on each ask (a millisecond a name); the codes are few
def language_name(code: str) -> str:
    """``"ar"`` → ``"Arabic"`` (CLDR's English name, through Babel); the code itself when unknown."""
    from babel import Locale

    return Locale("en").languages.get(code, code) if code else "unknown language"


def article_label(details: dict, article_id: str) -> str:
    """``Outlet · Title (2025-04-09)``: an article in a list to choose from (plain text)."""
    title = details.get("title") or article_id
    published = details.get("published") or "undated"
    return f"{details.get('outlet', '')} · {title} ({published})"


MENTION_REACH = 45  # characters of context each side of a name in a list of mentions, cut at a word


def mention_context(row, reach: int = MENTION_REACH) -> tuple[str, str, str]:
    """``(before, name, after)``: a mention (a row of ``geo.store.read.name_mentions``) with the whole words
    around it, so a list of mentions reads as the name in its place, never cut inside a word."""
    sentence, start = str(row.sentence), int(row.start) - int(row.window_start)
    end = min(len(sentence), start + int(row.end) - int(row.start))
    if not 0 <= start < end:
        return "", " ".join(sentence[: reach * 2].split()), ""
    before, after = sentence[:start], sentence[end:]
    # A long sentence comes as a window of it (``window_start``): cut already, and perhaps inside a word.
    cut_before = len(before) > reach or int(row.window_start) > int(row.sentence_start)
    cut_after = len(after) > reach or int(row.window_start) + len(sentence) < int(row.sentence_end)
    if cut_before:
        before = before[-reach:].split(" ", 1)[-1] if " " in before[-reach:] else before[-reach:]
    if cut_after:
        after = after[:reach].rsplit(" ", 1)[0] if " " in after[:reach] else after[:reach]
    return ("…" * cut_before + " ".join(before.split()) + (" " if before[-1:].isspace() else ""),
            sentence[start:end], (" " if after[:1].isspace() else "") + " ".join(after.split()) + "…" * cut_after)


def mention_label(row) -> str:
    """One mention in a list to choose from, as Markdown: the words around it, the name in bold."""
    before, name, after = mention_context(row)
    return f"{escape_markdown(before)}**{escape_markdown(name)}**{escape_markdown(after)}"


def colour_dot(colour: str | None) -> str:
    """A disc in an outlet's colour, as HTML ("" when it has none): the key to its rings on the map."""
    colour = valid_colour(colour)
    # An empty box, not a character: the heading's text stays the outlet's name alone.
    return (f'<span aria-hidden="true" style="display:inline-block;width:0.65em;height:0.65em;border-radius:50%;'
            f'background:{colour};margin-right:0.4em"></span>') if colour else ""


def source_line(row, names: dict[str, str] | None = None) -> str:
    """One line on a source's articles (a row of ``source_summaries``), as escaped HTML.

    The title when the source has one article, else the count and the dates; then the place its
    articles are (mostly) about, named from ``names``.
    """
    attribution = "attribution " + "/".join({"stated": "stated in the text"}.get(a, a) for a in row.attributions.split("/"))
    focus = getattr(row, "focus", None)
    about = f" · about {isolated(names.get(focus, focus))}" if names is not None and isinstance(focus, str) and focus else ""
    languages = getattr(row, "languages", None)
    if isinstance(languages, str) and languages and languages != "en":  # English goes without saying
        about += escape_html(" · in " + " and ".join(language_name(code) for code in languages.split("/")))
    wires = getattr(row, "wires", None)
    if isinstance(wires, str) and wires:  # a paper's copy of an agency's story stays the paper's, and says so
        copies = int(getattr(row, "wire_articles", 0) or 0)
        whose = " and ".join(isolated(w) for w in wires.split("/"))
        about += f" · {whose} copy" + (escape_html(f" ({copies} of them)") if row.articles > 1 else "")
    if row.articles == 1:
        return f"{isolated(row.title)} · {isolated(row.published or 'undated')}{about} · {escape_html(attribution)}"
    span = f"{row.first_published} to {row.last_published}" if row.first_published else "undated"
    return escape_html(f"{counted(row.articles, 'article')} · {span}") + about + escape_html(f" · {attribution}")


def paragraph_html(fragment: str, caption: bool = False) -> str:
    """A paragraph around escaped HTML, its direction from its text; a caption is smaller and lighter."""
    style = "margin:0;overflow-wrap:anywhere" + (";font-size:0.875rem;opacity:0.7" if caption else "")
    return f'<p dir="auto" style="{style}">{fragment}</p>'


ELEMENT_GAP = "1rem"  # Streamlit's space between two elements of a column


def stacked_html(blocks: list[str]) -> str:
    """Blocks of escaped HTML one under the other, spaced as Streamlit spaces elements: one element instead of
    several, so one message to the browser instead of one each (a click's panel sent sixty)."""
    return f'<div style="display:flex;flex-direction:column;gap:{ELEMENT_GAP}">{"".join(blocks)}</div>'


def outlet_heading_html(outlet: str, colour: str | None, level: str = "h5") -> str:
    """An outlet's name with the disc of its colour on the map, as escaped HTML."""
    return (f'<{level} dir="auto" style="margin:0.6rem 0 0.2rem 0;font-size:1rem">{colour_dot(colour)}'
            f"{escape_html(outlet)}</{level}>")


def sentence_html(item: SentenceExcerpt) -> str:
    """The excerpt's sentence as escaped HTML, its place names in bold (offsets moved from the article to the
    sentence), with "…" where a long sentence goes on beyond the window shown."""
    start = item.sentence_start if item.window_start is None else item.window_start
    html = highlighted_html(item.sentence, 0, len(item.sentence), [(s - start, e - start) for s, e in item.spans])
    return ("…" if start > item.sentence_start else "") + html + ("…" if start + len(item.sentence) < item.sentence_end else "")


def excerpt_kinds(item: SentenceExcerpt) -> str:
    """How the excerpt names its place, in words; a venue says which names it was inferred from ("venue inferred
    from “Azerbaijan”"): the sentence names the country, not the city, and must not read as if it did."""
    words = type_words(item.kinds)
    if "venue" not in {kind.strip() for kind in item.kinds.split(",")}:
        return words
    start = item.sentence_start if item.window_start is None else item.window_start
    names = dict.fromkeys(item.sentence[s - start:e - start] for s, e in item.spans if 0 <= s - start < e - start)
    return words.replace(type_words("venue"), f"{type_words('venue')} from " + ", ".join(f"“{n}”" for n in names)) \
        if names else words


def excerpt_paragraphs(item: SentenceExcerpt, article: dict, around: tuple[list, list]) -> list[tuple[str, bool]]:
    """``(escaped HTML, is a caption)`` paragraphs of one excerpt: sentences before, the sentence, after, its source.

    ``article`` is a row of ``geo.store.read.article_details`` (with its text when ``around`` has spans).
    """
    before, after = around
    paragraphs = [(escape_html(article["text"][start:end]), True) for start, end in before]
    paragraphs.append((sentence_html(item), False))
    paragraphs += [(escape_html(article["text"][start:end]), True) for start, end in after]
    meta = (f"sentence {item.sentence_index + 1} of {article['sentence_count']} · "
            f"{isolated(article['title'] or item.article_id)} · {isolated(article['published'] or 'undated')} · "
            f"{escape_html(excerpt_kinds(item))}")
    language = article.get("language") or ""
    if language and language != "en":  # the page is English: say which language any other excerpt is in
        meta += f" · {escape_html(language_name(language))}"
    url = safe_url(article["url"])
    link = (f' · <a href="{escape_html(link_target(url))}" target="_blank" rel="noopener noreferrer">original article</a>'
            if url else "")
    return [*paragraphs, (meta + link, True)]


SHADE_ROWS = 300  # styling every cell costs seconds on a large table: shade small ones only


def shade_single_sources(matrix: pd.DataFrame):
    """The coverage matrix with places only one source names shaded (a Styler), or as it is when large."""
    if len(matrix) > SHADE_ROWS:
        return matrix
    single = (matrix["sources"] == 1).to_numpy()[:, None]
    # One call for the whole frame (not one per row): the page styles it on every whole-page run.
    return matrix.style.apply(lambda frame: pd.DataFrame(
        np.broadcast_to(np.where(single, "background-color: #fde7e4", ""), frame.shape),
        index=frame.index, columns=frame.columns), axis=None)


def place_caption(place) -> str:
    """Kind, country, how it is located, coordinates and the geometry's source, on one line (plain text)."""
    located = precision_text(place["precision"], place["geometry"].geom_type)
    source = f" · location from {place['source']}" if place["source"] else ""
    return (f"{place['kind']} · {place['country_code'] or 'supranational'} · {located} · "
            f"{place['lat']:.4f}, {place['lon']:.4f}{source}")
