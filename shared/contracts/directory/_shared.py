"""Example ids, field types and descriptions the directory's contracts share."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

_PARTNER = "2f9a0d1c-5b7e-4f53-9c2a-1d8e6b4a7c30"


_CUSTOMER = "0b5f8b1e-7a47-4c54-8f0e-3f5d0c1b9a77"


_USER = "9d3b7e21-6c4f-4a8d-b1e2-5f0a7c9d3e14"


_HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"


Domain = Annotated[
    str,
    StringConstraints(
        to_lower=True,
        max_length=253,
        pattern=r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
    ),
    Field(description="The company's primary internet domain", examples=["contoso.com"]),
]


PasswordHash = Annotated[
    str,
    StringConstraints(pattern=r"^\$argon2(id|i|d)\$", max_length=512),
    Field(description="argon2 hash; clear-text credentials never travel on Kafka"),
]


_ACTOR = "6b1e4c2d-3f5a-4e7b-9c8d-0a1b2c3d4e5f"


_NEW_USER = "8e2f6a1b-4c3d-4b5e-a6f7-1c2d3e4f5a6b"


CompanyRoleName = Literal[
    "none",
    "global_admin",
    "billing_admin",
    "password_admin",
    "service_admin",
    "user_management_admin",
]


"""Admin access to the user's own company."""


SupportedAccessName = Literal["none", "full", "limited"]


"""A partner user's admin access to supported customers: Full = their Global admin,
Limited = their Password admin."""


_ACTOR_FIELD = "The signed-in partner user doing this; the directory checks its rights"


_ACTING_PARTNER = (
    "The partner whose user acted for the customer; null when the customer's own admin acted"
)
