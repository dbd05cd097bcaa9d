"""SEC's reward per arm: the token-masked mean |advantage| of the arm's responses in one step.

For arm c with responses i and tokens t: r(c) = sum_i sum_t |A[i,t]| * m[i,t] / sum_i sum_t m[i,t],
where m is the response mask (1 for a generated token, 0 for padding). With GRPO's outcome
advantage (one value per response, repeated over its tokens) this is the mean of |A_i| weighted by
response length; an arm whose responses have no tokens gets no reward this step.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

__all__ = ["AdvantageSums", "mean_abs_advantage"]


class AdvantageSums:
    """Sums of |A| * mask and of mask per arm, added up over a step (or over processes)."""

    def __init__(self) -> None:
        self.abs_sum: dict[str, float] = {}
        self.tokens: dict[str, float] = {}

    def add(self, advantages: Any, mask: Any, arms: Sequence[str]) -> None:
        """``advantages``: [N, T] per token, or [N] per response; ``mask``: [N, T]; ``arms``: N."""
        a = _as_array(advantages)
        m = _as_array(mask)
        if a.ndim == 1:
            a = a[:, None]
        if m.ndim != 2 or a.shape[0] != m.shape[0] or len(arms) != m.shape[0]:
            raise ValueError(
                f"advantages {a.shape}, mask {m.shape} and {len(arms)} arms do not describe the same responses"
            )
        weighted = (np.abs(a) * m).sum(axis=1)
        tokens = m.sum(axis=1)
        for arm, w, n in zip(arms, weighted.tolist(), tokens.tolist()):
            self.abs_sum[arm] = self.abs_sum.get(arm, 0.0) + w
            self.tokens[arm] = self.tokens.get(arm, 0.0) + n

    def merge(self, other: AdvantageSums) -> None:
        for arm, w in other.abs_sum.items():
            self.abs_sum[arm] = self.abs_sum.get(arm, 0.0) + w
            self.tokens[arm] = self.tokens.get(arm, 0.0) + other.tokens[arm]

    def means(self) -> dict[str, float]:
        return {arm: self.abs_sum[arm] / n for arm, n in self.tokens.items() if n > 0}

    def __bool__(self) -> bool:
        return bool(self.tokens)


def mean_abs_advantage(advantages: Any, mask: Any, arms: Sequence[str]) -> Mapping[str, float]:
    sums = AdvantageSums()
    sums.add(advantages, mask, arms)
    return sums.means()


def _as_array(value: Any) -> np.ndarray:
    # torch tensors (on any device), numpy arrays and lists alike, in float64 so sums are exact enough.
    if hasattr(value, "detach"):
        value = value.detach().to("cpu").double().numpy()
    return np.asarray(value, dtype=np.float64)
