"""The policy levers of the lab, grouped as the Communication groups them, and the variant scenario file.

Each lever is a declared parameter set for every origin, destination or corridor at once
(``origins.*.readmission_cooperation``); its bounds are the parameter's declared range
(``circsim params``). A variant is the chosen bundled scenario with some levers changed from a
month on: :func:`variant_toml` writes it as a scenario file that ``circsim run`` accepts.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from ..scenario import BY_NAME, Param, Scenario, ScenarioError, load_scenario
from ..scenario.loader import BUNDLED, _flatten, month_index
from ..scenario.schema import MONTH


@dataclass(frozen=True)
class Lever:
    key: str      # dotted key with '*': every entity of the parameter's scope
    group: str    # the Communication's group (docs/POLICIES.md)
    label: str

    @property
    def param(self) -> Param:
        return BY_NAME[self.key.rsplit(".", 1)[1]]

    @property
    def widget(self) -> str:
        """``switch`` (a 0/1 flag), ``slider`` (a short range) or ``number`` (money, persons: wide ranges)."""
        p = self.param
        if p.integer and (p.lo, p.hi) == (0, 1):
            return "switch"
        return "slider" if p.hi - p.lo <= 120 else "number"

    @property
    def step(self) -> float:
        p = self.param
        return 1 if p.integer else (p.hi - p.lo) / 100


THIRD_COUNTRY = "A. Commitments of the third country"
EU = "B. Commitments of the EU and Member States"
CIRCULARITY = "C. Legislative instruments for circularity"
GROUPS = (THIRD_COUNTRY, EU, CIRCULARITY)

LEVERS: list[Lever] = [
    Lever("origins.*.readmission_cooperation", THIRD_COUNTRY, "Readmission cooperation"),
    Lever("origins.*.information_campaign", THIRD_COUNTRY, "Information campaigns (coverage)"),
    Lever("origins.*.border_control", THIRD_COUNTRY, "Border control (interception)"),
    Lever("origins.*.travel_document_security", THIRD_COUNTRY, "Travel-document security"),
    Lever("origins.*.anti_smuggling", THIRD_COUNTRY, "Anti-smuggling action"),
    Lever("corridors.*.*.quota_seasonal", EU, "Seasonal quota per corridor (persons/year)"),
    Lever("corridors.*.*.visa_fee", EU, "Visa fee (EUR)"),
    Lever("origins.*.matching_efficiency", EU, "Job-matching efficiency"),
    Lever("origins.*.labour_market_information", EU, "Labour-market information"),
    Lever("origins.*.predeparture_training", EU, "Pre-departure training (coverage)"),
    Lever("destinations.*.inspection_rate", EU, "Labour inspections (share of employers a year)"),
    Lever("corridors.*.*.consular_hours", EU, "Consular opening hours (x standard)"),
    Lever("origins.*.common_visa_centre", EU, "Common visa application centre"),
    Lever("corridors.*.*.fee_exemption", EU, "Visa fee exemption (share)"),
    Lever("corridors.*.*.multiple_entry_visa_years", EU, "Multiple-entry visas (years)"),
    Lever("corridors.*.*.facilitation_agreement", EU, "Visa facilitation agreement"),
    Lever("origins.*.reintegration_support", EU, "Reintegration support (coverage)"),
    Lever("origins.*.return_bonus", EU, "Return bonus (EUR)"),
    Lever("origins.*.ethical_recruitment_cap", EU, "Ethical recruitment cap (share of the skilled a year)"),
    Lever("origins.*.skilled_return_bonus", EU, "Return bonus for the skilled (EUR)"),
    Lever("origins.*.skills_transfer", EU, "Skills-transfer programme"),
    Lever("corridors.*.*.facilitated_readmission", EU, "Facilitated re-admission of former residents"),
    Lever("corridors.*.*.seasonal_permit_years", CIRCULARITY, "Seasonal permit validity (years)"),
    Lever("corridors.*.*.rehire_priority", CIRCULARITY, "Rehire priority for former workers"),
    Lever("destinations.*.allowed_absence_months", CIRCULARITY, "Allowed absence of long-term residents (months)"),
    Lever("destinations.*.ltr_years", CIRCULARITY, "Years to long-term resident status"),
    Lever("corridors.*.*.free_access_years", CIRCULARITY, "Free labour-market access after (years; 0: none)"),
]
BY_KEY = {lever.key: lever for lever in LEVERS}


def _matches(lever_key: str, concrete_key: str) -> bool:
    """Whether a concrete dotted key (``origins.Morocco.x``) is one of the entities a lever sets."""
    a, b = lever_key.split("."), concrete_key.split(".")
    return len(a) == len(b) and all(x in ("*", y) for x, y in zip(a, b))


def value_at(scenario: Scenario, key: str, month: str | None = None) -> Any:
    """The value a lever has in ``scenario`` for its first entity, in ``month`` (default: the first recorded month),
    after the scenario's timeline changes up to that month."""
    from ..scenario import resolve_key

    path = resolve_key(scenario.data, key, key)[1][0]
    value: Any = scenario.data
    for part in path:
        value = value[part]
    concrete = ".".join(path)
    upto = month_index(month or scenario.data["start"]) - scenario.start_index
    for m, k, v in scenario.changes:
        if m <= upto and k == concrete:
            value = v
    return value


