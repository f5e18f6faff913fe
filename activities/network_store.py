"""Writes of the network's records that workflows make: a returned person joins the origin
community's at-risk ledger (called by FollowUpWorkflow at its start)."""

from __future__ import annotations

import uuid

import asyncpg
from temporalio import activity

from db.ledger_intake import register_returned
from domain.ledger import REGISTER_RETURNED_PERSON, ReturnedPersonInput


class NetworkStoreActivities:
    """Activities on the ledger; handed the pool by the worker."""

    def __init__(self, pool: asyncpg.Pool):
        self._pool = pool

    @activity.defn(name=REGISTER_RETURNED_PERSON)
    async def register_returned_person(self, inp: ReturnedPersonInput) -> str:
        """Enter (or recognise) the returned person in the ledger; answers the entry id."""
        async with self._pool.acquire() as conn:
            result = await register_returned(
                conn, case_id=uuid.UUID(inp.case_id), community_node_id=inp.community_node_id,
                name=inp.person_name, id_number=inp.id_number)
        return result.entry.entry_id

    def all(self) -> list[object]:
        return [self.register_returned_person]
