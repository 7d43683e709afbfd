"""Parameter uncertainty from a calibration's posterior: read it, draw parameter sets, compare under it.

An ABC calibration (``circsim calibrate CONFIG --method abc``) writes ``posterior.csv``: one
column per calibrated parameter, named by its dotted key (``behaviour.return_intercept``,
``origins.Morocco.readmission_cooperation``), and a ``weight`` column of importance weights
(non-negative, not necessarily summing to 1). Each row is one parameter set the data allow.

:func:`draw` resamples rows by weight, **multinomially**: draw ``k`` is the row whose cumulative
weight first exceeds the ``k``-th uniform of ``numpy.random.default_rng(seed)``. Draw ``k``
therefore depends only on ``seed`` and ``k``, never on how many draws are asked for: the first
``n`` draws of ``draw(posterior, m, seed)`` are those of ``draw(posterior, n, seed)`` for any
``m > n``. (Systematic resampling spreads draws more evenly but moves every draw when ``n``
changes, so it is not used.)

:func:`compare_posterior` is ``compare_seeds`` with parameter uncertainty: the policy effect B - A
over draws x seeds, and how much of its uncertainty comes from the parameters rather than from
seed noise (the law of total variance; see its docstring and docs/POLICY_DESIGN.md §5).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from .scenario import BY_NAME, Scenario, ScenarioError, resolve_key
from .scenario.keys import CONTAINERS, FORMS, SHAPES
from .scenario.limits import RUNS_MAX, SEED_MAX, check_int

#: draws a comparison or an experiment may ask for
DRAWS_MAX = 100_000


@dataclass(frozen=True)
class Posterior:
    """A weighted posterior sample: ``values[row, key]`` with ``weights`` (normalised to sum 1)."""

    path: Path
    keys: list[str]
    values: np.ndarray
    weights: np.ndarray

    def __len__(self) -> int:
        return len(self.weights)


def _check_key(key: str, where: str) -> None:
    """ScenarioError unless ``key`` has the form of a declared parameter's dotted key (any entity names)."""
    parts = key.split(".")
    scope = SHAPES.get((parts[0], len(parts)))
    p = BY_NAME.get(parts[-1])
    words = all(parts[i] == word for (head, i), word in CONTAINERS.items() if head == parts[0] and i < len(parts) - 1)
    if scope is None or p is None or p.scope != scope or not words or not all(part.strip() for part in parts):
        raise ScenarioError(f"{where}: column {key!r} is not a parameter's dotted key: write one of {FORMS} "
                            "(see `circsim params`), or `weight`")


def _numbers(frame: pd.DataFrame, column: str, where: str, allowed: str) -> np.ndarray:
    """The column (read as text) as floats; ScenarioError naming the first line that is not a finite number."""
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(float)
    bad = np.flatnonzero(~np.isfinite(values))
    if len(bad):
        raise ScenarioError(f"{where}: column {column!r}, line {bad[0] + 2} = {frame[column].iloc[bad[0]]!r}: "
                            f"must be {allowed}")
    return values


def load_posterior(path: str | os.PathLike) -> Posterior:
    """Read a ``posterior.csv`` (or the results folder holding one) and check it.

    ScenarioError, naming the file and the column, for: no such file, an unreadable CSV, no rows,
    no ``weight`` column, no parameter column, a column that is not a parameter's dotted key, a
    value that is not a finite number, a negative weight or weights summing to 0. Whether each
    value is allowed for its parameter is checked when it is applied to a scenario (:func:`apply`).
    """
    path = Path(path)
    if path.is_dir():
        path = path / "posterior.csv"
    if not path.is_file():
        raise ScenarioError(f"{path}: no such posterior file (an ABC calibration writes posterior.csv; "
                            "an SMM calibration gives a point estimate, not draws)")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)  # text: errors quote what is written
    except Exception as exc:  # any unreadable CSV
        raise ScenarioError(f"{path}: not a readable CSV ({type(exc).__name__})") from None
    if "weight" not in frame.columns:
        raise ScenarioError(f"{path}: no `weight` column: a posterior has one column per parameter (its dotted key) "
                            "and a `weight` column of importance weights (numbers >= 0, not all 0)")
    keys = [str(c) for c in frame.columns if c != "weight"]
    if not keys:
        raise ScenarioError(f"{path}: no parameter column: give one column per parameter, named by its dotted key")
    if len(frame) == 0:
        raise ScenarioError(f"{path}: no rows: a posterior needs at least one parameter set")
    for key in keys:
        _check_key(key, str(path))
    values = np.column_stack([_numbers(frame, key, str(path), "a finite number") for key in keys])
    weights = _numbers(frame, "weight", str(path), "a finite number >= 0")
    if (weights < 0).any():
        row = int(np.flatnonzero(weights < 0)[0])
        raise ScenarioError(f"{path}: column 'weight', line {row + 2} = {weights[row]:g}: must be a number >= 0")
    if weights.sum() <= 0:
        raise ScenarioError(f"{path}: column 'weight': all 0; the weights must be numbers >= 0, not all 0")
    return Posterior(path, keys, values, weights / weights.sum())


