from pydantic import Field

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """Common settings (``PORTAL_*``) plus the sign-in policy of the directory."""

    lockout_threshold: int = Field(
        default=5, ge=1, description="Consecutive failed sign-ins that lock an account"
    )
    lockout_minutes: int = Field(default=15, ge=1, description="How long a lock lasts")
