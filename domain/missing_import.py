"""Contracts of the import of the police's missing-person list in the background: the
workflow's input, its activities' (tiny) inputs and results, and the job's progress as the API
shows it. Ids and counts only: the rows themselves stay in PostgreSQL (``import_job_rows``)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from domain.contract import Contract
from domain.missing import ImportRejection

IMPORT_BATCH = "import_missing_list_batch"
FINISH_IMPORT = "finish_missing_list_import"
BATCH_ROWS = 500
"""Rows registered by one activity: 20,000 rows (the most one upload holds) are 40 batches."""


def import_workflow_id(job_id: str) -> str:
    return f"missing-import:{job_id}"


class MissingListImportInput(Contract):
    """Input of the workflow that registers the rows of one uploaded list."""

    job_id: str


class ImportBatchInput(BaseModel):
    job_id: str
    size: int = BATCH_ROWS


class ImportCounts(BaseModel):
    """A job's rows as counted from their statuses."""

    total: int = 0
    """Rows of the list, rejected ones included."""
    valid: int = 0
    """Rows that passed the checks at upload (to be registered)."""
    imported: int = 0
    duplicates: int = 0
    matching_started: int = 0

    @property
    def processed(self) -> int:
        return self.imported + self.duplicates

    @property
    def left(self) -> int:
        return self.valid - self.processed


class ImportJob(BaseModel):
    """An import of the police's list and how far it has come."""

    job_id: uuid.UUID
    status: str = Field(description="running（导入中）或 done（已完成）")
    filename: str
    created_at: datetime
    finished_at: datetime | None = None
    total: int = Field(description="名单行数（含未导入的行）")
    processed: int = Field(description="已处理的行数（含检查未通过的行）")
    imported: int = Field(description="新登记")
    duplicates: int = Field(description="已登记过（未重复登记）")
    rejected: list[ImportRejection] = Field(description="未导入的行：行号与原因")
