"""Canary assignment as the TypeScript SDK does it (packages/sdk/src/canary-assignment.ts): a hash of
(fix id, call key) mapped to [0, 1) and compared with the share. The hash is core's seeded generator
(sfc32 after a cyrb128-style seed absorber, packages/core/src/seeded-random.ts), so a call key lands
in the same arm of the same fix in every process and every SDK (shared vectors:
packages/sdk/test-vectors/canary.json).
"""

from __future__ import annotations

from typing import Literal

CanaryArm = Literal["treatment", "control"]

_MASK = 0xFFFFFFFF


def _imul(a: int, b: int) -> int:
    return (a * b) & _MASK


def _hash_words(words: list[int]) -> tuple[int, int, int, int]:
    h1, h2, h3, h4 = 1779033703, 3144134277, 1013904242, 2773480762
    for k in words:
        h1 = h2 ^ _imul(h1 ^ k, 597399067)
        h2 = h3 ^ _imul(h2 ^ k, 2869860233)
        h3 = h4 ^ _imul(h3 ^ k, 951274213)
        h4 = h1 ^ _imul(h4 ^ k, 2716044179)
    h1 = _imul(h3 ^ (h1 >> 18), 597399067)
    h2 = _imul(h4 ^ (h2 >> 22), 2869860233)
    h3 = _imul(h1 ^ (h3 >> 17), 951274213)
    h4 = _imul(h2 ^ (h4 >> 19), 2716044179)
    h1 ^= h2 ^ h3 ^ h4
    h2 ^= h1
    h3 ^= h1
    h4 ^= h1
    return h1, h2, h3, h4


def first_uniform(seed: str) -> float:
    """The first output in [0, 1) of core's SeededRandom seeded with the string ``seed``."""
    units = memoryview(seed.encode("utf-16-le", "surrogatepass")).cast("H")
    a, b, c, d = _hash_words([2, len(units), *units])
    t = 0
    for _ in range(16):  # 15 discarded as warm-up, then the output
        t = (a + b + d) & _MASK
        d = (d + 1) & _MASK
        a = b ^ (b >> 9)
        b = (c + (c << 3)) & _MASK
        c = ((((c << 21) & _MASK) | (c >> 11)) + t) & _MASK
    return t / 4294967296


def canary_arm(fix_id: str, call_key: str, share: float) -> CanaryArm:
    """Which arm of a fix's canary a call belongs to; the same key always gets the same arm."""
    if share >= 1:
        return "treatment"
    if share <= 0:
        return "control"
    # The separator keeps ("ab", "c") and ("a", "bc") apart.
    return "treatment" if first_uniform(f"{fix_id}\x00{call_key}") < share else "control"
