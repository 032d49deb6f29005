"""Rule violations of the directory. The class name is the rejection code."""

from shared.errors import Conflict, DomainError, Gone, NotAuthorised, NotFound


class PartnerAlreadyExists(Conflict):
    pass


class CustomerAlreadyExists(Conflict):
    pass


class DomainTaken(Conflict):
    pass


class EmailTaken(Conflict):
    pass


class UserAlreadyExists(Conflict):
    pass


class PartnerNotFound(NotFound):
    pass


class CustomerNotFound(NotFound):
    pass


class UserNotFound(NotFound):
    pass


class NotAllowed(NotAuthorised):
    """The acting user's roles do not allow this (see the role table)."""


class LastGlobalAdmin(Conflict):
    pass


class UserDisabled(NotAuthorised):
    pass


class InvalidCredentials(DomainError):
    status = 401


class AccountLocked(DomainError):
    status = 423


class PasswordChangeRequired(NotAuthorised):
    pass


class WeakPassword(DomainError):
    pass


class ServiceRequestNotFound(NotFound):
    pass


class InvalidTransition(Conflict):
    pass


class ServiceRequestAlreadyExists(Conflict):
    pass


# --- subscriptions lifecycle ---


class SubscriptionNotFound(NotFound):
    """No such subscription for this customer (another customer's looks the same)."""


class SubscriptionEnded(Gone):
    pass


class SubscriptionIsSuspended(Conflict):
    pass


class TrialQuantityFixed(Conflict):
    pass


class QuantityUnchanged(DomainError):
    pass


class QuantityBelowAssigned(Conflict):
    pass


class NoLicenceAvailable(Conflict):
    pass


class LicenceAlreadyAssigned(Conflict):
    pass


class LicenceNotAssigned(NotFound):
    pass


class UserNotInCustomer(DomainError):
    """The user belongs to another company."""


class NoteAlreadyExists(Conflict):
    pass


# --- acting for a customer ---


class NoActiveDelegation(NotAuthorised):
    """The actor's partner holds no active delegated administration with the customer."""


class BeyondRole(NotAuthorised):
    """The role the actor holds in the customer does not cover the action."""
