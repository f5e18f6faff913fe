"""HTML forms from the JSON Schema of a pydantic model, and the submitted form back to a payload.

Pure functions, no services: ``build_form`` turns a schema into fields (nested objects become
groups), ``initial_values`` / ``submitted_values`` give what each input shows, ``to_payload``
turns the submitted form into the JSON payload the model validates, and ``place_errors`` puts
each validation error (``{loc, msg}``) next to its field.

Field names are the dotted path of the value in the payload (``person.sex``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta, timezone
from enum import StrEnum
from typing import Any

from domain import enums
from domain.enums import label

CHINA_TZ = timezone(timedelta(hours=8))

_GROUP_LABELS = {"person": "受助人员信息"}
"""Legends of nested objects whose schema has no Chinese description of its own."""

_TEXTAREA_OVER = 200
"""Strings allowed to be longer than this get a textarea."""

_CJK = re.compile(r"[\u4e00-\u9fff][\u4e00-\u9fff、，（）()]*")
_HINT = re.compile(r"^(?P<label>[^（]+)（(?P<hint>.+)）$")


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass
class Field:
    """One input. ``kind`` is one of text, textarea, select, tristate (yes/no/unknown),
    yesno (an explicit yes or no, nothing chosen beforehand), checkbox, date, datetime,
    integer, number, lines (one string per line), choices (several ticks of ``options``)."""

    name: str
    label: str
    kind: str
    required: bool = False
    hint: str | None = None
    options: list[Option] = field(default_factory=list)
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    default: Any = None
    input_type: str | None = None
    """Overrides the HTML input type of a text field (tel, email)."""
    empty_label: str | None = None
    """Text of a select's empty choice (default: 请选择 when required, else 不填)."""

    @property
    def id(self) -> str:
        return "f-" + self.name.replace(".", "-").replace("_", "-")

    @property
    def key(self) -> str:
        return self.name.rsplit(".", 1)[-1]


@dataclass
class Group:
    """A nested object: a fieldset with its legend and its own fields."""

    name: str
    label: str
    items: list[Field | Group]
    required: bool = True

    @property
    def id(self) -> str:
        return "g-" + self.name.replace(".", "-").replace("_", "-")

    @property
    def key(self) -> str:
        return self.name.rsplit(".", 1)[-1]


Item = Field | Group


# --- schema → form --------------------------------------------------------------------


def build_form(schema: Mapping[str, Any], *, exclude: Iterable[str] = (),
               overrides: Mapping[str, Mapping[str, Any]] | None = None) -> list[Item]:
    """The form for a model's JSON Schema; ``exclude`` drops fields by dotted name and
    ``overrides`` replaces attributes of fields by dotted name (e.g. ``input_type``)."""
    defs = schema.get("$defs", {})
    items = _object_items(schema, defs, "", frozenset(exclude))
    for item in iter_fields(items):
        for attr, value in (overrides or {}).get(item.name, {}).items():
            setattr(item, attr, value)
    return items


def _resolve(node: Mapping[str, Any], defs: Mapping[str, Any]) -> tuple[dict[str, Any], str | None]:
    """Follow ``$ref`` (the outer keys win: description, default) and unwrap ``anyOf`` with
    null; answers the node, whether it may be null, as ``nullable`` key, and the def name."""
    node = dict(node)
    ref_name = None
    nullable = False
    for _ in range(10):
        if "$ref" in node:
            ref_name = node["$ref"].rsplit("/", 1)[-1]
            outer = {k: v for k, v in node.items() if k != "$ref"}
            node = {**defs.get(ref_name, {}), **outer}
            continue
        if "anyOf" in node:
            options = [o for o in node["anyOf"] if o.get("type") != "null"]
            if len(options) < len(node["anyOf"]):
                nullable = True
            outer = {k: v for k, v in node.items() if k != "anyOf"}
            if len(options) == 1:
                inner, inner_ref = _resolve(options[0], defs)
                nullable = nullable or inner.pop("nullable", False)
                ref_name = inner_ref or ref_name
                # the inner title names the enum/model; the outer one only the property
                node = {**inner, **{k: v for k, v in outer.items() if k != "title"}}
                continue
            node = {**outer, "type": "string"}  # several shapes: fall back to text
        break
    node["nullable"] = nullable
    return node, ref_name


