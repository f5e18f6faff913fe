"""Chinese messages for pydantic's validation errors: what a caseworker reads in an API's
422 details and next to a console form's field, never pydantic's English."""

from __future__ import annotations

import re
from typing import Any

_FIXED = {
    "missing": "必填",
    "missing_argument": "必填",
    "extra_forbidden": "不认识的字段，本系统不接收此项，请删除",
    "unexpected_keyword_argument": "不认识的字段，本系统不接收此项，请删除",
    "json_invalid": "不是有效的 JSON，请检查括号、引号和逗号",
    "json_type": "应为 JSON 文本",
    "dict_type": "应为对象（键值对）",
    "model_type": "应为对象（键值对）",
    "model_attributes_type": "应为对象（键值对）",
    "dataclass_type": "应为对象（键值对）",
    "list_type": "应为列表",
    "tuple_type": "应为列表",
    "set_type": "应为列表",
    "frozen_set_type": "应为列表",
    "iterable_type": "应为列表",
    "string_type": "应为文本",
    "string_unicode": "应为文本",
    "string_sub_type": "应为文本",
    "string_pattern_mismatch": "格式不符合要求",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_parsing_size": "数值超出范围",
    "int_from_float": "应为整数（不能有小数）",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "finite_number": "应为有效数字",
    "decimal_type": "应为数字",
    "decimal_parsing": "应为数字",
    "bool_type": "应为是或否",
    "bool_parsing": "应为是或否",
    "date_type": "日期格式应为 YYYY-MM-DD",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_inexact": "应为日期（不带时间）",
    "datetime_type": "时间格式应为 2026-01-31T08:30（可带时区，如 2026-01-31T08:30+08:00）",
    "datetime_parsing": "时间格式应为 2026-01-31T08:30（可带时区，如 2026-01-31T08:30+08:00）",
    "datetime_from_date_parsing": "时间格式应为 2026-01-31T08:30（可带时区，如 2026-01-31T08:30+08:00）",
    "datetime_object_invalid": "时间无效",
    "time_type": "时间格式应为 HH:MM",
    "time_parsing": "时间格式应为 HH:MM",
    "timezone_naive": "时间不能带时区",
    "timezone_aware": "时间须带时区（如 +08:00）",
    "uuid_type": "编号格式不正确",
    "uuid_parsing": "编号格式不正确",
    "url_type": "网址格式不正确",
    "url_parsing": "网址格式不正确",
    "url_scheme": "网址格式不正确",
    "union_tag_invalid": "类型不正确",
    "union_tag_not_found": "缺少类型",
    "bytes_type": "应为文本",
    "none_required": "此项应留空",
    "is_instance_of": "类型不正确",
}

_CJK = re.compile(r"[\u4e00-\u9fff]")


def chinese_message(error: Any) -> str:
    """A Chinese message for one pydantic error (a dict of ``ValidationError.errors()``).

    Our own validators already speak Chinese; an error type unknown here falls back to a
    plain Chinese sentence rather than pydantic's English."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind in _FIXED:
        return _FIXED[kind]
    if kind == "string_too_short":
        n = ctx.get("min_length", 1)
        return "不能为空" if n in (None, 1) else f"至少{n}个字"
    if kind == "string_too_long":
        return f"内容过长（最多{ctx['max_length']}个字）" if "max_length" in ctx else "内容过长"
    if kind == "too_short":
        return f"至少{ctx.get('min_length', 1)}项"
    if kind == "too_long":
        return f"最多{ctx['max_length']}项" if "max_length" in ctx else "项数过多"
    if kind in ("enum", "literal_error"):
        return "不是可选的值"  # the choices are in the form's list and the API's schema
    bounds = {"greater_than_equal": ("ge", "不能小于{}", "数值过小"),
              "greater_than": ("gt", "须大于{}", "数值过小"),
              "less_than_equal": ("le", "不能大于{}", "数值过大"),
              "less_than": ("lt", "须小于{}", "数值过大"),
              "multiple_of": ("multiple_of", "须为{}的倍数", "数值不符合要求")}
    if kind in bounds:
        key, shape, plain = bounds[kind]
        return shape.format(ctx[key]) if key in ctx else plain
    msg = str(error.get("msg", ""))
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    return msg if _CJK.search(msg) else "填写内容不符合要求"
