"""Domain errors: a rule was broken. The consumer turns one into a typed rejection event and
the gateway into an RFC 9457 problem; either way nothing changed."""

from __future__ import annotations

import re
from typing import Any, ClassVar


class DomainError(Exception):
    """Base of every rule violation. Subclasses set ``status`` (the HTTP analogue)."""

    status: ClassVar[int] = 422

    def __init__(self, reason: str, **details: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details

    @classmethod
    def code(cls) -> str:
        return re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class NotAuthorised(DomainError):
    status = 403
