"""The error a user can cause with a scenario, and how pydantic's errors are worded."""

from __future__ import annotations

import difflib

from pydantic import ValidationError

from .params import BY_NAME, RUN_KEYS


class ScenarioError(ValueError):
    """A scenario cannot be used. The message names the file, the key and what is allowed."""


_CONTAINERS = {
    "origins": "communities", "destinations": "sectors",
}


def _known_keys(loc: tuple) -> list[str]:
    """Keys allowed at the table that holds ``loc[-1]`` (for 'did you mean')."""
    from .params import of_scope

    depth = len(loc)
    if depth == 1:
        return list(RUN_KEYS) + ["behaviour", "origins", "destinations", "corridors", "timeline"]
    head = loc[0]
    if head == "behaviour":
        return [p.name for p in of_scope("behaviour")]
    if head == "origins":
        return [p.name for p in of_scope("origin")] + ["communities"] if depth == 3 else [p.name for p in of_scope("community")]
    if head == "destinations":
        return [p.name for p in of_scope("destination")] + ["sectors"] if depth == 3 else [p.name for p in of_scope("market")]
    if head == "corridors":
        return [p.name for p in of_scope("corridor")]
    return []


def dotted(loc) -> str:
    return ".".join(str(part) for part in loc)


def describe(error: dict, where: str) -> str:
    """One line for one pydantic error, naming the file, the key and what is allowed."""
    loc = tuple(error["loc"])
    key = dotted(loc)
    kind = error["type"]
    param = BY_NAME.get(str(loc[-1])) if loc else None
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(str(loc[-1]), _known_keys(loc), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        return f"{where}: {key}: unknown key{hint}"
    if kind == "missing":
        return f"{where}: {key}: required key is missing"
    if param is not None:
        kind_text = "an integer" if param.integer else "a number"
        return (
            f"{where}: {key} = {error.get('input')!r}: must be {kind_text} from {param.range_text} "
            f"{param.unit} ({error['msg']})"
        )
    return f"{where}: {key} = {error.get('input')!r}: {error['msg']}"


def from_validation(exc: ValidationError, where: str, prefix: tuple = ()) -> ScenarioError:
    """A ScenarioError whose message lists every problem pydantic found, one per line."""
    lines = []
    for error in exc.errors():
        error = dict(error)
        error["loc"] = prefix + tuple(error["loc"])
        lines.append(describe(error, where))
    return ScenarioError("\n".join(lines))
