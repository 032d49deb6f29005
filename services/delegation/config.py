from datetime import timedelta

from pydantic import Field

from services.delegation.domain.model import Policy
from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """Common settings (``PORTAL_*``) and the delegation time rules.

    Durations are ISO 8601 (``P30D``, ``PT2S``) or a number of seconds.
    """

    delegation_sweep_interval: timedelta = Field(
        default=timedelta(seconds=5),
        gt=timedelta(0),
        description="How often expiries and warnings are looked for",
    )
    delegation_request_ttl: timedelta = Field(
        default=timedelta(days=30), description="A pending request expires unanswered after this"
    )
    delegation_max_request_ttl: timedelta = Field(
        default=timedelta(days=90), description="Longest answer window a partner may choose"
    )
    delegation_min_duration: timedelta = Field(
        default=timedelta(days=1), description="Shortest duration of a time-bound relationship"
    )
    delegation_max_duration: timedelta = Field(
        default=timedelta(days=730), description="Longest duration of a time-bound relationship"
    )
    delegation_expiry_warning: timedelta = Field(
        default=timedelta(days=7),
        description="DelegationExpiring is emitted this long before a relationship ends",
    )

    def policy(self) -> Policy:
        return Policy(
            request_ttl=self.delegation_request_ttl,
            max_request_ttl=self.delegation_max_request_ttl,
            min_duration=self.delegation_min_duration,
            max_duration=self.delegation_max_duration,
            expiry_warning=self.delegation_expiry_warning,
        )
