"""Excel workbooks with openpyxl: numbers and amounts stored as numbers, a bold header row
that stays in view, and column widths that fit the Chinese text."""

from __future__ import annotations

import io
import re
import unicodedata
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from api.exports.tables import Fen

CHINA_TZ = ZoneInfo("Asia/Shanghai")
MONEY_FORMAT = "#,##0.00"
TIME_FORMAT = "yyyy-mm-dd hh:mm"
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


def _width(value: object) -> int:
    """Display width: a Chinese character takes two columns."""
    text = str(value if value is not None else "")
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _put(cell: Cell, value: object) -> None:
    if isinstance(value, bool):
        cell.value = "是" if value else "否"
    elif isinstance(value, Fen):
        cell.value = Decimal(int(value)) / 100
        cell.number_format = MONEY_FORMAT
    elif isinstance(value, datetime):
        moment = value.astimezone(CHINA_TZ) if value.tzinfo else value
        cell.value = moment.replace(tzinfo=None)
        cell.number_format = TIME_FORMAT
    else:
        cell.value = value


def workbook(sheet_name: str, rows: list[list[object]]) -> bytes:
    """An .xlsx with one sheet; the first row is the (bold, frozen) header."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _BAD_TITLE.sub("-", sheet_name)[:31] or "Sheet1"
    widths: dict[int, int] = {}
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            _put(cell, value)
            if r == 1:
                cell.font = Font(bold=True)
            shown = str(value) if isinstance(value, Fen) else value
            widths[c] = max(widths.get(c, 0), _width(shown))
    for c, width in widths.items():
        sheet.column_dimensions[get_column_letter(c)].width = min(max(width + 2, 8), 60)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
