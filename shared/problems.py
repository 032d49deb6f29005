"""RFC 9457 problem details: every 4xx/5xx of the gateway, and of the services' internal
endpoints, has this body."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.errors import STATUSES, DomainError

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://partner-portal.example/problems/"


class Problem(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        *,
        title: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail
        self.title = title or code.replace("_", " ").capitalize()
        self.errors = errors or []
        self.headers = headers or {}

    @classmethod
    def from_rejection(cls, data: dict[str, Any]) -> Problem:
        status = STATUSES.get(str(data.get("category", "invalid")), 422)
        errors = [d for d in data.get("details", []) if d]
        return cls(status, str(data["code"]), str(data["reason"]), errors=errors)


def problem_response(request: Request, problem: Problem) -> JSONResponse:
    body: dict[str, Any] = {
        "type": TYPE_BASE + problem.code,
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
        "instance": request.url.path,
        "code": problem.code,
    }
    if problem.errors:
        body["errors"] = problem.errors
    return JSONResponse(
        body, status_code=problem.status, media_type=MEDIA_TYPE, headers=problem.headers
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def on_problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        return problem_response(
            request,
            Problem(422, "invalid_request", "The request does not match the API.", errors=errors),
        )

    @app.exception_handler(ValidationError)
    async def on_contract(request: Request, exc: ValidationError) -> JSONResponse:
        # The request passed the HTTP model but not the stricter wire contract built from it.
        errors = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        return problem_response(
            request,
            Problem(
                422, "invalid_request", "The request breaks a rule of the contract.", errors=errors
            ),
        )

    @app.exception_handler(DomainError)
    async def on_rule(request: Request, exc: DomainError) -> JSONResponse:
        details = [exc.details] if exc.details else []
        return problem_response(
            request, Problem(exc.status, exc.code(), exc.reason, errors=details)
        )

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {
            404: "not_found",
            405: "method_not_allowed",
            401: "unauthenticated",
            403: "forbidden",
        }.get(exc.status_code, "http_error")
        return problem_response(request, Problem(exc.status_code, code, str(exc.detail)))


class ProblemBody(BaseModel):
    """An RFC 9457 problem: every 4xx/5xx answer of the gateway and the services."""

    type: str = Field(examples=[TYPE_BASE + "not_found"])
    title: str = Field(examples=["Not found"])
    status: int = Field(examples=[404])
    detail: str = Field(examples=["No such resource."])
    instance: str = Field(examples=["/api/partner/customers/0b5e..."])
    code: str = Field(description="Stable machine-readable reason.", examples=["not_found"])
    errors: list[dict[str, Any]] = Field(default_factory=list)


_DESCRIPTIONS = {
    400: "Bad request",
    401: "Not signed in",
    403: "Not allowed",
    404: "No such resource (or not yours)",
    409: "Conflict with the current state",
    410: "Gone",
    422: "The request breaks the API or a rule",
    423: "Locked",
    429: "Too many requests",
    502: "A service failed",
    503: "A service is not answering",
    504: "The outcome did not arrive in time",
}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` for a route: each status answered with a problem body."""
    return {
        status: {
            "model": ProblemBody,
            "description": _DESCRIPTIONS.get(status, "Problem"),
            "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/ProblemBody"}}},
        }
        for status in statuses
    }
