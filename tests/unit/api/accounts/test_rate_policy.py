"""Which quota a request falls under and whose bucket counts it."""

from __future__ import annotations

import uuid
from ipaddress import ip_address

from qrstack_api.ratelimit.policy import RatePolicy, address_subject, caller_subject, is_exempt
from qrstack_api.ratelimit.settings import RateLimitSettings, RouteLimit


def _policy() -> RatePolicy:
    return RatePolicy(
        RateLimitSettings(
            rate_limit_authenticated=1000,
            rate_limit_anonymous=100,
            rate_limit_routes=(
                RouteLimit(name="generation", prefixes=("/v1/generate", "/api/generate"),
                           authenticated=1000, anonymous=100),
                RouteLimit(name="bulk", prefixes=("/v1/codes/bulk",), authenticated=10,
                           anonymous=1, window_s=3600),
                RouteLimit(name="codes", prefixes=("/v1/codes",), authenticated=500, anonymous=5),
            ),
        )
    )  # fmt: skip


def test_the_defaults_are_the_documented_ones() -> None:
    settings = RateLimitSettings()
    assert (settings.rate_limit_authenticated, settings.rate_limit_anonymous) == (1000, 100)
    assert settings.rate_limit_window_s == 60 and settings.rate_limit_store == "postgres"
    generation, webhooks, files = settings.rate_limit_routes
    assert set(generation.prefixes) == {"/v1/generate", "/api/generate"}
    assert (generation.authenticated, generation.anonymous) == (1000, 100)
    assert webhooks.prefixes == ("/v1/billing/webhook",)
    assert (webhooks.authenticated, webhooks.anonymous) == (6000, 6000)
    assert files.prefixes == ("/v1/files/",)
    assert (files.anonymous, files.window_s) == (30, 3600)


def test_the_longest_matching_prefix_wins() -> None:
    policy = _policy()
    bulk = policy.quota("/v1/codes/bulk", authenticated=True)
    assert (bulk.rule, bulk.limit, bulk.window_s) == ("bulk", 10, 3600)
    assert policy.quota("/v1/codes/123", authenticated=False).limit == 5
    assert policy.quota("/api/generate", authenticated=False).rule == "generation"
    general = policy.quota("/v1/folders", authenticated=False)
    assert (general.rule, general.limit, general.window_s) == ("api", 100, 60)


def test_rules_count_in_separate_buckets() -> None:
    policy = _policy()
    subject = address_subject(ip_address("192.0.2.1"))
    buckets = {
        policy.quota(path, authenticated=False).bucket(subject)
        for path in ("/v1/generate", "/v1/codes", "/v1/codes/bulk", "/v1/me")
    }
    assert len(buckets) == 4


def test_subjects() -> None:
    key_id, user_id = uuid.uuid4(), uuid.uuid4()
    assert caller_subject(key_id=key_id, user_id=None) == f"key:{key_id}"
    assert caller_subject(key_id=None, user_id=user_id) == f"user:{user_id}"
    assert address_subject(ip_address("192.0.2.1")) == "ip:192.0.2.1"
    # One IPv6 subscriber (a /64) is one client, whichever address it picks.
    assert (
        address_subject(ip_address("2001:db8:1:2::7"))
        == address_subject(ip_address("2001:db8:1:2:ffff::1"))
        == "ip:2001:db8:1:2::/64"
    )
    assert address_subject(None) == "ip:unknown"


def test_operations_endpoints_are_not_counted() -> None:
    assert is_exempt("/healthz") and is_exempt("/readyz") and is_exempt("/metrics")
    assert not is_exempt("/v1/me") and not is_exempt("/nowhere")
