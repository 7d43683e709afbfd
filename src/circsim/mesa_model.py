"""Mesa front end: the compiled engine as a ``mesa.Model``.

``CircSimModel`` wraps one :class:`circsim.Simulation` so that Mesa's tools work on it: a
``step()`` is one month, ``datacollector`` holds the headline series, ``running`` turns False
at the end of the scenario, and ``mesa.batch_run`` runs it over parameter grids::

    import mesa
    from circsim.mesa_model import CircSimModel

    model = CircSimModel("baseline", rng=1, persons=5000, years=5, readmission_cooperation=0.8)
    for _ in range(24):
        model.step()
    model.datacollector.get_model_vars_dataframe()

    rows = mesa.batch_run(CircSimModel, parameters={"persons": 2000, "years": 3,
                          "readmission_cooperation": [0.2, 0.8], "rng": [1, 2]},
                          max_steps=36, number_processes=1)

Mesa 3.3's ``batch_run`` has no ``rng`` argument of its own: put the seeds in ``parameters``
(as above), where each value makes one run. The persons are arrays, not Mesa agents (there
are millions of them); :meth:`CircSimModel.persons_frame` gives them as a DataFrame. The
object-per-agent model is :class:`circsim.reference.ReferenceModel`.
"""

from __future__ import annotations

from collections.abc import Iterable

import mesa
import numpy as np
import pandas as pd

from .engine import Simulation
from .scenario import Scenario, load_scenario
from .state import (CH_IRREGULAR, CH_SEASONAL, CHANNEL_NAMES, EXITED, IRREGULAR, PERSON_FIELDS, SEASONAL,
                    SEX_NAMES, SKILL_NAMES, STATUS_NAMES, TEMPORARY)

#: Model reporters of ``datacollector``: name -> (unit, description). Counts are real persons
#: (agents x scale) in the last month run; at step 0 that is the last burn-in month.
REPORTERS = {
    "month": ("YYYY-MM", "Calendar month of the values"),
    "seasonal_abroad": ("persons", "Seasonal workers abroad at the end of the month"),
    "temporary_abroad": ("persons", "Temporary workers abroad at the end of the month"),
    "irregular_abroad": ("persons", "Irregular persons abroad at the end of the month"),
    "seasonal_departures": ("persons/month", "Seasonal departures"),
    "irregular_entries": ("persons/month", "Irregular entries (departures on the irregular route)"),
    "returns": ("persons/month", "Returns home, all reasons"),
    "overstays": ("persons/month", "Allowed stays that ended in an overstay"),
    "vacancies_unfilled": ("positions/month", "Positions left unfilled at job start (shortage)"),
    "remittances": ("EUR/month", "Remittances received by the origin communities"),
    "circular_share": ("share", "Ever-migrants with two or more legal trips"),
}


def engine_seed(rng, seed, generator: np.random.Generator) -> int:
    """The engine's integer seed from Mesa's ``rng`` / ``seed`` arguments.

    An integer ``rng`` (or ``seed``) is used as it is, so ``CircSimModel(s, rng=7)`` runs the
    same as ``Simulation(s, 7)``; anything else (a Generator, a SeedSequence, None) draws the
    seed from the model's generator (deterministic unless that came from OS entropy).
    """
    for value in (rng, seed):
        if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
            return int(value)
    return int(generator.integers(0, 2**31 - 1))


