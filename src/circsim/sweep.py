"""Running sweeps: Dask (local or a cluster), results streamed into a Zarr store, resumable.

Each run is a pure function of (scenario, seed), so the results do not depend on how many
workers run them or in what order. The store is created with every run's slot empty; a
finished run's values are written (one chunk per run) and then its ``done`` flag, each chunk
written atomically by Zarr (temporary file, then rename). A sweep interrupted at any point
therefore holds only complete runs, and ``resume=True`` computes exactly the others.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Callable

import numpy as np
import xarray as xr

from .engine import Simulation
from .outputs import HEADLINE, __version__
from .scenario import Scenario, ScenarioError
from .scenario.limits import SCHEDULER_TIMEOUT, WORKERS_MAX, check_int
from .sweep_spec import Sweep, load_sweep
from .writing import check_path


def _series_parts(entry: str) -> tuple[str, str | None]:
    """``"stock.status"`` -> (``"stock"``, ``"status"``): a variable, and the dimension kept besides time."""
    name, _, dim = entry.partition(".")
    return name, dim or None


def series_name(entry: str) -> str:
    return entry.replace(".", "_by_")


def run_one(scenario: Scenario, seed: int, series: tuple[str, ...] = ()) -> dict[str, np.ndarray | float]:
    """One run: its headline indicators and the chosen series (summed to time, or time x one dimension)."""
    ds = Simulation(scenario, seed).run()
    out: dict[str, np.ndarray | float] = {k: float(ds[k]) for k in HEADLINE}
    for entry in series:
        name, dim = _series_parts(entry)
        da = ds[name]
        out[series_name(entry)] = da.sum([d for d in da.dims if d not in ("time", dim)]).values
    return out


def _template(sw: Sweep) -> xr.Dataset:
    n = sw.n_runs
    plans = [sw.run_plan(r) for r in range(n)]
    coords = {"run": np.arange(n), "point": ("run", [p for p, _, _ in plans]),
              "seed": ("run", [s for _, s, _ in plans])}
    for j, name in enumerate(sw.names):
        values = [list(o.values())[j] for _, _, o in plans]
        coords[name] = ("run", np.asarray(values))
    if sw.draws is not None:  # the posterior draw of each run and the values it set
        draw = np.array([sw.draw_of(r) for r in range(n)])
        coords["draw"] = ("run", draw)
        for name, key in sw.posterior_names.items():
            coords[name] = ("run", sw.draws[key].to_numpy()[draw])
    data = {k: ("run", np.full(n, np.nan), {"units": HEADLINE[k][0], "description": HEADLINE[k][1]})
            for k in HEADLINE}
    if sw.spec.series:
        sim = Simulation(sw.base, 0)
        sim.t = sw.base.total_months  # not run: an all-zero dataset, only for its labels and units
        probe = sim.dataset()
        coords["time"] = probe.time.values
        for entry in sw.spec.series:
            name, dim = _series_parts(entry)
            dims = ("run", "time") + ((dim,) if dim else ())
            shape = (n, sw.base.months) + ((probe.sizes[dim],) if dim else ())
            if dim:
                coords[dim] = probe[dim].values
            data[series_name(entry)] = (dims, np.full(shape, np.nan), {
                "units": probe[name].attrs["units"], "description": probe[name].attrs["description"]
                + (f", by {dim}" if dim else ", summed over all but time")})
    data["done"] = ("run", np.zeros(n, dtype=np.int8), {"description": "1 when the run is recorded"})
    ds = xr.Dataset(data, coords=coords)
    ds.attrs.update({
        "sweep": json.dumps(sw.spec_dump(), default=str), "sweep_fingerprint": sw.fingerprint(),
        "scenario": sw.base.to_json(), "circsim_version": __version__,
        "levers": [n for n, v in zip(sw.names, sw.spec.vary) if v.kind == "lever"],
        "uncertainties": ([n for n, v in zip(sw.names, sw.spec.vary) if v.kind == "uncertainty"]
                          + list(sw.posterior_names)),
        "keys": json.dumps(dict(zip(sw.names, [v.key for v in sw.spec.vary]))),
    })
    if sw.draws is not None:
        ds.attrs.update({"posterior": sw.spec.posterior, "draws": sw.n_draws,
                         "posterior_keys": json.dumps(sw.posterior_names), "posterior_not_applied": sw.not_applied})
    return ds


def _existing_store(sw: Sweep, out: Path, resume: bool):
    """The Zarr group of an existing store to complete and the set of its runs done; (None, ()) if new."""
    import zarr

    check_path(out, "--out")
    if not out.exists():
        return None, set()
    if not resume:
        raise ScenarioError(f"{out}: exists; use --resume to complete it, or choose another --out")
    try:
        group = zarr.open_group(str(out), mode="r+")
        fingerprint, done = group.attrs.get("sweep_fingerprint"), group["done"][:]
    except Exception:  # anything zarr cannot read as a sweep's store
        raise ScenarioError(f"--out {out}: not the Zarr store of a sweep; choose another --out") from None
    if fingerprint != sw.fingerprint():
        raise ScenarioError(f"{out}: holds a different sweep (or a different base scenario); choose another --out")
    return group, set(np.flatnonzero(done).tolist())


def _new_store(sw: Sweep, out: Path):
    """A new store with every run's slot empty."""
    import zarr

    template = _template(sw)
    encoding = {k: {"chunks": (1,) + template[k].shape[1:]} for k in template.data_vars}
    try:
        template.to_zarr(str(out), mode="w-", encoding=encoding, consolidated=False, zarr_format=2)
    except OSError as exc:
        raise ScenarioError(f"--out {out}: cannot write: {exc.strerror}") from None
    return zarr.open_group(str(out), mode="r+")


