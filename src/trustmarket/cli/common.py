"""What every command shares: JSON output, rich consoles and the error convention."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from trustmarket.core.errors import TrustmarketError

F = TypeVar("F", bound=Callable[..., Any])
JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON document instead.")]


def console() -> Console:
    return Console(highlight=False)


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, sort_keys=False))


def reports_errors(command: F) -> F:
    """Turn trustmarket errors into one line on stderr and exit code 2."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except TrustmarketError as exc:
            typer.echo(f"error: {exc.message}", err=True)
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]
