"""One settings object per process, read from the environment (prefix ``PORTAL_``)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_PLACEHOLDERS = {"", "changeme", "change-me", "secret", "dev", "development", "test"}


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PORTAL_", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    kafka_bootstrap: str = Field(
        default="127.0.0.1:19092",
        description="host:port of a broker, or of several separated by commas (a cluster)",
    )
    database_url: str = Field(
        default="postgresql://portal:portal@127.0.0.1:15432/portal",
        description="asyncpg DSN; each service works in its own schema of it",
    )
    http_host: str = "127.0.0.1"
    http_port: int = 0
    log_level: str = "INFO"
    instance: str = Field(default="1", description="Distinguishes copies of one service")
    static_membership: bool = Field(
        default=False,
        description="Join the consumer groups as static members named after PORTAL_INSTANCE, "
        "which must then be unique and stable for each copy (a StatefulSet pod's name): a copy "
        "restarted after a crash takes its partitions back at once instead of after the "
        "session timeout (10 s). A copy stopped for good keeps its partitions until that "
        "timeout, and a second live copy with the same name fences the first out",
    )
    consumer_batch: int = Field(
        default=500,
        ge=1,
        description="Most records applied in one transaction (a backlog is worked off in "
        "batches this big; a consumer that keeps up applies what has arrived)",
    )
    db_pool_size: int = Field(default=5, ge=1)
    inbox_retention_days: float = Field(
        default=35,
        ge=31,
        description="How long the inbox remembers a message id; must outlast the longest "
        "topic retention (30 days), or a redelivered message would be applied again",
    )
    public_base_url: str = "http://127.0.0.1:8000"
    secret_key: str = Field(default="", description="Signs sessions; required in production")

    @property
    def kafka_servers(self) -> list[str]:
        """The brokers to bootstrap from, one host:port each (FastStream takes a string as one
        address; aiokafka alone would split it)."""
        return [s.strip() for s in self.kafka_bootstrap.split(",") if s.strip()]

    @model_validator(mode="after")
    def _production_needs_real_secrets(self) -> ServiceSettings:
        if self.environment == "production":
            if self.secret_key.lower() in _PLACEHOLDERS or len(self.secret_key) < 32:
                raise ValueError(
                    "PORTAL_SECRET_KEY must be set to a random value of at least 32 characters "
                    "in production"
                )
            if "@" in self.database_url and ":" not in self.database_url.split("@")[0][13:]:
                raise ValueError("PORTAL_DATABASE_URL must carry a password in production")
        return self
