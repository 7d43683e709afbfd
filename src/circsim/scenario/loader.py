"""Reading scenario files: bundled names, ``extends``, overrides, the policy timeline.

A scenario is a TOML file (see ``scenarios/baseline.toml``). ``load_scenario`` resolves it to
a validated :class:`Scenario` with every default filled in, so the scenario stored in an
output file is complete.
"""

from __future__ import annotations

import copy
import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from pydantic import ValidationError

from ..state import CHANNEL_NAMES, LEGAL_CHANNELS
from .errors import ScenarioError, from_validation
from .files import nesting, read_toml
from .keys import parameter_of, resolve_key
from .limits import EXTENDS_MAX, LAST_MONTH, NESTING_MAX, START_YEARS
from .params import BY_NAME, Param, of_scope
from .schema import MONTH, ScenarioModel, check_run_value, check_value

BUNDLED = Path(__file__).resolve().parent.parent / "scenarios"


def bundled_names() -> list[str]:
    """Names of the scenarios shipped with circsim."""
    return sorted(p.stem for p in BUNDLED.glob("*.toml"))


def resolve(name_or_path: str | os.PathLike, relative_to: Path | None = None) -> Path:
    """The file of a scenario given by path or bundled name; ScenarioError if there is none."""
    text = str(name_or_path)
    candidates = [Path(text)]
    if relative_to is not None:
        candidates.insert(0, relative_to / text)
        candidates.insert(1, relative_to / f"{text}.toml")
    candidates.append(BUNDLED / f"{text}.toml")
    candidates.append(BUNDLED / text)
    for path in candidates:
        if path.is_file():
            return path
    raise ScenarioError(
        f"{text}: no such scenario file, and not a bundled scenario "
        f"(bundled: {', '.join(bundled_names())})"
    )


def merge(base: dict, over: Mapping) -> dict:
    """``base`` updated by ``over``, table by table; timelines are concatenated."""
    out = copy.deepcopy(base)
    for key, value in over.items():
        if key == "timeline":
            out["timeline"] = list(out.get("timeline", [])) + copy.deepcopy(list(value))
        elif isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def read_raw(path: Path, _seen: tuple = ()) -> dict:
    """The file's tables merged over those of the scenario it ``extends`` (recursively)."""
    if path.resolve() in _seen:
        raise ScenarioError(f"{path}: extends: circular chain {' -> '.join(str(p) for p in _seen)}")
    if len(_seen) >= EXTENDS_MAX:
        raise ScenarioError(f"{path}: extends: a chain of more than {EXTENDS_MAX} files (from {_seen[0]})")
    raw = read_toml(path)
    if not isinstance(raw.get("timeline", []), list):
        raise ScenarioError(f"{path}: timeline = {raw['timeline']!r}: must be an array of tables ([[timeline]])")
    parent = raw.pop("extends", None)
    if parent is None:
        return raw
    if not isinstance(parent, str):
        raise ScenarioError(f"{path}: extends = {parent!r}: must be a scenario name or path (a string)")
    base = read_raw(resolve(parent, relative_to=path.parent), _seen + (path.resolve(),))
    return merge(base, raw)


def parse_value(text: str) -> Any:
    """A ``--set`` value: read as a TOML value (numbers, booleans, strings, arrays)."""
    try:
        value = tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text
    except RecursionError:
        value = None  # nested too deep for the parser itself
    if value is None or nesting(value) > NESTING_MAX:
        raise ScenarioError(f"--set: value {text[:40]!r}...: arrays nested more than {NESTING_MAX} deep")
    return value


def _checked(p: Param | None, path: tuple[str, ...], value: Any, where: str) -> Any:
    """``value`` validated for the run key (``p`` None) or parameter at ``path``."""
    if p is not None and p.name == "channel" and isinstance(value, str) and value in MARKET_CHANNELS:
        value = MARKET_CHANNELS[value]
    try:
        return check_run_value(path[0], value) if p is None else check_value(p, value)
    except ValidationError as exc:
        raise from_validation(exc, where, path) from None


def set_key(raw: dict, key: str, value: Any, where: str) -> None:
    """Set ``value`` at the dotted ``key`` of ``raw`` (``*`` matches every entity there), checked first."""
    p, paths = resolve_key(raw, key, f"{where} {key}")
    for path in paths:
        checked = _checked(p, path, value, where)
        table = raw
        for part in path[:-1]:
            table = table.setdefault(part, {})
            if not isinstance(table, dict):
                raise ScenarioError(f"{where} {key}: {part} is a value, not a table")
        table[path[-1]] = checked


