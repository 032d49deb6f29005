"""Passwords are hashed at the edge (argon2id), so clear text never reaches Kafka.

Hashing costs tens of milliseconds of CPU by design; it runs in a worker thread (argon2's C
code releases the GIL), so the gateway's event loop keeps serving other requests meanwhile.
"""

import asyncio

from argon2 import PasswordHasher

_hasher = PasswordHasher()


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)
