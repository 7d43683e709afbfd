"""The policy lab: a Solara page served by ``circsim lab``.

Choose a bundled scenario, set lever values (grouped as the Communication groups them), run the
scenario (A) and the variant (B: A with the levers changed) over the same seeds in the background,
and read the effects with 95 % intervals, the yearly series of both and the public cost per year.
The page's state is the variant as a scenario file (download it; ``circsim run`` accepts it).

Defaults come from the environment ``circsim lab`` sets: ``CIRCSIM_LAB_SCENARIO``,
``CIRCSIM_LAB_PERSONS``, ``CIRCSIM_LAB_YEARS``, ``CIRCSIM_LAB_SEEDS``.
"""

from __future__ import annotations

import html
import os
from dataclasses import dataclass

import solara
from solara.lab import task

from ..outputs import HEADLINE
from ..scenario import ScenarioError, load_scenario
from ..scenario.loader import bundled_names
from ..scenario.schema import MONTH
from .bench import KEY_INDICATORS, Comparison, compare
from .figures import plot_costs, plot_effects, plot_yearly
from .levers import GROUPS, LEVERS, check_levers, load_variant, question, value_at, variant_toml

SEEDS_LIMIT = 50


def _default(name: str, fallback=None):
    value = os.environ.get(f"CIRCSIM_LAB_{name}")
    return fallback if value in (None, "") else (value if name == "SCENARIO" else int(value))


scenario_name = solara.reactive(_default("SCENARIO", "baseline"))
changes = solara.reactive({})      # lever key -> value set on the page
persons = solara.reactive(_default("PERSONS"))
years = solara.reactive(_default("YEARS"))
seeds = solara.reactive(_default("SEEDS", 5))
start = solara.reactive("")        # the month the variant's levers take effect ('' : the first recorded month)
message = solara.reactive("")      # the last refused input
show_all = solara.reactive(False)
series_choice = solara.reactive("irregular_stock_end")


@dataclass
class Result:
    comparison: Comparison
    toml: str
    seeds: int


@task
def run_lab(name: str, levers: dict, n_persons: int, n_years: int, first: str, n_seeds: int) -> Result:
    text = variant_toml(name, levers, persons=n_persons, years=n_years, start=first or None, seeds=n_seeds)
    base = load_scenario(name, persons=n_persons, years=n_years)
    variant = load_variant(text)
    run_lab.progress = 0.0

    def progress(done: int, total: int) -> None:
        run_lab.progress = 100.0 * done / total

    return Result(compare(base, variant, range(n_seeds), progress=progress), text, n_seeds)


def _choose_scenario(name: str) -> None:
    scenario_name.set(name)
    changes.set({})
    start.set("")
    message.set("")
    persons.set(_default("PERSONS"))
    years.set(_default("YEARS"))


def _set_lever(key: str, value) -> None:
    try:
        checked = check_levers({key: value})
    except ScenarioError as exc:
        message.set(str(exc))
        return
    message.set("")
    changes.set({**changes.value, **checked})


@solara.component
def LeverInput(lever, current, changed: bool):
    p = lever.param
    value = f"{current:g}" if not isinstance(current, str) else current
    text = f"{lever.label} [{p.range_text}]: **{value}**" + (" (changed)" if changed else "")
    with solara.Column(gap="0px", classes=["lab-lever"]):
        if lever.widget == "switch":
            solara.Switch(label=f"{lever.label}" + (" (changed)" if changed else ""), value=bool(current),
                          on_value=lambda v: _set_lever(lever.key, int(v)))
            return
        solara.Markdown(text, style="font-size: 13px; margin-bottom: -12px")
        if lever.widget == "slider" and p.integer:
            solara.SliderInt("", value=int(current), min=int(p.lo), max=int(p.hi), step=1,
                             on_value=lambda v: _set_lever(lever.key, v))
        elif lever.widget == "slider":
            solara.SliderFloat("", value=float(current), min=p.lo, max=p.hi, step=lever.step,
                               on_value=lambda v: _set_lever(lever.key, round(v, 6)))
        else:
            solara.InputFloat(f"{p.unit}", value=float(current), on_value=lambda v: _set_lever(lever.key, v),
                              dense=True)


def _number(value: float) -> str:
    return "n/a" if value != value else f"{value:.6g}"


