"""circsim benchmarks: speed, scaling, memory, start-up and the regression check.

Run from the repository root, e.g. ``python -m benchmarks.throughput`` or
``python -m benchmarks.regression --quick`` (the CI entry point). Results and the commands
that produced them are in ``docs/BENCHMARKS.md``. Speed is measured here, never in tests.
"""