#: the dotted key a parameter name stands for, by scope: the parameter of every entity
EVERY = {
    "behaviour": "behaviour.{}",
    "origin": "origins.*.{}",
    "community": "origins.*.communities.*.{}",
    "destination": "destinations.*.{}",
    "market": "destinations.*.sectors.*.{}",
    "corridor": "corridors.*.*.{}",
}


def keyword_overrides(raw: dict, overrides: Mapping[str, Any], where: str = "override") -> None:
    """Apply Python keyword overrides: run keys, dotted keys, or a parameter name for all entities."""
    for key, value in overrides.items():
        p = BY_NAME.get(key)
        if p is not None:
            key = EVERY[p.scope].format(key)
        set_key(raw, key, value, where)


def month_index(text: str) -> int:
    """Months since year 0 of a 'YYYY-MM' string."""
    year, month = text.split("-")
    return int(year) * 12 + int(month) - 1


@dataclass
class Scenario:
    """A validated scenario, every default filled in.

    ``data`` is the complete scenario as plain TOML-like tables; ``changes`` the policy
    timeline flattened to ``(month_index_from_run_start, dotted_key, value)``.
    """

    data: dict
    source: str = ""
    changes: list[tuple[int, str, Any]] = field(default_factory=list)

    # run facts -------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.data["name"]

    @property
    def persons(self) -> int:
        return self.data["persons"]

    @property
    def scale(self) -> float:
        """Real persons each agent stands for."""
        return self.data["population"] / self.data["persons"]

    @property
    def months(self) -> int:
        """Recorded months."""
        return 12 * self.data["years"]

    @property
    def burn_in_months(self) -> int:
        return 12 * self.data["burn_in_years"]

    @property
    def total_months(self) -> int:
        return self.burn_in_months + self.months

    @property
    def start_index(self) -> int:
        """Month index (since year 0) of the first simulated (burn-in) month."""
        return month_index(self.data["start"]) - self.burn_in_months

    # entities --------------------------------------------------------------------------
    @property
    def origins(self) -> list[str]:
        return list(self.data["origins"])

    @property
    def destinations(self) -> list[str]:
        return list(self.data["destinations"])

    @property
    def communities(self) -> list[tuple[int, str]]:
        """(origin index, community name) for every community."""
        return [(o, c) for o, name in enumerate(self.origins) for c in self.data["origins"][name]["communities"]]

    @property
    def markets(self) -> list[tuple[int, str]]:
        """(destination index, sector name) for every destination sector."""
        return [(d, s) for d, name in enumerate(self.destinations) for s in self.data["destinations"][name]["sectors"]]

    @property
    def sectors(self) -> list[str]:
        """Sector names over all destinations, first seen first."""
        return list(dict.fromkeys(s for _, s in self.markets))

    def to_json(self) -> str:
        return json.dumps(self.data, sort_keys=False)

    def replace(self, **overrides: Any) -> "Scenario":
        """A new scenario with keyword overrides applied (see :func:`load_scenario`)."""
        raw = copy.deepcopy(self.data)
        keyword_overrides(raw, overrides)
        return build(raw, self.source)


def _flatten(table: Mapping, prefix: str = "") -> Iterable[tuple[str, Any]]:
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            yield from _flatten(value, name + ".")
        else:
            yield name, value


def _timeline(data: dict, where: str) -> list[tuple[int, str, Any]]:
    first = month_index(data["start"]) - 12 * data["burn_in_years"]
    last = month_index(data["start"]) + 12 * data["years"] - 1
    changes = []
    for i, entry in enumerate(data["timeline"]):
        at = entry.get("at")
        if not isinstance(at, str) or not MONTH.match(at):
            raise ScenarioError(f"{where}: timeline[{i}].at = {at!r}: must be a month 'YYYY-MM'")
        month = max(month_index(at) - first, 0)
        after_end = month_index(at) > last  # validated, but never takes effect in this run
        for key, value in _flatten({k: v for k, v in entry.items() if k != "at"}):
            p, paths = parameter_of(data, key, f"{where}: timeline[{i}].{key}")
            for path in paths:
                if not p.dynamic:
                    raise ScenarioError(f"{where}: timeline[{i}].{key}: {p.name} is structural and cannot change during a run")
                try:
                    value = check_value(p, value)
                except ValidationError as exc:
                    raise from_validation(exc, where, (f"timeline[{i}]", *path)) from None
                if not after_end:
                    changes.append((month, ".".join(path), value))
    changes.sort(key=lambda c: c[0])  # stable: later entries win at the same month
    return changes


#: the channels a sector can recruit through, by name (codes from state.py)
MARKET_CHANNELS = {CHANNEL_NAMES[k]: k for k in LEGAL_CHANNELS}


