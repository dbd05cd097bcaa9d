"""Few-shot pools give a call the same examples as the TypeScript SDK does (shared vectors written
by core: packages/core/test-vectors/few-shot-picks.json), through the applier a call's fixes go through."""

from __future__ import annotations

from typing import Any

import pytest

from arc._appliers import NormalizedCall, apply_few_shot
from arc.fixes import FewShotFix, MessagesExample

from .vectors import load

VECTORS = load("packages/core/test-vectors/few-shot-picks.json")


def _turns(example: Any) -> list[Any]:
    if isinstance(example, MessagesExample):
        return [m.content for m in example.messages]
    return [example.input, example.output]


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_same_picks_as_core(vector: dict[str, Any]) -> None:
    fix = FewShotFix.model_validate({"type": "few_shot", "examples": vector["examples"], "nearest": vector["nearest"]})
    own = {"role": "user", "content": "the call's own turn"}
    call = apply_few_shot(NormalizedCall(messages=[own]), fix, vector["input"])
    expected: list[Any] = []
    for i in vector["picks"]:
        expected.extend(_turns(fix.examples[i]))
    assert call.messages is not None and call.messages[-1] == own
    got = [m["content"] for m in call.messages[:-1]]
    # The applier writes structured turns as JSON text; compare what each turn holds.
    assert got == [t if isinstance(t, str) else _json(t) for t in expected]


def _json(value: Any) -> str:
    from arc._json_safe import dumps

    return dumps(value)


def test_vectors_pick_by_input() -> None:
    assert len({tuple(v["picks"]) for v in VECTORS}) > len(VECTORS) // 2
