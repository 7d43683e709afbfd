"""The ``circsim`` command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer
from typer.core import TyperGroup

try:  # recent typer carries its own copy of click
    from typer._click import exceptions as click_errors
except ImportError:
    from click import exceptions as click_errors

from .scenario import ScenarioError


def _error(message: str) -> None:
    """Each line of ``message`` as ``error: ...`` on stderr (bytes a terminal cannot show escaped)."""
    for line in message.splitlines() or [""]:
        typer.echo(f"error: {line}".encode("utf-8", "backslashreplace").decode("utf-8"), err=True)


class Commands(TyperGroup):
    """circsim's commands. Bad input — a ScenarioError, or an option click refuses — ends in
    ``error: ...`` on stderr, one line per problem, and exit status 2: never a traceback."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click_errors.NoArgsIsHelpError as exc:
            exc.show()
            code = exc.exit_code
        except click_errors.ClickException as exc:
            ctx = getattr(exc, "ctx", None)
            _error(exc.format_message() + (f" (see `{ctx.command_path} --help`)" if ctx else ""))
            code = exc.exit_code
        except ScenarioError as exc:
            _error(str(exc))
            code = 2
        except typer.Abort:
            _error("aborted")
            code = 1
        code = code if isinstance(code, int) else 0
        if standalone_mode:
            sys.exit(code)
        return code