class CircSimModel(mesa.Model):
    """The circsim engine as a Mesa model; one ``step()`` is one month.

    ``scenario``: a :class:`~circsim.Scenario`, a bundled name or a path. ``rng`` / ``seed``:
    as for ``mesa.Model`` (give one); see :func:`engine_seed`. Other keywords (``kwargs``, the
    name Mesa's visualisation looks for) are scenario overrides, as for
    :func:`circsim.load_scenario` (``persons=2000``,
    ``readmission_cooperation=0.8`` for every origin, dotted keys through ``**{...}``).
    The burn-in is run at construction, so step 1 is the scenario's first recorded month.
    Attributes: ``scenario``, ``simulation`` (the engine), ``engine_seed``, ``datacollector``.
    """

    def __init__(self, scenario: Scenario | str = "baseline", *, rng=None, seed=None, **kwargs):
        super().__init__(rng=rng, seed=seed)
        if isinstance(scenario, Scenario):
            self.scenario = scenario.replace(**kwargs) if kwargs else scenario
        else:
            self.scenario = load_scenario(scenario, **kwargs)
        self.engine_seed = engine_seed(rng, seed, self.rng)
        self.simulation = Simulation(self.scenario, self.engine_seed)
        self.simulation.advance(self.scenario.burn_in_months)
        self.datacollector = mesa.DataCollector(model_reporters={name: name for name in REPORTERS})
        self.running = not self.simulation.done
        self.datacollector.collect(self)

    def step(self) -> None:
        """Run one month of the engine and collect the reporters."""
        if self.simulation.done:
            self.running = False
            return
        self.simulation.step()
        self.running = not self.simulation.done
        self.datacollector.collect(self)

    # --- outputs ------------------------------------------------------------------------
    def dataset(self):
        """The recorded months run so far as the engine's ``xarray.Dataset``."""
        return self.simulation.dataset()

    def _last(self, name: str) -> np.ndarray | None:
        """Record ``name`` of the last month run (agent counts), or None before any month."""
        t = self.simulation.t
        return getattr(self.simulation.records, name)[t - 1] if t > 0 else None

    def _persons(self, name: str, index=Ellipsis) -> float:
        values = self._last(name)
        return 0.0 if values is None else float(values[index].sum()) * self.scenario.scale

    @property
    def month(self) -> str | None:
        t = self.simulation.t
        if t == 0:
            return None
        index = self.scenario.start_index + t - 1
        return f"{index // 12:04d}-{index % 12 + 1:02d}"

    @property
    def seasonal_abroad(self) -> float:
        return self._persons("stock", SEASONAL)

    @property
    def temporary_abroad(self) -> float:
        return self._persons("stock", TEMPORARY)

    @property
    def irregular_abroad(self) -> float:
        return self._persons("stock", IRREGULAR)

    @property
    def seasonal_departures(self) -> float:
        return self._persons("departures", CH_SEASONAL)

    @property
    def irregular_entries(self) -> float:
        return self._persons("departures", CH_IRREGULAR)

    @property
    def returns(self) -> float:
        return self._persons("returns")

    @property
    def overstays(self) -> float:
        return self._persons("overstays")

    @property
    def vacancies_unfilled(self) -> float:
        return self._persons("unfilled")

    @property
    def remittances(self) -> float:
        return self._persons("remittances")

    @property
    def circular_share(self) -> float:
        ever, circular = self._last("ever_migrants"), self._last("circular_migrants")
        if ever is None or ever.sum() == 0:
            return float("nan")
        return float(circular.sum() / ever.sum())

    # --- persons --------------------------------------------------------------------------
    def persons_frame(self, status: str | int | Iterable[str | int] | None = None) -> pd.DataFrame:
        """The persons now, one row each, built from the engine's arrays.

        Columns as ``state.PERSON_FIELDS``, with ``status``, ``community``, ``destination``,
        ``sector``, ``channel``, ``sex`` and ``skill`` as named categories (missing: NaN), and
        ``origin`` added; months are run months from the first burn-in month. The index is the
        person's slot. ``status``: a status name or code, or several; ``None`` gives everyone in
        the working-age population (free slots, status ``exited``, only when asked for).
        """
        p = self.simulation.persons
        s = self.scenario
        codes = [code for code in range(len(STATUS_NAMES)) if code != EXITED] if status is None else _status_codes(status)
        keep = np.flatnonzero(np.isin(p.status, codes))
        frame = pd.DataFrame({name: getattr(p, name)[keep] for name in PERSON_FIELDS}, index=pd.Index(keep, name="slot"))
        communities = [name for _, name in s.communities]
        comm_origin = np.array([o for o, _ in s.communities])
        frame.insert(frame.columns.get_loc("community"), "origin",
                     pd.Categorical.from_codes(comm_origin[frame["community"].to_numpy()], s.origins))
        named = {"status": STATUS_NAMES, "community": communities, "destination": s.destinations, "sector": s.sectors,
                 "channel": CHANNEL_NAMES, "sex": SEX_NAMES, "skill": SKILL_NAMES}
        for column, names in named.items():
            frame[column] = pd.Categorical.from_codes(frame[column].to_numpy().astype(np.int64), names)
        return frame


