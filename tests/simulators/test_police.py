"""Police population-system simulator: matching rules, refusals and the lookup log."""

from __future__ import annotations

from domain.identity import normalize_id_number, with_check_digit
from simulators.police import load_population

ZHANG_ID = with_check_digit("11010519680312" + "123")


def test_demo_population_is_valid() -> None:
    people = load_population()
    assert len(people) >= 8
    for person in people:
        assert normalize_id_number(person.id_number) == person.id_number
    assert any(p.community_node_id is None for p in people)
    zhang = next(p for p in people if p.id_number == ZHANG_ID)
    assert (zhang.name, zhang.sex, zhang.birth_date.isoformat()) == ("张建国", "male", "1968-03-12")
    assert zhang.community_node_id == "dh-t1-c1"
    assert "东湖区湖滨街道柳岸社区" in zhang.household_address
    li = next(p for p in people if p.name == "李小明")
    assert (li.sex, li.birth_date.isoformat(), li.community_node_id) == (
        "male",
        "2013-07-01",
        "xs-t1-c1",
    )


async def test_lookup_by_id_number(make_client) -> None:
    client = await make_client("police")
    r = await client.post("/population/lookup", json={"request_id": "r1", "id_number": ZHANG_ID})
    assert r.status_code == 200
    body = r.json()
    assert body["found"] is True
    assert body["record"] == {
        "id_number": ZHANG_ID,
        "name": "张建国",
        "sex": "male",
        "birth_date": "1968-03-12",
        "household_address": body["record"]["household_address"],
        "community_node_id": "dh-t1-c1",
    }


async def test_unknown_id_number_does_not_fall_back_to_name(make_client) -> None:
    client = await make_client("police")
    r = await client.post(
        "/population/lookup",
        json={
            "request_id": "r1",
            "id_number": with_check_digit("11010519990101001"),
            "name": "张建国",
        },
    )
    assert r.json() == {"found": False, "record": None}


async def test_lookup_by_name_and_birth_date(make_client) -> None:
    client = await make_client("police")
    r = await client.post(
        "/population/lookup",
        json={"request_id": "r2", "name": "李小明", "birth_date": "2013-07-01", "sex": "unknown"},
    )
    assert r.status_code == 200
    assert r.json()["found"] is True
    assert r.json()["record"]["community_node_id"] == "xs-t1-c1"


async def test_lookup_by_name_and_sex_needs_a_single_match(make_client) -> None:
    client = await make_client("police")
    single = await client.post(
        "/population/lookup", json={"request_id": "r3", "name": "张建国", "sex": "male"}
    )
    assert single.json()["record"]["id_number"] == ZHANG_ID
    # The demo data holds two men named 刘德明: without a birth date nobody is picked.
    several = await client.post(
        "/population/lookup", json={"request_id": "r4", "name": "刘德明", "sex": "male"}
    )
    assert several.json() == {"found": False, "record": None}
    wrong_sex = await client.post(
        "/population/lookup", json={"request_id": "r5", "name": "张建国", "sex": "female"}
    )
    assert wrong_sex.json()["found"] is False


async def test_lookup_not_found_is_logged(make_client) -> None:
    client = await make_client("police")
    r = await client.post(
        "/population/lookup",
        json={"request_id": "r6", "name": "无名氏", "birth_date": "1970-01-01"},
    )
    assert r.status_code == 200
    assert r.json() == {"found": False, "record": None}
    await client.post("/population/lookup", json={"request_id": "r7", "id_number": ZHANG_ID})
    log = (await client.get("/population/lookups")).json()
    assert [(e["request_id"], e["found"]) for e in log] == [("r6", False), ("r7", True)]


async def test_lookup_without_identifiers_is_refused(make_client) -> None:
    client = await make_client("police")
    r = await client.post("/population/lookup", json={"request_id": "r8", "sex": "male"})
    assert r.status_code == 422
    assert r.json()["code"] == "insufficient_identifiers"
    assert (await client.get("/population/lookups")).json() == []


async def test_invalid_body_is_invalid_request(make_client) -> None:
    client = await make_client("police")
    r = await client.post("/population/lookup", json={"name": "张建国", "birth_date": "12/03/1968"})
    assert r.status_code == 422
    assert r.json()["code"] == "invalid_request"
    assert set(r.json()) == {"code", "message"}


async def test_lookup_requires_api_key(make_client) -> None:
    client = await make_client("police")
    del client.headers["X-Api-Key"]
    r = await client.post("/population/lookup", json={"request_id": "r9", "id_number": ZHANG_ID})
    assert r.status_code == 401
    assert r.json()["code"] == "unauthorized"
    wrong = await client.get("/population/lookups", headers={"X-Api-Key": "nope"})
    assert wrong.status_code == 401
    assert (await client.get("/healthz")).json() == {"status": "ok", "agency": "police"}


async def test_unknown_path_has_the_error_shape(make_client) -> None:
    client = await make_client("police")
    r = await client.get("/nowhere")
    assert r.status_code == 404
    assert r.json()["code"] == "not_found"
