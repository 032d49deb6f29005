from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """The offers service reads the common settings only (``PORTAL_*``); offer URLs are
    built on ``PORTAL_PUBLIC_BASE_URL``."""
