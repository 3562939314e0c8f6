"""Reviewing the geoparser's choices: how sure it was, what else a name could be, what needs a look (no Streamlit here).

The page shows these tables as they are; every string in them is data (a name from an
article, a place's name) and reaches the page as a grid cell or escaped text.
"""

from __future__ import annotations

import pandas as pd

from ..resolution.corrections import NOT_A_PLACE
from ..types import Candidate, Correction
from ..words import counted
from .excerpts import escape_html, isolated

__all__ = ["LOW_CONFIDENCE", "SMALL_MARGIN", "alternative_labels", "candidate_label", "correction_effect",
           "correction_rows", "correction_scope", "method_words", "needs_review", "review_html", "review_rows"]

LOW_CONFIDENCE = 0.6  # below this a choice is flagged for review
SMALL_MARGIN = 0.3  # the chosen place's share minus the runner-up's: below this, a close call
METHOD_WORDS = {"curated": "the story's own gazetteer", "geonames": "GeoNames", "geocoder": "located online",
                "corrected": "corrected by a reader", "event": "inferred venue"}


def method_words(methods: str) -> str:
    """``"curated, geonames"`` in a reader's words."""
    return ", ".join(METHOD_WORDS.get(m.strip(), m.strip()) for m in (methods or "").split(",") if m.strip())


def _alternative_text(alternative: dict, score: bool = True) -> str:
    """``Palmyra (city, NY, US) 2%`` (without the score: ``Palmyra (city, NY, US)``): the state tells namesakes in
    one country apart."""
    where = [alternative.get("kind") or ""]
    admin1 = alternative.get("admin1") or ""
    if admin1 and not admin1.isdigit() and alternative.get("kind") == "city":
        where.append(admin1)
    where.append(alternative.get("country_code") or "")
    text = f"{alternative['name']} ({', '.join(w for w in where if w)})"
    return f"{text} {alternative['score']:.0%}" if score else text


def review_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """``geo.store.read.place_review`` as the panel's table: one row per name as written."""
    # What a reviewer reads first comes first: the panel is narrow, the later columns scroll.
    return pd.DataFrame({
        "name as written": frame["surface"],
        "confidence": [f"{mean:.0%} (lowest {low:.0%})" if abs(mean - low) > 0.005 else f"{mean:.0%}"
                       for mean, low in zip(frame["mean"], frame["lowest"], strict=True)],
        "why": frame["why"].fillna(""),
        "it could also be": ["; ".join(_alternative_text(a) for a in alternatives[:3]) or "—"
                             for alternatives in frame["alternatives"]],
        "mentions": frame["mentions"].astype(int),
        "placed by": [method_words(m) for m in frame["methods"]],
    })


def review_html(rows: pd.DataFrame) -> str:
    """``review_rows`` as escaped HTML, one block per name as written, wrapped to the panel's width (a table with a
    column each scrolled sideways there): the name and how sure, then why, then what else it could be."""
    blocks = []
    for row in rows.to_dict("records"):
        counted_as = counted(int(row["mentions"]), "mention")
        blocks.append(
            f'<p dir="auto" style="margin:0 0 0.5rem 0;overflow-wrap:anywhere;font-size:0.875rem">'
            f"<b>{isolated(row['name as written'])}</b> · {escape_html(row['confidence'])} sure · "
            f"{escape_html(counted_as)} · placed by {escape_html(row['placed by'])}"
            + (f"<br>why: {escape_html(row['why'])}" if row["why"] else "")
            + f"<br>it could also be: {escape_html(row['it could also be'])}</p>")
    return "".join(blocks)


def candidate_label(candidate: Candidate, country_name=None) -> str:
    """``Damascus (city, Maryland, US)``: enough to tell namesakes apart."""
    where = [candidate.kind]
    if candidate.admin1 and not candidate.admin1.isdigit() and candidate.kind == "city":
        where.append(candidate.admin1)
    if candidate.country_code:
        where.append(country_name(candidate.country_code) if country_name else candidate.country_code)
    return f"{candidate.name} ({', '.join(where)})"


def alternative_labels(alternatives: list[dict], current: str, scores: bool = True) -> dict[str, str]:
    """``place id -> label`` of a name's alternatives (with their scores), and "not a place": the choices a
    correction starts from."""
    labels = {a["place_id"]: _alternative_text(a, scores) for a in alternatives if a["place_id"] != current}
    labels[NOT_A_PLACE] = "Not a place"
    return labels


def correction_effect(surface: str, place: str, chosen: str, mentions: int, articles: int, everyone: bool) -> str:
    """What Save will do, said before the reader saves: how many mentions of the name move, from where to where,
    and who will see it. ``chosen`` is the new place's label, or NOT_A_PLACE."""
    moved = f"{counted(mentions, 'mention')} of “{surface}” in {counted(articles, 'article')}"
    what = (f"Saving takes {moved} off {place}: not a place" if chosen == NOT_A_PLACE
            else f"Saving moves {moved} from {place} to {chosen}")
    return what + (", for every reader of this map." if everyone else ", in your session only.")


def needs_review(queue: pd.DataFrame, outlets_in_view: int) -> pd.DataFrame:
    """The review queue (``geo.store.read.review_queue``) with why each name is on it; names with no reason left out.

    On it: a low confidence, a close call between the chosen place and the runner-up, a place
    only the online geocoder knew, an inferred venue, a place only one of several outlets names.
    """
    if queue.empty:
        return pd.DataFrame(columns=["place_id", "place", "name as written", "mentions", "confidence", "why"])
    reasons = []
    for row in queue.itertuples():
        why = []
        if row.lowest < LOW_CONFIDENCE:
            why.append("low confidence")
        if row.margin < SMALL_MARGIN and isinstance(row.runner_up, str) and row.runner_up:
            country = f", {row.runner_up_country}" if row.runner_up_country else ""
            why.append(f"close call with {row.runner_up}{country}")
        if row.online:
            why.append("only the online geocoder knew it")
        if row.venue:
            why.append("venue inferred, not named")
        if outlets_in_view > 1 and row.outlets == 1:
            why.append("one source alone names it")
        reasons.append("; ".join(why))
    shown = pd.DataFrame({
        "place_id": queue["place_id"],
        "place": [f"{name} ({kind}, {country})" if country else f"{name} ({kind})"
                  for name, kind, country in zip(queue["name"], queue["kind"], queue["country_code"], strict=True)],
        "name as written": queue["surface"], "mentions": queue["mentions"].astype(int),
        "confidence": queue["lowest"].round(2), "why": reasons,
    })
    shown = shown[shown["why"] != ""]
    return shown.sort_values(["confidence", "mentions"], ascending=[True, False]).reset_index(drop=True)


def correction_scope(correction: Correction, titles: dict[str, str] | None = None) -> str:
    """Where a correction applies, in words."""
    if not correction.article:
        return "every article"
    title = (titles or {}).get(correction.article, correction.article)
    return f"{title}, at character {correction.start}" if correction.start is not None else title


def correction_rows(corrections: list[Correction], names: dict[str, str], titles: dict[str, str] | None = None):
    """The corrections as a table a reader can read: name, where, what it now means, note, when."""
    return pd.DataFrame({
        "name as written": [c.surface for c in corrections],
        "where": [correction_scope(c, titles) for c in corrections],
        "now means": ["not a place" if c.place == NOT_A_PLACE else names.get(c.place, c.place) for c in corrections],
        "note": [c.note for c in corrections],
        "made": [c.created for c in corrections],
    })
