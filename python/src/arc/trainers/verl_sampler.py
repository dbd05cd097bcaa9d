"""Arc's curriculum as VERL's curriculum sampler (verl 0.5 to 0.7).

Select it in the trainer's config::

    data.sampler.class_path=pkg://arc.trainers.verl_sampler
    data.sampler.class_name=ArcCurriculumSampler
    data.dataloader_num_workers=0
    +data.arc.url=http://127.0.0.1:4317 +data.arc.sync_interval=50   # key: ARC_KEY (worker scope)

VERL builds it with the RLHFDataset (``data_source``) and the data config, iterates it for each
epoch, and calls ``update(batch)`` after every step with the step's ``DataProto``. verl 0.8 removed
this hook: use ``arc.trainers.verl_dataset`` there.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sized
from typing import Any

from verl import DataProto
from verl.experimental.dataset.sampler import AbstractCurriculumSampler

from .curriculum_draws import ArcCurriculumConfig, CurriculumDraws
from .verl_rewards import DatasetArms, batch_rewards

__all__ = ["ArcCurriculumSampler"]


def batch_size_of(data_config: Any) -> int:
    return int(data_config.get("gen_batch_size") or data_config.get("train_batch_size"))


class ArcCurriculumSampler(AbstractCurriculumSampler):  # type: ignore[misc]
    def __init__(self, data_source: Sized, data_config: Any) -> None:
        config = ArcCurriculumConfig.from_mapping(data_config.get("arc"))
        self.data_source = data_source
        self.batch_size = batch_size_of(data_config)
        self.arms = DatasetArms(data_source.dataframe)  # type: ignore[attr-defined]
        self.draws = CurriculumDraws(
            self.arms.by_row, config.client(), sync_interval=config.sync_interval, seed=config.seed
        )

    def __iter__(self) -> Iterator[int]:
        # Drawn lazily, one batch at a time: VERL (with 0 loader workers) asks for the next batch
        # only after update() has reported the last one, so each batch sees the newest curriculum.
        # Whole batches only: VERL's loader drops a partial last batch (drop_last).
        for _ in range(len(self) // self.batch_size):
            yield from self.draws.next_batch(self.batch_size)

    def __len__(self) -> int:
        return len(self.data_source)

    def update(self, batch: DataProto) -> None:
        self.draws.report(batch_rewards(batch, self.arms))

    def state_dict(self) -> dict[str, Any]:
        return self.draws.state_dict()

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        self.draws.load_state_dict(state)
