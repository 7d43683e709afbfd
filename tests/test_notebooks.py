"""The notebooks run from top to bottom without error, and are committed without outputs.

Each question notebook (``notebooks/q_*.ipynb``) runs on a small world unless ``CIRCSIM_FULL=1`` is
set in the environment (then at the scenarios' bundled size: hours), and marks the one cell whose
figure ``docs/scripts/notebook_figures.py`` copies into ``docs/notebooks/`` (tag ``docs-figure``).
"""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
QUESTIONS = [p for p in NOTEBOOKS if p.name.startswith("q_")]


def execute(nb, folder):
    """Run every cell of ``nb`` in ``folder``; a failing cell raises (nbclient's CellExecutionError)."""
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    return nb


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(path, tmp_path):
    nb = execute(nbformat.read(path, as_version=4), tmp_path)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    dirty = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count)]
    assert not dirty, f"{path.name}: cells {dirty} hold outputs (strip them: docs/NOTEBOOKS.md)"


def test_every_question_has_a_notebook_with_a_size_flag_and_one_figure_for_the_docs():
    names = {p.stem for p in QUESTIONS}
    assert {"q_seasonal_multiannual", "q_readmission", "q_brain_drain_measures", "q_visa_facilitation",
            "q_settled_circularity", "q_mobility_partnership", "q_calibration_huelva_catalonia",
            "q_sweep_sobol"} <= names
    for path in QUESTIONS:
        nb = nbformat.read(path, as_version=4)
        source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        assert 'FULL = os.environ.get("CIRCSIM_FULL", "0") == "1"' in source, path.name
        tagged = [c for c in nb.cells if "docs-figure" in c.metadata.get("tags", [])]
        assert len(tagged) == 1, path.name
