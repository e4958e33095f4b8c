"""CSV that a spreadsheet opens as data: cells that would run as formulas are neutralised.

Every CSV Rapport writes goes through ``csv_text`` (or ``safe_cell``): a cell that starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading single quote, so
``=cmd|'/ccalc'!a0`` typed into an invitation shows as text in Excel or LibreOffice instead of
running. Numbers stay numbers (``-3`` as an int is left alone; only text is changed).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """The value to write: text that a spreadsheet would evaluate is prefixed with ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: Iterable[object]) -> list[object]:
    return [safe_cell(value) for value in row]


def csv_text(rows: Iterable[Sequence[object]]) -> str:
    """The rows (the first is usually the header) as CSV text, every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow(safe_row(row))
    return buffer.getvalue()
