"""Partner webhooks' rules: Standard Webhooks signing (the spec's published example and the
independent ``standardwebhooks`` package), the CloudEvents body, the backoff schedule, the
disabling rule, the audience and the SSRF checks."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from services.notifications.domain.webhooks import (
    DisablePolicy,
    UnsafeUrl,
    WebhookRetryPolicy,
    after_webhook_attempt,
    check_addresses,
    check_url,
    cloudevent,
    concerns_partner,
    forbidden_address,
    matches,
    new_secret,
    secret_key,
    signature,
    signed_headers,
    without_secrets,
)

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

# The example of the Standard Webhooks specification (and its reference libraries' tests).
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_BODY = '{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_the_specs_example_signs_to_its_published_signature() -> None:
    assert (
        signature(SPEC_SECRET, msg_id=SPEC_ID, timestamp=SPEC_TIMESTAMP, body=SPEC_BODY)
        == SPEC_SIGNATURE
    )
    # and the independent package agrees
    assert (
        Webhook(SPEC_SECRET).sign(
            SPEC_ID, datetime.fromtimestamp(SPEC_TIMESTAMP, tz=UTC), SPEC_BODY
        )
        == SPEC_SIGNATURE
    )


def test_a_new_secret_is_whsec_and_base64_of_32_random_bytes() -> None:
    secret = new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret[6:])) == 32
    assert secret_key(secret) == base64.b64decode(secret[6:])
    assert new_secret() != secret


def test_a_secret_without_its_prefix_or_too_short_is_refused() -> None:
    with pytest.raises(ValueError, match="whsec_"):
        secret_key("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    with pytest.raises(ValueError, match="24 to 64"):
        secret_key("whsec_" + base64.b64encode(b"short").decode())


def test_signed_headers_verify_with_the_standardwebhooks_package() -> None:
    secret = new_secret()
    body = cloudevent(
        event_id=str(uuid.uuid4()),
        event_type="portal.delegation.DelegationApproved.v1",
        source="delegation",
        time=NOW,
        data={"partner_id": str(uuid.uuid4())},
    )
    now = int(datetime.now(UTC).timestamp())
    headers = signed_headers([secret], msg_id="d-1", timestamp=now, body=body)
    assert headers["webhook-id"] == "d-1"
    assert Webhook(secret).verify(body, headers)["specversion"] == "1.0"


def test_during_a_rotation_either_secret_verifies() -> None:
    old, new = new_secret(), new_secret()
    body = '{"a":1}'
    now = int(datetime.now(UTC).timestamp())
    headers = signed_headers([new, old], msg_id="d-2", timestamp=now, body=body)
    assert len(headers["webhook-signature"].split(" ")) == 2
    Webhook(new).verify(body, headers)
    Webhook(old).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(body, headers)


def test_the_body_is_a_structured_mode_cloudevent() -> None:
    body = json.loads(
        cloudevent(
            event_id="e-1",
            event_type="portal.directory.ServiceRequestCreated.v1",
            source="directory",
            time=NOW,
            data={"company_id": "c"},
        )
    )
    assert body == {
        "specversion": "1.0",
        "id": "e-1",
        "type": "portal.directory.ServiceRequestCreated.v1",
        "source": "directory",
        "time": "2026-12-01T09:00:00Z",
        "datacontenttype": "application/json",
        "data": {"company_id": "c"},
    }


def test_the_wait_grows_exponentially_with_jitter_up_to_the_cap() -> None:
    policy = WebhookRetryPolicy(base=30, cap=3600)
    lowest = [policy.delay(n, rand=lambda: 0.0).total_seconds() for n in range(1, 10)]
    highest = [policy.delay(n, rand=lambda: 1.0).total_seconds() for n in range(1, 10)]
    assert highest == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert lowest == [h / 2 for h in highest]
    assert policy.delay(10_000, rand=lambda: 1.0) == timedelta(seconds=3600)


def test_the_default_schedule_keeps_trying_for_more_than_a_day() -> None:
    policy = WebhookRetryPolicy()
    assert policy.give_up_after >= timedelta(hours=24)
    created = NOW
    assert not policy.exhausted(attempts=50, created_at=created, now=NOW + timedelta(hours=23))
    assert policy.exhausted(attempts=50, created_at=created, now=NOW + timedelta(hours=26))
    # never given up before a few attempts, however old
    assert not policy.exhausted(attempts=1, created_at=created, now=NOW + timedelta(days=9))


def test_a_2xx_is_delivered_other_answers_are_retried_and_410_is_final() -> None:
    policy = WebhookRetryPolicy(base=2, cap=60)
    args = {"attempts": 1, "created_at": NOW, "now": NOW, "policy": policy}
    assert after_webhook_attempt(204, **args).status == "delivered"  # type: ignore[arg-type]
    retry = after_webhook_attempt(500, rand=lambda: 1.0, **args)  # type: ignore[arg-type]
    assert (retry.status, retry.next_attempt_at) == ("pending", NOW + timedelta(seconds=2))
    assert after_webhook_attempt(None, **args).status == "pending"  # type: ignore[arg-type]
    assert after_webhook_attempt(410, **args).status == "failed"  # type: ignore[arg-type]


def test_an_endpoint_is_disabled_after_n_failures_over_a_period() -> None:
    policy = DisablePolicy(consecutive_failures=5, failing_for=timedelta(hours=1))
    since = NOW - timedelta(hours=2)
    assert policy.should_disable(consecutive_failures=5, failing_since=since, now=NOW)
    assert not policy.should_disable(consecutive_failures=4, failing_since=since, now=NOW)
    assert not policy.should_disable(
        consecutive_failures=50, failing_since=NOW - timedelta(minutes=5), now=NOW
    )
    assert not policy.should_disable(consecutive_failures=50, failing_since=None, now=NOW)


def test_a_partner_hears_only_of_events_that_name_it() -> None:
    mine, other, customer = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    assert concerns_partner({"partner_of_record": str(mine), "customer_id": str(customer)}, mine)
    assert concerns_partner({"acting_partner_id": str(mine)}, mine)
    assert concerns_partner({"company_id": str(mine)}, mine)
    assert not concerns_partner({"partner_id": str(other), "customer_id": str(customer)}, mine)
    assert not concerns_partner({"customer_id": str(customer)}, mine)


def test_no_types_chosen_means_every_type() -> None:
    assert matches([], "portal.x.A.v1")
    assert matches(["portal.x.A.v1"], "portal.x.A.v1")
    assert not matches(["portal.x.A.v1"], "portal.x.B.v1")


def test_password_fields_never_leave() -> None:
    assert without_secrets({"a": 1, "password_hash": "x", "u": [{"password": "y", "b": 2}]}) == {
        "a": 1,
        "u": [{"b": 2}],
    }


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "127.0.0.1",
        "169.254.169.254",
        "224.0.0.1",
        "240.0.0.1",
        "0.0.0.0",
        "100.64.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.1.2.3",
    ],
)
def test_private_loopback_link_local_multicast_and_reserved_addresses_are_forbidden(
    address: str,
) -> None:
    assert forbidden_address(address)
    with pytest.raises(UnsafeUrl) as refused:
        check_addresses(["93.184.215.14", address], production=True)
    assert refused.value.code == "forbidden_address"


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert not forbidden_address(address)
    assert check_addresses([address], production=True) == address


def test_development_allows_loopback() -> None:
    assert check_addresses(["127.0.0.1"], production=False) == "127.0.0.1"
    assert check_url("http://127.0.0.1:9/hook", production=False) == ("http", "127.0.0.1", 9)


@pytest.mark.parametrize(
    ("url", "production", "code"),
    [
        ("not a url", False, "invalid_url"),
        ("ftp://example.com/x", False, "invalid_url"),
        ("https://user:pw@example.com/x", False, "invalid_url"),
        ("https://example.com:99999/x", False, "invalid_url"),
        ("http://example.com/hook", True, "https_required"),
    ],
)
def test_bad_urls_are_refused_with_a_code(url: str, production: bool, code: str) -> None:
    with pytest.raises(UnsafeUrl) as refused:
        check_url(url, production=production)
    assert refused.value.code == code


def test_an_unresolvable_host_is_refused() -> None:
    with pytest.raises(UnsafeUrl) as refused:
        check_addresses([], production=False)
    assert refused.value.code == "unresolvable_host"
