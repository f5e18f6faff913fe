"""A table as a download: CSV (UTF-8 with BOM) or an Excel workbook, with a Chinese file name
the browser keeps (RFC 5987) and an ASCII one for older clients."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Response

from api.errors import ApiError
from api.exports.tables import to_csv
from api.exports.xlsx import workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS = ("csv", "xlsx")


def table_download(rows: list[list[object]], *, kind: str, title: str, ascii_name: str) -> Response:
    """``rows`` (the first is the header) as ``kind`` ('csv' or 'xlsx')."""
    if kind not in KINDS:
        raise ApiError(404, "not_found", "只能导出 csv 或 xlsx")
    body = to_csv(rows) if kind == "csv" else workbook(title, rows)
    media = "text/csv; charset=utf-8" if kind == "csv" else XLSX
    return Response(body, media_type=media, headers={
        "Content-Disposition": f"attachment; filename=\"{ascii_name}.{kind}\"; "
                               f"filename*=UTF-8''{quote(title)}.{kind}",
        "Cache-Control": "no-store"})
