"""Rows written into Excel exports: the one place a row of values becomes worksheet cells. No Django import.

openpyxl refuses control characters (one ESC in an order subject made the whole export answer 500), and it
writes a text starting with "=" as a formula, which a customer's words must never become.
"""

from __future__ import annotations

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE


def cell_value(value):
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def append(ws, row) -> None:
    """ws.append(row), with texts cleaned of what XML cannot hold and kept as texts."""
    ws.append([cell_value(v) for v in row])
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"
