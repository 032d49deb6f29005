"""Answers the gateway composes itself: the session, sign-up, and the public pages a
customer sees from a link (each part from one service's view)."""

from __future__ import annotations

from pydantic import Field

from shared.contracts.directory import CustomerRegistered
from shared.views import View
from shared.views.delegation import PartnerRequest
from shared.views.directory import Account, PublicPartner
from shared.views.invitations import PublicInvitation
from shared.views.offers import PublicOffer, ServiceSummary


class SignedInUser(Account):
    """Who is signed in."""

    company_kind: str = Field(description="'partner' or 'customer'")
    must_change_password: bool = Field(description="Only a password change is allowed")


class SessionView(View):
    """The signed-in user and the CSRF token to send as X-CSRF-Token on writes."""

    user: SignedInUser = Field(description="Who is signed in")
    csrf_token: str = Field(description="Send as X-CSRF-Token on every write")


class SignedUp(SessionView):
    """A new customer company, its first Global admin signed in."""

    customer: CustomerRegistered = Field(description="The registered company")


class PublicInvitationPage(View):
    """A trial invitation's public page."""

    invitation: PublicInvitation = Field(description="The trial offered")
    service: ServiceSummary = Field(description="The service trialled")
    partner: PublicPartner = Field(description="Who invites")


class PublicOfferPage(View):
    """A purchase offer's public page."""

    offer: PublicOffer = Field(description="What is offered")
    partner: PublicPartner = Field(description="Who offers it")


class DelegationRequestPage(View):
    """What a customer's admin sees before deciding on a delegation request."""

    request: PartnerRequest = Field(description="The request")
    partner: PublicPartner = Field(description="Who asks")
