"""Who may see and do what: the one place for the rules (README, "Console and access").

Deny by default. Reads: a user reads the cases of their node's subtree (the responsible
station or the origin community at or below their node) if their role reads subtrees;
agencies read only the cases they work on (a task of theirs; for the hospital, a patient it
admitted); anyone reads a case they reported; finance and audit read no case at all.
Writes: a case's actions belong to the staff of its own station (the workflow checks the same);
a task belongs to its assignee (node and role). Sensitive fields (identity numbers, health,
psychiatric and DNA data) are masked for the roles that do not need them, in case views, task
contexts, timelines and every console page, by the functions at the end of this module; the
admission photo is served only to the roles that see biometric data.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from db.users_repo import UserRecord
from domain.case import AgencyNodes, CaseEvent
from domain.enums import DiscoveryCondition, Role, TaskKind, label
from domain.identity import mask_id_number
from domain.person import PersonSummary
from domain.tasks import CaseTask

# --- roles --------------------------------------------------------------------------------

SUBTREE_READERS = frozenset({
    Role.BUREAU_LEADER, Role.STATION_HEAD, Role.CASEWORKER, Role.TOWNSHIP_OFFICER, Role.LIAISON,
    Role.HOTLINE_OPERATOR, Role.OPERATOR,
})
"""Read every case whose station or origin lies in their subtree."""
AGENCY_ROLES = frozenset({Role.POLICE, Role.HOSPITAL, Role.TRANSPORT, Role.URBAN_MANAGEMENT})
"""Read only the cases they work on (or reported); their console has an agency desk."""
NO_CASES = frozenset({Role.FINANCE, Role.AUDITOR})
"""Read no case: finance sees money per station, the auditor the audit log."""
ACTS_ON_CASES = frozenset({Role.CASEWORKER, Role.STATION_HEAD})
"""Record departures, care, transfers… — only at the case's own station."""
REPORTS_CASES = frozenset({
    Role.CASEWORKER, Role.STATION_HEAD, Role.HOTLINE_OPERATOR, Role.LIAISON,
    Role.TOWNSHIP_OFFICER, Role.POLICE, Role.URBAN_MANAGEMENT,
})
"""Roles that may file a discovery report, which opens a case."""
REPORTS_ANYWHERE = frozenset({Role.POLICE, Role.URBAN_MANAGEMENT, Role.HOTLINE_OPERATOR})
"""City-wide services that may send a report to any station; others to their own station or
one in their subtree."""
READS_HISTORY = frozenset({Role.OPERATOR, Role.STATION_HEAD, Role.CASEWORKER, Role.BUREAU_LEADER})
"""Roles that may read a case's raw workflow history."""
SEES_FIGURES = frozenset({Role.BUREAU_LEADER, Role.STATION_HEAD, Role.CASEWORKER})
"""Station figures on the dashboard (people in the station, stages, deadlines)."""
READS_AUDIT = frozenset({Role.AUDITOR})
READS_FINANCE = frozenset({Role.FINANCE, Role.BUREAU_LEADER})
READS_OPERATIONS = frozenset({Role.OPERATOR})
AGENCY_DESKS = {Role.POLICE: "police", Role.HOSPITAL: "hospital", Role.TRANSPORT: "transport"}
"""The console page (/console/<desk>) of each agency."""
DESIGNATED = AgencyNodes()
"""The agency nodes the case workflows work with (the same defaults the workflow input has)."""


def within(user: UserRecord, node_path: str | None) -> bool:
    return node_path is not None and node_path.startswith(user.node_path)


def may_read_case(user: UserRecord, *, station_path: str, origin_path: str | None,
                  has_task_for_user: bool, reported_by_user: bool) -> bool:
    """``has_task_for_user``: the user's node and role have (or had) work on the case."""
    if user.role in NO_CASES:
        return False
    if has_task_for_user or reported_by_user:
        return True
    if user.role not in SUBTREE_READERS:
        return False  # agencies see only the cases they have work on
    return within(user, station_path) or within(user, origin_path)


def may_act_on_case(user: UserRecord, *, station_node_id: str) -> bool:
    """Case actions: the staff of the case's own station (the workflow refuses anyone else)."""
    return user.role in ACTS_ON_CASES and user.node_id == station_node_id


def may_report_to(user: UserRecord, *, station_path: str, own_station_id: str | None,
                  station_id: str) -> bool:
    """Whether the user may send a discovery report to this station."""
    return (user.role in REPORTS_ANYWHERE or station_id == own_station_id
            or within(user, station_path))


def lists_subtree(user: UserRecord) -> bool:
    """Case lists show the subtree (else only what the user reported)."""
    return user.role in SUBTREE_READERS


def reports_stay_in_subtree(user: UserRecord, *, has_stations: bool, has_all_stations: bool) -> bool:
    """Whether every case the user may have reported lies in their own subtree (so a list
    need not look for them separately): true when the subtree holds every station, or holds
    a station and the role reports only to its own or a lower station."""
    return has_all_stations or (has_stations and user.role not in REPORTS_ANYWHERE)


