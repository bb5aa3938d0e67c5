"""Running the ``trustmarket`` app in-process, shared by the CLI tests."""

from __future__ import annotations

import json
from typing import Any

from typer.testing import CliRunner

from trustmarket.cli.app import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``trustmarket ARGS``."""
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def ok_json(*args: str) -> dict[str, Any]:
    """The JSON document of ``trustmarket ARGS --json``, which must succeed."""
    code, out, err = run(*args, "--json")
    assert code == 0, (out, err)
    data = json.loads(out)
    assert isinstance(data, dict)
    return data
