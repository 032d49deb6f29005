from shared.errors import Conflict, DomainError, Gone, NotAuthorised, NotFound


class UnknownService(NotFound):
    pass


class ServiceNotTrialable(DomainError):
    pass


class TooManySeats(DomainError):
    pass


class InvitationAlreadyExists(Conflict):
    pass


class InvitationNotFound(NotFound):
    pass


class NotInvitationOwner(NotAuthorised):
    pass


class InvitationRevoked(Gone):
    pass


class InvitationExpired(Gone):
    pass


class InvitationExhausted(Gone):
    pass


class TrialAlreadyRedeemed(Conflict):
    pass


class CustomerNotFound(NotFound):
    pass


class InvalidExpiry(DomainError):
    pass
