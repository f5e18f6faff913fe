"""What the API processes share: settings, the pool and the Temporal client, built once."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import asyncpg
from temporalio.client import Client

from domain.policy import Policy, policy_named
from rescue.photo_vault import PhotoVault
from rescue.settings import Settings

if TYPE_CHECKING:
    from api.outbox.relay import Relay
    from api.tasks.inbox_signals import InboxSignals


@dataclass(frozen=True)
class AppContext:
    settings: Settings
    pool: asyncpg.Pool
    temporal: Client
    relay: Relay | None = field(default=None, compare=False)
    """This process's outbox relay (the lifespan starts it); None in contexts built by hand."""
    inbox: InboxSignals | None = field(default=None, compare=False)
    """Notifications of new tasks, for inboxes that wait (the lifespan starts it)."""

    @property
    def policy(self) -> Policy:
        """The policy new cases start with."""
        return policy_named(self.settings.policy)

    @cached_property
    def photo_vault(self) -> PhotoVault:
        """Seals and opens admission photos with the keys from the settings (read once)."""
        return PhotoVault(self.settings.resolved_photo_keys())
