"""Read contracts: the typed view models each service's queries return and the gateway
declares as its responses. Like wire contracts they are additive: a field is added with a
default, never renamed or removed in place."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class View(BaseModel):
    """Every view model: frozen."""

    model_config = ConfigDict(frozen=True)


class LinkFunnel(View):
    """What became of a link a partner sent: its page loaded, companies signed up from it."""

    opens: int = Field(
        description="Loads of the link's public page (page loads, not people: nothing about "
        "who opened it is kept)"
    )
    sign_ups: int = Field(description="Customer companies that signed up from the link's page")
