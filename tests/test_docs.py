"""Every Python example in the README and docs/ runs, and its assertions hold."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def python_blocks(path: Path) -> list[str]:
    return BLOCK.findall(path.read_text(encoding="utf-8"))


def test_docs_have_examples() -> None:
    with_examples = [p.name for p in DOCS if python_blocks(p)]
    assert {"README.md", "auctions.md", "combinatorial.md", "core.md", "scenarios.md"} <= set(
        with_examples
    )


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_examples_run(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {"__name__": f"docs_{path.stem}"}
    for number, block in enumerate(python_blocks(path), start=1):
        code = compile(block, f"{path.name} example {number}", "exec")
        exec(code, namespace)


def test_example_scenarios_are_documented() -> None:
    documented = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    for example in (ROOT / "docs" / "examples").glob("*.json"):
        assert example.name in documented or example.stem in documented
