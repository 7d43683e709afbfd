"""The policy researcher's bench: paired comparisons kept whole, their figures, the levers of the lab page.

* :mod:`circsim.lab.bench` — :func:`compare` runs two scenarios over the same seeds (common random
  numbers) and keeps the runs: effects with 95 % intervals, yearly series, trips per migrant, effects
  by community, public costs; :func:`effect_sensitivity` reruns the effect over uncertain parameters.
* :mod:`circsim.lab.figures` — the figures a paper would show, from a comparison.
* :mod:`circsim.lab.levers` — the levers grouped as the Communication groups them, and the variant
  scenario file the lab page downloads (:func:`variant_toml`).
* :mod:`circsim.lab.page` — the Solara page served by ``circsim lab`` (needs the ``viz`` extra).

The notebooks in ``notebooks/`` use the first three; see ``docs/NOTEBOOKS.md``.
"""

from .bench import KEY_INDICATORS, Comparison, compare, effect_sensitivity, in_words, uncertain_range
from .levers import GROUPS, LEVERS, Lever, check_levers, load_variant, question, value_at, variant_toml

__all__ = ["compare", "Comparison", "effect_sensitivity", "uncertain_range", "in_words", "KEY_INDICATORS", "LEVERS", "GROUPS",
           "Lever", "check_levers", "variant_toml", "load_variant", "value_at", "question"]
