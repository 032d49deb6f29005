"""Domain errors: a rule was broken. The consumer turns one into a typed rejection event and
the gateway into an RFC 9457 problem; either way nothing changed."""

from __future__ import annotations

import re
from typing import Any, ClassVar


class DomainError(Exception):
    """Base of every rule violation. Subclasses set ``status`` (the HTTP analogue)."""

    status: ClassVar[int] = 422

    @classmethod
    def category(cls) -> str:
        """Protocol-neutral kind of failure; the gateway maps it to an HTTP status."""
        return CATEGORIES.get(cls.status, "invalid")

    def __init__(self, reason: str, **details: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details

    @classmethod
    def code(cls) -> str:
        return re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()


CATEGORIES = {403: "forbidden", 404: "not_found", 409: "conflict", 410: "gone", 422: "invalid"}
STATUSES = {v: k for k, v in CATEGORIES.items()}


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class NotAuthorised(DomainError):
    status = 403


class Gone(DomainError):
    """It existed and can no longer be used (revoked, expired, ended)."""

    status = 410


# The kernel's own rejections, of any service's messages.


class InvalidMessage(DomainError):
    """The message does not match its contract (the details are the contract's errors)."""


class InvalidData(DomainError):
    """The message carries data the database cannot hold (a NUL character, a number out of
    range)."""
