"""Passwords are hashed at the edge (argon2id), so clear text never reaches Kafka."""

from argon2 import PasswordHasher

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)
