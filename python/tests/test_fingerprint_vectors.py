"""The SDK's local fingerprint gives the server's pattern ids and categories (shared vectors)."""

from __future__ import annotations

from typing import Any

import pytest

from arc._fingerprint import fingerprint_failure

from .vectors import load

VECTORS = load("packages/core/test-vectors/fingerprints.json")


@pytest.mark.parametrize("vector", VECTORS, ids=[f"{i}" for i in range(len(VECTORS))])
def test_same_pattern_as_core(vector: dict[str, Any]) -> None:
    given = vector["input"]
    found = fingerprint_failure(
        given["function"],
        error_type=given.get("errorType"),
        message=given.get("message"),
        status=given.get("status"),
        code=given.get("code"),
    )
    assert (found.normalized_message, found.category, found.pattern_id) == (
        vector["normalizedMessage"],
        vector["category"],
        vector["patternId"],
    )


def test_python_exceptions_get_their_categories() -> None:
    by_type = {v["input"]["errorType"]: v["category"] for v in VECTORS}
    assert by_type["json.decoder.JSONDecodeError"] == "parsing_error"
    assert by_type["httpx.ConnectTimeout"] == "timeout"
    assert by_type["requests.exceptions.ConnectionError"] == "network"
    assert by_type["openai.RateLimitError"] == "rate_limit"
    assert by_type["pydantic_core._pydantic_core.ValidationError"] == "validation"
