"""Every contract's Kafka key: the customer it concerns, else the partner, unless the contract
names another field; a contract without the field it would be keyed by is refused. Its context:
its module's CONTEXT."""

from __future__ import annotations

from typing import ClassVar
from uuid import UUID

import pytest

from shared.contracts import all_contracts, delegation, directory, invitations
from shared.contracts.base import Event, example, register
from shared.contracts.catalogue import PublishCatalogueService
from shared.contracts.common import CommandRejected
from shared.contracts.directory import ServiceRequestCreated, UserPasswordReset
from shared.contracts.invitations import (
    CreateTrialInvitation,
    RecordInvitationOpened,
    RecordInvitationSignUp,
)


@pytest.mark.parametrize("ce_type", sorted(all_contracts()))
def test_a_contract_is_keyed_by_its_customer_else_its_partner(ce_type: str) -> None:
    model = all_contracts()[ce_type]
    payload = example(model)
    key = model.model_validate(payload).partition_key()
    if model is CommandRejected:
        assert key == payload["key"]
    elif model.keyed_by is not None:
        assert key == str(payload[model.keyed_by])
    elif "customer_id" in model.model_fields:
        assert key == str(payload["customer_id"])
    else:
        assert key == str(payload["partner_id"])


def test_the_fields_named_instead() -> None:
    assert PublishCatalogueService.key_field() == "service_id"
    assert UserPasswordReset.key_field() == "company_id"
    assert RecordInvitationOpened.key_field() == "code"
    assert RecordInvitationSignUp.key_field() == "customer_id"
    # a message naming both the customer and the partner stays in the customer's order
    assert ServiceRequestCreated.key_field() == "customer_id"
    assert CreateTrialInvitation.key_field() == "partner_id"


def test_a_contract_without_its_key_field_is_refused() -> None:
    class EndpointTouched(Event):
        context: ClassVar[str] = "unit"
        endpoint_id: UUID

    class LicenceTouched(Event):
        context: ClassVar[str] = "unit"
        keyed_by: ClassVar[str | None] = "subscription_id"
        licence_id: UUID

    for model in (EndpointTouched, LicenceTouched):
        with pytest.raises(RuntimeError, match="to key by"):
            register(model)
    assert all(m.context != "unit" for m in all_contracts().values())


def test_a_contract_takes_its_modules_context_unless_it_names_its_own() -> None:
    assert delegation.DelegationApproved.ce_type() == "portal.delegation.DelegationApproved.v1"
    assert directory.LicenceAssigned.context == "directory"  # a module of a package
    # a funnel command on the shared shape of shared/contracts/links.py: the product's context
    assert invitations.RecordInvitationOpened.context == "invitations"
    assert PublishCatalogueService.context == "offers"  # the catalogue's owner
    assert CommandRejected.context == "system"

    class Orphan(Event):  # this module has no CONTEXT
        orphan_id: UUID

    with pytest.raises(RuntimeError, match="no context"):
        register(Orphan)
