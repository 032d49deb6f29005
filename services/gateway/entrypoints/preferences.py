"""The portal's language: from the signed-in user's stored choice, else the visitor's
cookie, else the browser's Accept-Language; switching sets the cookie and, when signed in,
stores the choice for the next sign-in from any browser."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from services.gateway.deps import GatewayDep
from services.gateway.i18n import Language, negotiate, supported
from services.gateway.security import CSRF_HEADER, OptionalSession
from shared.problems import Problem, problem_responses

LANGUAGE_COOKIE = "portal_lang"
COOKIE_MAX_AGE = 400 * 24 * 3600  # the longest a browser keeps a cookie (RFC 6265bis)

router = APIRouter(prefix="/api/preferences", tags=["preferences"])


class LanguageChoice(BaseModel):
    model_config = ConfigDict(extra="forbid")
    language: Language = Field(description="'en' or 'it'", examples=["it"])


class LanguageView(BaseModel):
    language: Language = Field(description="The language the portal speaks to this visitor")
    source: str = Field(description="'user', 'cookie' or 'browser': where the choice came from")


async def _language(
    request: Request, gateway: GatewayDep, session: OptionalSession
) -> LanguageView:
    if session is not None:
        stored = supported(await gateway.preferences.language(user_id=session.principal.user_id))
        if stored:
            return LanguageView(language=stored, source="user")
    cookie = supported(request.cookies.get(LANGUAGE_COOKIE))
    if cookie:
        return LanguageView(language=cookie, source="cookie")
    return LanguageView(
        language=negotiate(request.headers.get("accept-language")), source="browser"
    )


RequestLanguage = Annotated[LanguageView, Depends(_language)]


@router.get("/language", response_model=LanguageView)
async def get_language(language: RequestLanguage) -> LanguageView:
    return language


@router.put("/language", response_model=LanguageView, responses=problem_responses(403, 422))
async def set_language(
    body: LanguageChoice,
    response: Response,
    request: Request,
    gateway: GatewayDep,
    session: OptionalSession,
) -> LanguageView:
    """Anyone may choose (a customer opening a link is not signed in yet): the cookie
    remembers it in this browser; a signed-in user's choice is also stored server side."""
    source = "cookie"
    if session is not None:
        sent = request.headers.get(CSRF_HEADER, "")
        if not secrets.compare_digest(sent, session.csrf_token):
            raise Problem(
                403, "csrf_token_invalid", "The request lacks this session's X-CSRF-Token header."
            )
        await gateway.preferences.set_language(
            user_id=session.principal.user_id, language=body.language
        )
        source = "user"
    response.set_cookie(
        LANGUAGE_COOKIE,
        body.language,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        secure=gateway.settings.secure_cookies,
        samesite="lax",
        path="/",
    )
    return LanguageView(language=body.language, source=source)
