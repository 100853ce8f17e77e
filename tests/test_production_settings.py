"""Production-only behaviour, checked in a fresh interpreter (settings are read once at import)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "OUDERLINK_ENV")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_with_the_development_secret():
    # when
    result = run(
        "import settings; settings.check_production_settings()", OUDERLINK_ENV="production"
    )
    # then
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_starts_with_a_real_secret():
    result = run(
        "import settings; settings.check_production_settings()",
        OUDERLINK_ENV="production",
        SECRET_KEY="a-long-random-production-secret",
        VAPID_PRIVATE_KEY="-HYqhHkGJQVqxQ-8tbCSivWyUlmUT7rgJu7pgyPiCCs",
    )
    assert result.returncode == 0, result.stderr


def test_production_refuses_to_start_without_vapid_keys():
    # when
    result = run(
        "import settings; settings.check_production_settings()",
        OUDERLINK_ENV="production",
        SECRET_KEY="a-long-random-production-secret",
        VAPID_PRIVATE_KEY="",
    )
    # then
    assert result.returncode != 0
    assert "VAPID_PRIVATE_KEY must be set" in result.stderr


# The schema runs asynchronously only (query budgets may live in Redis), as the server runs it.
INTROSPECT = """
import asyncio
from schema import schema
result = asyncio.run(schema.execute("{ __schema { queryType { name } } }"))
print("REFUSED" if result.errors else "ALLOWED")
"""


def test_introspection_can_be_switched_off():
    result = run(INTROSPECT, INTROSPECTION="false")
    assert result.stdout.strip() == "REFUSED", result.stderr


def test_introspection_is_on_by_default():
    result = run(INTROSPECT)
    assert result.stdout.strip() == "ALLOWED", result.stderr


MASKING = """
from graphql import GraphQLError
from schema.errors import coded, should_mask
unexpected = GraphQLError("boom", original_error=ZeroDivisionError("secret detail"))
ours = GraphQLError("x", original_error=coded("FORBIDDEN", "Not allowed"))
validation = GraphQLError("Cannot query field")
print(should_mask(unexpected), should_mask(ours), should_mask(validation))
"""


def test_unexpected_errors_are_masked_but_coded_and_validation_errors_are_not():
    result = run(MASKING)
    assert result.stdout.split() == ["True", "False", "False"], result.stderr


def test_production_masks_an_unexpected_error_in_a_response():
    # given: a schema whose resolver fails unexpectedly, with production's extensions
    code = """
import asyncio
import strawberry
import schema as ours

@strawberry.type
class Query:
    @strawberry.field
    def boom(self) -> int:
        raise ZeroDivisionError("internal detail")

s = strawberry.Schema(query=Query, extensions=ours._extensions())
print(asyncio.run(s.execute("{ boom }")).errors[0].message)
"""
    # when
    result = run(code, OUDERLINK_ENV="production", SECRET_KEY="a-long-random-production-secret")
    # then
    assert "internal detail" not in result.stdout
    assert "Internal server error" in result.stdout, result.stderr
