"""Versioned wire contracts. Importing this package registers every contract by its type."""

from shared.contracts import (
    catalogue,
    delegation,
    directory,
    invitations,
    notifications,
    offers,
)
from shared.contracts.base import Command, Contract, Event, all_contracts, contract_for, register
from shared.contracts.common import CommandRejected


def _register_all() -> None:
    for module in (catalogue, delegation, directory, invitations, notifications, offers):
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Contract)
                and value not in (Command, Event, Contract)
                and not value.__name__.startswith("_")  # a module's shared base
                # defined there, or in one of its modules (a package split by aggregate)
                and value.__module__.partition(".")[0] == "shared"
                and (value.__module__ + ".").startswith(module.__name__ + ".")
            ):
                register(value)
    register(CommandRejected)


_register_all()

__all__ = ["Command", "CommandRejected", "Contract", "Event", "all_contracts", "contract_for"]
