from datetime import timedelta

from pydantic import Field

from services.directory.domain.model import SignInPolicy
from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """Common settings (``PORTAL_*``) plus the sign-in policy of the directory."""

    signin_slow_after: int = Field(
        default=3, ge=1, description="Failed sign-ins after which each retry must wait"
    )
    lockout_threshold: int = Field(
        default=5, ge=1, description="Consecutive failed sign-ins that lock an account"
    )
    lockout_minutes: int = Field(default=15, ge=1, description="How long a lock lasts")
    subscription_sweep_interval: timedelta = Field(
        default=timedelta(seconds=5),
        gt=timedelta(0),
        description="How often trials whose end passed are expired (ISO 8601 or seconds)",
    )

    def sign_in_policy(self) -> SignInPolicy:
        return SignInPolicy(
            slow_after=self.signin_slow_after,
            lock_after=self.lockout_threshold,
            lock_minutes=self.lockout_minutes,
        )
