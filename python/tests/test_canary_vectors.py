"""Canary arms agree with the TypeScript SDK's for the same fix id and call key (shared vectors)."""

from __future__ import annotations

from typing import Any

import pytest

from arc._canary import canary_arm, first_uniform

from .vectors import load

VECTORS = load("packages/sdk/test-vectors/canary.json")


@pytest.mark.parametrize("vector", VECTORS)
def test_same_arm_as_typescript(vector: dict[str, Any]) -> None:
    assert first_uniform(f"{vector['fixId']}\x00{vector['callKey']}") == vector["uniform"]
    assert canary_arm(vector["fixId"], vector["callKey"], vector["share"]) == vector["arm"]


def test_vectors_hold_both_arms() -> None:
    assert {v["arm"] for v in VECTORS} == {"treatment", "control"}
