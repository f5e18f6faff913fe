"""Candidate generation against the real PostgreSQL: the first comparison (votes of the name
keys plus the model's weights of birth year, place and time, origin) decides which of the
best-voted reports are compared in full."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date

import asyncpg

from db.matching_repo import blocked_reports, name_frequencies
from db.migrate import apply_migrations
from db.missing_repo import rekey_reports
from domain.matching.blocking import person_keys, report_keys, weight_of
from domain.matching.compare import MatchRecord
from domain.matching.places import near_provinces
from domain.matching.records import report_row_record
from stack.postgres import database_url, drop_database, ensure_database
from support import Stack


async def _file(conn: asyncpg.Connection, number: int, record: MatchRecord) -> uuid.UUID:
    report_id = uuid.uuid4()
    await conn.execute(
        "INSERT INTO missing_reports (report_id, report_number, reported_by, node_id, created_by, name, sex,"
        " birth_year, last_seen_on, last_seen_place, contact_name, contact_phone, seen_province,"
        " origin_province, height_cm, marks) VALUES ($1, $2, 'family', 'repo-test', 'test', $3, $4, $5, $6,"
        " $7, '家属', '13800000000', $7, $8, $9, $10)",
        report_id, f"XR-T{number:04d}", record.name, record.sex,
        int(record.birth_year) if record.birth_year is not None else None,
        record.seen_on, record.seen_province, record.origin_province, record.height_cm, record.marks)
    await conn.executemany("INSERT INTO missing_report_keys (key, report_id, weight) VALUES ($1, $2, $3)",
                           [(k, report_id, weight_of(k)) for k in report_keys(record)])
    return report_id


async def test_the_first_comparison_prefers_the_report_the_model_prefers_over_the_best_voted(
        stack: Stack) -> None:
    admin = database_url(stack.database_url, "postgres")
    url = await ensure_database(admin, "matching_repo_test")
    try:
        await apply_migrations(url)
        conn = await asyncpg.connect(url)
        try:
            await conn.execute("INSERT INTO org_nodes (node_id, level, name, path) VALUES "
                               "('repo-test', 'city_station', '测试站', 'repo-test/')")
            report = MatchRecord(key="", name="王秀英", sex="female", seen_on=date(2024, 1, 10))
            # Lost in the same province and quarter (more shared keys, more votes), but three
            # years apart in age and from another province by accent.
            busy = await _file(conn, 1, MatchRecord(**{**report.__dict__, "birth_year": 1953.0,
                                                      "seen_province": "河南", "origin_province": "广东"}))
            # Lost in a neighbouring province: fewer votes, but the right age and accent.
            right = await _file(conn, 2, MatchRecord(**{**report.__dict__, "birth_year": 1950.0,
                                                       "seen_province": "湖北", "origin_province": "河南"}))
            await conn.execute("VACUUM ANALYZE missing_reports")
            person = MatchRecord(key="p", name="王秀英", sex="female", birth_year=1950.0,
                                 seen_on=date(2024, 2, 20), seen_province="河南", origin_province="河南")
            assert "湖北" in near_provinces("河南")
            keys = await conn.fetch("SELECT report_id, count(*) AS n FROM missing_report_keys "
                                    "WHERE key = ANY($1::text[]) GROUP BY report_id",
                                    sorted(person_keys(person)))
            shared = {r["report_id"]: r["n"] for r in keys}
            assert shared[busy] > shared[right]
            best = await blocked_reports(conn, person, limit=2)
            assert [r.key for r in best] == [str(right), str(busy)]
            assert [r.key for r in await blocked_reports(conn, person, limit=1)] == [str(right)]
        finally:
            await conn.close()
    finally:
        await drop_database(admin, "matching_repo_test")


async def test_a_nameless_person_is_told_apart_by_height_and_marks(stack: Stack) -> None:
    admin = database_url(stack.database_url, "postgres")
    url = await ensure_database(admin, "matching_repo_marks_test")
    try:
        await apply_migrations(url)
        conn = await asyncpg.connect(url)
        try:
            await conn.execute("INSERT INTO org_nodes (node_id, level, name, path) VALUES "
                               "('repo-test', 'city_station', '测试站', 'repo-test/')")
            base = MatchRecord(key="", sex="male", birth_year=1950.0, seen_on=date(2024, 1, 10),
                               seen_province="河南", origin_province="河南")
            # The same first comparison (no name; same age, place, time and origin): only
            # height and marks, which the index does not hold, tell them apart.
            other = await _file(conn, 1, dataclasses.replace(base, name="李国强", height_cm=180,
                                                             marks="右手有烫伤疤痕"))
            right = await _file(conn, 2, dataclasses.replace(base, name="王建军", height_cm=165,
                                                             marks="左眉上方有黑痣，左耳缺一角"))
            await conn.execute("VACUUM ANALYZE missing_reports")
            person = dataclasses.replace(base, key="p", birth_year=1951.0, seen_on=date(2024, 2, 20),
                                         height_cm=166, marks="左眉上方有黑痣")
            assert {r.key for r in await blocked_reports(conn, person, limit=2)} == {str(right), str(other)}
            assert [r.key for r in await blocked_reports(conn, person, limit=1)] == [str(right)]
            named = dataclasses.replace(person, name="老王")
            assert [r.key for r in await blocked_reports(conn, named, limit=1)] == [str(right)]
        finally:
            await conn.close()
    finally:
        await drop_database(admin, "matching_repo_marks_test")


async def test_a_report_sharing_a_name_key_goes_before_strangers_sharing_only_the_place(stack: Stack) -> None:
    admin = database_url(stack.database_url, "postgres")
    url = await ensure_database(admin, "matching_repo_name_test")
    try:
        await apply_migrations(url)
        conn = await asyncpg.connect(url)
        try:
            await conn.execute("INSERT INTO org_nodes (node_id, level, name, path) VALUES "
                               "('repo-test', 'city_station', '测试站', 'repo-test/')")
            base = MatchRecord(key="", sex="male", seen_on=date(2019, 1, 24), seen_province="吉林",
                               origin_province="吉林")
            # The right report has no birth year (filed under the band-less keys); the strangers
            # have the person's age and were lost in the same place and quarter.
            right = await _file(conn, 1, dataclasses.replace(base, name="孙炎保"))
            for number, name in enumerate(("李国强", "王建军", "刘志明"), start=2):
                await _file(conn, number, dataclasses.replace(base, name=name, birth_year=1960.0,
                                                              seen_on=date(2019, 8, 10)))
            await conn.execute("VACUUM ANALYZE missing_reports")
            person = MatchRecord(key="p", name="孙炎曾", sex="male", birth_year=1960.0, birth_spread=5.0,
                                 seen_on=date(2019, 10, 2), seen_province="吉林", origin_province="吉林")
            assert [r.key for r in await blocked_reports(conn, person, limit=1)] == [str(right)]
            # A report filed before the band-less keys existed is found again once re-keyed.
            await conn.execute("DELETE FROM missing_report_keys WHERE key LIKE '%:x'")
            assert str(right) not in {r.key for r in await blocked_reports(conn, person)}
            assert await rekey_reports(conn, batch=2) == 4
            assert [r.key for r in await blocked_reports(conn, person, limit=1)] == [str(right)]
            assert await conn.fetchval("SELECT count(*) FROM missing_report_keys") == sum(
                len(report_keys(report_row_record(r))) for r in await conn.fetch("SELECT * FROM missing_reports"))
            # The name frequencies are counted from the same keys (surname, called-by character).
            frequencies = await name_frequencies(conn, refresh=True)
            assert frequencies.surnames.counts == {"sun": 1, "li": 1, "wang": 1, "liu": 1}
            assert frequencies.called.counts == {"bao": 1, "qian": 1, "jun": 1, "min": 1}
        finally:
            await conn.close()
    finally:
        await drop_database(admin, "matching_repo_name_test")
