"""airspeed velocity (asv) benchmarks of circsim; configuration in ``asv.conf.json`` at the root.

Self-contained (asv imports this directory as a top-level package ``asv_bench``): only
``circsim`` is imported. Run ``asv run --python=same --quick`` from the repository root.
"""
