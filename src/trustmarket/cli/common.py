"""What every command shares: JSON output, rich consoles and the error convention."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from typer.core import TyperGroup

from trustmarket.core.errors import InvalidInput, TrustmarketError

F = TypeVar("F", bound=Callable[..., Any])
JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON document instead.")]


# Typer vendors click in recent releases; reach click's exception base through a public class
# so this works with either.
_ClickException: type[Exception] = next(
    k for k in typer.BadParameter.__mro__ if k.__name__ == "ClickException"
)


class OneLineErrorGroup(TyperGroup):
    """A command group whose usage errors (unknown option, missing argument, bad choice) end
    like every other error: one ``error: ...`` line on stderr and exit code 2."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except _ClickException as exc:
            show = getattr(exc, "show", None)
            if type(exc).__name__ == "NoArgsIsHelpError" and show is not None:
                show()  # a bare group prints its help, as no_args_is_help promises
            else:
                message = " ".join(exc.format_message().split())  # type: ignore[attr-defined]
                typer.echo(f"error: {message} (try --help)", err=True)
            sys.exit(getattr(exc, "exit_code", 2))
        sys.exit(code if isinstance(code, int) else 0)


def console(wide: bool = False) -> Console:
    """A console for people; ``wide`` for tables that must not be squeezed into 80 columns
    when the output is not a terminal."""
    if wide:
        return Console(highlight=False, width=max(Console().width, 140))
    return Console(highlight=False)


def check_output_file(path: Path, option: str) -> Path:
    """Refuse, before any work, a file path a command could not write: empty, a directory, or
    in a directory that does not exist."""
    if not str(path).strip() or str(path) == ".":
        raise InvalidInput(f"{option} needs a file name, got {str(path)!r}")
    if path.is_dir():
        raise InvalidInput(f"{option} {path} is a directory; give a file name")
    parent = path.parent
    if not parent.is_dir():
        raise InvalidInput(f"{option} {path}: the directory {parent} does not exist")
    return path


def check_output_directory(path: Path, option: str) -> Path:
    """Refuse, before any work, an output directory that is an existing file."""
    if not str(path).strip():
        raise InvalidInput(f"{option} needs a directory name, got {str(path)!r}")
    if path.exists() and not path.is_dir():
        raise InvalidInput(f"{option} {path} is a file; give a directory")
    return path


def print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, sort_keys=False))


def reports_errors(command: F) -> F:
    """Turn trustmarket errors into one line on stderr and exit code 2; so too running out of
    memory, which only a request too large for this machine causes (e.g. a million-bid instance
    over thousands of goods)."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except TrustmarketError as exc:
            typer.echo(f"error: {exc.message}", err=True)
            raise typer.Exit(2) from None
        except MemoryError:
            typer.echo(
                "error: not enough memory for this request on this machine; ask for a smaller "
                "size (fewer goods, bids, agents, rounds, seeds or steps)",
                err=True,
            )
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]
