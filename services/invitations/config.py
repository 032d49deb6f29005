from shared.settings import ServiceSettings


class Settings(ServiceSettings):
    """The invitations service reads the common settings only (``PORTAL_*``)."""
