"""A mechanism's figures with it and without it, over the same seeds (shared by family.py and arraigo.py)."""
import argparse

import numpy as np

import circsim


def main(description: str, variants, row) -> None:
    """Run ``baseline`` with each ``(label, overrides)`` of ``variants`` over ``--seeds`` paired seeds at
    ``--persons`` agents and print the mean and standard error of each figure ``row(dataset)`` gives."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--persons", type=int, default=20000)
    args = parser.parse_args()
    for label, overrides in variants:
        s = circsim.load_scenario("baseline", persons=args.persons, **overrides)
        rows = [row(circsim.run(s, seed)) for seed in range(1, args.seeds + 1)]
        print(f"\n{label} ({args.seeds} seeds, {args.persons:,} agents)")
        for key in rows[0]:
            values = np.array([r[key] for r in rows], dtype=float)
            mean = values.mean(axis=0)
            se = values.std(axis=0, ddof=1) / np.sqrt(len(rows))
            print(f"  {key}: {np.round(mean, 4).tolist()} (se {np.round(se, 4).tolist()})")
