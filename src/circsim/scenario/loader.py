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
from .params import BY_NAME, RUN_KEYS, of_scope
from .schema import MONTH, ScenarioModel, check_value

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


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: malformed TOML: {exc}") from None
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read: {exc.strerror}") from None


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
    raw = _read_toml(path)
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
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text


def _targets(raw: dict, key: str) -> list[list[str]]:
    """The concrete paths a dotted key names, expanding ``*`` over existing tables."""
    parts = key.split(".")
    paths: list[list[str]] = [[]]
    for i, part in enumerate(parts):
        if part != "*":
            paths = [p + [part] for p in paths]
            continue
        expanded = []
        for p in paths:
            table: Any = raw
            for q in p:
                table = table.get(q, {}) if isinstance(table, dict) else {}
            names = list(table) if isinstance(table, dict) else []
            if p == ["corridors"]:
                names = list(raw.get("origins", {}))
            elif len(p) == 2 and p[0] == "corridors":
                names = list(raw.get("destinations", {}))
            expanded += [p + [n] for n in names]
        paths = expanded
    return paths


def set_dotted(raw: dict, key: str, value: Any) -> None:
    """Set ``value`` at the dotted ``key`` of ``raw`` (``*`` matches every table there)."""
    for path in _targets(raw, key):
        table = raw
        for part in path[:-1]:
            table = table.setdefault(part, {})
            if not isinstance(table, dict):
                raise ScenarioError(f"--set {key}: {part} is a value, not a table")
        table[path[-1]] = value


def keyword_overrides(raw: dict, overrides: Mapping[str, Any]) -> None:
    """Apply Python keyword overrides: run keys, dotted keys, or a parameter name for all entities."""
    for key, value in overrides.items():
        if key in RUN_KEYS or "." in key:
            set_dotted(raw, key, value)
            continue
        p = BY_NAME.get(key)
        if p is None:
            raise ScenarioError(f"override {key}: unknown parameter (see `circsim params`)")
        pattern = {
            "behaviour": "behaviour.{}",
            "origin": "origins.*.{}",
            "community": "origins.*.communities.*.{}",
            "destination": "destinations.*.{}",
            "market": "destinations.*.sectors.*.{}",
            "corridor": "corridors.*.*.{}",
        }[p.scope]
        set_dotted(raw, pattern.format(key), value)


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


def _param_of_path(data: dict, path: list[str]):
    """The declared parameter a concrete path addresses, or None."""
    shapes = {
        ("behaviour", 2): "behaviour",
        ("origins", 3): "origin",
        ("origins", 5): "community",
        ("destinations", 3): "destination",
        ("destinations", 5): "market",
        ("corridors", 4): "corridor",
    }
    scope = shapes.get((path[0], len(path)))
    p = BY_NAME.get(path[-1])
    if scope is None or p is None or p.scope != scope:
        return None
    table: Any = data
    for part in path[:-1]:
        if not isinstance(table, dict) or part not in table:
            return None
        table = table[part]
    return p


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
            paths = _targets(data, key)
            if not paths:
                raise ScenarioError(f"{where}: timeline[{i}].{key}: matches nothing")
            for path in paths:
                p = _param_of_path(data, path)
                if p is None:
                    raise ScenarioError(f"{where}: timeline[{i}].{key}: not a parameter of an existing origin, "
                                        "community, destination, sector or corridor")
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
    changes = _timeline(data, where)
    return Scenario(data=data, source=where, changes=changes)


def load_scenario(
    name_or_path: str | os.PathLike = "baseline",
    overrides: Mapping[str, Any] | Iterable[str] | None = None,
    **keywords: Any,
) -> Scenario:
    """Load, merge and validate a scenario.

    ``name_or_path``: a bundled scenario name (``"baseline"``) or a TOML file path.
    ``overrides``: dotted keys to set, as a mapping or as ``"key=value"`` strings (``*``
    matches every origin, destination, sector …). ``keywords``: run keys (``persons=1000``),
    dotted keys, or a parameter name, which sets it for every entity of its scope
    (``readmission_cooperation=0.8`` sets it for every origin).
    Raises :class:`ScenarioError` with a message naming the file, key and allowed range.
    """
    path = resolve(name_or_path)
    raw = read_raw(path)
    items: list[tuple[str, Any]] = []
    if isinstance(overrides, Mapping):
        items = list(overrides.items())
    elif overrides is not None:
        for text in overrides:
            if "=" not in text:
                raise ScenarioError(f"--set {text}: expected key=value")
            key, value = text.split("=", 1)
            items.append((key.strip(), parse_value(value.strip())))
    for key, value in items:
        if not _targets(raw, key):
            raise ScenarioError(f"--set {key}: matches nothing in {path}")
        set_dotted(raw, key, value)
    keyword_overrides(raw, keywords)
    return build(raw, str(path))
