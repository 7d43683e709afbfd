"""Which instruments of the bundled ``mobility_partnership`` make its effect (docs/VALIDATION.md, "Policy effects in
the calibrated world"): each lever of its 2011 timeline alone on ``baseline`` (same date), paired by seed.

``python docs/scripts/partnership_levers.py [--seeds N]`` (about 6 minutes on 2 cores with compiled kernels): 20,000
agents, the scenario's own run length, N paired seeds (common random numbers); the relative change of each
indicator, mean over seeds, and its 95 % interval.
"""
import argparse
import tempfile
import tomllib
from pathlib import Path

import circsim
from circsim.scenario.loader import BUNDLED

KEYS = ("irregular_entries_per_year", "irregular_stock_end", "overstay_rate", "enforced_return_rate")


def lever_file(folder: Path, at: str, key: str, value) -> Path:
    path = folder / f"lever_{abs(hash(key))}.toml"
    path.write_text(f'extends = "baseline"\nname = "lever"\n[[timeline]]\nat = "{at}"\n"{key}" = {value!r}\n')
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--persons", type=int, default=20000)
    args = parser.parse_args()
    seeds = range(1, args.seeds + 1)
    (change,) = tomllib.loads((BUNDLED / "mobility_partnership.toml").read_text())["timeline"]
    at = change.pop("at")
    base = circsim.load_scenario("baseline", persons=args.persons)
    print("| lever | " + " | ".join(f"`{k}`" for k in KEYS) + " |\n|---|" + "---|" * len(KEYS))
    with tempfile.TemporaryDirectory() as folder:
        levers = [(f"{key} = {value}", lever_file(Path(folder), at, key, value)) for key, value in change.items()]
        for label, path in levers + [("all (mobility_partnership)", "mobility_partnership")]:
            table = circsim.compare_seeds(base, circsim.load_scenario(path, persons=args.persons), seeds)
            cells = [f"{table.loc[k, 'mean'] / table.loc[k, 'a']:+.1%} ({table.loc[k, 'low'] / table.loc[k, 'a']:+.0%}"
                     f" to {table.loc[k, 'high'] / table.loc[k, 'a']:+.0%})" for k in KEYS]
            print(f"| `{label}` | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
