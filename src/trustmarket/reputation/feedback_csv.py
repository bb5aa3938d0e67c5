"""Feedback from CSV files (the input of ``trustmarket reputation score``).

The header names the columns. Required: ``transaction``, ``rater``, ``subject``, ``rating``
(-1, 0 or 1). Optional: ``time`` (integer seconds, default 0) and ``value`` (the transaction
value in integer minor units, default 0). Every other column is a critical-attribute score, in
header order (for example ``delivery,quality,price``); a row gives all of them or leaves all
empty. One transaction, one feedback per side: the rows of a transaction name the same two
parties, each rating the other once.

The file is UTF-8 text (a byte-order mark is allowed); a field is at most 131,072 characters
(the csv module's limit). Every fault is a :class:`~trustmarket.core.errors.FileFormatError`
naming the file and line.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from trustmarket.core.errors import FileFormatError, InvalidInput
from trustmarket.reputation.feedback import AttributeScale, Feedback

__all__ = ["REQUIRED_COLUMNS", "read_feedback_csv"]

REQUIRED_COLUMNS = ("transaction", "rater", "subject", "rating")
OPTIONAL_COLUMNS = ("time", "value")


# Bytes that are not UTF-8, as the "surrogateescape" error handler decodes them.
_NOT_UTF8 = re.compile("[\udc80-\udcff]")


class _Lines:
    """The file's physical lines for the csv reader, counted (so that a fault the reader raises
    itself can name its line) and refused at the first one that is not UTF-8."""

    def __init__(self, handle: TextIO, name: str) -> None:
        self.handle = handle
        self.name = name
        self.line = 0

    def __iter__(self) -> Iterator[str]:
        for text in self.handle:
            self.line += 1
            if _NOT_UTF8.search(text):
                raise FileFormatError(
                    "not UTF-8 text; save the feedback file as UTF-8", self.name, self.line
                )
            yield text


def _integer(text: str, what: str, path: str, line: int) -> int:
    try:
        return int(text)
    except ValueError:
        raise FileFormatError(f"{what} must be an integer, got {text!r}", path, line) from None


def read_feedback_csv(path: str | Path) -> tuple[list[Feedback], AttributeScale | None]:
    """The feedback of a CSV file, oldest row first, and the attribute scale its extra columns
    name (scored 0 to 5, the online-auction trust paper's scale; ``None`` without them)."""
    name = str(path)
    try:
        # Decoding errors are kept as lone surrogates and refused line by line (_Lines).
        handle = open(  # noqa: SIM115 - closed below
            path, newline="", encoding="utf-8-sig", errors="surrogateescape"
        )
    except OSError as exc:
        raise InvalidInput(f"cannot read feedback file {name}: {exc.strerror}") from None
    lines = _Lines(handle, name)
    try:
        with handle:
            return _read(csv.reader(lines), name)
    except csv.Error as exc:
        limit = csv.field_size_limit()
        problem = (
            f"a field is longer than {limit:,} characters, the most a feedback file allows"
            if "field limit" in str(exc)
            else f"not readable as CSV: {exc}"
        )
        raise FileFormatError(problem, name, lines.line) from None
    except OSError as exc:  # a read error after opening (a directory, a failing disk)
        raise InvalidInput(f"cannot read feedback file {name}: {exc.strerror or exc}") from None


def _read(reader: Iterator[list[str]], name: str) -> tuple[list[Feedback], AttributeScale | None]:
    header = next(reader, None)
    if header is None:
        raise FileFormatError(
            f"empty file; the header needs {', '.join(REQUIRED_COLUMNS)}", name, 1
        )
    columns = [column.strip() for column in header]
    missing = [column for column in REQUIRED_COLUMNS if column not in columns]
    if missing:
        raise FileFormatError(
            f"the header lacks {', '.join(missing)}; required: {', '.join(REQUIRED_COLUMNS)}"
            f" (optional: {', '.join(OPTIONAL_COLUMNS)}, then attribute columns)",
            name,
            1,
        )
    if len(set(columns)) != len(columns):
        raise FileFormatError(f"duplicate column names in {columns}", name, 1)
    known = set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS)
    attribute_names = tuple(column for column in columns if column not in known)
    scale = AttributeScale(attribute_names) if attribute_names else None
    where = {column: k for k, column in enumerate(columns)}
    feedback: list[Feedback] = []
    parties: dict[str, tuple[str, str]] = {}
    rated: set[tuple[str, str]] = set()
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            raise FileFormatError(f"{len(row)} fields, the header has {len(columns)}", name, line)
        cells = {column: row[k].strip() for column, k in where.items()}
        scores = [cells[a] for a in attribute_names]
        attributes: tuple[float, ...] | None = None
        if any(scores):
            if not all(scores):
                raise FileFormatError(
                    "give every attribute score "
                    f"({', '.join(attribute_names)}) or leave them all empty",
                    name,
                    line,
                )
            try:
                attributes = tuple(float(score) for score in scores)
            except ValueError:
                raise FileFormatError(
                    f"attribute scores must be numbers, got {scores}", name, line
                ) from None
        try:
            item = Feedback(
                transaction=cells["transaction"],
                rater=cells["rater"],
                subject=cells["subject"],
                rating=_integer(cells["rating"], "rating", name, line),
                time=_integer(cells.get("time") or "0", "time", name, line),
                value=_integer(cells.get("value") or "0", "value", name, line),
                attributes=attributes,
            )
            if scale is not None and attributes is not None:
                scale.check(attributes)
        except FileFormatError:
            raise
        except InvalidInput as exc:
            raise FileFormatError(exc.message, name, line) from None
        pair = parties.setdefault(item.transaction, (item.rater, item.subject))
        if {item.rater, item.subject} != set(pair):
            raise FileFormatError(
                f"transaction {item.transaction} is between {pair[0]} and {pair[1]}, not "
                f"{item.rater} and {item.subject}",
                name,
                line,
            )
        if (item.transaction, item.rater) in rated:
            raise FileFormatError(
                f"{item.rater} has already rated transaction {item.transaction}; one "
                "feedback per side",
                name,
                line,
            )
        rated.add((item.transaction, item.rater))
        feedback.append(item)
    return feedback, scale
