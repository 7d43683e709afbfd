"""A command's output files, written all or nothing.

Each output is checked when the command starts (a directory, a path under a regular file, a
name too long, a folder that cannot be written: one line, before any simulation) and written
to a temporary file next to it; only when the whole command has succeeded are the temporaries
moved into place. A command that fails leaves no new file and changes no existing one::

    with OutputFiles() as outputs:
        tmp = outputs.add(out, "--out")     # None if out is None
        ...                                 # compute, then write to tmp
    # here every output is in place
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .scenario import ScenarioError


def move_into_place(tmp: str | os.PathLike, final: str | os.PathLike) -> None:
    """Rename a finished temporary onto its final name, with the permissions a newly created file
    would have (``tempfile.mkstemp`` makes temporaries readable by their owner only)."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(tmp, 0o666 & ~mask)
    os.replace(tmp, final)


def _existing_ancestor(path: Path) -> Path:
    for parent in path.absolute().parents:
        if parent.exists():
            return parent
    return Path("/")


def check_path(path: Path, option: str) -> None:
    """ScenarioError if ``path`` can never be a file or folder a command writes."""
    if str(path) in ("", "."):
        raise ScenarioError(f"{option} {str(path)!r}: give a file name")
    ancestor = _existing_ancestor(path)
    if not ancestor.is_dir():
        raise ScenarioError(f"{option} {path}: {ancestor} is a file, not a directory")
    try:
        longest = os.pathconf(ancestor, "PC_NAME_MAX")
    except (OSError, ValueError):
        longest = 255
    missing = path.absolute().relative_to(ancestor).parts
    for part in missing:
        if len(os.fsencode(part)) > longest:
            raise ScenarioError(f"{option} {path}: the name {part[:20]}... is longer than {longest} bytes")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise ScenarioError(f"{option} {path}: cannot write in {ancestor} (permission denied)")


def make_folder(path: Path, option: str) -> None:
    """Create the folder ``path`` (and its parents) for a command's outputs; ScenarioError if impossible."""
    check_path(path, option)
    if path.exists() and not path.is_dir():
        raise ScenarioError(f"{option} {path}: is a file, not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ScenarioError(f"{option} {path}: cannot create: {exc.strerror}") from None


class OutputFiles:
    """Output files staged in temporaries and moved into place together (see the module doc)."""

    def __init__(self) -> None:
        self._staged: list[tuple[Path, Path]] = []  # (final path, temporary)
        self._made: list[Path] = []                 # folders created for them, parents first

    def add(self, path: Path | None, option: str, suffixes: tuple[str, ...] = ()) -> Path | None:
        """Check ``path`` and return the temporary to write instead (``None`` for ``None``).

        ``suffixes``: the allowed file name endings, if only some are (a figure's formats).
        """
        if path is None:
            return None
        check_path(path, option)
        if path.is_dir():
            raise ScenarioError(f"{option} {path}: is a directory; give a file name")
        if suffixes and path.suffix.lower() not in suffixes:
            raise ScenarioError(f"{option} {path}: must end in one of {', '.join(suffixes)}")
        for final, _ in self._staged:
            if final.absolute() == path.absolute():
                raise ScenarioError(f"{option} {path}: the same file as another output")
        try:
            for parent in reversed(path.absolute().parents):
                if not parent.exists():
                    parent.mkdir()
                    self._made.append(parent)
            fd, tmp = tempfile.mkstemp(prefix=".circsim-", suffix=path.suffix[:16], dir=path.absolute().parent)
        except OSError as exc:
            self.discard()
            raise ScenarioError(f"{option} {path}: cannot write: {exc.strerror}") from None
        os.close(fd)
        self._staged.append((path, Path(tmp)))
        return Path(tmp)

    def commit(self) -> None:
        """Move every temporary into place."""
        for final, tmp in self._staged:
            move_into_place(tmp, final)
        self._staged, self._made = [], []

    def discard(self) -> None:
        """Remove the temporaries and the folders made for them; leave everything else as it was."""
        for _, tmp in self._staged:
            tmp.unlink(missing_ok=True)
        for folder in reversed(self._made):
            try:
                folder.rmdir()
            except OSError:
                pass
        self._staged, self._made = [], []

    def __enter__(self) -> "OutputFiles":
        return self

    def __exit__(self, kind, exc, tb) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()