def effects_html(table, indicators) -> str:
    """The effect table: A, B, the paired effect B - A and its 95 % interval (rows whose interval excludes 0 in bold)."""
    rows = []
    for name in indicators:
        r = table.loc[name]
        strong = r["low"] > 0 or r["high"] < 0
        cells = [name, r["unit"], _number(r["a"]), _number(r["b"]), _number(r["mean"]), _number(r["low"]),
                 _number(r["high"])]
        tds = "".join(f"<td>{'<b>' if strong and i == 4 else ''}{html.escape(str(c))}{'</b>' if strong and i == 4 else ''}"
                      f"</td>" for i, c in enumerate(cells))
        rows.append(f'<tr data-indicator="{html.escape(name)}">{tds}</tr>')
    head = "".join(f"<th>{h}</th>" for h in ("indicator", "unit", "A", "B", "B − A", "95 % low", "95 % high"))
    style = ("<style>table.lab-effects td, table.lab-effects th {padding: 1px 8px; text-align: right} "
             "table.lab-effects td:first-child, table.lab-effects th:first-child {text-align: left} "
             "table.lab-effects tbody tr:nth-child(odd) {background: #f4f4f4}</style>")
    return (f'{style}<table class="lab-effects" style="border-collapse:collapse;font-size:13px">'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


@solara.component
def Results(result: Result):
    comparison = result.comparison
    name_a, name_b = comparison.names
    table = comparison.effects()
    shown = list(table.index) if show_all.value else KEY_INDICATORS
    with solara.Column(classes=["lab-results"]):
        solara.Markdown(f"### Effect of B ({name_b}) against A ({name_a})\n\n"
                        f"{result.seeds} seeds, the same for A and B (common random numbers); mean paired difference "
                        "B − A and its 95 % interval over seeds (bold: the interval excludes 0).")
        solara.Switch(label="all headline indicators", value=show_all)
        solara.HTML(unsafe_innerHTML=effects_html(table, shown))
        solara.FigureMatplotlib(plot_effects(table.loc[shown], f"{name_b} against {name_a}"), format="png")
        solara.Markdown("### Yearly series (mean over seeds, 95 % band)")
        solara.Select("indicator", values=list(HEADLINE), value=series_choice)
        solara.FigureMatplotlib(plot_yearly(comparison, ["irregular_stock_end", series_choice.value]
                                            if series_choice.value != "irregular_stock_end"
                                            else ["irregular_stock_end", "repeat_participation"]), format="png")
        cost = comparison.costs()
        solara.Markdown("### Public cost per year")
        if len(cost):
            rows = cost.rename(columns={"mean": "B − A", "low": "95 % low", "high": "95 % high"})
            solara.HTML(unsafe_innerHTML=rows[["a", "b", "B − A", "95 % low", "95 % high"]].to_html(
                float_format=lambda v: f"{v:,.0f}", classes="lab-costs"))
            solara.FigureMatplotlib(plot_costs(comparison), format="png")
        else:
            solara.Markdown("Neither scenario uses an instrument with a declared unit cost (`circsim.costs`).")


@solara.component
def Page():
    name = scenario_name.value
    base = solara.use_memo(lambda: load_scenario(name), [name])
    n_persons = persons.value or base.persons
    n_years = years.value or base.data["years"]
    first = start.value if MONTH.match(start.value or "") else base.data["start"]
    solara.Title("circsim policy lab")
    with solara.Columns([1, 2]):
        with solara.Column():
            solara.Markdown("## circsim policy lab")
            solara.Select("Scenario (A)", values=bundled_names(), value=name, on_value=_choose_scenario)
            solara.Markdown(f"*{question(name)}*")
            solara.InputInt("Agents (persons)", value=n_persons, on_value=persons.set)
            solara.InputInt("Years recorded", value=n_years, on_value=years.set)
            solara.InputInt(f"Seeds (1 to {SEEDS_LIMIT})", value=seeds.value,
                            on_value=lambda v: seeds.set(min(max(int(v), 1), SEEDS_LIMIT)))
            solara.InputText("Levers take effect from (YYYY-MM)", value=start.value or first, on_value=start.set)
            solara.Markdown("**Levers of the variant (B)** — each set for every origin, destination or corridor; "
                            "range: the parameter's declared range (`circsim params`).")
            for group in GROUPS:
                with solara.Details(summary=group, expand=group != GROUPS[1]):
                    for lever in (v for v in LEVERS if v.group == group):
                        try:
                            current = changes.value.get(lever.key, value_at(base, lever.key, first))
                        except ScenarioError:
                            continue  # the scenario has no entity of this lever's scope
                        LeverInput(lever, current, lever.key in changes.value)
            if message.value:
                solara.Error(message.value)
            changed = ", ".join(f"`{k} = {v:g}`" for k, v in changes.value.items()) or "none yet"
            solara.Markdown(f"Changed: {changed}")
            with solara.Row():
                solara.Button("Run A and B", color="primary", disabled=run_lab.pending,
                              on_click=lambda: run_lab(name, dict(changes.value), n_persons, n_years, start.value,
                                                       seeds.value))
                solara.Button("Reset levers", on_click=lambda: changes.set({}))
            try:
                text = variant_toml(name, changes.value, persons=n_persons, years=n_years, start=start.value or None,
                                    seeds=seeds.value)
                solara.FileDownload(text, filename=f"{name}_lab.toml", label="Download the variant (scenario TOML)")
            except ScenarioError as exc:
                solara.Error(str(exc))
        with solara.Column():
            if run_lab.pending:
                solara.Text(f"running A and B over {seeds.value} seeds ...")
                solara.ProgressLinear(run_lab.progress if run_lab.progress is not None else True)
            elif run_lab.error:
                solara.Error(f"the run failed: {run_lab.exception}")
            elif run_lab.finished and run_lab.value is not None:
                Results(run_lab.value)
            else:
                solara.Markdown("Set levers and press **Run A and B**.")