def _object_items(schema: Mapping[str, Any], defs: Mapping[str, Any], prefix: str,
                  exclude: frozenset[str]) -> list[Item]:
    required = set(schema.get("required", ()))
    items: list[Item] = []
    for key, prop in schema.get("properties", {}).items():
        name = f"{prefix}{key}"
        if name in exclude:
            continue
        node, ref_name = _resolve(prop, defs)
        if node.get("type") == "object" and "properties" in node:
            group = Group(name=name, label=_group_label(key, node),
                          items=_object_items(node, defs, name + ".", exclude),
                          required=key in required and not node["nullable"])
            if not group.required:  # may stay empty: the browser must not insist
                for f in iter_fields(group.items):
                    f.required = False
            items.append(group)
        else:
            items.append(_field(name, node, ref_name, key in required))
    return items


def _group_label(key: str, node: Mapping[str, Any]) -> str:
    if key in _GROUP_LABELS:
        return _GROUP_LABELS[key]
    description = str(node.get("description", ""))
    found = _CJK.search(description)
    return found.group(0) if found else str(node.get("title", key))


def _field(name: str, node: Mapping[str, Any], ref_name: str | None, required: bool) -> Field:
    text = str(node.get("description") or node.get("title") or name)
    shown, hint = text, None
    if m := _HINT.match(text):
        shown, hint = m.group("label"), m.group("hint")
    f = Field(name=name, label=shown, kind="text", required=required, hint=hint,
              default=node.get("default"), max_length=node.get("maxLength"),
              minimum=node.get("minimum"), maximum=node.get("maximum"))
    kind = node.get("type")
    if "enum" in node:
        f.kind = "select"
        f.options = [Option(str(v), _enum_label(ref_name, v)) for v in node["enum"]]
    elif kind == "boolean":
        if node["nullable"]:
            f.kind = "tristate"
            f.options = [Option("true", "是"), Option("false", "否")]
        elif required:
            # A yes/no the model wants answered: two choices, neither taken beforehand (an
            # unticked box would silently mean "no").
            f.kind = "yesno"
            f.options = [Option("true", "是"), Option("false", "否")]
        else:
            f.kind = "checkbox"
            f.required = False  # unchecked is an answer: no
    elif kind == "integer":
        f.kind = "integer"
    elif kind == "number":
        f.kind = "number"
    elif kind == "array":
        f.kind = "lines"
    elif kind == "string" and node.get("format") == "date":
        f.kind = "date"
    elif kind == "string" and node.get("format") == "date-time":
        f.kind = "datetime"
    elif kind == "string" and (f.max_length or 0) > _TEXTAREA_OVER:
        f.kind = "textarea"
    return f


def _enum_label(ref_name: str | None, value: Any) -> str:
    cls = getattr(enums, ref_name, None) if ref_name else None
    if isinstance(cls, type) and issubclass(cls, StrEnum):
        try:
            return label(cls(value))
        except ValueError:
            pass
    return str(value)


def iter_fields(items: Iterable[Item]) -> Iterable[Field]:
    for item in items:
        if isinstance(item, Group):
            yield from iter_fields(item.items)
        else:
            yield item


# --- values shown in the inputs -----------------------------------------------------------


def initial_values(items: Iterable[Item]) -> dict[str, Any]:
    """What a fresh form shows: the schema defaults (checkboxes as booleans, the rest text)."""
    values: dict[str, Any] = {}
    for f in iter_fields(items):
        if f.kind == "checkbox":
            values[f.name] = bool(f.default)
        elif f.kind == "tristate":
            values[f.name] = "" if f.default is None else ("true" if f.default else "false")
        elif f.kind == "yesno":
            values[f.name] = ""
        elif f.kind == "choices":
            values[f.name] = [str(v) for v in f.default or []]
        elif f.kind == "lines":
            values[f.name] = "\n".join(str(v) for v in f.default or [])
        else:
            values[f.name] = "" if f.default is None else str(f.default)
    return values


def submitted_values(items: Iterable[Item], data: Mapping[str, Any]) -> dict[str, Any]:
    """What a re-rendered form shows: exactly what the user sent (a checkbox is on when sent)."""
    values: dict[str, Any] = {}
    for f in iter_fields(items):
        if f.kind == "checkbox":
            values[f.name] = f.name in data
        elif f.kind == "choices":
            values[f.name] = _ticked(f, data)
        else:
            raw = data.get(f.name)
            values[f.name] = "" if raw is None else str(raw)
    return values


