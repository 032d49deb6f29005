"""One handler per command: load, decide (rules live on the model), save, return events.
Grouped by aggregate; every handler is importable from here."""

from services.directory.handlers.partner_users import (
    create_partner_user,
    disable_partner_user,
    enable_partner_user,
    update_partner_profile,
    update_partner_user,
)
from services.directory.handlers.registration import (
    register_customer,
    register_partner,
)
from services.directory.handlers.service_requests import (
    add_service_request_note,
    change_service_request_state,
    create_service_request,
)
from services.directory.handlers.sign_in import (
    SignIn,
    UnknownAddressFailed,
    authenticate,
    change_password,
    reset_password,
)

__all__ = [
    "SignIn",
    "UnknownAddressFailed",
    "add_service_request_note",
    "authenticate",
    "change_password",
    "change_service_request_state",
    "create_partner_user",
    "create_service_request",
    "disable_partner_user",
    "enable_partner_user",
    "register_customer",
    "register_partner",
    "reset_password",
    "update_partner_profile",
    "update_partner_user",
]
