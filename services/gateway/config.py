from pydantic import Field

from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    http_port: int = 8000
    invitations_url: str = "http://127.0.0.1:8101"
    offers_url: str = "http://127.0.0.1:8102"
    delegation_url: str = "http://127.0.0.1:8103"
    directory_url: str = "http://127.0.0.1:8104"
    command_timeout: float = Field(default=15.0, description="Seconds to wait for an outcome")