# --- sensitive fields --------------------------------------------------------------------


class Sensitive(StrEnum):
    """Kinds of sensitive personal data, each visible only to the roles in :data:`SEES`."""

    ID_NUMBER = "id_number"  # 身份证号码
    HEALTH = "health"  # 健康与救治：送医、住院、出院、结算明细、死亡原因、生活不能自理
    PSYCHIATRIC = "psychiatric"  # 精神障碍：危险性评估、送医诊断、登记编号
    DNA = "dna"  # DNA：采样任务、样本编号、比对结果
    BIOMETRIC = "biometric"  # 入站照片、指纹


SEES: dict[Sensitive, frozenset[Role]] = {
    Sensitive.ID_NUMBER: frozenset({Role.CASEWORKER, Role.STATION_HEAD, Role.POLICE}),
    Sensitive.HEALTH: frozenset({Role.CASEWORKER, Role.STATION_HEAD, Role.HOSPITAL}),
    Sensitive.PSYCHIATRIC: frozenset({Role.CASEWORKER, Role.STATION_HEAD, Role.POLICE, Role.HOSPITAL}),
    Sensitive.DNA: frozenset({Role.CASEWORKER, Role.STATION_HEAD, Role.POLICE}),
    Sensitive.BIOMETRIC: frozenset({Role.CASEWORKER, Role.STATION_HEAD, Role.POLICE}),
}
"""The table of roles × fields (README): everyone else gets them masked."""
SEES_ID_NUMBERS = SEES[Sensitive.ID_NUMBER]
LEDGER_ID_IN_CLEAR = frozenset({Role.LIAISON, Role.TOWNSHIP_OFFICER, Role.CASEWORKER,
                                Role.STATION_HEAD})
"""In the at-risk ledger (not in cases), the people who keep it with the family also see the
identity number: the community liaison and the township officer, besides station staff."""


def sees(user: UserRecord, what: Sensitive) -> bool:
    return user.role in SEES[what]


_TASK_KINDS = {TaskKind.PSYCHIATRIC_ESCORT: Sensitive.PSYCHIATRIC, TaskKind.DNA_SAMPLE: Sensitive.DNA}
_CONDITIONS = {DiscoveryCondition.CRITICALLY_ILL.value: Sensitive.HEALTH,
               DiscoveryCondition.PSYCHIATRIC_RISK.value: Sensitive.PSYCHIATRIC}
_CONTEXT_KEYS = {
    "items": Sensitive.HEALTH, "cannot_care_for_self": Sensitive.HEALTH,
    "treatment_reason": Sensitive.HEALTH, "risk_summary": Sensitive.PSYCHIATRIC,
    "registry_number": Sensitive.PSYCHIATRIC, "sample_id": Sensitive.DNA,
    "database_ref": Sensitive.DNA, "id_number": Sensitive.ID_NUMBER,
}
_EVENT_KINDS = {
    **dict.fromkeys(("emergency_pickup", "treatment_requested", "treatment_started",
                     "hospital_admitted", "hospital_discharged", "back_from_hospital",
                     "treatment_long", "died", "settlement_submitted", "settlement_rejected",
                     "settlement_paid", "settlement_window_closed"), Sensitive.HEALTH),
    "psychiatric_registered": Sensitive.PSYCHIATRIC,
    **dict.fromkeys(("dna_submitted", "dna_matched", "dna_no_match", "dna_match_late"), Sensitive.DNA),
}
_TASK_LABELS = {label(kind): what for kind, what in _TASK_KINDS.items()}


def _context_field(kind: TaskKind | None, key: str, value: Any, context: dict[str, Any]) -> Sensitive | None:
    if key in _CONTEXT_KEYS:
        return _CONTEXT_KEYS[key]
    if key in ("condition", "condition_label"):
        return _CONDITIONS.get(str(context.get("condition")))
    if key in ("overdue_kind", "task_kind") and value in TaskKind._value2member_map_:
        return _TASK_KINDS.get(TaskKind(value))
    return None


def masked_context(user: UserRecord, kind: TaskKind | None, context: dict[str, Any]) -> dict[str, Any]:
    """A task's context without the entries the user's role may not see."""
    out = {}
    for key, value in context.items():
        what = _context_field(kind, key, value, context)
        if what is not None and not sees(user, what):
            continue
        out[key] = value
    return out


def masked_tasks(user: UserRecord, tasks: Iterable[CaseTask]) -> list[CaseTask]:
    """Open tasks as the user may see them: a psychiatric escort or a DNA sample is left out
    for roles without that right; every context is masked."""
    out = []
    for task in tasks:
        what = _TASK_KINDS.get(task.kind)
        if what is not None and not sees(user, what):
            continue
        out.append(task.model_copy(update={"context": masked_context(user, task.kind, task.context)}))
    return out


