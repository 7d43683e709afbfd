"""Public costs of the instruments, computed after a run from what the run recorded.

Each instrument that costs public money has a declared unit cost (:data:`UNIT_COSTS`, one
place, like ``scenario/params.py``): its default, the range a user may set, the unit, what
one unit is (the *basis*: which recorded output counts the units), where the figure comes
from (a source, or a stated range when no single published figure exists) and who pays by
default (``eu``, ``member_state`` — the destination —, or ``origin``).

Costs are computed post hoc from a run's dataset, never inside the kernels: the number of
units of each instrument is read from a recorded output (``returns``, ``trained``,
``returns_enforced`` …), multiplied, month by month, by the instrument's parameter as the
scenario's timeline sets it (coverage, bonus) and by the unit cost::

    ds = circsim.run(scenario, seed=1)
    table = circsim.costs.costs(ds)               # EUR by year x instrument, payer as coordinate
    circsim.costs.cost_indicators(ds)             # {'cost_total': EUR/year, 'cost_enforced_return': ...}

The indicators (:data:`COST_INDICATORS`, EUR per recorded year) can be used like headline
indicators: as objectives and constraints of ``circsim optimise``.

Instruments whose cost cannot be computed from the records yet are listed in
:data:`NOT_COMPUTED` with the reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Mapping

import numpy as np
import xarray as xr

from .scenario import ScenarioError

PAYERS = ("eu", "member_state", "origin")


@dataclass(frozen=True)
class UnitCost:
    """The declared unit cost of one instrument."""

    name: str          # the cost's name (``cost_<name>`` is its indicator)
    instrument: str    # the parameter (policy lever) it prices
    default: float
    lo: float
    hi: float
    unit: str
    basis: str         # what one unit is, and which record counts the units
    source: str
    payer: str = "member_state"

    @property
    def range_text(self) -> str:
        return f"{self.lo:g} to {self.hi:g}"


STATED = "stated range (assumption, no single published figure); set your own in the config's [costs] table"

UNIT_COSTS: list[UnitCost] = [
    UnitCost("return_bonus", "return_bonus", 1.0, 1.0, 2.0, "EUR per EUR of bonus",
             "bonus paid per voluntary return: returns (reason voluntary) x the origin's return_bonus; "
             "above 1 adds the cost of administering the payment",
             "the bonus itself is the scenario's return_bonus (EUR); administration share: " + STATED, "member_state"),
    UnitCost("reintegration_support", "reintegration_support", 2000.0, 500.0, 10000.0, "EUR per supported returnee",
             "supported returnees: returns (reasons voluntary and enforced) x the origin's reintegration_support coverage",
             "of the order of the reintegration assistance of assisted voluntary return programmes; " + STATED, "eu"),
    UnitCost("predeparture_training", "predeparture_training", 500.0, 100.0, 5000.0, "EUR per trainee",
             "departing legal migrants trained before departure (record trained)", STATED, "eu"),
    UnitCost("information_campaign", "information_campaign", 0.5, 0.05, 10.0, "EUR per covered person per year",
             "covered persons: persons at home in the origin (stock of home, returnee, applicant, approved) x the "
             "origin's information_campaign coverage, per year", STATED, "eu"),
    UnitCost("skills_transfer", "skills_transfer", 1500.0, 200.0, 10000.0, "EUR per upgraded returnee",
             "returnees moved up a skill level by a skills-transfer programme (record skill_upgrades)", STATED, "eu"),
    UnitCost("enforced_return", "readmission_cooperation", 4000.0, 1000.0, 20000.0, "EUR per enforced return",
             "return decisions carried out (record returns_enforced): escort, travel, detention",
             "wide: scheduled flight to escorted charter; " + STATED, "member_state"),
    UnitCost("consular_processing", "consular_capacity", 80.0, 10.0, 500.0, "EUR per decided application",
             "applications decided (records approvals + refusals)",
             "the Schengen visa fee, set to cover processing: EUR 80 (Regulation (EC) 810/2009 as amended by "
             "Regulation (EU) 2019/1155; EUR 90 from June 2024); fees collected are not subtracted", "member_state"),
]
BY_NAME = {c.name: c for c in UNIT_COSTS}

#: instruments whose cost needs something the run does not record yet
NOT_COMPUTED = {
    "skilled_return_bonus": "voluntary returns are not recorded by skill, so the bonus paid to the skilled is unknown",
    "fee_exemption": "exempted applications are not recorded, so the fees forgone are unknown",
    "anti_smuggling": "an intensity without a recorded activity (operations, cases): a programme budget, not a unit cost",
    "travel_document_security": "no record of documents checked",
    "labour_market_information": "no record of persons reached",
    "common_visa_centre": "a fixed cost of running a centre; no record of its operation beyond the pooled capacity",
    "consular_hours": "extra opening hours: the decisions they allow are priced by consular_processing, not the hours",
}

#: cost indicator -> (unit, description): ``cost_total``, one per instrument and one per payer
COST_INDICATORS = {"cost_total": ("EUR/year", "Public cost of all priced instruments per recorded year")}
COST_INDICATORS.update({f"cost_{c.name}": ("EUR/year", f"Public cost per recorded year: {c.basis}")
                        for c in UNIT_COSTS})
COST_INDICATORS.update({f"cost_payer_{p}": ("EUR/year", f"Public cost per recorded year paid by {p}") for p in PAYERS})


def check_costs(unit_costs: Mapping[str, float] | None, payers: Mapping[str, str] | None,
                where: str = "costs") -> tuple[dict[str, float], dict[str, str]]:
    """Unit costs and payers with defaults filled in; ScenarioError naming ``where``, the key and the range."""
    unit_costs, payers = dict(unit_costs or {}), dict(payers or {})
    values = {c.name: c.default for c in UNIT_COSTS}
    for key, value in unit_costs.items():
        c = BY_NAME.get(key)
        if c is None:
            raise ScenarioError(f"{where}: unit_costs.{key}: unknown cost (known: {', '.join(BY_NAME)})")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not c.lo <= value <= c.hi:
            raise ScenarioError(f"{where}: unit_costs.{key} = {value!r}: must be a number from {c.range_text} {c.unit}")
        values[key] = float(value)
    who = {c.name: c.payer for c in UNIT_COSTS}
    for key, value in payers.items():
        if key not in BY_NAME:
            raise ScenarioError(f"{where}: payers.{key}: unknown cost (known: {', '.join(BY_NAME)})")
        if value not in PAYERS:
            raise ScenarioError(f"{where}: payers.{key} = {value!r}: must be one of {', '.join(PAYERS)}")
        who[key] = value
    return values, who


def _parameters(ds: xr.Dataset):
    """The scenario's origin-scope parameters as ``[recorded month, origin]`` arrays (timeline applied)."""
    from .scenario.loader import build
    from .scenario.pack import pack

    s = build(json.loads(ds.attrs["scenario"]), "dataset")
    first = s.burn_in_months
    origin = pack(s).origin
    return lambda name: getattr(origin, name)[first:first + ds.sizes["time"]]


