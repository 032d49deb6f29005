"""Every rule of the offers service that a command can break; the class name is the
rejection code (``ServiceNotOnSale`` -> ``service_not_on_sale``)."""

from shared.errors import Conflict, DomainError, Gone, NotFound

# The catalogue.


class InvalidSeatRange(DomainError):
    pass


class TrialSeatsAboveMaximum(DomainError):
    pass


class UnknownService(NotFound):
    pass


class ServiceNotOnSale(Conflict):
    pass


# Building an offer.


class DuplicateOfferLine(DomainError):
    pass


class QuantityOutsideCatalogueLimits(DomainError):
    pass


class InvalidQuantityBounds(DomainError):
    pass


class QuantityBoundsNotAllowed(DomainError):
    pass


class InvalidExpiry(DomainError):
    pass


class OfferAlreadyExists(Conflict):
    pass


class OfferNotFound(NotFound):
    pass


# Withdrawing and buying an offer.


class OfferWithdrawn(Gone):
    pass


class OfferExpired(Gone):
    pass


class QuantitiesNotChangeable(DomainError):
    pass


class QuantityOutOfBounds(DomainError):
    pass


class UnknownOfferLine(DomainError):
    pass


class OfferAlreadyPurchased(Conflict):
    pass


class CustomerNotFound(NotFound):
    pass
