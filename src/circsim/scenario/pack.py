"""Parameters as monthly arrays for the kernels (policy timeline expanded before the run).

``pack(scenario)`` returns one namedtuple per scope; each field is a float64 array indexed
first by the month of the run (burn-in included), then by the scope's entity:
``behaviour.consider_hazard[t]``, ``origin.readmission_cooperation[t, o]``,
``corridor.visa_fee[t, o, d]`` … Integer parameters are stored as floats.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

from .loader import Scenario
from .params import of_scope

BehaviourArrays = namedtuple("BehaviourArrays", [p.name for p in of_scope("behaviour")])
OriginArrays = namedtuple("OriginArrays", [p.name for p in of_scope("origin")])
CommunityArrays = namedtuple("CommunityArrays", [p.name for p in of_scope("community")])
DestinationArrays = namedtuple("DestinationArrays", [p.name for p in of_scope("destination")])
MarketArrays = namedtuple("MarketArrays", [p.name for p in of_scope("market")])
CorridorArrays = namedtuple("CorridorArrays", [p.name for p in of_scope("corridor")])
Policy = namedtuple("Policy", ["behaviour", "origin", "community", "destination", "market", "corridor"])


def _tables(s: Scenario) -> dict[str, list[tuple[tuple, dict]]]:
    """For each scope: (index, table) of every entity, in index order."""
    d = s.data
    origins, dests = s.origins, s.destinations
    return {
        "behaviour": [((), d["behaviour"])],
        "origin": [((o,), d["origins"][name]) for o, name in enumerate(origins)],
        "community": [((i,), d["origins"][origins[o]]["communities"][c]) for i, (o, c) in enumerate(s.communities)],
        "destination": [((k,), d["destinations"][name]) for k, name in enumerate(dests)],
        "market": [((i,), d["destinations"][dests[k]]["sectors"][m]) for i, (k, m) in enumerate(s.markets)],
        "corridor": [((o, k), d["corridors"][on][dn]) for o, on in enumerate(origins) for k, dn in enumerate(dests)],
    }


def _index_of_path(s: Scenario, path: list[str]) -> tuple[str, tuple]:
    """(scope, entity index) of a concrete timeline path."""
    head = path[0]
    if head == "behaviour":
        return "behaviour", ()
    if head == "origins" and len(path) == 3:
        return "origin", (s.origins.index(path[1]),)
    if head == "origins":
        o = s.origins.index(path[1])
        return "community", (s.communities.index((o, path[3])),)
    if head == "destinations" and len(path) == 3:
        return "destination", (s.destinations.index(path[1]),)
    if head == "destinations":
        k = s.destinations.index(path[1])
        return "market", (s.markets.index((k, path[3])),)
    return "corridor", (s.origins.index(path[1]), s.destinations.index(path[2]))


def pack(s: Scenario) -> Policy:
    """All parameters as ``[month, entity...]`` float64 arrays with the timeline applied."""
    T = s.total_months
    shapes = {
        "behaviour": (), "origin": (len(s.origins),), "community": (len(s.communities),),
        "destination": (len(s.destinations),), "market": (len(s.markets),),
        "corridor": (len(s.origins), len(s.destinations)),
    }
    arrays: dict[str, dict[str, np.ndarray]] = {}
    for scope, entities in _tables(s).items():
        arrays[scope] = {}
        for p in of_scope(scope):
            a = np.empty((T, *shapes[scope]), dtype=np.float64)
            for index, table in entities:
                a[(slice(None), *index)] = float(table[p.name])
            arrays[scope][p.name] = a
    for month, key, value in s.changes:
        path = key.split(".")
        scope, index = _index_of_path(s, path)
        arrays[scope][path[-1]][(slice(month, None), *index)] = float(value)
    classes = {
        "behaviour": BehaviourArrays, "origin": OriginArrays, "community": CommunityArrays,
        "destination": DestinationArrays, "market": MarketArrays, "corridor": CorridorArrays,
    }
    return Policy(**{scope: classes[scope](**arrays[scope]) for scope in classes})
