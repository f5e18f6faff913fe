"""Console pieces that need no services: China time, the overdue badge, safe redirects."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from api.console.render import _env, agency_label, cn_time
from api.console.session import safe_next
from api.tasks.service import TaskView
from domain.enums import Role, TaskKind, TaskStatus


def test_times_are_shown_in_china_time() -> None:
    assert cn_time(datetime(2026, 11, 28, 10, 30, tzinfo=UTC)) == "2026-11-28 18:30"
    assert cn_time(datetime(2026, 11, 28, 20, 5, tzinfo=UTC)) == "2026-11-29 04:05"
    assert cn_time("2026-11-28T10:30:00+00:00") == "2026-11-28 18:30"
    assert cn_time(None) == "—"


def test_agency_codes_read_in_chinese() -> None:
    assert agency_label("police") == "公安"
    assert agency_label("transport") == "交通运输"
    assert agency_label("somewhere") == "somewhere"
    assert agency_label(None) == ""


def test_next_stays_inside_the_console() -> None:
    assert safe_next("/console/cases?stage=admission") == "/console/cases?stage=admission"
    for bad in ("https://evil.example/", "//evil.example/console/", "/api/v1/cases", None,
                "/console/login?next=x", "/console/\r\nSet-Cookie: x", "/console/\\evil"):
        assert safe_next(bad) == "/console/", bad


def test_dashboard_marks_overdue_tasks() -> None:
    now = datetime(2026, 11, 28, 10, 30, tzinfo=UTC)
    task = TaskView(task_id=str(uuid.uuid4()), case_id=str(uuid.uuid4()), case_number="JZ2026-000042",
                    kind=TaskKind.REGISTRATION, kind_label="入站登记与分类",
                    assignee_node_id="city-station", assignee_role=Role.CASEWORKER,
                    status=TaskStatus.OPEN, opened_at=now - timedelta(days=2), deadline=now,
                    overdue=True, context={})
    page = _env.get_template("dashboard/dashboard.html").render(tasks=[task], cases=[], user=None)
    assert "已超期" in page and "2026-11-28 18:30" in page and "JZ2026-000042" in page
    assert f'href="/console/tasks/{task.task_id}"' in page


def test_task_context_reads_in_chinese() -> None:
    from api.tasks.views import task_context

    lines = task_context({
        "channel": "patrol", "place": "桥洞", "apparent_minor": True, "condition": "minor",
        "condition_label": "未成年人（护送）", "community_node_id": "dh-t1-c1", "amount_fen": 12345,
        "visit": 2, "previous_refusal": None, "reason": "police_lookup_without_result",
        "items": [{"name": "床位费", "amount": "100"}], "something_new": "x", "stage": "admission"},
        {"dh-t1-c1": "湖滨街道柳岸社区救助网点"})
    assert lines == [
        ("发现途径", "联合巡查"), ("发现地点", "桥洞"), ("疑似未成年人", "是"),
        ("人员状况", "未成年人（护送）"), ("户籍地社区", "湖滨街道柳岸社区救助网点"),
        ("金额", "123.45 元"), ("随访", "第2次"), ("任务原因", "公安户籍查询未查到匹配的户籍信息"),
        ("明细", "床位费，100"), ("something_new", "x"), ("阶段", "入站登记")]
