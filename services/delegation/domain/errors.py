from shared.errors import Conflict, DomainError, Gone, NotAuthorised, NotFound


class RequestNotFound(NotFound):
    pass


class RequestAlreadyExists(Conflict):
    pass


class RequestAlreadyDecided(Conflict):
    pass


class RequestExpired(Gone):
    pass


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


class RelationshipNotActive(Gone):
    pass
