"""A month of cases written straight into the records (cases, events, tasks, settlements), so
the monthly figures can be checked against counts made independently from the same rows."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone

import asyncpg

CN = timezone(timedelta(hours=8))
STATIONS = ["city-station", "dh-station", "xs-station"]
COMMUNITIES = [f"{c}-t{t}-c{i}" for c in ("dh", "xs") for t in (1, 2) for i in (1, 2)]
STAGES = ["admission", "identity_search", "long_term_stay", "return_home", "handover", "follow_up", "closed"]


@dataclass
class Seeded:
    """What was written, in plain Python, for the test to count from."""

    cases: list[dict[str, object]] = field(default_factory=list)
    events: list[dict[str, object]] = field(default_factory=list)
    tasks: list[dict[str, object]] = field(default_factory=list)
    settlements: list[dict[str, object]] = field(default_factory=list)


def _moment(rng: random.Random, year: int, month: int) -> datetime:
    """A local moment in the month, or just outside it (to test the month's edges)."""
    start = datetime(year, month, 1, tzinfo=CN)
    roll = rng.random()
    if roll < 0.08:
        return start - timedelta(minutes=rng.randint(1, 600))  # the evening before the 1st
    if roll < 0.16:
        nxt = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=CN)
        return nxt + timedelta(minutes=rng.randint(0, 600))  # the first hours after the month
    return start + timedelta(minutes=rng.randint(0, 28 * 24 * 60))


async def seed_month(database_url: str, year: int, month: int, *, n: int = 60, seed: int = 7) -> Seeded:
    rng = random.Random(seed)
    out = Seeded()
    conn = await asyncpg.connect(database_url)
    try:
        for i in range(n):
            case_id = uuid.uuid4()
            number = f"T{year}{month:02d}-{seed}-{i:04d}"
            opened = _moment(rng, year, month)
            stage = rng.choice(STAGES)
            row = {"case_id": case_id, "station": rng.choice(STATIONS), "origin": rng.choice(COMMUNITIES + [None]),
                   "stage": stage, "classification": rng.choice(["open", "protective", "assisting", None]),
                   "is_minor": rng.random() < 0.2, "opened_at": opened}
            out.cases.append(row)
            await conn.execute(
                "INSERT INTO cases (case_id, case_number, workflow_id, station_node_id, origin_node_id, stage,"
                " classification, is_minor, version, opened_at, updated_at) VALUES"
                " ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9)",
                case_id, number, f"seeded:{number}", row["station"], row["origin"], stage,
                row["classification"], row["is_minor"], opened.astimezone(UTC))
            for kind, chance in (("registered", 0.8), ("hospital_admitted", 0.25), ("handed_over", 0.3),
                                 ("lost_contact_reported", 0.15)):
                if rng.random() < chance:
                    at = opened + timedelta(hours=rng.randint(0, 72))
                    out.events.append({"case_id": case_id, "kind": kind, "at": at})
                    await conn.execute(
                        "INSERT INTO case_events (event_id, case_id, occurred_at, kind, summary) VALUES ($1, $2, $3, $4, $5)",
                        uuid.uuid4(), case_id, at, kind, "seeded")
            # The role is one nobody at a community has, so seeded tasks stay out of real
            # users' inboxes; the figures count follow-up visits by the assignee's node.
            if row["origin"] and rng.random() < 0.6:
                deadline = _moment(rng, year, month)
                status = rng.choice(["open", "done", "done", "cancelled"])
                completed = deadline + timedelta(hours=rng.randint(-240, 240)) if status == "done" else None
                out.tasks.append({"assignee": row["origin"], "deadline": deadline, "status": status,
                                  "completed_at": completed})
                await conn.execute(
                    "INSERT INTO tasks (task_id, case_id, kind, assignee_node_id, assignee_role, status,"
                    " opened_at, deadline, completed_at) VALUES ($1, $2, 'follow_up_visit', $3, 'caseworker', $4, $5, $6, $7)",
                    uuid.uuid4(), case_id, row["origin"], status, deadline - timedelta(days=90), deadline, completed)
            if rng.random() < 0.3:
                paid = _moment(rng, year, month)
                status = rng.choice(["paid", "paid", "approved", "submitted"])
                fen = rng.randint(1_000, 900_000)
                out.settlements.append({"station": row["station"], "status": status, "fen": fen, "paid_at": paid})
                await conn.execute(
                    "INSERT INTO treatment_settlements (settlement_id, case_id, station_node_id, admission_no,"
                    " voucher_no, claimed_fen, approved_fen, status, submitted_at, paid_at)"
                    " VALUES ($1, $2, $3, 'A1', $4, $5, $5, $6, $7, $8)",
                    f"S-{number}", case_id, row["station"], f"V-{number}", fen, status,
                    paid - timedelta(days=3), paid if status == "paid" else None)
    finally:
        await conn.close()
    return out
