"""The allowed ranges of what a user gives besides parameters (those are declared in params.py).

One place for each limit; the loader, the sweep and calibration files and the command line
check against these.
"""

from __future__ import annotations

from numbers import Integral

from .errors import ScenarioError

#: seeds are 64-bit signed integers inside the kernels
SEED_MAX = 2**63 - 1
#: runs of one scenario in one command (``--seeds``), or replicates of one design point
SEEDS_MAX = 10_000
#: runs of one sweep (design points x seeds)
RUNS_MAX = 1_000_000
#: local Dask worker processes
WORKERS_MAX = 256
#: seconds to wait for a Dask scheduler before giving up
SCHEDULER_TIMEOUT = 10
#: tables and arrays inside each other in a TOML file (a scenario needs 6)
NESTING_MAX = 32
#: files in one ``extends`` chain
EXTENDS_MAX = 32
#: size of a TOML file
FILE_BYTES_MAX = 16 * 2**20
#: years a scenario may start in
START_YEARS = (1900, 2200)
#: last month a run may record: NetCDF time axes are read back as datetime64[ns], which ends 2262-04-11
LAST_MONTH = "2262-03"


def check_int(value: int, lo: int, hi: int, where: str) -> int:
    """``value`` (a Python or NumPy integer) as an int from ``lo`` to ``hi``; ScenarioError naming ``where`` otherwise."""
    if isinstance(value, bool) or not isinstance(value, Integral) or not lo <= value <= hi:
        raise ScenarioError(f"{where} = {value!r}: must be an integer from {lo:,} to {hi:,}")
    return int(value)


def check_seeds(first: int, count: int, where: str = "--seed") -> range:
    """The seeds ``first, first + 1, ...`` (``count`` of them), each within 0 to SEED_MAX."""
    check_int(count, 1, SEEDS_MAX, "--seeds")
    check_int(first, 0, SEED_MAX - count + 1, where)
    return range(first, first + count)
