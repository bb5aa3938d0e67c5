"""JSON that people hand us (files, command-line text), read with errors that say what was wrong.

``json.loads`` alone lets four kinds of bad text escape as Python errors rather than as a
message: invalid JSON (``JSONDecodeError``), bytes that are not UTF-8 (``UnicodeDecodeError``),
nesting deeper than the interpreter's recursion limit (``RecursionError``) and an integer of
more digits than Python converts (``ValueError``, the 4,300-digit limit of CPython 3.11). Each
becomes the caller's :class:`~trustmarket.core.errors.InvalidInput` subclass here, naming the
source and, for syntax errors, the line and column.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from trustmarket.core.errors import InvalidInput


def parse_json(
    text: str,
    source: str,
    *,
    error: type[InvalidInput] = InvalidInput,
    parse_float: Callable[[str], Any] | None = None,
) -> Any:
    """The JSON value of ``text``; ``source`` names it in errors (a path, an option)."""
    try:
        return json.loads(text, parse_float=parse_float)
    except json.JSONDecodeError as exc:
        raise error(
            f"{source} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except RecursionError:
        raise error(f"{source} is nested too deeply to read as JSON") from None
    except ValueError as exc:  # an integer of more digits than int() takes
        raise error(f"{source} holds a number too long to read: {exc}") from None


def read_json_file(
    path: Path,
    what: str = "file",
    *,
    error: type[InvalidInput] = InvalidInput,
    parse_float: Callable[[str], Any] | None = None,
) -> Any:
    """The JSON value stored in ``path`` (UTF-8); ``what`` says what the file is for errors."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise error(f"{what} {path} is not UTF-8 text") from None
    except IsADirectoryError:
        raise error(f"{what} {path} is a directory; give a file") from None
    except OSError as exc:
        raise error(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    return parse_json(text, f"{what} {path}", error=error, parse_float=parse_float)
