"""Deployed fixes are accepted and refused exactly as core's parser accepts and refuses them."""

from __future__ import annotations

from typing import Any

import pytest

from arc.fixes import DeployedFix, parse_deployed_fix

from .vectors import load

VECTORS = load("packages/core/test-vectors/deployed-fixes.json")


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_same_verdict_as_core(vector: dict[str, Any]) -> None:
    parsed = parse_deployed_fix(vector["input"])
    expected = vector["expected"]
    if expected["ok"]:
        assert isinstance(parsed, DeployedFix), parsed
        assert parsed.wire() == expected["value"]
    else:
        assert not isinstance(parsed, DeployedFix), f"core refuses it at {expected['field']}"
        if isinstance(parsed, str):  # past a fix limit: named as core names the field
            assert parsed.startswith(expected["field"] + " ")


def test_vectors_hold_both_verdicts() -> None:
    assert {v["expected"]["ok"] for v in VECTORS} == {True, False}
