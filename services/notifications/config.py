from datetime import timedelta

from pydantic import Field

from services.notifications.domain.model import RetryPolicy
from services.notifications.domain.webhooks import DisablePolicy, WebhookRetryPolicy
from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """The common settings (``PORTAL_*``) and the mail server's."""

    http_port: int = 8105
    smtp_host: str = Field(default="127.0.0.1", description="The mail server (relay) to send by")
    smtp_port: int = Field(default=2525, ge=1, le=65535)
    smtp_starttls: bool = Field(default=False, description="Upgrade with STARTTLS before login")
    smtp_username: str = Field(default="", description="Log in when set")
    smtp_password: str = Field(default="", repr=False)
    smtp_timeout: float = Field(default=30.0, gt=0, description="Seconds per SMTP conversation")
    smtp_connections: int = Field(
        default=4, ge=1, le=64, description="Connections to the mail server, kept open"
    )
    mail_from: str = "Partner Portal <no-reply@partner-portal.example>"
    mail_retry_base_seconds: float = Field(
        default=30.0, gt=0, description="Wait after the first temporary failure; doubles"
    )
    mail_retry_cap_seconds: float = Field(default=3600.0, gt=0, description="Longest wait")
    mail_max_attempts: int = Field(default=10, ge=1, description="Then a delivery fails")
    mail_poll_seconds: float = Field(
        default=0.5, gt=0, description="How often the sender looks for due deliveries"
    )
    mail_batch: int = Field(default=20, ge=1, description="Deliveries claimed per round")
    mail_workers: int = Field(
        default=3, ge=1, le=32, description="Rounds (claim, send, record) at once"
    )
    trial_sweep_seconds: float = Field(
        default=60.0, gt=0, description="How often trials ending within 7 days are looked for"
    )
    webhook_retry_base_seconds: float = Field(
        default=30.0, gt=0, description="Webhooks: wait after the first failed attempt; doubles"
    )
    webhook_retry_cap_seconds: float = Field(default=3 * 3600.0, gt=0)
    webhook_give_up_after_seconds: float = Field(
        default=26 * 3600.0, gt=0, description="Webhooks: a delivery is retried this long"
    )
    webhook_disable_after_failures: int = Field(
        default=20, ge=1, description="Failed attempts in a row that disable an endpoint"
    )
    webhook_disable_after_seconds: float = Field(
        default=24 * 3600.0, ge=0, description="... while it has been failing this long"
    )
    webhook_timeout_seconds: float = Field(default=10.0, gt=0, description="Per POST")
    webhook_poll_seconds: float = Field(default=0.5, gt=0)
    webhook_batch: int = Field(default=20, ge=1)
    webhook_workers: int = Field(
        default=3, ge=1, le=32, description="Webhooks: rounds (claim, POST, record) at once"
    )

    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(
            base=self.mail_retry_base_seconds,
            cap=self.mail_retry_cap_seconds,
            max_attempts=self.mail_max_attempts,
        )

    def webhook_retry_policy(self) -> WebhookRetryPolicy:
        return WebhookRetryPolicy(
            base=self.webhook_retry_base_seconds,
            cap=self.webhook_retry_cap_seconds,
            give_up_after=timedelta(seconds=self.webhook_give_up_after_seconds),
        )

    def webhook_disable_policy(self) -> DisablePolicy:
        return DisablePolicy(
            consecutive_failures=self.webhook_disable_after_failures,
            failing_for=timedelta(seconds=self.webhook_disable_after_seconds),
        )
