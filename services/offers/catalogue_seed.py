"""The demo catalogue: ``make run`` publishes these commands to the offers service.

Publishing is idempotent (the same terms replace themselves), so the seed may run every time.
"""

from __future__ import annotations

from shared.contracts.catalogue import PublishCatalogueService

_TRIAL = {"days": 30, "max_seats": 25}

SERVICES: list[PublishCatalogueService] = [
    PublishCatalogueService.model_validate(entry)
    for entry in (
        {
            "service_id": "o365-e3",
            "name": "Office 365 E3",
            "description": "Office apps, business mail, file storage and meetings for the "
            "enterprise.",
            "min_seats": 1,
            "max_seats": 300,
            "trial": _TRIAL,
        },
        {
            "service_id": "exchange-online-p1",
            "name": "Exchange Online (Plan 1)",
            "description": "Business mail, calendar and contacts with a 50 GB mailbox per user.",
            "min_seats": 1,
            "max_seats": 10_000,
            "trial": _TRIAL,
        },
        {
            "service_id": "intune",
            "name": "Microsoft Intune",
            "description": "Manage and secure the company's phones, tablets and computers.",
            "min_seats": 1,
            "max_seats": 5_000,
            "trial": _TRIAL,
        },
        {
            "service_id": "teams-essentials",
            "name": "Teams Essentials",
            "description": "Online meetings, chat and file sharing for small businesses.",
            "min_seats": 1,
            "max_seats": 300,
            "trial": _TRIAL,
        },
        {
            "service_id": "defender-business",
            "name": "Defender for Business",
            "description": "Endpoint protection, detection and response for up to 300 users.",
            "min_seats": 5,
            "max_seats": 300,
            "trial": None,
        },
    )
]
