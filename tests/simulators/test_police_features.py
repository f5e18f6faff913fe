"""The police simulator's search by features: fingerprints registered with identity cards,
missing-person reports matched by sex, age, place found and marks, deterministic scoring, and
a log that keeps what was compared, never the features themselves."""

from __future__ import annotations

from datetime import date

from simulators.police_data import load_population
from simulators.police_features import FeatureSearchRequest, load_features, search

ZHANG = "110105196803121237"  # 张建国: fingerprints on record
ZHAO = "110121199009080152"  # 赵永强: reported missing at 西山汽车站, a dragon tattoo
SUN = "110121196104172449"  # 孙玉梅: reported missing at 东湖公园, a mole above the eyebrow
ON = date(2026, 6, 1)


def _search(**query: object):
    return search(load_population(), load_features(), FeatureSearchRequest(request_id="t", **query), ON)


def test_a_fingerprint_code_alone_names_the_resident_whatever_its_case() -> None:
    result = _search(fingerprint_code="fp-5a1c-3e07-9b22", place_found="示范市火车站广场")
    assert result.matched and result.match is not None
    assert result.match.record.id_number == ZHANG and result.match.record.community_node_id == "dh-t1-c1"
    assert result.match.basis == ["fingerprint"] and result.match.score == 100
    assert _search(fingerprint_code="FP-0000-0000-0000", place_found="示范市火车站广场").matched is False


def test_sex_age_and_the_place_of_a_missing_person_report_are_a_match() -> None:
    result = _search(sex="male", apparent_age=36, place_found="示范市西山汽车站候车厅")
    assert result.matched and result.match is not None and result.match.record.id_number == ZHAO
    assert result.match.basis == ["sex", "age", "place"] and result.match.score == 50
    # Ten years off, the other sex, or somewhere else: nobody.
    assert _search(sex="male", apparent_age=46, place_found="示范市西山汽车站").matched is False
    assert _search(sex="female", apparent_age=36, place_found="示范市西山汽车站").matched is False
    assert _search(sex="male", apparent_age=36, place_found="示范市火车站广场").matched is False


def test_marks_count_more_than_the_place() -> None:
    result = _search(sex="female", apparent_age=64, place_found="示范市东湖区解放路",
                     marks="身高约155厘米，左眉上方有黑痣")
    assert result.matched and result.match is not None and result.match.record.id_number == SUN
    assert result.match.basis == ["sex", "age", "marks"] and result.match.score == 60


def test_two_equally_close_residents_are_no_match() -> None:
    result = _search(place_found="东湖公园至西山汽车站一带", marks="有龙形文身，眉上有黑痣")
    assert result.matched is False and result.match is None and result.similar == 2


def test_residents_ruled_out_are_not_proposed_again() -> None:
    query = {"fingerprint_code": "FP-5A1C-3E07-9B22", "place_found": "示范市火车站"}
    assert _search(**query).matched is True
    assert _search(**query, excluded_id_numbers=[ZHANG]).matched is False


def test_nobody_is_found_for_the_usual_unnamed_man_at_the_railway_station() -> None:
    # The tests' default report: the searches by features of other tests must find nobody.
    for age in (12, 35, 55, 70):
        assert _search(sex="male", apparent_age=age, place_found="示范市火车站广场东侧地下通道").matched is False


async def test_the_search_over_http_says_what_it_compared_and_logs_no_features(make_client) -> None:
    client = await make_client("police")
    r = await client.post("/population/feature-search", json={
        "request_id": "case-1:features:1", "case_id": "c1", "sex": "male",
        "apparent_age": date.today().year - 1968, "place_found": "示范市火车站",
        "fingerprint_code": "FP-5A1C-3E07-9B22", "photo_ref": "8d3c2f0e-photo", "marks": "右手有疤"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["matched"] is True and body["match"]["record"]["name"] == "张建国"
    # No face comparison in the simulator: the photo is received, never listed as compared.
    assert body["compared"] == ["fingerprint", "sex", "age", "place", "marks"]
    miss = await client.post("/population/feature-search", json={
        "request_id": "case-1:features:2", "sex": "female", "apparent_age": 30, "place_found": "某地"})
    assert miss.json() == {"matched": False, "match": None, "compared": ["sex", "age", "place"],
                           "similar": 0}
    log = (await client.get("/population/feature-searches")).json()
    assert [(e["request_id"], e["matched"], e["photo_received"]) for e in log] == [
        ("case-1:features:1", True, True), ("case-1:features:2", False, False)]
    assert "FP-5A1C" not in str(log) and "右手" not in str(log)


async def test_a_search_with_nothing_to_compare_is_refused(make_client) -> None:
    client = await make_client("police")
    r = await client.post("/population/feature-search", json={"request_id": "x", "sex": "unknown"})
    assert r.status_code == 422 and r.json()["code"] == "insufficient_features"
    assert (await client.get("/population/feature-searches")).json() == []
    unauthorised = await client.post("/population/feature-search", headers={"X-Api-Key": "nope"},
                                     json={"request_id": "y", "place_found": "某地"})
    assert unauthorised.status_code == 401
