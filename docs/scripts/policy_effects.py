"""The bundled policy scenarios' effects in the calibrated world (``baseline``) and in the hand-set world
(``baseline_world``), paired by seed (docs/VALIDATION.md, "Policy effects in the calibrated world").

``python docs/scripts/policy_effects.py [--seeds N]`` (about 10 minutes on 2 cores with compiled kernels): every
bundled policy scenario against its base, 20,000 agents, the scenarios' own run length (20 recorded years after a
20-year burn-in), N paired seeds (common random numbers); mean paired difference B - A with its 95 % interval
(t over seeds), and the relative change. The hand-set version of a scenario is the same file extending
``baseline_world`` instead of ``baseline``.
"""
import argparse
import tempfile
from pathlib import Path

import circsim
from circsim.scenario.loader import BUNDLED

#: the indicators each policy question is about
QUESTIONS = {
    "readmission": ("enforced_return_rate", "irregular_stock_end", "overstay_rate"),
    "seasonal_multiannual": ("repeat_participation", "overstay_rate_seasonal", "circular_share"),
    "visa_facilitation": ("lost_offer_rate", "mean_wait_months", "circular_share"),
    "settled_circularity": ("circular_stays_per_year", "long_term_residents_end"),
    "brain_drain_measures": ("brain_drain_rate", "skilled_returns_per_year"),
    "mobility_partnership": ("irregular_entries_per_year", "irregular_stock_end", "enforced_return_rate",
                             "overstay_rate", "repeat_participation"),
}


def on_world(name: str, folder: Path) -> Path:
    """The bundled scenario ``name`` as a file that extends the hand-set ``baseline_world``."""
    text = (BUNDLED / f"{name}.toml").read_text().replace('extends = "baseline"', 'extends = "baseline_world"')
    path = folder / f"{name}_on_world.toml"
    path.write_text(text.replace(f'name = "{name}"', f'name = "{name}_on_world"'))
    return path


def rows(base, variant, keys, seeds, world: str):
    table = circsim.compare_seeds(base, variant, seeds)
    for k in keys:
        r = table.loc[k]
        rel = r["mean"] / r["a"] if r["a"] else float("nan")
        yield (f"| {world} | `{k}` | {r['a']:.4g} | {r['mean']:+.4g} ({r['low']:+.4g} to {r['high']:+.4g}) "
               f"| {rel:+.1%} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=6)
    parser.add_argument("--persons", type=int, default=20000)
    args = parser.parse_args()
    seeds = range(1, args.seeds + 1)
    with tempfile.TemporaryDirectory() as folder:
        for name, keys in QUESTIONS.items():
            print(f"\n**{name}** vs its base ({args.seeds} paired seeds, {args.persons:,} agents)\n")
            print("| world | indicator | base | effect (95 % interval) | relative |\n|---|---|---|---|---|")
            pairs = {"calibrated": ("baseline", name), "hand-set": ("baseline_world", str(on_world(name, Path(folder))))}
            for world, (a, b) in pairs.items():
                base = circsim.load_scenario(a, persons=args.persons)
                variant = circsim.load_scenario(b, persons=args.persons)
                for line in rows(base, variant, keys, seeds, world):
                    print(line, flush=True)


if __name__ == "__main__":
    main()
