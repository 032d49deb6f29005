"""Who is calling, and may they: sessions, CSRF, rate limits and security headers.

Authorisation is checked here, where the request enters, from the principal's roles; the
owning service checks again where the invariant lives.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import Depends, Request, Response

from services.gateway.adapters.ratelimit import RateLimiter
from services.gateway.adapters.sessions import Principal, Session
from services.gateway.deps import Gateway, GatewayDep
from shared.problems import Problem

SESSION_COOKIE = "portal_session"
CSRF_COOKIE = "portal_csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def set_session_cookies(response: Response, gateway: Gateway, token: str, csrf: str) -> None:
    secure = gateway.settings.secure_cookies
    max_age = gateway.settings.session_max_hours * 3600
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=max_age,
        httponly=True,
        secure=secure,
        samesite="lax",
        path="/",
    )
    # Readable by the page's own script, which echoes it in the X-CSRF-Token header.
    response.set_cookie(
        CSRF_COOKIE,
        csrf,
        max_age=max_age,
        httponly=False,
        secure=secure,
        samesite="strict",
        path="/",
    )


def clear_session_cookies(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")


async def _session(request: Request) -> Session | None:
    gateway: Gateway = request.app.state.gateway
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    session = await gateway.sessions.get(token)
    if session is None:
        return None
    age = datetime.now(UTC) - session.refreshed_at
    if age > timedelta(seconds=gateway.settings.principal_refresh_seconds):
        # Roles may have changed, or the user been disabled: ask the directory again.
        fresh = await gateway.directory.get_or_none(f"/internal/users/{session.principal.user_id}")
        if fresh is None or fresh.get("disabled_at"):
            await gateway.sessions.delete(token)
            return None
        session = await gateway.sessions.refresh(session, Principal.from_directory(fresh))
    request.state.session = session
    return session


async def still_signed_in(request: Request, principal: Principal) -> bool:
    """For an answer that lasts (the event stream): whether the session that began it is
    still valid for the same user and company (not signed out, expired or disabled)."""
    session = await _session(request)
    return (
        session is not None
        and session.principal.user_id == principal.user_id
        and session.principal.company_id == principal.company_id
    )


# Each alias below is ONE dependency that runs plain checks in order. A chain of Depends
# (partner -> ready -> signed in -> session) costs FastAPI a solve per link on every request:
# about a third of the gateway's CPU for a one-row read in a profile.


async def _signed_in_session(request: Request) -> Session:
    session = await _session(request)
    if session is None:
        raise Problem(401, "unauthenticated", "Sign in first.")
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not secrets.compare_digest(sent, session.csrf_token):
            raise Problem(
                403, "csrf_token_invalid", "The request lacks this session's X-CSRF-Token header."
            )
    return session


async def _signed_in_principal(request: Request) -> Principal:
    return (await _signed_in_session(request)).principal


async def _ready_principal(request: Request) -> Principal:
    principal = await _signed_in_principal(request)
    if principal.must_change_password:
        raise Problem(
            403,
            "password_change_required",
            "Change the temporary password before doing anything else.",
        )
    return principal


def _require_partner(principal: Principal) -> Principal:
    if principal.company_kind != "partner":
        raise Problem(403, "partner_only", "Only partner users may do this.")
    return principal


def _require_customer(principal: Principal) -> Principal:
    if principal.company_kind != "customer":
        raise Problem(403, "customer_only", "Only customer users may do this.")
    return principal


async def _signed_in(request: Request) -> Principal:
    return await _signed_in_principal(request)


async def _ready(request: Request) -> Principal:
    return await _ready_principal(request)


async def _partner(request: Request) -> Principal:
    return _require_partner(await _ready_principal(request))


async def _supporting(request: Request) -> Principal:
    """Partner users with admin access to supported companies (Full or Limited)."""
    principal = _require_partner(await _ready_principal(request))
    if principal.supported_access not in ("full", "limited"):
        raise Problem(
            403,
            "no_supported_company_access",
            "Your account has no admin access to supported companies.",
        )
    return principal


async def _partner_admin(request: Request) -> Principal:
    principal = _require_partner(await _ready_principal(request))
    if principal.company_role != "global_admin":
        raise Problem(403, "partner_admin_only", "Only a Global admin of your company may.")
    return principal


async def _customer(request: Request) -> Principal:
    return _require_customer(await _ready_principal(request))


async def _customer_admin(request: Request) -> Principal:
    principal = _require_customer(await _ready_principal(request))
    if principal.company_role != "global_admin":
        raise Problem(403, "customer_admin_only", "Only a Global admin of your company may.")
    return principal


OptionalSession = Annotated[Session | None, Depends(_session)]
SignedInSession = Annotated[Session, Depends(_signed_in_session)]
SignedIn = Annotated[Principal, Depends(_signed_in)]  # may still have to change its password
CurrentUser = Annotated[Principal, Depends(_ready)]
PartnerUser = Annotated[Principal, Depends(_partner)]
SupportingPartnerUser = Annotated[Principal, Depends(_supporting)]
PartnerAdmin = Annotated[Principal, Depends(_partner_admin)]
CustomerUser = Annotated[Principal, Depends(_customer)]
CustomerAdmin = Annotated[Principal, Depends(_customer_admin)]
PartnerOnly = Depends(_partner)  # a route's dependency, for an endpoint shared with others


def rate_limited(bucket: str) -> Callable[[Request, GatewayDep], Awaitable[None]]:
    async def check(request: Request, gateway: GatewayDep) -> None:
        limiter: RateLimiter = gateway.limiters[bucket]
        wait = await limiter.check(client_address(request))
        if wait:
            raise Problem(
                429,
                "too_many_requests",
                "Too many requests; slow down.",
                headers={"Retry-After": str(wait)},
            )

    return check


SignInLimit = Depends(rate_limited("sign_in"))
PublicPageLimit = Depends(rate_limited("public"))
