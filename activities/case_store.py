"""Writes of the case records in PostgreSQL: the only way workflows reach the database."""

from __future__ import annotations

import asyncpg
from temporalio import activity

from db import records_repo
from db.cases_repo import sync_case
from domain.agencies import (
    FIND_PREVIOUS_CASES,
    NOTIFY,
    PUBLISH_FAMILY_SEARCH_NOTICE,
    RECORD_CHILD_ACTIVITY,
    RECORD_EXTERNAL_FOLLOW_UP,
    RECORD_SETTLEMENT,
    RESOLVE_SUPERVISOR,
    SYNC_CASE,
    ExternalFollowUp,
    FamilySearchNotice,
    Notification,
    PreviousCases,
    PreviousCasesQuery,
    SettlementRecord,
    SupervisorQuery,
)
from domain.case import CaseSyncInput, ChildRecordInput
from domain.tasks import Assignee


class CaseStoreActivities:
    """Activities that write and read the case records; handed the pool by the worker."""

    def __init__(self, pool: asyncpg.Pool):
        self._pool = pool

    @activity.defn(name=SYNC_CASE)
    async def sync_case(self, data: CaseSyncInput) -> None:
        """Upsert the case (newest version wins), append events, open and close tasks."""
        async with self._pool.acquire() as conn:
            await sync_case(conn, data=data, workflow_id=activity.info().workflow_id)

    @activity.defn(name=RECORD_CHILD_ACTIVITY)
    async def record_child_activity(self, data: ChildRecordInput) -> None:
        """A treatment's or follow-up's events and tasks, under the case they belong to."""
        async with self._pool.acquire() as conn:
            await records_repo.record_child(conn, data=data)

    @activity.defn(name=RESOLVE_SUPERVISOR)
    async def resolve_supervisor(self, query: SupervisorQuery) -> Assignee:
        """Who supervises an assignee whose task is overdue."""
        async with self._pool.acquire() as conn:
            return await records_repo.supervisor_of(conn, node_id=query.node_id, role=query.role,
                                                    station_node_id=query.station_node_id)

    @activity.defn(name=NOTIFY)
    async def notify(self, note: Notification) -> None:
        """Leave a notification in a node's and role's list (idempotent by id)."""
        async with self._pool.acquire() as conn:
            await records_repo.notify(conn, note=note)

    @activity.defn(name=PUBLISH_FAMILY_SEARCH_NOTICE)
    async def publish_family_search_notice(self, notice: FamilySearchNotice) -> None:
        """Publish the family-search notice (寻亲公告); a repeated id publishes nothing new."""
        async with self._pool.acquire() as conn:
            await records_repo.publish_notice(conn, notice=notice, at=activity.info().started_time)

    @activity.defn(name=FIND_PREVIOUS_CASES)
    async def find_previous_cases(self, query: PreviousCasesQuery) -> PreviousCases:
        """Earlier cases of the same person, for re-entry."""
        async with self._pool.acquire() as conn:
            numbers = await records_repo.previous_cases(
                conn, case_id=query.case_id, id_number=query.id_number, name=query.name,
                birth_date=query.birth_date.isoformat() if query.birth_date else None)
        return PreviousCases(case_numbers=numbers)

    @activity.defn(name=RECORD_EXTERNAL_FOLLOW_UP)
    async def record_external_follow_up(self, request: ExternalFollowUp) -> None:
        """The follow-up request to another city, on record (and later its acknowledgment)."""
        async with self._pool.acquire() as conn:
            await records_repo.record_external_follow_up(conn, request=request)

    @activity.defn(name=RECORD_SETTLEMENT)
    async def record_settlement(self, record: SettlementRecord) -> None:
        """The finance ledger of one settlement voucher (submitted → approved → paid)."""
        async with self._pool.acquire() as conn:
            await records_repo.record_settlement(conn, record=record)

    def all(self) -> list[object]:
        return [self.sync_case, self.record_child_activity, self.resolve_supervisor, self.notify,
                self.publish_family_search_notice, self.find_previous_cases, self.record_settlement,
                self.record_external_follow_up]