def _posterior(posterior: Posterior | str | os.PathLike) -> Posterior:
    return posterior if isinstance(posterior, Posterior) else load_posterior(posterior)


def resample(posterior: Posterior, n: int, seed: int = 0) -> np.ndarray:
    """The posterior rows of draws ``0 .. n-1``: multinomial resampling by weight (see the module doc)."""
    n = check_int(n, 0, DRAWS_MAX, "draws")
    seed = check_int(seed, 0, SEED_MAX, "draw seed")
    cdf = np.cumsum(posterior.weights)
    cdf /= cdf[-1]
    uniforms = np.random.default_rng(seed).random(n)
    return np.minimum(np.searchsorted(cdf, uniforms, side="right"), len(cdf) - 1)


def draw(posterior: Posterior | str | os.PathLike, n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` parameter sets resampled by weight (multinomial, ``numpy.random.default_rng(seed)``).

    One row per draw (index ``draw``), one column per posterior key. Deterministic, and draw ``k``
    is the same whatever ``n > k`` (see the module doc).
    """
    post = _posterior(posterior)
    picked = resample(post, n, seed)
    return pd.DataFrame(post.values[picked], columns=post.keys, index=pd.RangeIndex(n, name="draw"))


def has_key(scenario: Scenario, key: str) -> bool:
    """True if the scenario has the entities ``key`` names (a ``*`` matching at least one)."""
    try:
        resolve_key(scenario.data, key, key)
    except ScenarioError:
        return False
    return True


def _values_at(scenario: Scenario, key: str) -> list:
    """The values the scenario sets at every path ``key`` stands for."""
    out = []
    for path in resolve_key(scenario.data, key, key)[1]:
        table = scenario.data
        for part in path:
            table = table[part]
        out.append(table)
    return out


def policy_keys(keys: list[str], a: Scenario, b: Scenario) -> list[str]:
    """The keys B sets to other values than A at the start: B's policy, which a posterior draw must not erase."""
    return [key for key in keys if _values_at(a, key) != _values_at(b, key)]


def _text(values: list) -> str:
    return ", ".join(f"{v:g}" if isinstance(v, (int, float)) else repr(v) for v in values)


def split_keys(posterior: Posterior, *scenarios: Scenario) -> tuple[list[str], list[str]]:
    """(keys applied, keys not applied) when the posterior is used on all ``scenarios`` together.

    A key every scenario has is applied to all; a key none has is not applied; a key only some have
    is an error (the comparison would change a parameter on one side only). A comparison keeps a
    key that B sets to another value than A at B's value (:func:`policy_keys`).
    """
    applied, not_applied = [], []
    for key in posterior.keys:
        lacking = [s for s in scenarios if not has_key(s, key)]
        if not lacking:
            applied.append(key)
        elif len(lacking) == len(scenarios):
            not_applied.append(key)
        else:
            having = next(s for s in scenarios if s not in lacking)
            reason = "its entities are missing"
            try:
                resolve_key(lacking[0].data, key, f"scenario {lacking[0].name}")
            except ScenarioError as exc:
                reason = str(exc)
            raise ScenarioError(f"{posterior.path}: column {key!r}: scenario {having.name} has it but scenario "
                                f"{lacking[0].name} does not ({reason}); a posterior key must be in both scenarios "
                                "compared or in neither")
    return applied, not_applied


def apply(scenario: Scenario, values: Mapping[str, float], where: str = "posterior") -> Scenario:
    """``scenario`` with each dotted key of ``values`` set (an integer parameter takes a whole number as int).

    A value the parameter does not allow raises the scenario's own ScenarioError, prefixed by ``where``.
    """
    overrides = {}
    for key, value in values.items():
        value = float(value)
        p = BY_NAME.get(key.split(".")[-1])
        overrides[key] = int(value) if p is not None and p.integer and value.is_integer() else value
    try:
        return scenario.replace(**overrides)
    except ScenarioError as exc:
        raise ScenarioError(f"{where}: {exc}") from None


def draw_scenario(scenario: Scenario, posterior: Posterior | str | os.PathLike, k: int) -> Scenario:
    """``scenario`` with draw ``k`` of ``draw(posterior, k + 1, seed=0)`` applied (keys it lacks skipped).

    The parameter set of draw ``k`` is fixed by ``k`` alone: draw ``k`` of a comparison with
    ``draw_seed=0`` is the same set.
    """
    post = _posterior(posterior)
    k = check_int(k, 0, DRAWS_MAX - 1, "draw")
    applied, _ = split_keys(post, scenario)
    values = draw(post, k + 1, seed=0).iloc[k]
    return apply(scenario, values[applied], f"{post.path}: draw {k}")


# --- comparison ---------------------------------------------------------------------------------

def _effects(a: Scenario, b: Scenario, draws: pd.DataFrame, seeds: list[int], where: str, kept: list[str]):
    """Headline indicators of A and B and the effects B - A, as arrays ``[indicator][draw, seed]``.

    A run is a pure function of (scenario, seed), so a parameter set drawn twice is run once.
    """
    from .api import run
    from .outputs import HEADLINE, headline_of

    names = list(HEADLINE)

    def indicators(scenario: Scenario) -> np.ndarray:  # [indicator, seed]
        rows = [headline_of(run(scenario, seed)) for seed in seeds]
        return np.array([[row.get(k, np.nan) for row in rows] for k in names], dtype=float)

    out = {side: np.full((len(names), len(draws), len(seeds)), np.nan) for side in ("a", "b")}
    done: dict[tuple, tuple] = {}
    for d, (_, values) in enumerate(draws.iterrows()):
        key = tuple(values.to_numpy())
        if key not in done:
            sides = (apply(a, values, f"{where}: draw {d}"), apply(b, values.drop(kept), f"{where}: draw {d}"))
            done[key] = tuple(indicators(s) for s in sides)
        out["a"][:, d, :], out["b"][:, d, :] = done[key]
    return names, out["a"], out["b"], out["b"] - out["a"]


def decompose(effects: np.ndarray, level: float = 0.95) -> dict[str, float]:
    """Mean effect and its uncertainty from ``effects[draw, seed]`` (NaN: undefined in that run pair).

    With ``D`` draws of ``S`` seeds each (``N`` defined pairs; ``n_d`` in draw ``d``):

    - ``mean``: mean of the defined pairs;
    - ``within_var`` W: mean over draws of the variance over seeds — seed noise at fixed parameters;
    - ``seed_low``/``seed_high``: mean ± t(N - D)·sqrt(W/N), the interval from seed noise only
      (what ``compare_seeds`` gives, with W pooled over draws);
    - ``between_var`` B: variance over draws of the per-draw means;
    - ``parameter_var`` τ² = max(B - W·mean(1/n_d), 0): by the law of total variance
      Var(m_d) = Var_θ(effect(θ)) + E[W]/S, so B less the seed noise of a per-draw mean estimates
      the variance of the effect over the posterior;
    - ``low``/``high``: mean ± 1.96·sqrt(τ² + W/N), a normal approximation of the effect's 95 %
      interval under parameter uncertainty plus the seed noise of the mean;
    - ``draw_q025``/``draw_q975``: the 2.5 % and 97.5 % quantiles of the per-draw means (a
      non-parametric view, which also holds each draw's seed noise W/S);
    - ``share_parameters`` = τ² / (τ² + W/N): the part of the variance of ``low``/``high`` that
      comes from the parameters (NaN when both are 0); the seed-only interval has none.

    For complete data ``N = D·S`` and ``mean(1/n_d) = 1/S``. Quantities that need two defined
    seeds in some draw (W) or two draws (B) are NaN without them.
    """
    from scipy import stats

    defined = ~np.isnan(effects)
    n_d = defined.sum(axis=1)
    used = n_d > 0
    n, n_draws = int(n_d.sum()), int(used.sum())
    out = dict.fromkeys(("mean", "seed_low", "seed_high", "low", "high", "draw_q025", "draw_q975", "within_var",
                         "between_var", "parameter_var", "seed_var_of_mean", "share_parameters"), float("nan"))
    out.update(pairs=n, draws=n_draws)
    if n == 0:
        return out
    rows_ = effects[used]
    means = np.nanmean(rows_, axis=1)
    out["mean"] = float(np.nansum(rows_) / n)
    out["draw_q025"], out["draw_q975"] = (float(q) for q in np.quantile(means, [0.025, 0.975]))
    twice = n_d[used] > 1
    if twice.any():
        w = float(np.mean(np.nanvar(rows_[twice], axis=1, ddof=1)))
        seed_var = w / n
        half = float(stats.t.ppf(0.5 + level / 2, max(n - n_draws, 1))) * np.sqrt(seed_var)
        out.update(within_var=w, seed_var_of_mean=seed_var, seed_low=out["mean"] - half, seed_high=out["mean"] + half)
    if n_draws > 1:
        out["between_var"] = float(np.var(means, ddof=1))
        if np.isfinite(out["within_var"]):
            tau2 = max(out["between_var"] - out["within_var"] * float(np.mean(1.0 / n_d[used])), 0.0)
            total = tau2 + out["seed_var_of_mean"]
            half = float(stats.norm.ppf(0.5 + level / 2)) * np.sqrt(total)
            out.update(parameter_var=tau2, low=out["mean"] - half, high=out["mean"] + half,
                       share_parameters=tau2 / total if total > 0 else float("nan"))
    return out


def compare_posterior(
    a: Scenario | str,
    b: Scenario | str,
    seeds: Iterable[int],
    posterior: Posterior | str | os.PathLike,
    draws: int = 10,
    draw_seed: int = 0,
) -> pd.DataFrame:
    """Effect of B against A on each headline indicator, over parameter draws x seeds.

    For each of ``draws`` parameter sets drawn from ``posterior`` (:func:`draw` with ``draw_seed``)
    and each seed, A and B run with the same parameter set and the same seed (common random
    numbers); the effect of the pair is headline(B) - headline(A). One row per indicator: ``a``,
    ``b`` (means over all runs), then the columns of :func:`decompose` — the mean effect, the
    seed-only 95 % interval, the 95 % interval including parameter uncertainty, the quantiles of
    the per-draw means, the variances and ``share_parameters``.

    Posterior keys both scenarios have are applied to both; keys neither has are not applied;
    a key only one has is a ScenarioError (:func:`split_keys`). A key B sets to another value
    than A is B's policy: the draw sets it in A only, B keeps its value (a readmission agreement
    raises a cooperation whose status quo is uncertain). Parameters not in the posterior keep each
    scenario's values, so the policy difference B - A is kept. ``table.attrs`` holds
    ``posterior`` (the file), ``applied``, ``kept_in_b``, ``not_applied``, ``draws``,
    ``draw_seed`` and ``seeds``.
    """
    from .api import _scenario

    sa, sb = _scenario(a), _scenario(b)
    post = _posterior(posterior)
    seeds = list(seeds)
    n_draws = check_int(draws, 2, DRAWS_MAX, "draws")
    if len(seeds) < 2:
        raise ScenarioError(f"seeds: {len(seeds)} given; a comparison over posterior draws needs at least 2 per draw")
    if 2 * n_draws * len(seeds) > RUNS_MAX:
        raise ScenarioError(f"draws x seeds = {n_draws * len(seeds):,} pairs: at most {RUNS_MAX // 2:,}")
    applied, not_applied = split_keys(post, sa, sb)
    kept = policy_keys(applied, sa, sb)
    drawn = draw(post, n_draws, draw_seed)[applied]
    names, ha, hb, effects = _effects(sa, sb, drawn, seeds, str(post.path), kept)
    table = pd.DataFrame([{"indicator": k, "a": _mean(ha[i]), "b": _mean(hb[i]), **decompose(effects[i])}
                          for i, k in enumerate(names)]).set_index("indicator")
    table.attrs.update(posterior=str(post.path), applied=applied, kept_in_b=kept, not_applied=not_applied, draws=n_draws,
                       draw_seed=draw_seed, seeds=seeds)
    return table


def _mean(values: np.ndarray) -> float:
    return float(np.nanmean(values)) if np.isfinite(values).any() else float("nan")
