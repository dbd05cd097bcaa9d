"""A VERL step's rewards per arm, from its ``DataProto``: every response's arm (from the batch's
``extra_info``, or else from the dataset row whose ``extra_info.index`` the batch's ``index`` names)
and the token-masked mean |advantage| of each arm's responses (``advantages`` and
``response_mask``, as VERL's trainer leaves them)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .advantages import mean_abs_advantage
from .curriculum_draws import arm_of

__all__ = ["DatasetArms", "batch_rewards"]


class DatasetArms:
    """The arm of every row of an RLHFDataset's dataframe, by position and by ``extra_info.index``."""

    def __init__(self, dataframe: Any) -> None:
        infos = [info or {} for info in dataframe["extra_info"]]
        self.by_row = [arm_of(info) for info in infos]
        # RLHFDataset may have dropped rows (prompts too long): the index, not the position, names a row.
        self.by_index = {int(info.get("index", row)): arm for row, (info, arm) in enumerate(zip(infos, self.by_row))}


def batch_rewards(batch: Any, arms: DatasetArms) -> Mapping[str, float]:
    """r(c) per arm for one step's batch (``verl.DataProto``)."""
    non_tensors = batch.non_tensor_batch
    infos = non_tensors.get("extra_info")
    if infos is not None:
        response_arms = [arm_of(info or {}) for info in infos]
    else:
        response_arms = [arms.by_index[int(i)] for i in non_tensors["index"]]
    return mean_abs_advantage(batch.batch["advantages"], batch.batch["response_mask"], response_arms)
