"""The police's missing-person list (公安失踪人员名单), CSV or XLSX: every row checked like a
report typed in, the good ones registered (an external reference already imported is a
duplicate, not a second report), the others returned with the row number and the reason."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from openpyxl import load_workbook
from pydantic import ValidationError

from api.errors import ApiError
from domain.enums import Sex
from domain.messages import chinese_message
from domain.missing import Condition, ImportRejection, MissingReportInput, ReportedBy

COLUMNS = {
    "编号": "external_ref", "姓名": "name", "别名": "aliases", "性别": "sex", "出生日期": "birth_date",
    "出生年份": "birth_year", "身份证号码": "id_number", "身高": "height_cm", "籍贯": "origin",
    "口音": "dialect", "走失日期": "last_seen_on", "走失地点": "last_seen_place", "健康状况": "conditions",
    "体貌特征": "marks", "衣着": "clothing", "联系人": "contact_name", "联系电话": "contact_phone",
}
"""Column headings of the list (Chinese, as the police export them) → report fields."""

_SEX = {"男": Sex.MALE, "女": Sex.FEMALE, "": Sex.UNKNOWN, "不详": Sex.UNKNOWN}
_CONDITIONS = {"老年痴呆": Condition.DEMENTIA, "认知症": Condition.DEMENTIA, "智力残疾": Condition.INTELLECTUAL,
               "精神障碍": Condition.PSYCHIATRIC, "精神病": Condition.PSYCHIATRIC, "聋哑": Condition.HEARING_SPEECH}
MAX_ROWS = 20000


def rows_of(data: bytes, filename: str) -> Iterator[dict[str, Any]]:
    """The list's rows as {heading: value}, from CSV (UTF-8, with or without BOM) or XLSX."""
    if filename.lower().endswith(".xlsx"):
        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        except Exception:  # openpyxl raises many kinds for a file that is not a workbook
            raise ApiError(422, "invalid_file", "无法读取该Excel文件，请确认是 .xlsx 格式") from None
        if sheet is None:
            raise ApiError(422, "invalid_file", "Excel文件中没有工作表")
        rows = sheet.iter_rows(values_only=True)
        heads = [str(h or "").strip() for h in next(rows, ())]
        check_headings(heads)
        for values in rows:
            if any(v not in (None, "") for v in values):
                yield dict(zip(heads, values, strict=False))
        return
    if not filename.lower().endswith(".csv"):
        raise ApiError(422, "invalid_file", "请上传 CSV 或 Excel（.xlsx）文件")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ApiError(422, "invalid_file", "CSV 文件须为 UTF-8 编码") from None
    reader = csv.DictReader(io.StringIO(text))
    check_headings([(h or "").strip() for h in reader.fieldnames or []])
    for row in reader:
        if any((v or "").strip() for v in row.values() if isinstance(v, str)):
            yield {(k or "").strip(): v for k, v in row.items()}


def check_headings(heads: list[str]) -> None:
    """Refuse a list with a column this import does not know (its values would be dropped
    unseen, and a misnamed 走失日期 would reject every row as missing it): 422 naming the
    unknown columns and the known ones. Columns without a heading are ignored."""
    unknown = [h for h in heads if h and h not in COLUMNS]
    if unknown:
        raise ApiError(422, "unknown_columns",
                       f"名单中有无法识别的列：{'、'.join(unknown[:10])}。请把列名改为以下之一后重新导入："
                       f"{'、'.join(COLUMNS)}（不需要的列请删除）",
                       [{"loc": ["file", "heading"], "msg": f"无法识别的列：{h}", "type": "unknown_column"}
                        for h in unknown[:50]])


def report_of(row: dict[str, Any]) -> MissingReportInput | str:
    """The row as a report, or the reason (in Chinese) it cannot be one."""
    fields: dict[str, Any] = {"reported_by": ReportedBy.POLICE}
    for head, name in COLUMNS.items():
        value = row.get(head)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        fields[name] = value.strip() if isinstance(value, str) else value
    if "sex" in fields:
        sex = _SEX.get(str(fields["sex"]))
        if sex is None:
            return f"性别“{fields['sex']}”无法识别（应为男、女或不详）"
        fields["sex"] = sex
    if "aliases" in fields:
        fields["aliases"] = [a for a in str(fields["aliases"]).replace("，", ",").replace("、", ",").split(",")]
    if "conditions" in fields:
        words = [w.strip() for w in str(fields["conditions"]).replace("，", "、").split("、") if w.strip()]
        unknown = [w for w in words if w not in _CONDITIONS]
        if unknown:
            return f"健康状况“{unknown[0]}”无法识别"
        fields["conditions"] = sorted({_CONDITIONS[w] for w in words})
    for name in ("birth_date", "last_seen_on"):
        if hasattr(fields.get(name), "date"):
            fields[name] = fields[name].date()
    for name in ("external_ref", "id_number", "contact_phone", "height_cm", "birth_year"):
        if isinstance(fields.get(name), float) and fields[name].is_integer():
            fields[name] = int(fields[name])
        if name in ("external_ref", "id_number", "contact_phone") and name in fields:
            fields[name] = str(fields[name])
    try:
        return MissingReportInput(**fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = next((h for h, n in COLUMNS.items() if first["loc"] and n == first["loc"][0]), "")
        return (f"{where}：" if where else "") + chinese_message(first)


def rejection(row: int, reason: str) -> ImportRejection:
    return ImportRejection(row=row, reason=reason)


def checked_rows(data: bytes, filename: str) -> tuple[int, list[ImportRejection],
                                                      list[tuple[int, MissingReportInput]]]:
    """Every row of the list checked (pure, no I/O): the number of rows, the rejected ones
    with their row number (the heading is row 1) and reason, and the good ones as reports."""
    rejected: list[ImportRejection] = []
    good: list[tuple[int, MissingReportInput]] = []
    total = 0
    for n, row in enumerate(rows_of(data, filename), start=2):
        total += 1
        if total > MAX_ROWS:
            raise ApiError(422, "too_many_rows", f"一次最多导入{MAX_ROWS}行，请分批导入")
        body = report_of(row)
        if isinstance(body, str):
            rejected.append(rejection(n, body))
        else:
            good.append((n, body))
    return total, rejected, good
