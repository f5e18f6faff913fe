"""What the console says, without services: worktable rows, supervision in words, the stage
stepper, durations of the history, the audit log's lines, node ids in recorded sentences."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from api.audit.present import present
from api.cases.case_page import stepper, with_names
from api.operator.history import call_label, duration
from api.worktable.describe import supervision_note, to_row
from db.person_repo import KindSeen
from db.worktable_repo import Contact, LateTask, WorkRow
from domain.enums import CaseOutcome, Role, Stage, TaskKind, TaskStatus

NOW = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)


def _row(kind: TaskKind, **context: object) -> WorkRow:
    return WorkRow(task_id=uuid.uuid4(), case_id=uuid.uuid4(), case_number="JZ2026-000009", kind=kind,
                   assignee_node_id="police-city", assignee_role=Role.POLICE, context=dict(context),
                   opened_at=NOW, deadline=NOW + timedelta(hours=4), overdue=False, workflow_id=None,
                   person_name="王小红", is_minor=True, sex="female", stage="identity_search",
                   station_node_id="city-station", station_name="示范市救助管理站",
                   station_address="示范市站前路8号", origin_node_id=None, origin_name=None)


def test_agency_rows_carry_what_the_agency_needs() -> None:
    escort = to_row(_row(TaskKind.ESCORT, place="人民桥下涵洞", condition="elderly"))
    assert escort.place == "人民桥下涵洞" and escort.next_step.startswith("护送到示范市救助管理站")
    assert "老年人" in escort.next_step
    dna = to_row(_row(TaskKind.DNA_SAMPLE))
    assert dna.person == "王小红（女）" and dna.is_minor
    assert "示范市站前路8号" in dna.place and "采集DNA样本" in dna.next_step


def test_supervision_says_what_is_late_since_when_and_whom_to_call() -> None:
    late_id = uuid.uuid4()
    row = _row(TaskKind.SUPERVISION, overdue_task_id=str(late_id), overdue_kind="escort",
               overdue_assignee_node="police-city")
    late = LateTask(task_id=late_id, kind=TaskKind.ESCORT, assignee_node_id="police-city",
                    assignee_role=Role.POLICE, deadline=NOW - timedelta(hours=1), status=TaskStatus.OPEN,
                    workflow_id=None, node_name="示范市公安局", node_phone="0000-110")
    note = supervision_note(row, late, {"police-city": "示范市公安局"},
                            {"police-city": [Contact(node_id="police-city", name="林警官", duty="head",
                                                     phone="13900000001")]})
    shown = to_row(row, note=note)
    assert note.late_kind == "护送到站" and note.holder == "示范市公安局·公安"
    assert note.phones == ["示范市公安局值班电话 0000-110", "林警官（负责人）13900000001"]
    assert "护送到站" in shown.next_step and "2026-11-28 09:00" in shown.next_step
    text = shown.model_dump_json()
    assert "overdue_kind" not in shown.next_step and "police-city" not in shown.next_step + shown.place
    assert text  # serialisable for the page


def _seen(*kinds: str) -> dict[str, KindSeen]:
    return {k: KindSeen(kind=k, occurred_at=NOW, summary="", data={}) for k in kinds}


def test_the_stepper_knows_where_a_case_stands() -> None:
    walk_in = stepper(Stage.IDENTITY_SEARCH, {"admission", "identity_search"}, _seen("registered"), None)
    assert [(s.key, s.status) for s in walk_in][:4] == [
        ("discovery", "skipped"), ("admission", "done"), ("identity_search", "current"), ("return_home", "todo")]
    home = stepper(Stage.CLOSED, {"admission", "identity_search", "return_home", "handover", "closed"},
                   _seen("follow_up_started"), CaseOutcome.RETURNED_HOME)
    assert [s.key for s in home][-2:] == ["closed", "follow_up"] and home[-1].status == "current"
    left = stepper(Stage.CLOSED, {"admission", "identity_search", "closed"}, _seen(), CaseOutcome.LEFT_VOLUNTARILY)
    assert left[-1].label == "结案：自行离站" and "follow_up" not in [s.key for s in left]
    assert "return_home" not in [s.key for s in left]  # it will not come


def test_history_words() -> None:
    assert duration(timedelta(days=29, hours=23, minutes=59, seconds=59.93)) == "30天"
    assert duration(timedelta(minutes=10)) == "10分钟"
    assert duration(timedelta(hours=2, minutes=30)) == "2小时30分"
    assert duration(timedelta(seconds=1.5)) == "1.5秒"
    assert call_label("sync_case") == "同步个案记录" and call_label("lookup_household") == "公安户籍查询"
    assert call_label("something_new") == "内部调用"


def test_audit_lines_in_words() -> None:
    case_id = str(uuid.uuid4())
    row = SimpleNamespace(username="caseworker", role="caseworker", node_id="city-station",
                          action="list_cases", subject=f"case:{case_id}", detail="stage=identity_search rows=0")
    [shown] = present([row], names={"city-station": "示范市救助管理站"}, case_numbers={case_id: "JZ2026-000001"},
                      people={"caseworker": "刘社工"})
    assert (shown.who, shown.who_role, shown.action) == ("刘社工", "救助站工作人员 · 示范市救助管理站", "查询个案列表")
    assert shown.subject == "个案 JZ2026-000001" and shown.subject_href == f"/console/cases/{case_id}"
    assert shown.detail == "阶段：寻亲（身源查询），共0条"
    callback = SimpleNamespace(username="agency:police", role=None, node_id=None, action="callback:dna_result",
                               subject="case:JZ2026-000001", detail=None)
    assert present([callback], names={}, case_numbers={}, people={})[0].who == "协作单位：公安"


def test_node_ids_in_sentences_become_names() -> None:
    names = {"city-station": "示范市救助管理站", "dh-station": "东湖区救助管理站"}
    assert with_names("个案转至dh-station（床位不足）", names) == "个案转至东湖区救助管理站（床位不足）"
    assert with_names("现在city-station受助，拨打12349", names) == "现在示范市救助管理站受助，拨打12349"
