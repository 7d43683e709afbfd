"""The documentation cites only tests that exist."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"


def test_every_test_cited_in_the_docs_exists():
    defined = {name for path in TESTS.glob("test_*.py")
               for name in re.findall(r"^def (test_\w+)", path.read_text(), re.M)}
    files = {path.stem for path in TESTS.glob("test_*.py")}
    missing = [(doc.name, name) for doc in [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
               for name in sorted(set(re.findall(r"\btest_\w+", doc.read_text())))
               if name not in defined and name not in files]
    assert not missing, f"cited tests that do not exist: {missing}"