def _status_codes(status) -> list[int]:
    """Status codes of a name, a code, or an iterable of them; ValueError for an unknown one."""
    items = [status] if isinstance(status, (str, int, np.integer)) else list(status)
    codes = []
    for item in items:
        if isinstance(item, str) and item in STATUS_NAMES:
            codes.append(STATUS_NAMES.index(item))
        elif isinstance(item, (int, np.integer)) and 0 <= item < len(STATUS_NAMES):
            codes.append(int(item))
        else:
            raise ValueError(f"status {item!r}: unknown (one of {', '.join(STATUS_NAMES)}, or its code)")
    return codes


#: The levers of the SolaraViz page: name -> (Solara input type, min, max, step, label).
PAGE_LEVERS = {
    "seasonal_permit_years": ("SliderInt", 1, 5, 1, "Seasonal permit validity, years (all corridors)"),
    "readmission_cooperation": ("SliderFloat", 0.0, 1.0, 0.05, "Readmission cooperation (all origins)"),
    "matching_efficiency": ("SliderFloat", 0.0, 1.0, 0.05, "Job-matching efficiency (all origins)"),
    "allowed_absence_months": ("SliderInt", 1, 48, 1, "Allowed absence of long-term residents, months (all destinations)"),
    "information_campaign": ("SliderFloat", 0.0, 1.0, 0.05, "Information campaigns (all origins)"),
}


def make_page(scenario: Scenario | str = "baseline", *, rng: int = 1, **kwargs):
    """A Mesa ``SolaraViz`` page for notebooks: levers as sliders, stocks and flows as plots.

    ``scenario``, ``rng`` and ``kwargs`` (fixed overrides, e.g. ``persons=5000``) set the
    model; the sliders start at the scenario's values (first origin, destination, corridor) and,
    when moved, set the lever for every origin, destination or corridor (press Reset to rebuild
    the model).
    Returns the ``SolaraViz`` element: display it as a notebook cell's last expression. Needs
    the ``solara`` package.
    """
    from mesa.visualization import SolaraViz, make_plot_component

    base = scenario if isinstance(scenario, Scenario) else load_scenario(scenario, **kwargs)
    first_origin = base.data["origins"][base.origins[0]]
    first_destination = base.data["destinations"][base.destinations[0]]
    first_corridor = base.data["corridors"][base.origins[0]][base.destinations[0]]
    start = {name: {**first_origin, **first_destination, **first_corridor}[name] for name in PAGE_LEVERS}
    params = {"scenario": base, "rng": rng}
    for name, (kind, lo, hi, step, label) in PAGE_LEVERS.items():
        params[name] = {"type": kind, "value": start[name], "min": lo, "max": hi, "step": step, "label": label}
    model = CircSimModel(base, rng=rng, **start)
    plots = [
        make_plot_component({"seasonal_abroad": "tab:green", "temporary_abroad": "tab:blue",
                             "irregular_abroad": "tab:red"}),
        make_plot_component({"seasonal_departures": "tab:green", "irregular_entries": "tab:red",
                             "returns": "tab:gray", "overstays": "tab:orange"}),
        make_plot_component("vacancies_unfilled"),
        make_plot_component("circular_share"),
    ]
    return SolaraViz(model, components=plots, model_params=params, name=f"circsim: {base.name}")
