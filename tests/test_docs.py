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
    expected = {"README.md", "auctions.md", "combinatorial.md", "core.md", "scenarios.md"}
    expected |= {"games.md", "contracts.md", "safe-exchange.md", "reputation.md", "bureau.md"}
    expected |= {"ledger.md", "sharing.md", "sim.md", "service.md"}
    assert expected <= set(with_examples)


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


SHELL = re.compile(r"^```sh\n(.*?)^```", re.DOTALL | re.MULTILINE)
EXIT_CODE = re.compile(r"\(exit code (\d+)\)")


def shell_commands() -> list[tuple[str, str, int]]:
    """Every `trustmarket ...` line of a shell block, continuation lines joined, with the exit
    code a following comment announces (0 when none does)."""
    found: list[tuple[str, str, int]] = []
    for path in DOCS:
        for block in SHELL.findall(path.read_text(encoding="utf-8")):
            lines = block.replace("\\\n", " ").splitlines()
            for k, line in enumerate(lines):
                command = line.removeprefix("$ ").split("  #")[0].strip()
                if not command.startswith(("trustmarket ", ".venv/bin/trustmarket ")):
                    continue
                code = 0
                for later in lines[k + 1 :]:
                    if not later.startswith("#"):
                        break
                    if match := EXIT_CODE.search(later):
                        code = int(match.group(1))
                found.append((path.name, command, code))
    return found


@pytest.mark.parametrize(("page", "command", "code"), shell_commands())
def test_shell_examples_run(
    page: str, command: str, code: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shlex

    from typer.testing import CliRunner

    from trustmarket.cli.app import app

    monkeypatch.chdir(ROOT)
    args = shlex.split(command)[1:]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == code, (page, command, result.stdout, result.stderr)
