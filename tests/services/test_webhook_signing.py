"""Webhook signatures and addresses: what a receiver checks, and what is never called."""

from __future__ import annotations

import pytest

import settings
from schema.ids import to_global_id
from services.webhooks import addresses, payload, signing

SECRET = "whsec_test"
BODY = b'{"id":"1","type":"news.published"}'


def test_a_signature_verifies_with_the_secret_the_body_and_a_recent_timestamp():
    value = signing.header(SECRET, 1_700_000_000, BODY)
    assert value.startswith("t=1700000000,v1=")
    assert signing.verify(SECRET, value, BODY, now=1_700_000_100)


@pytest.mark.parametrize(
    ("secret", "body", "now"),
    [
        ("whsec_other", BODY, 1_700_000_000),  # another secret
        (SECRET, BODY + b" ", 1_700_000_000),  # another body
        (SECRET, BODY, 1_700_000_301),  # too old: a replay
    ],
)
def test_a_signature_does_not_verify_otherwise(secret, body, now):
    value = signing.header(SECRET, 1_700_000_000, BODY)
    assert not signing.verify(secret, value, body, now=now)


def test_a_malformed_header_does_not_verify():
    for value in ("", "v1=abc", "t=abc,v1=abc", "t=1,t=2,v1=abc"):
        assert not signing.verify(SECRET, value, BODY, now=1)


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body():
    import hashlib
    import hmac

    expected = hmac.new(SECRET.encode(), b"42." + BODY, hashlib.sha256).hexdigest()
    assert signing.header(SECRET, 42, BODY) == f"t=42,v1={expected}"


def test_payload_ids_are_the_apis_global_ids():
    for name, pk in [("Child", 7), ("RequestedDay", 123456), ("NewsItem", 1)]:
        assert payload.global_id(name, pk) == to_global_id(name, pk)


def test_a_secret_sealed_for_webhooks_does_not_open_as_a_notification_link():
    from services.notifications import sealed

    stored = signing.seal(SECRET)
    assert signing.unseal(stored) == SECRET
    assert sealed.unseal(stored) is None


def test_in_production_a_private_ip_is_refused_before_sending(monkeypatch):
    monkeypatch.setattr(settings, "WEBHOOK_ALLOW_INSECURE_LOCALHOST", False)
    assert addresses.host_problem("http://127.0.0.1:9000/hook")
    assert addresses.host_problem("https://[fd00::1]/hook")
    assert addresses.host_problem("https://93.184.215.14/hook") is None
    assert addresses.host_problem("https://dashboard.example.com/hook") is None


async def test_the_public_only_resolver_refuses_a_name_of_a_private_host():
    resolver = addresses.PublicOnlyResolver()
    try:
        with pytest.raises(OSError, match="non-public"):
            await resolver.resolve("localhost", 443)
    finally:
        await resolver.close()


def test_the_readme_example_verifies_our_signatures():
    # given: the verification example of the README's Webhooks section
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## Webhooks", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    verify = namespace["verify"]
    # when / then
    import time

    now = int(time.time())
    assert verify(SECRET, signing.header(SECRET, now, BODY), BODY)
    assert not verify("whsec_other", signing.header(SECRET, now, BODY), BODY)
    assert not verify(SECRET, signing.header(SECRET, now - 3600, BODY), BODY)
    assert not verify(SECRET, signing.header(SECRET, now, BODY), BODY + b"x")


def test_production_defaults_refuse_plain_http_to_this_machine():
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if not k.startswith(("OUDERLINK_ENV", "WEBHOOK"))}
    code = (
        "import settings; from services.webhooks.addresses import url_problem; "
        "print(settings.WEBHOOK_ALLOW_INSECURE_LOCALHOST, url_problem('http://127.0.0.1:9/x').code)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env={**env, "OUDERLINK_ENV": "production"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["False", "WEBHOOK_URL_NOT_HTTPS"], result.stderr