def _record(group, r: int, result: dict) -> None:
    for key, value in result.items():
        group[key][r] = value
    group["done"][r] = 1  # last: the run counts only once all its values are in


def _client(workers: int | None, scheduler: str | None):
    """A Dask client: of the cluster at ``scheduler`` (ScenarioError within seconds if unreachable),
    or of a new local cluster of ``workers`` processes; and the local cluster, to close after."""
    from dask.distributed import Client, LocalCluster

    if scheduler:
        try:
            return Client(scheduler, timeout=SCHEDULER_TIMEOUT), None
        except (OSError, ValueError, TypeError) as exc:
            raise ScenarioError(f"--scheduler {scheduler}: cannot connect within {SCHEDULER_TIMEOUT} s "
                                f"({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})") from None
    n = workers or os.cpu_count() or 1
    # one Numba thread per worker process; workers inherit this process's environment
    # (CIRCSIM_CACHE_DIR included), so they load the same compiled kernels
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                           env={"NUMBA_NUM_THREADS": "1"})
    return Client(cluster), cluster


def sweep(
    sweep_file: str | os.PathLike | dict | Sweep,
    out: str | os.PathLike,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    progress: bool = True,
    client=None,
    on_result: Callable[[int, int], None] | None = None,
) -> xr.Dataset:
    """Run every (design point, seed) of a sweep — (design point, posterior draw, seed) if it has a
    ``posterior`` — and return the results as an ``xarray.Dataset``.

    ``out``: Zarr store (directory) the runs are streamed into. ``workers``: processes of a
    local Dask cluster (default: one per core); ``0`` runs in this process, one run after the
    other. ``scheduler``: address of an existing Dask scheduler (a cluster), instead of a local
    one. ``client``: an existing ``dask.distributed.Client`` to use. ``resume``: complete an
    existing store, skipping runs already recorded. ``on_result(run, n_recorded)`` is called
    after each run is recorded. The dataset has a ``run`` dimension with the design point,
    seed and each varied parameter as coordinates (with a posterior, also ``draw`` and each
    drawn parameter); ``attrs['runs_this_call']`` counts the runs
    computed by this call.
    """
    sw = sweep_file if isinstance(sweep_file, Sweep) else load_sweep(sweep_file)
    out = Path(out)
    if workers is not None:
        check_int(workers, 0, WORKERS_MAX, "--workers")
    group, done = _existing_store(sw, out, resume)
    todo = [r for r in range(sw.n_runs) if r not in done]
    local = workers == 0 and scheduler is None and client is None
    own, cluster = (client, None) if local or client is not None or not todo else _client(workers, scheduler)
    try:
        if group is None:  # created once connected: an unreachable cluster leaves no store
            group = _new_store(sw, out)
        _run_into(sw, group, todo, len(done), None if local else own, progress, on_result)
    finally:
        if own is not None and own is not client:
            own.close()
        if cluster is not None:
            cluster.close()
    ds = xr.open_zarr(str(out), consolidated=False).load()
    ds.attrs["runs_this_call"] = len(todo)
    return ds


def _run_into(sw: Sweep, group, todo: list[int], recorded: int, client, progress: bool, on_result) -> None:
    """Run ``todo`` (in this process if ``client`` is None) and record each run in ``group`` as it ends."""
    from tqdm.auto import tqdm

    series = tuple(sw.spec.series)
    bar = tqdm(total=sw.n_runs, initial=recorded, unit="run", desc=sw.spec.name, disable=not progress)

    def record(r, result):
        nonlocal recorded
        _record(group, r, result)
        recorded += 1
        bar.update(1)
        if on_result is not None:
            on_result(r, recorded)

    try:
        if client is None:
            for r in todo:
                record(r, run_one(sw.scenario_of(r), sw.run_plan(r)[1], series))
        elif todo:
            _run_distributed(sw, todo, series, record, client)
    finally:
        bar.close()


def _run_distributed(sw, todo, series, record, client) -> None:
    from dask.distributed import as_completed

    futures = {}
    for r in todo:
        future = client.submit(run_one, sw.scenario_of(r), sw.run_plan(r)[1], series, pure=False, retries=2,
                               key=f"circsim-{sw.fingerprint()}-{r}")
        futures[future] = r
    for future in as_completed(futures):
        record(futures[future], future.result())
