"""Password hashing (argon2id) and temporary passwords. Clear-text passwords only ever pass
through memory here; they are never stored, logged or put on Kafka.

Hashing and checking cost tens of milliseconds of CPU by design; the handlers use the
``*_off_loop`` forms, which run them in a worker thread (argon2's C code releases the GIL),
so the service's event loop, and its Kafka consumers, keep going meanwhile."""

from __future__ import annotations

import asyncio
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from services.directory.domain import errors

_HASHER = PasswordHasher()
MIN_LENGTH = 12
# Verified when the e-mail is unknown, so that answer takes as long as a wrong password.
_DUMMY = _HASHER.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify(password_hash: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash or _DUMMY, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


async def verify_off_loop(password_hash: str | None, password: str) -> bool:
    return await asyncio.to_thread(verify, password_hash, password)


async def hash_password_off_loop(password: str) -> str:
    return await asyncio.to_thread(hash_password, password)


def temporary_password() -> str:
    """One-time password an admin hands over; 96 random bits, must be changed on use."""
    return secrets.token_urlsafe(12)


def check_new_password(new: str, *, current: str) -> None:
    if len(new) < MIN_LENGTH:
        raise errors.WeakPassword(f"A password needs at least {MIN_LENGTH} characters.")
    if new == current:
        raise errors.WeakPassword("The new password must differ from the current one.")
