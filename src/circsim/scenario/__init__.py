"""Scenarios: parameter declarations, TOML loading and validation, the policy timeline."""

from .errors import ScenarioError
from .loader import Scenario, bundled_names, load_scenario
from .params import BY_NAME, PARAMS, Param

__all__ = ["Scenario", "ScenarioError", "load_scenario", "bundled_names", "PARAMS", "BY_NAME", "Param"]