def units(ds: xr.Dataset) -> xr.Dataset:
    """Units of each priced instrument per month and origin (persons, or EUR for the bonus).

    ``ds``: one run's dataset (counts already in real persons). Returns a Dataset with one
    ``[time, origin]`` variable per entry of :data:`UNIT_COSTS`.
    """
    param = _parameters(ds)
    by_origin = lambda da: da.sum([d for d in da.dims if d not in ("time", "origin")]).transpose("time", "origin")  # noqa: E731
    coverage = lambda name: xr.DataArray(param(name), dims=("time", "origin"), coords={"time": ds.time, "origin": ds.origin})  # noqa: E731
    at_home = ds.stock.sel(status=["home", "returnee", "applicant", "approved"], destination="none")
    out = {
        "return_bonus": by_origin(ds.returns.sel(reason="voluntary")) * coverage("return_bonus"),
        "reintegration_support": by_origin(ds.returns.sel(reason=["voluntary", "enforced"])) * coverage("reintegration_support"),
        "predeparture_training": by_origin(ds.trained),
        "information_campaign": by_origin(at_home) * coverage("information_campaign") / 12.0,
        "skills_transfer": by_origin(ds.skill_upgrades),
        "enforced_return": by_origin(ds.returns_enforced),
        "consular_processing": by_origin(ds.approvals + ds.refusals),
    }
    return xr.Dataset({k: v.drop_vars([c for c in v.coords if c not in ("time", "origin")]) for k, v in out.items()})


def costs(ds: xr.Dataset, unit_costs: Mapping[str, float] | None = None,
          payers: Mapping[str, str] | None = None) -> xr.DataArray:
    """Public cost in EUR by calendar year and instrument (payer as a coordinate of ``instrument``).

    ``unit_costs``: unit costs replacing the defaults (name -> value, see :data:`UNIT_COSTS`);
    ``payers``: who pays each (name -> ``eu`` / ``member_state`` / ``origin``).
    """
    values, who = check_costs(unit_costs, payers)
    u = units(ds)
    rows = [(u[c.name].sum("origin") * values[c.name]).groupby("time.year").sum() for c in UNIT_COSTS]
    out = xr.concat(rows, dim="instrument").assign_coords(
        instrument=[c.name for c in UNIT_COSTS], payer=("instrument", [who[c.name] for c in UNIT_COSTS]))
    return out.rename("cost").assign_attrs(units="EUR", description="Public cost by calendar year and instrument")


def by_payer(table: xr.DataArray) -> xr.DataArray:
    """The cost table of :func:`costs` summed by payer (EUR by year and payer)."""
    return table.groupby("payer").sum("instrument").reindex(payer=list(PAYERS), fill_value=0.0)


def cost_indicators(ds: xr.Dataset, unit_costs: Mapping[str, float] | None = None,
                    payers: Mapping[str, str] | None = None) -> dict[str, float]:
    """The cost indicators of :data:`COST_INDICATORS` (EUR per recorded year) of one run's dataset."""
    table = costs(ds, unit_costs, payers)
    years = ds.sizes["time"] / 12.0
    if years <= 0:
        return dict.fromkeys(COST_INDICATORS, float("nan"))
    per = {f"cost_{name}": float(table.sel(instrument=name).sum()) / years for name in table.instrument.values}
    pay = by_payer(table)
    per.update({f"cost_payer_{p}": float(pay.sel(payer=p).sum()) / years for p in PAYERS})
    per["cost_total"] = float(table.sum()) / years
    return {k: per[k] for k in COST_INDICATORS}


def markdown_table() -> str:
    """The unit-cost table for the documentation."""
    lines = ["| cost | instrument | default | range | unit | payer | basis | source |", "|---|---|---|---|---|---|---|---|"]
    for c in UNIT_COSTS:
        lines.append(f"| `{c.name}` | `{c.instrument}` | {c.default:g} | {c.range_text} | {c.unit} | {c.payer} | "
                     f"{c.basis} | {c.source} |")
    return "\n".join(lines)