def _channel_codes(raw: dict, where: str) -> None:
    """Sectors may name their channel (``channel = "seasonal"``): turn names into codes."""
    for dname, dest in (raw.get("destinations") or {}).items():
        for sname, sector in ((dest or {}).get("sectors") or {}).items() if isinstance(dest, dict) else []:
            value = sector.get("channel") if isinstance(sector, dict) else None
            key = f"destinations.{dname}.sectors.{sname}.channel"
            if isinstance(value, str):
                if value not in MARKET_CHANNELS:
                    raise ScenarioError(f"{where}: {key} = {value!r}: must be one of {', '.join(MARKET_CHANNELS)}")
                sector["channel"] = MARKET_CHANNELS[value]
            elif isinstance(value, int) and value not in MARKET_CHANNELS.values():
                raise ScenarioError(f"{where}: {key} = {value}: must be one of {', '.join(MARKET_CHANNELS)} "
                                    f"(codes {sorted(MARKET_CHANNELS.values())})")


def _check_dates(data: dict, where: str) -> None:
    """The run starts in START_YEARS and ends by LAST_MONTH, so its time axis reads back."""
    lo, hi = START_YEARS
    if not lo <= int(data["start"][:4]) <= hi:
        raise ScenarioError(f"{where}: start = {data['start']!r}: the year must be from {lo} to {hi}")
    end = month_index(data["start"]) + 12 * data["years"] - 1
    if end > month_index(LAST_MONTH):
        raise ScenarioError(f"{where}: start = {data['start']!r} + years = {data['years']}: the run must end by "
                            f"{LAST_MONTH} (the last month a NetCDF time axis can hold); start earlier or record fewer years")


def build(raw: dict, where: str) -> Scenario:
    """Validate raw tables into a Scenario; ScenarioError with every problem otherwise."""
    _channel_codes(raw, where)
    try:
        model = ScenarioModel.model_validate(raw)
    except ValidationError as exc:
        raise from_validation(exc, where) from None
    data = model.model_dump()
    for origin in data["corridors"]:
        if origin not in data["origins"]:
            raise ScenarioError(f"{where}: corridors.{origin}: no origin of that name (origins: {', '.join(data['origins'])})")
        for dest in data["corridors"][origin]:
            if dest not in data["destinations"]:
                raise ScenarioError(f"{where}: corridors.{origin}.{dest}: no destination of that name "
                                    f"(destinations: {', '.join(data['destinations'])})")
    defaults = {p.name: (int(p.default) if p.integer else p.default) for p in of_scope("corridor")}
    data["corridors"] = {
        o: {d: data["corridors"].get(o, {}).get(d, dict(defaults)) for d in data["destinations"]} for o in data["origins"]
    }
    for o, origin in data["origins"].items():
        for c, community in origin["communities"].items():
            if community["share_medium"] + community["share_high"] > 1.0 + 1e-9:
                raise ScenarioError(f"{where}: origins.{o}.communities.{c}: share_medium + share_high must be at most 1")
        if origin["selection_age_min"] > origin["selection_age_max"]:
            raise ScenarioError(f"{where}: origins.{o}: selection_age_min must not exceed selection_age_max")
        if sum(c["population_share"] for c in origin["communities"].values()) <= 0:
            raise ScenarioError(f"{where}: origins.{o}.communities: population_share must not all be 0")
    _check_dates(data, where)
    changes = _timeline(data, where)
    return Scenario(data=data, source=where, changes=changes)


def load_scenario(
    name_or_path: str | os.PathLike = "baseline",
    overrides: Mapping[str, Any] | Iterable[str] | None = None,
    source: str = "--set",
    **keywords: Any,
) -> Scenario:
    """Load, merge and validate a scenario.

    ``name_or_path``: a bundled scenario name (``"baseline"``) or a TOML file path.
    ``overrides``: dotted keys to set, as a mapping or as ``"key=value"`` strings (``*``
    matches every origin, destination, sector …); ``source`` names where they come from in
    messages (``"sweep.toml: overrides"``). ``keywords``: run keys (``persons=1000``),
    dotted keys, or a parameter name, which sets it for every entity of its scope
    (``readmission_cooperation=0.8`` sets it for every origin).
    Raises :class:`ScenarioError` with a message naming the file, key and allowed range.
    """
    path = resolve(name_or_path)
    raw = read_raw(path)
    items: list[tuple[str, Any]] = []
    if isinstance(overrides, Mapping):
        items = list(_flatten(overrides))  # nested tables ([overrides] in a sweep file) as dotted keys
    elif overrides is not None:
        for text in overrides:
            key, equals, value = text.partition("=")
            if not equals:
                raise ScenarioError(f"--set {text}: expected key=value")
            items.append((key.strip(), parse_value(value.strip())))
    for key, value in items:
        set_key(raw, key, value, source)
    keyword_overrides(raw, keywords)
    return build(raw, str(path))
