from shared.errors import Conflict, DomainError, NotAuthorised, NotFound


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


class InvitationRevoked(Conflict):
    status = 410


class InvitationExpired(Conflict):
    status = 410


class InvitationExhausted(Conflict):
    status = 410


class TrialAlreadyRedeemed(Conflict):
    pass


class CustomerNotFound(NotFound):
    pass


class InvalidExpiry(DomainError):
    pass
