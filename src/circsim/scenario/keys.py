"""Dotted keys: which run key, or which declared parameter of which existing entities, a key names.

A dotted key is a run key (``years``) or the path of a parameter in a scenario's tables::

    behaviour.NAME
    origins.ORIGIN.NAME                        origins.ORIGIN.communities.COMMUNITY.NAME
    destinations.DESTINATION.NAME              destinations.DESTINATION.sectors.SECTOR.NAME
    corridors.ORIGIN.DESTINATION.NAME

``*`` stands for every origin, community, destination or sector there. :func:`resolve_key`
turns a key into the concrete paths it names, refusing malformed keys, entities the scenario
does not have and parameters of another scope, with a message that says which.
"""

from __future__ import annotations

import difflib
from typing import Any

from .errors import ScenarioError
from .params import BY_NAME, RUN_KEYS, Param, of_scope

#: (first part, number of parts) of a parameter's path -> the parameter's scope
SHAPES = {
    ("behaviour", 2): "behaviour",
    ("origins", 3): "origin", ("origins", 5): "community",
    ("destinations", 3): "destination", ("destinations", 5): "market",
    ("corridors", 4): "corridor",
}
#: (first part, position) -> the entity named there
ENTITIES = {
    ("origins", 1): "origin", ("origins", 3): "community",
    ("destinations", 1): "destination", ("destinations", 3): "sector",
    ("corridors", 1): "origin", ("corridors", 2): "destination",
}
#: (first part, position) -> the word that must stand there
CONTAINERS = {("origins", 2): "communities", ("destinations", 2): "sectors"}
#: run keys a dotted key may set (``extends`` is resolved before any key is set)
SETTABLE_RUN_KEYS = [k for k in RUN_KEYS if k != "extends"]

FORMS = ("behaviour.NAME, origins.O.NAME, origins.O.communities.C.NAME, destinations.D.NAME, "
         "destinations.D.sectors.S.NAME, corridors.O.D.NAME")


def _table(data: dict, *parts: str) -> dict:
    """The table at ``parts`` of ``data``, or an empty one if there is none."""
    table: Any = data
    for part in parts:
        table = table.get(part) if isinstance(table, dict) else None
    return table if isinstance(table, dict) else {}


def _names(data: dict, prefix: list[str]) -> list[str]:
    """Names of the entities that may follow ``prefix`` (corridors follow origins, then destinations)."""
    if prefix[0] == "corridors":
        return list(_table(data, "origins" if len(prefix) == 1 else "destinations"))
    return list(_table(data, *prefix))


def resolve_key(data: dict, key: str, where: str) -> tuple[Param | None, list[tuple[str, ...]]]:
    """The parameter a dotted key names (None for a run key) and the concrete paths it stands for.

    ``data``: the scenario's tables (raw or validated). ``where``: how the key is given, for
    messages (``"--set destinations.Spain.wage"``). Raises ScenarioError naming ``where``.
    """
    parts = key.split(".")
    if any(not part.strip() for part in parts):
        raise ScenarioError(f"{where}: {key!r} is not a dotted key (a part is empty): write a run key "
                            f"({', '.join(SETTABLE_RUN_KEYS)}) or one of {FORMS}")
    if len(parts) == 1 and key in SETTABLE_RUN_KEYS:
        return None, [(key,)]
    scope = SHAPES.get((parts[0], len(parts)))
    if scope is None:
        hint = f" (did you mean {', '.join(close)}?)" if (close := difflib.get_close_matches(
            key, SETTABLE_RUN_KEYS, n=2)) else ""
        raise ScenarioError(f"{where}: unknown key{hint}: write a run key ({', '.join(SETTABLE_RUN_KEYS)}) "
                            f"or one of {FORMS}")
    p = BY_NAME.get(parts[-1])
    if p is None or p.scope != scope:
        close = difflib.get_close_matches(parts[-1], [q.name for q in of_scope(scope)], n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else " (see `circsim params`)"
        raise ScenarioError(f"{where}: unknown key: {parts[-1]} is not a parameter of {scope} scope{hint}")
    paths: list[list[str]] = [[parts[0]]]
    for i, part in enumerate(parts[1:-1], start=1):
        if (parts[0], i) in CONTAINERS:
            word = CONTAINERS[(parts[0], i)]
            if part != word:
                raise ScenarioError(f"{where}: {part!r} must be {word!r} here")
            paths = [path + [part] for path in paths]
            continue
        entity = ENTITIES[(parts[0], i)]
        expanded = []
        for path in paths:
            names = _names(data, path)
            if part == "*":
                expanded += [path + [name] for name in names]
            elif part in names:
                expanded.append(path + [part])
            else:
                raise ScenarioError(f"{where}: no {entity} {part!r} in the scenario "
                                    f"({entity}s: {', '.join(names) or 'none'})")
        paths = expanded
    if not paths:
        raise ScenarioError(f"{where}: matches nothing in the scenario")
    return p, [tuple(path) + (parts[-1],) for path in paths]


def parameter_of(data: dict, key: str, where: str) -> tuple[Param, list[tuple[str, ...]]]:
    """Like :func:`resolve_key`, for a key that must name a declared parameter (not a run key)."""
    p, paths = resolve_key(data, key, where)
    if p is None:
        raise ScenarioError(f"{where}: {key} is a run key, not a declared parameter (see `circsim params`)")
    return p, paths
