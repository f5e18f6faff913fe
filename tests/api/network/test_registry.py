"""The four-level network's registry on the real stack: each node measured against its
standard, bed occupancy from the cases staying at a station, edits by the level above only."""

from __future__ import annotations

import httpx

from support import Stack, login, open_case, wait_for_task


async def test_bureau_sees_every_node_and_what_each_lacks(stack: Stack, api: httpx.AsyncClient) -> None:
    bureau = await login(api, "bureau")
    resp = await api.get("/api/v1/network/nodes", headers=bureau)
    assert resp.status_code == 200, resp.text
    nodes = {n["node_id"]: n for n in resp.json()}
    assert "police-city" not in nodes  # agencies are beside the network, not in it
    assert nodes["dh-station"]["compliance"] == {"standard": "四有", "compliant": True, "shortfalls": []}
    xs = nodes["xs-station"]["compliance"]
    assert xs["standard"] == "四有" and not xs["compliant"]
    assert {g["code"] for g in xs["shortfalls"]} == {"staff", "beds", "equipment"}
    assert any("救助专用车" in g["text"] for g in xs["shortfalls"])
    assert nodes["dh-t1"]["compliance"]["compliant"] and nodes["dh-t1"]["compliance"]["standard"] == "三有"
    assert {g["code"] for g in nodes["dh-t2"]["compliance"]["shortfalls"]} == {"sign"}
    assert nodes["dh-t1-c1"]["liaisons"] == ["吴联络员"] and nodes["dh-t1-c1"]["compliance"]["compliant"]
    c = nodes["dh-t1-c2"]["compliance"]
    assert c["compliant"]  # office, sign and liaison
    # every point has its liaison; 春晖社区 lacks an office and a sign
    assert nodes["dh-t2-c2"]["liaisons"] == ["曹联络员"]
    assert {g["code"] for g in nodes["dh-t2-c2"]["compliance"]["shortfalls"]} == {"office", "sign"}
    assert all(n["liaisons"] for n in nodes.values() if n["level"] == "community")
    summary = (await api.get("/api/v1/network/compliance", headers=bureau)).json()
    assert summary["checked"] == 14  # 2 counties, 4 townships, 8 communities
    assert "xs-station" in {n["node_id"] for n in summary["behind"]}


async def test_a_node_sees_only_its_subtree(stack: Stack, api: httpx.AsyncClient) -> None:
    township = await login(api, "township")
    nodes = (await api.get("/api/v1/network/nodes", headers=township)).json()
    assert [n["node_id"] for n in nodes] == ["dh-t1", "dh-t1-c1", "dh-t1-c2"]
    assert (await api.get("/api/v1/network/nodes/xs-t1", headers=township)).json()["code"] == "forbidden"
    police = await login(api, "police")
    assert (await api.get("/api/v1/network/nodes", headers=police)).status_code == 403


async def test_only_the_level_above_edits_a_node(stack: Stack, api: httpx.AsyncClient) -> None:
    township = await login(api, "township")
    liaison = await login(api, "liaison")
    node = (await api.get("/api/v1/network/nodes/dh-t1-c2", headers=township)).json()
    assert node["editable"]
    body = {"address": "荷塘路5号", "phone": "0000-55501", "profile": {**node["profile"], "sign_installed": False}}
    resp = await api.put("/api/v1/network/nodes/dh-t1-c2", json=body, headers=township)
    assert resp.status_code == 200, resp.text
    edited = resp.json()
    assert edited["address"] == "荷塘路5号" and edited["profile"]["updated_by"] == "township"
    assert [g["code"] for g in edited["compliance"]["shortfalls"]] == ["sign"]
    # the liaison cannot edit their own point, the township not itself, nor another township's
    for headers, node_id in ((liaison, "dh-t1-c1"), (township, "dh-t1"), (township, "dh-t2-c1")):
        resp = await api.put(f"/api/v1/network/nodes/{node_id}", json=body, headers=headers)
        assert resp.status_code == 403, (node_id, resp.text)
        assert resp.json()["code"] == "forbidden"
    # a manager higher up (the city station's head) may add a second liaison below
    added = await api.post("/api/v1/network/nodes/dh-t2-c2/staff",
                           json={"name": "钱联络员", "duty": "liaison", "phone": "0000-66601"},
                           headers=await login(api, "station_head"))
    assert added.status_code == 201, added.text
    assert sorted(added.json()["liaisons"]) == sorted(["曹联络员", "钱联络员"])
    assert {g["code"] for g in added.json()["compliance"]["shortfalls"]} == {"office", "sign"}


async def test_bed_occupancy_counts_people_staying_at_the_station(stack: Stack, api: httpx.AsyncClient) -> None:
    bureau = await login(api, "bureau")

    async def occupied() -> int:
        nodes = (await api.get("/api/v1/network/nodes", headers=bureau)).json()
        return next(n["occupied_beds"] for n in nodes if n["node_id"] == "xs-station")

    before = await occupied()
    xs = await login(api, "xs_caseworker")
    case_id = await open_case(api, xs, channel="walk_in")
    await wait_for_task(api, xs, case_id, "registration")
    assert await occupied() == before + 1
