"""The people of the network (training, volunteers), oversight (leading groups, supervision
items with monthly progress) and the network handbook (JSON and PDF), on the real stack."""

from __future__ import annotations

import io
from datetime import date, timedelta

import httpx
import pypdf

from support import Stack, login


async def test_liaison_training_and_the_volunteer_team(stack: Stack, api: httpx.AsyncClient) -> None:
    township, liaison = await login(api, "township"), await login(api, "liaison")
    nodes = (await api.get("/api/v1/network/nodes", headers=township)).json()
    liaisons = {s["name"]: s["staff_id"] for n in nodes for s in n["staff"] if s["duty"] == "liaison"}
    body = {"held_on": date.today().isoformat(), "topic": "流浪乞讨人员发现报告与台账登记", "trainer": "周专干",
            "attendee_staff_ids": [liaisons["吴联络员"], liaisons["吕联络员"]]}
    assert (await api.post("/api/v1/people/trainings", json=body, headers=liaison)).status_code == 403
    resp = await api.post("/api/v1/people/trainings", json=body, headers=township)
    assert resp.status_code == 201, resp.text
    # someone outside the township's subtree cannot be entered as an attendee
    bureau = await login(api, "bureau")
    xs_nodes = (await api.get("/api/v1/network/nodes/xs-t1-c1", headers=bureau)).json()
    outsider = {**body, "attendee_staff_ids": [xs_nodes["staff"][0]["staff_id"]]}
    assert (await api.post("/api/v1/people/trainings", json=outsider, headers=township)).json()["code"] == "staff_not_found"
    # the liaison sees the sessions they attended: who, when, what
    mine = (await api.get("/api/v1/people/trainings", headers=liaison)).json()
    session = next(t for t in mine if t["topic"] == body["topic"])
    assert {a["name"] for a in session["attendees"]} == {"吴联络员", "吕联络员"}

    volunteer = await api.post("/api/v1/people/volunteers", headers=township, json={
        "name": "志愿者甲", "skills": ["医护", "心理疏导"], "availability": "周末"})
    assert volunteer.status_code == 201, volunteer.text
    vid = volunteer.json()["volunteer_id"]
    assert (await api.post("/api/v1/people/volunteers", headers=liaison, json={"name": "x"})).status_code == 403
    act = await api.post("/api/v1/people/volunteer-activities", headers=township, json={
        "kind": "survey", "held_on": date.today().isoformat(), "title": "湖滨街道民情调查", "volunteer_ids": [vid]})
    assert act.status_code == 201, act.text
    assert any(a["participants"] == ["志愿者甲"] for a in act.json())
    team = (await api.get("/api/v1/people/volunteers", headers=township)).json()
    assert next(v for v in team if v["volunteer_id"] == vid)["activities"] == 1
    xs = await login(api, "xs_caseworker")
    assert vid not in {v["volunteer_id"] for v in (await api.get("/api/v1/people/volunteers", headers=xs)).json()}


async def test_leading_groups_and_supervision_items(stack: Stack, api: httpx.AsyncClient) -> None:
    bureau, dh = await login(api, "bureau"), await login(api, "dh_caseworker")
    groups = (await api.get("/api/v1/oversight/groups", headers=bureau)).json()
    city = next(g for g in groups if g["node_id"] == "city-bureau")
    assert city["members"][0]["position"] == "leader"  # the seeded group: the vice mayor leads
    resp = await api.post("/api/v1/oversight/groups/city-bureau/meetings", headers=bureau, json={
        "held_on": date.today().isoformat(), "topic": "第三季度联席会议",
        "attendees": ["李副市长", "王局长"], "decisions": ["冬季街面巡查每周两次", "12月底前完成网点牌悬挂"]})
    assert resp.status_code == 204, resp.text
    assert (await api.post("/api/v1/oversight/groups/city-bureau/members", headers=dh,
                           json={"name": "x", "department": "x", "position": "member"})).status_code == 403
    item = await api.post("/api/v1/oversight/items", headers=bureau, json={
        "title": "完成西山县救助站救助专用车配备", "owner_node_id": "xs-station", "owner_department": "西山县民政局",
        "deadline": (date.today() - timedelta(days=1)).isoformat()})
    assert item.status_code == 201, item.text
    item_id = item.json()["item_id"]
    assert item.json()["overdue"] is True  # its deadline has passed and it is open
    xs = await login(api, "xs_caseworker")
    prog = await api.post(f"/api/v1/oversight/items/{item_id}/progress", headers=xs,
                          json={"month": date.today().strftime("%Y-%m"), "progress": "已完成车辆采购招标"})
    assert prog.status_code == 200 and prog.json()["progress"][0]["progress"] == "已完成车辆采购招标"
    assert (await api.post(f"/api/v1/oversight/items/{item_id}/progress", headers=dh,
                           json={"month": "2026-01", "progress": "x"})).status_code == 403
    assert (await api.post(f"/api/v1/oversight/items/{item_id}/done", headers=xs)).status_code == 403
    done = await api.post(f"/api/v1/oversight/items/{item_id}/done", headers=bureau)
    assert done.json()["status"] == "done" and done.json()["overdue"] is False
    assert item_id not in {i["item_id"] for i in (await api.get("/api/v1/oversight/items", headers=dh)).json()}


async def test_the_handbook_lists_every_point_and_prints_as_pdf(stack: Stack, api: httpx.AsyncClient) -> None:
    liaison = await login(api, "liaison")
    book = (await api.get("/api/v1/handbook", headers=liaison)).json()
    assert book["title"] == "全市救助管理网络手册" and book["hotline"] == "12349"
    titles = [s["title"] for s in book["sections"]]
    assert titles == ["市级救助机构", "东湖区", "西山县"]
    dh = next(s for s in book["sections"] if s["title"] == "东湖区")
    assert len(dh["entries"]) == 1 + 2 + 4  # the station, two townships, four communities
    liu = next(e for e in dh["entries"] if e["node_id"] == "dh-t1-c1")
    assert liu["liaisons"][0].startswith("吴联络员")
    assert {s["district"] for s in book["signs"]} == {"东湖区", "西山县"}
    assert "12349" in book["signs"][0]["text"]
    county = (await api.get("/api/v1/handbook", params={"node_id": "xs-station"}, headers=liaison)).json()
    assert county["title"] == "西山县救助管理网络手册" and [s["title"] for s in county["sections"]] == ["西山县"]
    assert (await api.get("/api/v1/handbook", params={"node_id": "dh-t1"}, headers=liaison)).json()["code"] == "handbook_scope"
    pdf = await api.get("/api/v1/handbook.pdf", headers=liaison)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    body = pdf.content
    assert body.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(body))
    text = "".join(page.extract_text() for page in reader.pages)
    assert reader.metadata is not None and reader.metadata.title == "全市救助管理网络手册"
    assert "东湖区救助管理站" in text and "柳岸社区" in text and "12349" in text
    fonts = {str(f["/BaseFont"]) for page in reader.pages
             for f in page["/Resources"]["/Font"].get_object().values()}
    assert any("WenQuanYi" in f or "STSong" in f for f in fonts)  # a CJK font, not boxes
