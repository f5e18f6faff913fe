"""What the API processes share: settings, the pool and the Temporal client, built once."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg
from temporalio.client import Client

from domain.policy import Policy, policy_named
from rescue.settings import Settings


@dataclass(frozen=True)
class AppContext:
    settings: Settings
    pool: asyncpg.Pool
    temporal: Client

    @property
    def policy(self) -> Policy:
        """The policy new cases start with."""
        return policy_named(self.settings.policy)