def question(name: str) -> str:
    """The research question a bundled scenario opens with (its first comment lines)."""
    lines = []
    for line in (BUNDLED / f"{name}.toml").read_text().splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("# "))
    return " ".join(lines)


def check_levers(changes: Mapping[str, Any]) -> dict[str, float | int]:
    """``changes`` (lever key -> value) checked against each parameter's declared range, as numbers of its type.

    Raises ScenarioError naming the key and the allowed range.
    """
    out: dict[str, float | int] = {}
    for key, value in changes.items():
        lever = BY_KEY.get(key)
        if lever is None:
            raise ScenarioError(f"{key}: not a lever of the lab (levers: {', '.join(BY_KEY)})")
        p = lever.param
        kind = "an integer" if p.integer else "a number"
        ok = not isinstance(value, bool) and isinstance(value, (int, float)) and p.lo <= value <= p.hi
        if ok and p.integer and value != int(value):
            ok = False
        if not ok:
            raise ScenarioError(f"{key} = {value!r}: must be {kind} from {p.range_text} {p.unit}")
        out[key] = int(value) if p.integer else float(value)
    return out


def _toml_value(value: float | int) -> str:
    return str(value) if isinstance(value, int) else repr(float(value))


def variant_toml(base: str, changes: Mapping[str, Any], *, persons: int, years: int, start: str | None = None,
                 seeds: int = 5) -> str:
    """A scenario file: bundled scenario ``base`` run with ``persons`` agents over ``years`` recorded years, with the
    levers in ``changes`` held at their values from month ``start`` (``YYYY-MM``; default: the scenario's first
    recorded month) to the end. ``seeds``: only for the commands written in its comments.

    The levers are set in a ``[[timeline]]`` entry at ``start`` and again at every later month at which the
    base scenario's own timeline changes one of them, so the variant's values hold throughout.
    """
    changes = check_levers(changes)
    s = load_scenario(base, persons=persons, years=years)
    start = start or s.data["start"]
    if not MONTH.match(start):
        raise ScenarioError(f"start = {start!r}: must be a month 'YYYY-MM'")
    later: dict[str, list[str]] = {}   # month -> levers the base scenario's timeline changes then
    for entry in s.data["timeline"]:
        at = str(entry.get("at"))
        keys = [k for k, _ in _flatten({k: v for k, v in entry.items() if k != "at"})]
        for key in changes:
            if month_index(at) > month_index(start) and any(_matches(key, k) for k in keys):
                later.setdefault(at, [])
                if key not in later[at]:
                    later[at].append(key)
    what = ", ".join(f"{k} = {_toml_value(v)}" for k, v in changes.items()) or "no lever changed"
    lines = [f"# circsim lab: {base} with levers changed from {start}.",
             f"# Run:     circsim run THIS.toml --seeds {seeds}",
             f"# Compare: circsim compare {base} THIS.toml --seeds {seeds} --persons {persons} --years {years}",
             f'extends = "{base}"', f'name = "{base}_lab"', f'description = "{base} + {what}"',
             f"persons = {persons}", f"years = {years}"]
    if changes:
        lines += ["", "[[timeline]]", f'at = "{start}"'] + [f'"{k}" = {_toml_value(v)}' for k, v in changes.items()]
    for at in sorted(later, key=month_index):
        lines += ["", f"[[timeline]]   # {base}'s own timeline changes these levers here: the variant holds its values",
                  f'at = "{at}"'] + [f'"{k}" = {_toml_value(changes[k])}' for k in later[at]]
    return "\n".join(lines) + "\n"


def load_variant(text: str) -> Scenario:
    """The scenario a :func:`variant_toml` text describes (validated as ``circsim run`` would)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "variant.toml"
        path.write_text(text)
        return load_scenario(path)
