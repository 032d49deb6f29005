"""Service requests: a partner's support tickets for a customer, their life cycle and notes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Literal
from uuid import UUID

from services.directory.domain import errors
from services.directory.domain.model import User
from services.directory.domain.roles import SupportedAccess


class State(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    WAITING_ON_CUSTOMER = "waiting_on_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"


# The life cycle, as data: from each state, the states it may move to.
TRANSITIONS: dict[State, frozenset[State]] = {
    State.OPEN: frozenset({State.IN_PROGRESS}),
    State.IN_PROGRESS: frozenset({State.WAITING_ON_CUSTOMER, State.RESOLVED}),
    State.WAITING_ON_CUSTOMER: frozenset({State.IN_PROGRESS, State.RESOLVED}),
    State.RESOLVED: frozenset({State.CLOSED, State.OPEN}),  # reopen
    State.CLOSED: frozenset(),
}


@dataclass
class ServiceRequest:
    request_id: UUID
    customer_id: UUID
    partner_id: UUID
    title: str
    description: str
    severity: str
    contact_name: str
    contact_email: str | None
    state: State
    created_by: UUID
    created_at: datetime
    updated_at: datetime

    def move_to(self, state: State, *, now: datetime) -> State:
        if state not in TRANSITIONS[self.state]:
            raise errors.InvalidTransition(
                f"A request that is {self.state.value} cannot become {state.value}.",
                from_state=self.state.value,
                to_state=state.value,
            )
        before, self.state, self.updated_at = self.state, state, now
        return before


@dataclass(frozen=True)
class Note:
    note_id: UUID
    request_id: UUID
    author_user_id: UUID
    author_kind: Literal["partner", "customer"]
    body: str
    added_at: datetime


def check_acts_for_customer(actor: User, *, delegation_role: str | None) -> None:
    """A partner user acts for a customer (here: service requests) only with Full
    administration and an active Full delegation; Limited is password resets only."""
    if actor.company_kind != "partner" or not actor.active:
        raise errors.NotAllowed("Only an active partner user acts for a customer.")
    if actor.must_change_password:
        raise errors.PasswordChangeRequired("Change your temporary password first.")
    if delegation_role is None:
        # Same answer as an unknown customer: nothing leaks about others' customers.
        raise errors.CustomerNotFound("No such customer among those you administer.")
    if delegation_role != "full" or actor.supported_access is not SupportedAccess.FULL:
        raise errors.NotAllowed("This needs Full administration and a Full delegation.")


def note_author(
    actor: User, *, request: ServiceRequest, delegation_role: str | None
) -> Literal["partner", "customer"]:
    """Who may write a note: the customer's own active users, or the request's partner's
    users who may act for the customer."""
    if actor.company_kind == "customer":
        if actor.company_id != request.customer_id or not actor.active:
            raise errors.ServiceRequestNotFound("No such service request.")
        return "customer"
    if actor.company_id != request.partner_id:
        raise errors.ServiceRequestNotFound("No such service request.")
    check_acts_for_customer(actor, delegation_role=delegation_role)
    return "partner"