def _event_field(event: CaseEvent) -> Sensitive | None:
    if event.kind in _EVENT_KINDS:
        return _EVENT_KINDS[event.kind]
    if event.kind == "care" and event.data.get("service") == "medical_check":
        return Sensitive.HEALTH
    task_kind = event.data.get("task_kind")
    if task_kind in TaskKind._value2member_map_ and TaskKind(task_kind) in _TASK_KINDS:
        return _TASK_KINDS[TaskKind(task_kind)]
    return next((what for text, what in _TASK_LABELS.items() if text in event.summary), None)


RESTRICTED_LINE = "（此项记录您的岗位不可查看）"
"""A masked timeline line: it says that something is not shown, never which kind of data it is
(naming "psychiatric" to the transport company would itself tell them)."""
HIDDEN_VALUE = "（不予显示）"
"""What stands in a decoded payload for a value the caller's role may not read."""


def masked_timeline(user: UserRecord, events: Iterable[CaseEvent]) -> list[CaseEvent]:
    """The timeline with the lines the role may not read replaced by a neutral line (their
    time, actor and agency stay, so the sequence is still true)."""
    out = []
    for event in events:
        what = _event_field(event)
        if what is None or sees(user, what):
            out.append(event)
            continue
        out.append(event.model_copy(update={
            "kind": "restricted", "summary": RESTRICTED_LINE, "data": {}}))
    return out


_PAYLOAD_KEYS: dict[str, Sensitive] = {
    **_CONTEXT_KEYS,
    "excluded_id_numbers": Sensitive.ID_NUMBER, "risk_notes": Sensitive.PSYCHIATRIC,
    "dna_samples": Sensitive.DNA, "dna_matches": Sensitive.DNA, "minor_dna": Sensitive.DNA,
    "cause": Sensitive.HEALTH, "discharges": Sensitive.HEALTH, "in_hospital": Sensitive.HEALTH,
    "diagnosis": Sensitive.HEALTH, "fingerprint_code": Sensitive.BIOMETRIC,
    "photo_ref": Sensitive.BIOMETRIC, "photo_id": Sensitive.BIOMETRIC, "marks": Sensitive.BIOMETRIC,
}
"""Field names of workflow payloads (inputs, signals, updates, query answers, activity
arguments) that carry each kind of sensitive data, wherever they are nested."""


def masked_payload(user: UserRecord, value: Any) -> Any:
    """A decoded Temporal payload (JSON) masked for the caller like a case view: sensitive
    fields replaced by :data:`HIDDEN_VALUE` (identity numbers by their masked form), timeline
    entries and tasks of a kind the role may not read reduced to a neutral line."""
    if isinstance(value, list):
        return [masked_payload(user, v) for v in value]
    if not isinstance(value, dict):
        return value
    kind = value.get("kind")
    if isinstance(kind, str) and "summary" in value:
        what = _event_field(CaseEvent.model_construct(kind=kind, summary=str(value.get("summary")),
                                                      data=value.get("data") or {}))
        if what is not None and not sees(user, what):
            return {**{k: value[k] for k in ("at", "actor", "agency") if k in value},
                    "kind": "restricted", "summary": RESTRICTED_LINE, "data": {}}
    if isinstance(kind, str) and kind in _TASK_KINDS and not sees(user, _TASK_KINDS[TaskKind(kind)]):
        return {"kind": "restricted", "summary": RESTRICTED_LINE}
    out: dict[str, Any] = {}
    for key, item in value.items():
        what = _PAYLOAD_KEYS.get(key)
        if key == "condition" and isinstance(item, str):
            what = _CONDITIONS.get(item)
        if what is None or sees(user, what) or item in (None, "", [], {}):
            out[key] = masked_payload(user, item)
        elif what is Sensitive.ID_NUMBER and isinstance(item, str):
            out[key] = mask_id_number(item)
        else:
            out[key] = HIDDEN_VALUE
    return out


def masked_person(user: UserRecord, person: PersonSummary) -> PersonSummary:
    if sees(user, Sensitive.ID_NUMBER):
        return person
    return person.model_copy(update={"id_number": mask_id_number(person.id_number)})


def masked_flag(user: UserRecord, what: Sensitive, value: bool) -> bool | None:
    """A yes/no about sensitive data (in hospital), or None when the role may not know it."""
    return value if sees(user, what) else None


def may_see_photos(user: UserRecord) -> bool:
    """Admission photos: station staff and the police (identity search); everyone else,
    transport and the other agencies included, sees that a photo exists and nothing more."""
    return sees(user, Sensitive.BIOMETRIC)


def may_search_id_numbers(user: UserRecord) -> bool:
    """Searching by identity number would reveal it: only roles that see it in clear."""
    return sees(user, Sensitive.ID_NUMBER)
