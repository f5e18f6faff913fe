"""Table cells that export differently by format: an amount in integer fen is yuan text in a
CSV and a number (with two decimals) in a workbook."""

from __future__ import annotations

import csv
import io


class Fen(int):
    """An amount in integer fen, never a float; ``str()`` gives yuan with two decimals."""

    def __str__(self) -> str:
        sign = "-" if self < 0 else ""
        whole, cents = divmod(abs(int(self)), 100)
        return f"{sign}{whole}.{cents:02d}"


def to_csv(rows: list[list[object]]) -> bytes:
    """UTF-8 with a BOM, so a spreadsheet program opens the Chinese text correctly."""
    out = io.StringIO()
    csv.writer(out).writerows([["是" if v is True else "否" if v is False else
                                ("" if v is None else v) for v in row] for row in rows])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
