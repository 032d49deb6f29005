"""Service requests: a partner acting for a customer opens them, moves them along their life
cycle and writes notes; the customer's users write notes too."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from services.directory.adapters.repository import Repository
from services.directory.domain import commands, errors
from services.directory.domain.service_requests import (
    Note,
    ServiceRequest,
    State,
    check_acts_for_customer,
    note_author,
)
from services.directory.handlers import actors
from shared.contracts import directory as contracts


async def _request(repo: Repository, *, request_id: UUID, customer_id: UUID) -> ServiceRequest:
    request = await repo.get_service_request(request_id=request_id)
    if request is None or request.customer_id != customer_id:
        raise errors.ServiceRequestNotFound("No such service request.")
    return request


async def create_service_request(
    repo: Repository, cmd: commands.CreateServiceRequest, *, now: datetime
) -> contracts.ServiceRequestCreated:
    actor = await actors.known(repo, cmd.actor_user_id)
    role = await repo.delegation_role(partner_id=actor.company_id, customer_id=cmd.customer_id)
    check_acts_for_customer(actor, delegation_role=role)
    # As the acting partner's user wrote it (the command's fields), open from now on.
    fields = {k: v for k, v in vars(cmd).items() if k != "actor_user_id"}
    fields |= {"partner_id": actor.company_id, "created_by": actor.user_id}
    request = ServiceRequest(**fields, state=State.OPEN, created_at=now, updated_at=now)
    await repo.add_service_request(request=request)
    created = {k: v for k, v in vars(request).items() if k != "updated_at"}
    return contracts.ServiceRequestCreated(**created | {"state": request.state.value})


async def change_service_request_state(
    repo: Repository, cmd: commands.ChangeServiceRequestState, *, now: datetime
) -> contracts.ServiceRequestStateChangedV2:
    actor = await actors.known(repo, cmd.actor_user_id)
    request = await _request(repo, request_id=cmd.request_id, customer_id=cmd.customer_id)
    if actor.company_id != request.partner_id:
        raise errors.ServiceRequestNotFound("No such service request.")
    role = await repo.delegation_role(partner_id=request.partner_id, customer_id=cmd.customer_id)
    check_acts_for_customer(actor, delegation_role=role)
    before = request.move_to(State(cmd.state), now=now)
    await repo.save_service_request(request=request)
    return contracts.ServiceRequestStateChangedV2(
        request_id=request.request_id,
        customer_id=request.customer_id,
        partner_id=request.partner_id,
        from_state=before.value,
        to_state=request.state.value,
        changed_by=actor.user_id,
        changed_at=now,
    )


async def add_service_request_note(
    repo: Repository, cmd: commands.AddServiceRequestNote, *, now: datetime
) -> contracts.ServiceRequestNoteAddedV2:
    actor = await actors.known(repo, cmd.actor_user_id)
    request = await _request(repo, request_id=cmd.request_id, customer_id=cmd.customer_id)
    role = await repo.delegation_role(partner_id=request.partner_id, customer_id=cmd.customer_id)
    kind = note_author(actor, request=request, delegation_role=role)
    note = Note(
        note_id=cmd.note_id,
        request_id=request.request_id,
        author_user_id=actor.user_id,
        author_kind=kind,
        body=cmd.body,
        added_at=now,
    )
    if not await repo.add_note(note=note):
        raise errors.NoteAlreadyExists("A note with this id exists already.")
    return contracts.ServiceRequestNoteAddedV2(
        **vars(note), customer_id=request.customer_id, partner_id=request.partner_id
    )
