"""Registering a person in the ledger, shared by the liaison's form and the follow-up workflow:
a person already in the ledger is recognised (identity number, or name and birth date) and
gets the new categories instead of a second entry; earlier cases of the person are linked."""

from __future__ import annotations

import uuid
from datetime import date

import asyncpg

from db import ledger_repo
from domain.enums import Sex
from domain.ledger import LedgerCategory, LedgerPersonInput, RegisterResult


async def register(conn: asyncpg.Connection, *, inp: LedgerPersonInput, community_node_id: str,
                   by: str, source: str, case_id: uuid.UUID | None = None) -> RegisterResult:
    """Add the person to the community's ledger, or recognise the existing entry."""
    async with conn.transaction():
        known = await ledger_repo.find_cases(conn, id_number=inp.id_number, name=inp.name,
                                             birth_date=inp.birth_date)
        link = case_id or (known[-1][0] if known else None)
        for _ in range(2):  # a concurrent insert of the same person: the second pass finds it
            found = await ledger_repo.find_person(conn, id_number=inp.id_number, name=inp.name,
                                                  birth_date=inp.birth_date)
            if found is None and case_id is not None:
                by_case = await ledger_repo.entry_of_case(conn, case_id=case_id)
                found = (by_case, "case") if by_case else None
            if found is not None:
                entry_id, matched_by = found
                await ledger_repo.add_categories(conn, entry_id=entry_id, categories=inp.categories,
                                                 case_id=link)
                entry = await ledger_repo.get_entry(conn, entry_id=entry_id)
                assert entry is not None
                return RegisterResult(entry=entry[0], created=False, recognised_by=matched_by,
                                      known_cases=[n for _, n in known])
            new_id = await ledger_repo.insert_entry(
                conn, community_node_id=community_node_id, name=inp.name, sex=inp.sex,
                birth_date=inp.birth_date, id_number=inp.id_number, categories=inp.categories,
                address=inp.address, family_situation=inp.family_situation,
                risk_notes=inp.risk_notes, source=source, case_id=link, by=by)
            if new_id is not None:
                entry = await ledger_repo.get_entry(conn, entry_id=new_id)
                assert entry is not None
                return RegisterResult(entry=entry[0], created=True,
                                      known_cases=[n for _, n in known])
    raise RuntimeError("ledger entry neither inserted nor found")


async def register_returned(conn: asyncpg.Connection, *, case_id: uuid.UUID, community_node_id: str,
                            name: str | None, id_number: str | None) -> RegisterResult:
    """A returned person (流浪返乡人员) joins the origin community's ledger; the case's
    registration supplies sex and birth date. Repeating it changes nothing."""
    row = await conn.fetchrow("SELECT person FROM cases WHERE case_id = $1", case_id)
    person = (row["person"] if row else None) or {}
    birth = person.get("birth_date")
    inp = LedgerPersonInput(
        community_node_id=community_node_id, name=name or person.get("name") or "姓名不详",
        sex=Sex(person.get("sex") or Sex.UNKNOWN.value),
        birth_date=date.fromisoformat(birth) if birth else None,
        id_number=id_number or person.get("id_number"),
        categories=[LedgerCategory.RETURNED_VAGRANT],
        family_situation=person.get("relatives_contact"),
    )
    return await register(conn, inp=inp, community_node_id=community_node_id, by="system",
                          source="follow_up", case_id=case_id)
