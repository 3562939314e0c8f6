"""Places and mentions as GeoDataFrames (EPSG:4326); the schema is defined here once."""

from __future__ import annotations

from collections.abc import Iterable

from .gazetteer.index import Gazetteer
from .pipeline import Geoparser
from .records import MENTION_COLUMNS, mention_records
from .types import Article, Document

__all__ = ["COUNTRY_KINDS", "PLACE_COLUMNS", "geoparse", "place_frame", "related_places", "to_frames"]

PLACE_COLUMNS = [
    "place_id", "name", "kind", "country_code", "precision", "description", "source", "related", "near",
    "lat", "lon", "mention_count", "article_count", "outlets", "venue_note",
]
VENUE_PRECISION = "venue inferred from the country named"
COUNTRY_KINDS = frozenset({"country", "continent"})  # shown only with the page's country toggle on


def related_places(place) -> list[str]:
    """The place ids in a place row's ``related`` column ("; "-joined, as ``place_frame`` writes it)."""
    return [p.strip() for p in str(place["related"] or "").split(";") if p.strip()]


def geoparse(articles: Iterable[Article], parser: Geoparser | None = None):
    """Geoparse articles; return ``(places, mentions)`` GeoDataFrames in EPSG:4326.

    ``mentions`` has one row per mention (offsets into each article's original text,
    ``text[start:end] == surface``); ``places`` one row per place mentioned, with its
    polygon (zones, regions, countries) or point, and counts per article and outlet.
    """
    parser = parser or Geoparser()
    return to_frames(parser.pipe(articles), parser.gazetteer)


def to_frames(docs: Iterable[Document], gazetteer: Gazetteer):
    """Build the two frames from parsed documents."""
    import geopandas as gpd
    import pandas as pd

    rows = [row for doc in docs for row in mention_records(doc, gazetteer)]
    mentions = pd.DataFrame(rows, columns=MENTION_COLUMNS).rename(columns={"article": "article_id"})
    # Point(x=lon, y=lat): GeoJSON and shapely put longitude first.
    mentions = gpd.GeoDataFrame(
        mentions, geometry=gpd.points_from_xy(mentions["lon"], mentions["lat"]), crs="EPSG:4326"
    )
    aggregates = []
    for place_id, group in mentions.groupby("place_id", sort=False):
        first = group.iloc[0]
        types = set(group["type"])
        aggregates.append({
            "place_id": place_id, "name": first["name"], "kind": first["kind"], "country_code": first["country_code"],
            "lat": first["lat"], "lon": first["lon"], "mention_count": len(group),
            "article_count": group["article_id"].nunique(), "outlets": "; ".join(sorted(set(group["outlet"]))),
            "only_venue": types == {"venue"},
            "venue_note": next((n for n in group["note"] if n), "") if "venue" in types else "",
        })
    return place_frame(aggregates, gazetteer), mentions


def place_frame(aggregates: Iterable[dict], gazetteer: Gazetteer, known: dict[str, dict] | None = None):
    """Places as a GeoDataFrame from their per-place aggregates, with what the gazetteer says of each.

    An aggregate has ``place_id, name, kind, country_code, lat, lon, mention_count,
    article_count, outlets, only_venue, venue_note``. ``known`` maps place ids to rows already
    written (description, source, geometry…), for places the gazetteer no longer holds (found
    online in an earlier build).
    """
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import Point, shape

    known = known or {}
    places = []
    for row in aggregates:
        place_id = row["place_id"]
        if place_id in known and not _in_gazetteer(gazetteer, place_id):
            details = known[place_id]
            geometry = details["geometry"]
        else:
            details = gazetteer.details(place_id)
            # Point(x=lon, y=lat): GeoJSON and shapely put longitude first.
            geometry = shape(details["geometry"]) if details.get("geometry") else Point(row["lon"], row["lat"])
            details = details | {"related": "; ".join(details.get("related") or [])}
        places.append({
            "place_id": place_id, "name": row["name"], "kind": row["kind"], "country_code": row["country_code"],
            "precision": VENUE_PRECISION if row["only_venue"] else details.get("precision") or "point",
            "description": details.get("description") or "", "source": details.get("source") or "",
            "related": details.get("related") or "", "near": details.get("near") or "",
            "lat": row["lat"], "lon": row["lon"],
            "mention_count": int(row["mention_count"]), "article_count": int(row["article_count"]),
            "outlets": row["outlets"], "venue_note": row["venue_note"] or "",
            "geometry": geometry,
        })
    places_frame = gpd.GeoDataFrame(
        pd.DataFrame(places, columns=[*PLACE_COLUMNS, "geometry"]), geometry="geometry", crs="EPSG:4326"
    )
    return places_frame.sort_values(["mention_count", "name", "place_id"], ascending=[False, True, True], ignore_index=True)


def _in_gazetteer(gazetteer: Gazetteer, place_id: str) -> bool:
    try:
        gazetteer.place(place_id)
    except KeyError:
        return False
    return True
