"""Reading a TOML file a user gives (scenario, sweep, calibration, targets) as bytes, checked.

Every way such a file can be unusable — missing, a directory, too big, not UTF-8, malformed,
nested absurdly deep — ends in a :class:`ScenarioError` naming the file, never a traceback.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from .errors import ScenarioError
from .limits import FILE_BYTES_MAX, NESTING_MAX


def read_toml(path: str | Path) -> dict:
    """The tables of the TOML file at ``path``; ScenarioError naming the file otherwise."""
    path = Path(path)
    if path.is_dir():
        raise ScenarioError(f"{path}: is a directory, not a TOML file")
    try:
        if path.exists() and not path.is_file():
            raise ScenarioError(f"{path}: not a regular file")
        if path.stat().st_size > FILE_BYTES_MAX:
            raise ScenarioError(f"{path}: larger than {FILE_BYTES_MAX // 2**20} MiB")
        data = path.read_bytes()
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such file") from None
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read: {exc.strerror}") from None
    return parse_toml(data, str(path))


def parse_toml(data: bytes, where: str) -> dict:
    """TOML ``data`` (UTF-8, a byte-order mark allowed) as tables; ScenarioError naming ``where``."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ScenarioError(f"{where}: line {line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); "
                            "save the file as UTF-8") from None
    try:
        tables = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{where}: malformed TOML: {exc}") from None
    except RecursionError:
        raise ScenarioError(f"{where}: tables or arrays nested more than {NESTING_MAX} deep") from None
    if nesting(tables) > NESTING_MAX:
        raise ScenarioError(f"{where}: tables or arrays nested more than {NESTING_MAX} deep")
    return tables


def nesting(value) -> int:
    """How deep tables and arrays are nested in ``value`` (0 for a plain value); without recursion."""
    deepest, todo = 0, [(value, 0)]
    while todo:
        item, depth = todo.pop()
        if isinstance(item, dict):
            todo += [(v, depth + 1) for v in item.values()]
        elif isinstance(item, list):
            todo += [(v, depth + 1) for v in item]
        else:
            continue
        deepest = max(deepest, depth + 1)
        if deepest > NESTING_MAX:
            break
    return deepest
