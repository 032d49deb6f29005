from shared.errors import Conflict, DomainError, NotAuthorised, NotFound


class RequestNotFound(NotFound):
    pass


class RequestAlreadyExists(Conflict):
    pass


class RequestAlreadyDecided(Conflict):
    pass


class RequestExpired(Conflict):
    status = 410


class NotCustomerAdmin(NotAuthorised):
    pass


class CustomerNotFound(NotFound):
    pass


class InvalidDuration(DomainError):
    pass


class InvalidResponseWindow(DomainError):
    pass


class RelationshipNotFound(NotFound):
    pass


class RelationshipNotActive(Conflict):
    status = 410
