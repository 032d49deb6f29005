"""The base of every wire contract.

A contract is a frozen pydantic model with a stable CloudEvents type
(``portal.<context>.<ClassName>.v<version>``). Released contracts are never edited in place:
a change that is not backward compatible becomes a new class with the next version.

The context is the owning service's: a module of contracts says it once, as ``CONTEXT``,
before its first contract.
"""

from __future__ import annotations

import re
import sys
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

_VERSION_SUFFIX = re.compile(r"V\d+$")


class Contract(BaseModel):
    """A message on Kafka: a command (imperative) or an event (past tense)."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    context: ClassVar[str]
    """The owning service's context: the ``CONTEXT`` of the module defining the contract."""
    version: ClassVar[int] = 1
    kind: ClassVar[str]  # "command" or "event"
    keyed_by: ClassVar[str | None] = None
    """The field naming the aggregate the message concerns, its Kafka key. Unless a contract
    names another, the customer it concerns, else the partner: one customer's messages stay
    in order, and a partner's own (its invitations, offers, users) too."""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        module_context = getattr(sys.modules.get(cls.__module__), "CONTEXT", None)
        if "context" not in cls.__dict__ and isinstance(module_context, str):
            cls.context = module_context

    @classmethod
    def ce_type(cls) -> str:
        # A later version is a new class named e.g. RedeemTrialInvitationV2.
        base_name = _VERSION_SUFFIX.sub("", cls.__name__)
        return f"portal.{cls.context}.{base_name}.v{cls.version}"

    @classmethod
    def key_field(cls) -> str:
        if cls.keyed_by is not None:
            return cls.keyed_by
        return "customer_id" if "customer_id" in cls.model_fields else "partner_id"

    def partition_key(self) -> str:
        """The aggregate the message concerns (its ``key_field``)."""
        return str(getattr(self, self.key_field()))


class Command(Contract):
    kind: ClassVar[str] = "command"


class Event(Contract):
    kind: ClassVar[str] = "event"


_REGISTRY: dict[str, type[Contract]] = {}


def register(*models: type[Contract]) -> None:
    for model in models:
        if not isinstance(getattr(model, "context", None), str):
            raise RuntimeError(f"{model.__name__} has no context (its module's CONTEXT)")
        keyed = model.partition_key is Contract.partition_key
        if keyed and model.key_field() not in model.model_fields:
            raise RuntimeError(f"{model.__name__} has no field {model.key_field()!r} to key by")
        existing = _REGISTRY.get(model.ce_type())
        if existing is not None and existing is not model:
            raise RuntimeError(f"two contracts claim the type {model.ce_type()}")
        _REGISTRY[model.ce_type()] = model


def contract_for(ce_type: str) -> type[Contract] | None:
    return _REGISTRY.get(ce_type)


def all_contracts() -> dict[str, type[Contract]]:
    return dict(_REGISTRY)


def example(model: type[Contract]) -> dict[str, Any]:
    """The first documented example of a contract (used by docs and kcat tests)."""
    extra = model.model_config.get("json_schema_extra")
    examples = extra.get("examples") if isinstance(extra, dict) else None
    if not isinstance(examples, list) or not examples or not isinstance(examples[0], dict):
        raise LookupError(f"{model.__name__} has no example")
    return dict(examples[0])
