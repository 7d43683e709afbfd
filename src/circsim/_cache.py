"""Where Numba keeps its compiled kernels.

Numba's own cache checks only the timestamp of the file that defines a kernel, not the
modules it imports (status codes, random streams). To never load a stale kernel, the cache
lives in a directory named after a hash of every source file the kernels are compiled from
(``KERNEL_SOURCES``): an edit there gives a fresh directory; an unchanged checkout, or an edit
elsewhere (command line, plots), finds its kernels warm. The root is
``$CIRCSIM_CACHE_DIR`` (default ``~/.cache/circsim/numba``).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


#: Files (globs, relative to the package) whose contents compiled kernels depend on.
KERNEL_SOURCES = ("rng.py", "rules.py", "state.py", "world.py", "engine.py", "diaspora.py", "records_spec.py", "phases/*.py",
                  "scenario/params.py", "scenario/pack.py")


def source_hash() -> str:
    """Short hash of the kernel source files (names and contents)."""
    root = Path(__file__).parent
    digest = hashlib.sha1()
    for path in sorted(p for pattern in KERNEL_SOURCES for p in root.glob(pattern)):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


#: minutes a cold compile of every kernel takes on two cores
COMPILE_MINUTES = 3


def configure() -> Path:
    """Point Numba's cache at a stable, source-keyed directory; returns it."""
    base = Path(os.environ.get("CIRCSIM_CACHE_DIR", Path.home() / ".cache" / "circsim" / "numba"))
    directory = base / source_hash()
    directory.mkdir(parents=True, exist_ok=True)
    os.environ["NUMBA_CACHE_DIR"] = str(directory)
    import numba

    numba.config.CACHE_DIR = str(directory)
    return directory


CACHE_DIR = configure()


def is_cold() -> bool:
    """True if no kernel compiled from the current sources is cached yet (the next run compiles)."""
    return not any(CACHE_DIR.rglob("*.nbi"))
