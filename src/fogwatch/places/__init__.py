"""fogwatch places stage: an offline gazetteer and place resolution.

``PlaceResolver.default().resolve(mentions)`` turns a claim's place mentions into its
event ``Location``; ``candidates(name)`` geoparses one name. See docs/places.md.
"""

from fogwatch.places.keys import fold_key, place_key
from fogwatch.places.resolver import Candidate, PlaceResolver
from fogwatch.places.store import Gazetteer, Place

__all__ = ["Candidate", "Gazetteer", "Place", "PlaceResolver", "fold_key", "place_key"]
