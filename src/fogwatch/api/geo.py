"""GeoJSON (RFC 7946) views of incidents and claims, for the API and `fogwatch export`.

Items without coordinates keep their place in the collection with a null geometry, which
RFC 7946 allows, so a GeoJSON export and the JSON listing hold the same incidents.
"""

from __future__ import annotations

from collections.abc import Iterable

GEOJSON_MEDIA_TYPE = "application/geo+json"


def point(location: dict | None) -> dict | None:
    if not location:
        return None
    lat, lon = location.get("lat"), location.get("lon")
    if lat is None or lon is None:
        return None
    return {"type": "Point", "coordinates": [float(lon), float(lat)]}


def feature(item: dict) -> dict:
    """A feature for an incident or claim dict: its location as geometry, all else as properties."""
    return {
        "type": "Feature",
        "id": item["id"],
        "geometry": point(item.get("location")),
        "properties": item,
    }


def feature_collection(items: Iterable[dict], next_cursor: str | None = None) -> dict:
    collection: dict = {"type": "FeatureCollection", "features": [feature(i) for i in items]}
    collection["next_cursor"] = next_cursor
    return collection


def wants_geojson(fmt: str | None, accept: str | None) -> bool:
    """?format=geojson wins; otherwise the Accept header decides."""
    if fmt is not None:
        return fmt == "geojson"
    return bool(accept) and GEOJSON_MEDIA_TYPE in accept.lower()
