"""A VERL step's rewards per arm, from its ``DataProto``: every response's arm (from the batch's
``extra_info``, or from the dataset row its ``index`` names) and the token-masked mean |advantage|
of each arm's responses (``advantages`` and ``response_mask``, as VERL's trainer leaves them)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .advantages import mean_abs_advantage
from .curriculum_draws import arm_of

__all__ = ["batch_rewards", "dataset_arms"]


def dataset_arms(dataframe: Any) -> list[str]:
    """The arm of every row of an RLHFDataset's dataframe (its ``extra_info`` column)."""
    return [arm_of(info or {}) for info in dataframe["extra_info"]]


def batch_rewards(batch: Any, index_arms: Mapping[int, str] | Sequence[str]) -> Mapping[str, float]:
    """r(c) per arm for one step's batch (``verl.DataProto``)."""
    non_tensors = batch.non_tensor_batch
    infos = non_tensors.get("extra_info")
    if infos is not None:
        arms = [arm_of(info or {}) for info in infos]
    else:
        arms = [index_arms[int(i)] for i in non_tensors["index"]]
    return mean_abs_advantage(batch.batch["advantages"], batch.batch["response_mask"], arms)
