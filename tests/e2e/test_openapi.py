"""The running gateway's OpenAPI document describes every answer: each /api operation has a
2xx response with a real schema (a model, not an empty object), and every 4xx it lists is an
RFC 9457 problem (``ProblemBody``)."""

from __future__ import annotations

from typing import Any

import httpx

from tools.procs import ServiceProcess

# A server-sent event stream: its answer is text, not one JSON document.
STREAMS = {("get", "/api/partner/events"), ("get", "/api/events")}
METHODS = {"get", "put", "post", "patch", "delete"}


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in spec["paths"].items()
        if path.startswith("/api/")
        for method, operation in item.items()
        if method in METHODS
    ]


def _schema(response: dict[str, Any]) -> dict[str, Any]:
    content = response.get("content", {})
    media: dict[str, Any] = content.get("application/json") or next(iter(content.values()), {})
    schema: dict[str, Any] = media.get("schema", {})
    return schema


def _described(schema: dict[str, Any]) -> bool:
    return any(key in schema for key in ("$ref", "properties", "items"))


async def _spec(stack: dict[str, ServiceProcess]) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=stack["gateway"].url, timeout=30) as client:
        answer = await client.get("/openapi.json")
    assert answer.status_code == 200, answer.text
    spec: dict[str, Any] = answer.json()
    return spec


async def test_every_api_answer_has_a_schema(stack: dict[str, ServiceProcess]) -> None:
    spec = await _spec(stack)
    operations = _operations(spec)
    assert len(operations) > 60  # the whole API, not a stub
    missing = []
    for method, path, operation in operations:
        if (method, path) in STREAMS:
            continue
        ok = sorted(s for s in operation["responses"] if s.startswith("2"))
        assert ok, f"{method.upper()} {path} declares no 2xx answer"
        if ok == ["204"]:
            continue
        if not _described(_schema(operation["responses"][ok[0]])):
            missing.append(f"{method.upper()} {path} {ok[0]}")
    assert not missing, "answers without a schema:\n" + "\n".join(missing)


async def test_every_listed_4xx_is_a_problem(stack: dict[str, ServiceProcess]) -> None:
    spec = await _spec(stack)
    assert "ProblemBody" in spec["components"]["schemas"]
    wrong = []
    for method, path, operation in _operations(spec):
        for status, response in operation["responses"].items():
            if not status.startswith("4"):
                continue
            refs = [
                m.get("schema", {}).get("$ref", "") for m in response.get("content", {}).values()
            ]
            if not refs or not all(ref.endswith("/ProblemBody") for ref in refs):
                wrong.append(f"{method.upper()} {path} {status}: {refs}")
    assert not wrong, "4xx answers that are not problems:\n" + "\n".join(wrong)


async def test_read_answers_name_their_view_models(stack: dict[str, ServiceProcess]) -> None:
    """A few answers the web pages read, by the model that documents them."""
    spec = await _spec(stack)
    expected = {
        ("get", "/api/partner/customers"): "Page_CustomerInReach_",  # shared.cursor.Page
        ("get", "/api/partner/customers/{customer_id}"): "CustomerDetail",
        ("get", "/api/session"): "SessionView",
        ("get", "/api/public/offers/{code}"): "PublicOfferPage",
        ("post", "/api/partner/invitations"): "TrialInvitationCreated",
        ("get", "/api/partner/webhooks"): "WebhookEndpointList",
        ("get", "/api/partner/webhooks/{endpoint_id}"): "WebhookEndpointDetail",
        ("post", "/api/partner/webhooks"): "EndpointWithSecret",
    }
    for (method, path), model in expected.items():
        schema = _schema(
            spec["paths"][path][method]["responses"]["201" if method == "post" else "200"]
        )
        assert schema.get("$ref", "").endswith("/" + model), (method, path, schema)
