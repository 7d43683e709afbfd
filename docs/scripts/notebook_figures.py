"""Execute the question notebooks and save one figure of each under docs/notebooks/ (docs/NOTEBOOKS.md shows them).

``python docs/scripts/notebook_figures.py`` (about two minutes on 2 cores with compiled kernels) runs every
``notebooks/q_*.ipynb`` on its small world and writes the image of the cell tagged ``docs-figure`` to
``docs/notebooks/<notebook>.png``. With ``CIRCSIM_FULL=1`` in the environment the notebooks run at the
scenarios' bundled size (hours). The notebooks in git stay without outputs; nothing here writes them.

``python docs/scripts/notebook_figures.py --strip`` removes the outputs of every notebook in ``notebooks/``
(after working in one interactively; ``tests/test_notebooks.py`` checks that none are committed).
"""
import base64
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "notebooks"


def figure_of(path: Path, folder: Path) -> bytes:
    """The PNG shown by the notebook's ``docs-figure`` cell, after running the whole notebook in ``folder``."""
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=1800, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    for cell in nb.cells:
        if "docs-figure" in cell.metadata.get("tags", []):
            for output in cell.get("outputs", []):
                if "image/png" in output.get("data", {}):
                    return base64.b64decode(output["data"]["image/png"])
    raise SystemExit(f"{path.name}: no image in the cell tagged docs-figure")


def strip() -> None:
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        nbformat.write(nb, path)
        print(f"stripped {path.relative_to(ROOT)}")


def main(names: list[str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    paths = sorted((ROOT / "notebooks").glob("q_*.ipynb"))
    for path in paths if not names else [p for p in paths if p.stem in names]:
        start = time.time()
        with tempfile.TemporaryDirectory() as folder:
            (OUT / f"{path.stem}.png").write_bytes(figure_of(path, Path(folder)))
        print(f"{path.stem}: docs/notebooks/{path.stem}.png ({time.time() - start:.0f} s)")


if __name__ == "__main__":
    if sys.argv[1:] == ["--strip"]:
        strip()
    else:
        main(sys.argv[1:])
