"""Scenarios: parameter declarations, TOML loading and validation, dotted keys, the policy timeline."""

from .errors import ScenarioError
from .keys import parameter_of, resolve_key
from .loader import Scenario, bundled_names, load_scenario
from .params import BY_NAME, PARAMS, Param

__all__ = ["Scenario", "ScenarioError", "load_scenario", "bundled_names", "resolve_key", "parameter_of", "PARAMS",
           "BY_NAME", "Param"]
