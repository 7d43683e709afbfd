"""Pydantic models of a scenario file, generated from the parameter declarations.

Nothing here names a parameter: every field comes from :mod:`circsim.scenario.params`.
Validation is strict about types (a quoted number is refused, an integer parameter refuses
``2.5``) and checks each value against its declared bounds.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, create_model

from .params import RUN_KEYS, Param, of_scope

_STRICT = ConfigDict(extra="forbid", strict=True)


def field_type(p: Param):
    """The annotated type of a parameter's value (int or float, within bounds)."""
    kind = int if p.integer else float
    return kind, Field(default=int(p.default) if p.integer else p.default, ge=p.lo, le=p.hi, description=p.description)


def _scope_model(scope: str, name: str, **extra: Any) -> type[BaseModel]:
    fields = {p.name: field_type(p) for p in of_scope(scope)}
    fields.update(extra)
    return create_model(name, __config__=_STRICT, **fields)


Behaviour = _scope_model("behaviour", "Behaviour")
Community = _scope_model("community", "Community")
Origin = _scope_model("origin", "Origin", communities=(dict[str, Community], Field(min_length=1)))
Market = _scope_model("market", "Market")
Destination = _scope_model("destination", "Destination", sectors=(dict[str, Market], Field(min_length=1)))
Corridor = _scope_model("corridor", "Corridor")

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class ScenarioModel(BaseModel):
    """A whole scenario file after ``extends`` and overrides are applied."""

    model_config = _STRICT
    name: str = Field(default="unnamed", description=RUN_KEYS["name"])
    description: str = Field(default="", description=RUN_KEYS["description"])
    start: str = Field(default="2008-01", pattern=MONTH.pattern, description=RUN_KEYS["start"])
    years: int = Field(default=20, ge=1, le=100, description=RUN_KEYS["years"])
    burn_in_years: int = Field(default=2, ge=0, le=50, description=RUN_KEYS["burn_in_years"])
    persons: int = Field(default=20000, ge=100, le=50_000_000, description=RUN_KEYS["persons"])
    population: float = Field(default=1_000_000.0, gt=0, le=1e10, description=RUN_KEYS["population"])
    resolution_persons: int = Field(default=0, ge=0, le=50_000_000, description=RUN_KEYS["resolution_persons"])
    behaviour: Behaviour = Field(default_factory=Behaviour)  # type: ignore[valid-type]
    origins: dict[str, Origin] = Field(min_length=1)  # type: ignore[valid-type]
    destinations: dict[str, Destination] = Field(min_length=1)  # type: ignore[valid-type]
    corridors: dict[str, dict[str, Corridor]] = Field(default_factory=dict)  # type: ignore[valid-type]
    timeline: list[dict[str, Any]] = Field(default_factory=list)


_ADAPTERS: dict[str, TypeAdapter] = {}


def _adapter(name: str, kind: Any, field: Any) -> TypeAdapter:
    if name not in _ADAPTERS:
        _ADAPTERS[name] = TypeAdapter(Annotated[kind, field], config=ConfigDict(strict=True))
    return _ADAPTERS[name]


def check_value(p: Param, value: Any) -> Any:
    """Validate one value of parameter ``p``; raises pydantic's ValidationError."""
    return _adapter(p.name, *field_type(p)).validate_python(value)


def check_run_value(key: str, value: Any) -> Any:
    """Validate one value of a run key (``persons``, ``start`` ...); raises pydantic's ValidationError."""
    field = ScenarioModel.model_fields[key]
    return _adapter(f"run:{key}", field.annotation, field).validate_python(value)
