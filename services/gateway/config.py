from pydantic import Field, field_validator

from services.gateway.proxy import Network, parse_networks
from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    http_port: int = 8000
    invitations_url: str = "http://127.0.0.1:8101"
    offers_url: str = "http://127.0.0.1:8102"
    delegation_url: str = "http://127.0.0.1:8103"
    directory_url: str = "http://127.0.0.1:8104"
    notifications_url: str = "http://127.0.0.1:8105"
    command_timeout: float = Field(default=15.0, description="Seconds to wait for an outcome")
    session_idle_minutes: int = Field(default=30, ge=1)
    session_max_hours: int = Field(default=12, ge=1)
    principal_refresh_seconds: int = Field(
        default=30, description="How long a session trusts its copy of the user's roles"
    )
    overview_fresh_seconds: float = Field(
        default=5.0,
        ge=0,
        description="Longest a partner's overview counts are reused when no event names it"
        " (invitations pass their expiry time unannounced)",
    )
    fresh_seconds: float = Field(
        default=60.0,
        ge=0,
        description="Longest another kept read (company, a customer's pages) is reused when no"
        " event names what it depends on; then it is refreshed in the background",
    )
    fresh_settle_seconds: float = Field(
        default=2.0,
        ge=0,
        description="A read is not kept within this long of an event naming what it depends on",
    )
    session_cache_seconds: float = Field(
        default=2.0, ge=0, description="How long a gateway reuses a session it read"
    )
    cookie_secure: bool | None = Field(
        default=None, description="Secure cookies; default: when public_base_url is https"
    )
    sign_in_per_minute: int = Field(default=10, ge=1, description="Per client address")
    public_pages_per_minute: int = Field(default=60, ge=1, description="Per client address")
    # Operations (docs/operations.md): metrics port, access log, proxies.
    metrics_host: str = Field(
        default="127.0.0.1", description="Where /metrics listens; never the public address"
    )
    metrics_port: int = Field(
        default=9000, ge=0, le=65535, description="Prometheus /metrics port; 0: not served"
    )
    access_log: bool = Field(default=True, description="One JSON line per HTTP request")
    trusted_proxies: str = Field(
        default="",
        description="Comma-separated addresses/CIDRs whose Forwarded and X-Forwarded-*"
        " headers are believed (a TLS-terminating proxy); default none",
    )

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_parse(cls, value: str) -> str:
        parse_networks(value.split(","))  # a typo fails at start-up, not silently
        return value

    @property
    def trusted_networks(self) -> tuple[Network, ...]:
        return parse_networks(self.trusted_proxies.split(","))

    @property
    def secure_cookies(self) -> bool:
        if self.cookie_secure is not None:
            return self.cookie_secure
        return self.public_base_url.startswith("https://")
