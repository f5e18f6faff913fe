"""Liaison training and the volunteer team in PostgreSQL."""

from __future__ import annotations

import uuid

import asyncpg

from db.queries import sql
from domain.network_people import (
    Attendee,
    TrainingInput,
    TrainingSession,
    Volunteer,
    VolunteerActivity,
    VolunteerActivityInput,
    VolunteerInput,
)


async def paths_of_staff(conn: asyncpg.Connection, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    return {r["staff_id"]: r["path"] for r in await conn.fetch(sql("staff_paths"), ids)}


async def paths_of_volunteers(conn: asyncpg.Connection, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    return {r["volunteer_id"]: r["path"] for r in await conn.fetch(sql("volunteer_paths"), ids)}


async def add_training(conn: asyncpg.Connection, *, organiser: str, data: TrainingInput,
                       attendees: list[uuid.UUID], by: str) -> str:
    sid = uuid.uuid4()
    async with conn.transaction():
        await conn.execute(sql("training_insert"), sid, organiser, data.held_on, data.topic,
                           data.place, data.trainer, by)
        for staff_id in attendees:
            await conn.execute(sql("training_attend"), sid, staff_id)
    return str(sid)


async def trainings(conn: asyncpg.Connection, *, path: str) -> list[TrainingSession]:
    rows = await conn.fetch(sql("training_list"), path)
    people: dict[uuid.UUID, list[Attendee]] = {}
    for a in await conn.fetch(sql("training_attendees"), [r["session_id"] for r in rows]):
        people.setdefault(a["session_id"], []).append(Attendee(
            staff_id=str(a["staff_id"]), name=a["name"], node_id=a["node_id"], node_name=a["node_name"]))
    return [TrainingSession(session_id=str(r["session_id"]), organiser_node_id=r["organiser_node_id"],
                            organiser_name=r["organiser_name"], held_on=r["held_on"], topic=r["topic"],
                            place=r["place"], trainer=r["trainer"], recorded_by=r["recorded_by"],
                            attendees=people.get(r["session_id"], [])) for r in rows]


async def add_volunteer(conn: asyncpg.Connection, *, node_id: str, data: VolunteerInput, by: str) -> str:
    vid = uuid.uuid4()
    await conn.execute(sql("volunteer_insert"), vid, node_id, data.name, data.phone, data.skills,
                       data.availability, by)
    return str(vid)


async def volunteers(conn: asyncpg.Connection, *, path: str) -> list[Volunteer]:
    return [Volunteer(volunteer_id=str(r["volunteer_id"]), node_id=r["node_id"], node_name=r["node_name"],
                      name=r["name"], phone=r["phone"], skills=list(r["skills"]),
                      availability=r["availability"], registered_at=r["registered_at"],
                      activities=int(r["activities"]))
            for r in await conn.fetch(sql("volunteer_list"), path)]


async def add_activity(conn: asyncpg.Connection, *, node_id: str, data: VolunteerActivityInput,
                       participants: list[uuid.UUID], by: str) -> str:
    aid = uuid.uuid4()
    async with conn.transaction():
        await conn.execute(sql("activity_insert"), aid, node_id, data.kind.value, data.held_on,
                           data.title, data.notes, by)
        for vid in participants:
            await conn.execute(sql("activity_join"), aid, vid)
    return str(aid)


async def activities(conn: asyncpg.Connection, *, path: str) -> list[VolunteerActivity]:
    return [VolunteerActivity(activity_id=str(r["activity_id"]), node_id=r["node_id"],
                              node_name=r["node_name"], kind=r["kind"], held_on=r["held_on"],
                              title=r["title"], notes=r["notes"], participants=list(r["participants"]))
            for r in await conn.fetch(sql("activity_list"), path)]