# --- form → payload --------------------------------------------------------------------


def to_payload(items: Iterable[Item], data: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON payload of a submitted form. Empty optional inputs are left out (the model's
    default applies); an unchecked checkbox is false; values that do not parse are passed
    through as text so that validation names the field."""
    out: dict[str, Any] = {}
    for item in items:
        if isinstance(item, Group):
            sub = to_payload(item.items, data)
            filled = any(f.kind != "checkbox" and str(data.get(f.name, "")).strip()
                         for f in iter_fields(item.items))
            if item.required or filled:
                out[item.key] = sub
            continue
        value = _convert(item, data)
        if value is not _OMIT:
            out[item.key] = value
    return out


_OMIT = object()


def _convert(f: Field, data: Mapping[str, Any]) -> Any:
    if f.kind == "checkbox":
        return f.name in data and str(data[f.name]).lower() not in ("false", "0", "off")
    raw = data.get(f.name)
    text = "" if raw is None else str(raw)
    if f.kind == "lines":
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        return lines if lines else _OMIT
    if f.kind == "choices":
        return _ticked(f, data)
    text = text.strip()
    if not text:
        return _OMIT
    if f.kind in ("tristate", "yesno"):
        return {"true": True, "false": False}.get(text, text)
    if f.kind == "integer":
        try:
            return int(text)
        except ValueError:
            return text
    if f.kind == "number":
        try:
            return float(text)
        except ValueError:
            return text
    if f.kind == "datetime" and re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?", text):
        return text + (":00" if len(text) == 16 else "") + "+08:00"  # input is China time
    return text


def _ticked(f: Field, data: Mapping[str, Any]) -> list[str]:
    """The ticked options of a ``choices`` field (``name``=value, once per tick), plus the
    free text of ``name.other`` split at commas, in the options' order, without repeats."""
    getlist = getattr(data, "getlist", None)
    raw = getlist(f.name) if getlist else ([data[f.name]] if f.name in data else [])
    chosen = [o.value for o in f.options if o.value in raw]
    for extra in list_items(str(data.get(f.name + ".other", ""))):
        if extra not in chosen:
            chosen.append(extra)
    return chosen


# --- errors next to their fields ----------------------------------------------------------


def place_errors(items: Iterable[Item], details: Any) -> tuple[dict[str, list[str]], list[str]]:
    """Errors by field or group name (longest matching prefix of ``loc``), and those that
    belong to no field (shown at the top)."""
    items = list(items)
    names = {f.name for f in iter_fields(items)} | {g.name for g in _groups(items)}
    by_name: dict[str, list[str]] = {}
    loose: list[str] = []
    for error in details if isinstance(details, list) else []:
        if not isinstance(error, Mapping):
            continue
        loc = [str(x) for x in error.get("loc") or []]
        if loc and loc[0] == "body":
            loc = loc[1:]
        msg = str(error.get("msg") or "填写有误")
        for end in range(len(loc), 0, -1):
            name = ".".join(loc[:end])
            if name in names:
                by_name.setdefault(name, []).append(msg)
                break
        else:
            loose.append(msg)
    return by_name, loose


def _groups(items: Iterable[Item]) -> Iterable[Group]:
    for item in items:
        if isinstance(item, Group):
            yield item
            yield from _groups(item.items)


def field_labels(items: Iterable[Item]) -> dict[str, str]:
    """Label of every field and group by name (for the error summary's links)."""
    labels = {g.name: g.label for g in _groups(items)}
    labels.update({f.name: f.label for f in iter_fields(items)})
    return labels


def element_id(items: Iterable[Item], name: str) -> str:
    """The HTML id of the field or group called ``name``."""
    for g in _groups(items):
        if g.name == name:
            return g.id
    return "f-" + name.replace(".", "-").replace("_", "-")


def list_items(text: str) -> list[str]:
    """A free-text list (commas, Chinese commas or lines) as its trimmed items."""
    return [x.strip() for x in text.replace("，", ",").replace("\n", ",").split(",") if x.strip()]