app = typer.Typer(cls=Commands, add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Agent-based simulation of circular migration under EU mobility partnerships.")


def main(argv: Optional[List[str]] = None) -> int:
    """Run the command line with ``argv`` (default: the process's arguments); returns the exit status."""
    return typer.main.get_command(app).main(argv, prog_name="circsim", standalone_mode=False)


def _compile_notice() -> None:
    """Say so before the kernels are compiled (first run after installing or changing the engine)."""
    from . import _cache

    if _cache.is_cold():
        typer.echo(f"compiling simulation kernels, first run only, about {_cache.COMPILE_MINUTES} minutes "
                   f"(cached in {_cache.CACHE_DIR})", err=True)


@app.command()
def run(
    scenario: str = typer.Argument("baseline", help="Bundled scenario name or path to a TOML file"),
    seed: int = typer.Option(0, help="Seed of the first run"),
    seeds: int = typer.Option(1, min=1, help="Number of runs (seeds seed, seed+1, ...)"),
    persons: Optional[int] = typer.Option(None, help="Number of person agents (keeps the population: changes scale)"),
    years: Optional[int] = typer.Option(None, help="Years to record"),
    set_: List[str] = typer.Option([], "--set", help="Override a dotted key: --set origins.Morocco.border_control=0.4"),
    out: Optional[Path] = typer.Option(None, help="Write the outputs (all seeds, 'seed' dimension) to this NetCDF file"),
    figure: Optional[Path] = typer.Option(None, help="Write a PNG figure of the main stocks and flows"),
    summary: Optional[Path] = typer.Option(None, help="Write the headline table (CSV)"),
    progress: bool = typer.Option(True, help="Show a progress bar over months"),
):
    """Run a scenario over one or more seeds; print headline indicators with 95 % intervals."""
    import xarray as xr

    from . import load_scenario
    from .engine import Simulation
    from .outputs import HEADLINE, headline_of, summarise, write_netcdf
    from .plotting import FIGURE_SUFFIXES
    from .scenario.limits import check_seeds
    from .writing import OutputFiles

    run_seeds = check_seeds(seed, seeds)
    keywords = {k: v for k, v in (("persons", persons), ("years", years)) if v is not None}
    s = load_scenario(scenario, overrides=set_, **keywords)
    with OutputFiles() as outputs:
        out_tmp, summary_tmp = outputs.add(out, "--out"), outputs.add(summary, "--summary")
        figure_tmp = outputs.add(figure, "--figure", FIGURE_SUFFIXES)
        from tqdm.auto import tqdm

        _compile_notice()
        sims = [Simulation(s, run_seeds[0])]
        sims[0].advance(1)  # compiles the kernels if they are not cached: outside the bar, so its ETA is honest
        datasets = []
        with tqdm(total=seeds * s.total_months, initial=sims[0].t, unit="month", disable=not progress,
                  file=sys.stderr, desc=s.name) as bar:
            for k in run_seeds:
                sim = sims.pop() if sims else Simulation(s, k)
                while not sim.done:
                    before = sim.t
                    sim.advance(12)
                    bar.update(sim.t - before)
                datasets.append(sim.dataset())
        table = summarise([headline_of(ds) for ds in datasets])
        table.insert(0, "unit", [HEADLINE[k][0] for k in table.index])
        combined = xr.concat(datasets, dim="seed", data_vars="all", coords="minimal", compat="override",
                             combine_attrs="override") if len(datasets) > 1 else datasets[0].expand_dims("seed")
        combined = combined.assign_coords(seed=list(run_seeds))
        combined.attrs["seeds"] = list(run_seeds)
        if out_tmp is not None:
            write_netcdf(combined, out_tmp)
        if summary_tmp is not None:
            table.to_csv(summary_tmp)
        if figure_tmp is not None:
            from .plotting import plot_run

            plot_run(combined, figure_tmp)
    typer.echo(f"scenario {s.name}: {seeds} seed(s) from {seed}, {s.persons} agents x {s.scale:g} persons, "
               f"{s.data['start']} + {s.data['years']} years")
    typer.echo("headline indicators: mean and 95 % interval over seeds\n")
    typer.echo(_format(table))
    for path in (out, summary, figure):
        if path is not None:
            typer.echo(f"wrote {path}")


def _format(table) -> str:
    lines = [f"{'indicator':34s} {'unit':>12s} {'mean':>14s} {'95 % interval':>31s}"]
    for name, row in table.iterrows():
        interval = f"[{row['low']:.4g}, {row['high']:.4g}]" if row["n"] > 1 else "(one seed)"
        lines.append(f"{name:34s} {row['unit']:>12s} {row['mean']:14.4g} {interval:>31s}")
    return "\n".join(lines)


@app.command()
def params(
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output"),
    markdown: bool = typer.Option(False, "--markdown", help="The Markdown reference table (docs/PARAMETERS.md)"),
    scope: Optional[str] = typer.Option(None, help="Only this scope (behaviour, origin, community, destination, market, corridor)"),
):
    """List every parameter with its scope, default, bounds, unit and description."""
    from dataclasses import asdict

    from .scenario.params import PARAMS, SCOPES, markdown_table

    if markdown:
        typer.echo(markdown_table())
        return
    if scope is not None and scope not in SCOPES:
        raise ScenarioError(f"--scope {scope}: must be one of {', '.join(SCOPES)}")
    chosen = [p for p in PARAMS if scope is None or p.scope == scope]
    if as_json:
        typer.echo(json.dumps([asdict(p) for p in chosen], indent=1))
        return
    for p in chosen:
        typer.echo(f"{p.scope:12s} {p.name:28s} default {p.default:<10g} [{p.range_text}] {p.unit}")
        typer.echo(f"{'':12s}   {p.description}" + (f" (source: {p.source})" if p.source else ""))


@app.command("sweep")
def sweep_cmd(
    sweep_file: str = typer.Argument(..., help="Sweep TOML file (or bundled sweep name)"),
    out: Path = typer.Option(..., help="Zarr store the runs are streamed into"),
    workers: Optional[int] = typer.Option(None, help="Local Dask worker processes (default: one per core; 0: in this process)"),
    scheduler: Optional[str] = typer.Option(None, help="Address of a Dask scheduler (a cluster) instead of a local one"),
    resume: bool = typer.Option(False, help="Complete an existing store, skipping finished runs"),
    progress: bool = typer.Option(True, help="Show a progress bar over runs"),
):
    """Run a sweep: every design point x seed, on Dask, streamed into a Zarr store."""
    from .sweep import sweep
    from .sweep_spec import load_sweep

    sw = load_sweep(sweep_file)
    draws = f" x {sw.n_draws} posterior draws" if sw.draws is not None else ""
    typer.echo(f"sweep {sw.spec.name}: {len(sw.design)} points{draws} x {len(sw.seeds)} seeds = {sw.n_runs} runs "
               f"({sw.spec.design} design over {', '.join(sw.names)})")
    if sw.not_applied:
        typer.echo(f"posterior keys not applied: {', '.join(sw.not_applied)}")
    _compile_notice()
    ds = sweep(sw, out, workers=workers, scheduler=scheduler, resume=resume, progress=progress)
    typer.echo(f"{ds.attrs['runs_this_call']} runs computed, {int(ds.done.sum())} of {sw.n_runs} recorded in {out}")


@app.command("optimise")
def optimise_cmd(
    config: str = typer.Argument(..., help="Optimisation TOML file (or bundled name, e.g. partnership_morocco_spain)"),
    out: Path = typer.Option(..., help="Store (a folder): the log of runs, then results.nc, candidates.csv, front.csv, front.png"),
    workers: Optional[int] = typer.Option(None, help="Local Dask worker processes (default: one per core; 0: in this process)"),
    scheduler: Optional[str] = typer.Option(None, help="Address of a Dask scheduler (a cluster) instead of a local one"),
    resume: bool = typer.Option(False, help="Complete an interrupted search, computing only the runs not in the store"),
    progress: bool = typer.Option(True, help="Show a progress bar over runs"),
):
    """Search levers for the Pareto front of several objectives (NSGA-II), under constraints and uncertain conditions."""
    from .optimise import optimise, table
    from .optimise_spec import load_problem

    problem = load_problem(config)
    alg = problem.spec.algorithm
    typer.echo(f"optimise {problem.spec.name}: {alg.name}, {alg.population} x {alg.generations} candidates over "
               f"{', '.join(problem.lever_names)}; {problem.n_conditions} condition(s) x {len(problem.seeds)} seed(s) each")
    _compile_notice()
    ds = optimise(problem, out, workers=workers, scheduler=scheduler, resume=resume, progress=progress)
    front = table(ds, front_only=True)
    typer.echo(f"{ds.attrs['runs_this_call']} runs computed; {ds.sizes['candidate']} candidates, "
               f"{int(ds.feasible.sum())} feasible, {len(front)} on the front:\n")
    typer.echo(front.drop(columns=["feasible", "front"]).to_string(float_format=lambda v: f"{v:.4g}"))
    typer.echo(f"\nwrote {out}/results.nc, candidates.csv, front.csv, front.png")


@app.command("discover")
def discover_cmd(
    store: Path = typer.Argument(..., help="A sweep's Zarr store or an optimisation's store (folder)"),
    outcome: str = typer.Option(..., help="Indicator whose threshold defines the cases of interest"),
    above: Optional[float] = typer.Option(None, help="Cases of interest: outcome above this"),
    below: Optional[float] = typer.Option(None, help="Cases of interest: outcome below this"),
    candidate: Optional[int] = typer.Option(None, help="Optimisation: the candidate whose conditions to explain (default: first on the front)"),
    threshold: float = typer.Option(0.8, help="Density the chosen box must reach"),
    table: Optional[Path] = typer.Option(None, help="Write the box limits (CSV)"),
    trajectory: Optional[Path] = typer.Option(None, help="Write the peeling trajectory (CSV)"),
    figure: Optional[Path] = typer.Option(None, help="Write the peeling trajectory plot (PNG)"),
):
    """Scenario discovery (PRIM): the uncertain conditions under which an outcome crosses a threshold."""
    from .discover import discover
    from .plotting import FIGURE_SUFFIXES
    from .writing import OutputFiles

    with OutputFiles() as outputs:
        table_tmp, trajectory_tmp = outputs.add(table, "--table"), outputs.add(trajectory, "--trajectory")
        figure_tmp = outputs.add(figure, "--figure", FIGURE_SUFFIXES)
        found = discover(store, outcome, above=above, below=below, candidate=candidate, threshold=threshold)
        if table_tmp is not None:
            found.limits.to_csv(table_tmp, index=False)
        if trajectory_tmp is not None:
            found.trajectory.to_csv(trajectory_tmp)
        if figure_tmp is not None:
            found.plot(figure_tmp)
    typer.echo(f"{found.description}: {int(found.cases.sum())} of {len(found.cases)} rows are cases")
    typer.echo(f"box {found.box}: coverage {found.coverage:.2f}, density {found.density:.2f}\n")
    typer.echo(found.limits.to_string(index=False, float_format=lambda v: f"{v:.4g}") if len(found.limits)
               else "(no input restricted)")
    for path in (table, trajectory, figure):
        if path is not None:
            typer.echo(f"wrote {path}")


@app.command()
def compare(
    a: str = typer.Argument(..., help="Scenario A (the reference)"),
    b: str = typer.Argument(..., help="Scenario B (the policy change)"),
    seeds: int = typer.Option(20, min=2, help="Seeds (runs of each scenario, paired by seed)"),
    seed: int = typer.Option(0, help="First seed"),
    persons: Optional[int] = typer.Option(None, help="Number of person agents for both"),
    years: Optional[int] = typer.Option(None, help="Years to record for both"),
    out: Optional[Path] = typer.Option(None, help="Write the table to this CSV file"),
    posterior: Optional[Path] = typer.Option(None, help="A calibration's posterior.csv (or its folder): "
                                             "effects over parameter draws x seeds"),
    draws: Optional[int] = typer.Option(None, help="With --posterior: parameter draws, at least 2 (default 10)"),
    draw_seed: Optional[int] = typer.Option(None, help="With --posterior: seed of the draws (default 0)"),
):
    """Effect of B against A on each headline indicator: mean paired difference and 95 % interval.

    With --posterior: over parameter draws x seeds, seed-only and with-parameters intervals.
    """
    from . import load_scenario
    from .api import compare_seeds
    from .outputs import HEADLINE
    from .scenario.limits import check_seeds
    from .writing import OutputFiles

    pairs = check_seeds(seed, seeds)
    if posterior is None and (draws is not None or draw_seed is not None):
        raise ScenarioError("--draws and --draw-seed need --posterior")
    keywords = {k: v for k, v in (("persons", persons), ("years", years)) if v is not None}
    sa, sb = load_scenario(a, **keywords), load_scenario(b, **keywords)
    if posterior is not None:
        _compare_posterior(sa, sb, pairs, posterior, 10 if draws is None else draws,
                           0 if draw_seed is None else draw_seed, out)
        return
    with OutputFiles() as outputs:
        out_tmp = outputs.add(out, "--out")
        _compile_notice()
        table = compare_seeds(sa, sb, pairs)
        if out_tmp is not None:
            written = table.copy()
            written.insert(0, "unit", [HEADLINE[k][0] for k in table.index])
            written.to_csv(out_tmp)
    typer.echo(f"effect of {sb.name} against {sa.name}, {seeds} seeds, common random numbers\n")
    typer.echo(f"{'indicator':34s} {'A':>12s} {'B':>12s} {'B - A':>12s} {'95 % interval':>28s}")
    for name, row in table.iterrows():
        typer.echo(f"{name:34s} {row['a']:12.4g} {row['b']:12.4g} {row['mean']:12.4g} "
                   f"{'[' + format(row['low'], '.4g') + ', ' + format(row['high'], '.4g') + ']':>28s}")
    if out is not None:
        typer.echo(f"\nwrote {out}")


def _interval(low: float, high: float) -> str:
    return f"[{low:.4g}, {high:.4g}]" if low == low and high == high else "n/a"


def _compare_posterior(sa, sb, pairs, posterior: Path, draws: int, draw_seed: int, out: Optional[Path]) -> None:
    """``compare --posterior``: effects over draws x seeds, with both intervals and the parameters' share."""
    from .outputs import HEADLINE
    from .posterior import DRAWS_MAX, compare_posterior, load_posterior
    from .scenario.limits import SEED_MAX, check_int
    from .writing import OutputFiles

    check_int(draws, 2, DRAWS_MAX, "--draws")
    check_int(draw_seed, 0, SEED_MAX, "--draw-seed")
    post = load_posterior(posterior)
    with OutputFiles() as outputs:
        out_tmp = outputs.add(out, "--out")
        _compile_notice()
        table = compare_posterior(sa, sb, pairs, post, draws, draw_seed)
        if out_tmp is not None:
            written = table.copy()
            written.insert(0, "unit", [HEADLINE[k][0] for k in table.index])
            written.to_csv(out_tmp)
    applied, not_applied, kept = table.attrs["applied"], table.attrs["not_applied"], table.attrs["kept_in_b"]
    typer.echo(f"effect of {sb.name} against {sa.name}, {draws} parameter draws x {len(pairs)} seeds = "
               f"{draws * len(pairs)} pairs, common random numbers (A and B share each seed and draw)")
    both = [k for k in applied if k not in kept]
    typer.echo(f"posterior {post.path}: draws with seed {draw_seed}, applied to both: {', '.join(both) or 'none'}")
    if kept:
        typer.echo(f"set by {sb.name} (its policy), drawn for {sa.name} only: {', '.join(kept)}")
    if not_applied:
        typer.echo(f"not in these scenarios, not applied: {', '.join(not_applied)}")
    typer.echo("param share: part of the variance of the interval with parameters that comes from them; "
               "the seed-only interval has none\n")
    typer.echo(f"{'indicator':34s} {'A':>10s} {'B':>10s} {'B - A':>10s} {'95 % seeds only':>23s} "
               f"{'95 % with parameters':>23s} {'param share':>11s} {'draws 2.5-97.5 %':>23s}")
    for name, row in table.iterrows():
        typer.echo(f"{name:34s} {row['a']:10.4g} {row['b']:10.4g} {row['mean']:10.4g} "
                   f"{_interval(row['seed_low'], row['seed_high']):>23s} {_interval(row['low'], row['high']):>23s} "
                   f"{row['share_parameters']:11.2f} {_interval(row['draw_q025'], row['draw_q975']):>23s}")
    if out is not None:
        typer.echo(f"\nwrote {out}")


@app.command("sensitivity")
def sensitivity_cmd(
    sweep_file: str = typer.Argument(..., help="Sweep TOML file with design 'sobol' or 'morris'"),
    out: Path = typer.Option(..., help="Zarr store of the sweep's runs"),
    workers: Optional[int] = typer.Option(None, help="Local Dask worker processes (0: in this process)"),
    scheduler: Optional[str] = typer.Option(None, help="Address of a Dask scheduler"),
    resume: bool = typer.Option(False, help="Complete an existing store first"),
    indices: Optional[Path] = typer.Option(None, help="Write the indices (NetCDF)"),
    figure: Optional[Path] = typer.Option(None, help="Write a bar chart of the indices (PNG)"),
    progress: bool = typer.Option(True),
):
    """Sobol indices (first order, total, with confidence intervals) or Morris screening of a sweep."""
    from .outputs import write_netcdf
    from .plotting import FIGURE_SUFFIXES
    from .sensitivity import plot_indices, sensitivity
    from .writing import OutputFiles

    with OutputFiles() as outputs:
        indices_tmp = outputs.add(indices, "--indices")
        figure_tmp = outputs.add(figure, "--figure", FIGURE_SUFFIXES)
        _compile_notice()
        ds = sensitivity(sweep_file, out, workers=workers, scheduler=scheduler, resume=resume, progress=progress)
        if indices_tmp is not None:
            write_netcdf(ds, indices_tmp)
        if figure_tmp is not None:
            plot_indices(ds, figure_tmp)
    typer.echo(ds.to_dataframe().round(3).to_string())
    for path in (indices, figure):
        if path is not None:
            typer.echo(f"wrote {path}")


@app.command()
def calibrate(
    config: Path = typer.Argument(..., help="Calibration config (TOML), e.g. calibration/joint.toml"),
    method: str = typer.Option("smm", help="smm (differential evolution) or abc (pyabc ABC-SMC)"),
    out: Optional[Path] = typer.Option(None, help="Results folder (default: calibration/results/<name>-<method>)"),
    bundle: bool = typer.Option(False, help="Also install the calibrated scenarios among the bundled ones"),
    workers: Optional[int] = typer.Option(None, min=0, help="Local Dask worker processes evaluating parameter "
                                          "vectors in parallel (0 or none: in this process)"),
    scheduler: Optional[str] = typer.Option(None, help="Address of a Dask scheduler (a cluster)"),
):
    """Calibrate free parameters to published targets; write the overlay scenarios and a report."""
    from .calibration import calibrate as run_calibration
    from .sweep import _client

    _compile_notice()
    client, cluster = _client(workers, scheduler) if (workers or scheduler) else (None, None)
    try:
        result = run_calibration(config, method=method, out=out, bundle=bundle, client=client)
    finally:
        for resource in (client, cluster):
            if resource is not None:
                resource.close()
    typer.echo(f"{result['method']}: " + ", ".join(f"{k} = {v:.4g}" for k, v in result["values"].items()))
    typer.echo(_targets_table(result["table"]))
    if "transfer" in result:
        typer.echo("\nbehaviour carried over to the other scheme, without refitting:")
        typer.echo(_targets_table(result["transfer"]))


@app.command()
def validate(
    scenario: Optional[str] = typer.Argument(None, help="Scenario (bundled name or path); not with --all"),
    targets: Optional[List[Path]] = typer.Option(None, "--targets", help="Target file(s)"),
    all_targets: bool = typer.Option(False, "--all", help="The scoreboard: every target file against the "
                                     "scenario calibrated for it (--scoreboard)"),
    board: Path = typer.Option(Path("calibration/scoreboard.toml"), "--scoreboard",
                               help="Scoreboard file listing scenarios and their target files"),
    seeds: int = typer.Option(10, min=2, help="Seeds for the model's 95 % interval"),
    out: Optional[Path] = typer.Option(None, help="Write the table to this CSV file"),
):
    """Compare a scenario with published targets (model mean and 95 % interval over seeds), or with --all every
    bundled target with its scenario, and count targets, sources and validation-only targets."""
    from . import load_scenario
    from .calibration import load_targets, report, scoreboard, tally
    from .scenario import ScenarioError
    from .scenario.limits import check_seeds
    from .writing import OutputFiles

    runs = check_seeds(1, seeds)
    if all_targets and (scenario is not None or targets):
        raise ScenarioError("give a SCENARIO with --targets FILE..., or --all (the scoreboard), not both")
    if not all_targets and not (scenario and targets):
        raise ScenarioError("give a SCENARIO and at least one --targets FILE, or --all (the scoreboard)")
    if not all_targets:
        s, chosen = load_scenario(scenario), load_targets(targets)
    elif not board.is_file():
        raise ScenarioError(f"--scoreboard {board}: no such file (run from the project folder, or give its path)")
    with OutputFiles() as outputs:
        out_tmp = outputs.add(out, "--out")
        _compile_notice()
        table = scoreboard(board, runs) if all_targets else report(s, chosen, runs)
        if out_tmp is not None:
            table.to_csv(out_tmp)
    typer.echo(_targets_table(table))
    if all_targets:
        n = tally(table)
        typer.echo(f"\n{n['targets']} targets ({n['effects']} effects) from {n['sources']} sources; "
                   f"{n['within']} within their interval; {n['validate_only']} kept to validate, "
                   f"{n['validate_within']} of them within")
    if out is not None:
        typer.echo(f"wrote {out}")


def _targets_table(table) -> str:
    lines = [f"{'target':36s} {'scenario':>22s} {'kind':>6s} {'use':>8s} {'observed':>10s} {'interval':>20s} "
             f"{'model':>10s} {'95 % interval':>22s}  in?"]
    for name, r in table.iterrows():
        lines.append(f"{name:36s} {r['scenario'][:22]:>22s} {r['kind']:>6s} {r['use']:>8s} {r['observed']:10.4g} {'[' + format(r['low'], '.4g') + ', ' + format(r['high'], '.4g') + ']':>20s} "
                     f"{r['model']:10.4g} {'[' + format(r['model_low'], '.4g') + ', ' + format(r['model_high'], '.4g') + ']':>22s}  "
                     f"{'yes' if r['within'] else 'no'}")
    return "\n".join(lines)


@app.command()
def scenarios():
    """List the bundled scenarios with the question each answers."""
    from .scenario.loader import BUNDLED, bundled_names

    for name in bundled_names():
        first = (BUNDLED / f"{name}.toml").read_text().splitlines()[0].lstrip("# ")
        typer.echo(f"{name:24s} {first}")


if __name__ == "__main__":
    sys.exit(main())
