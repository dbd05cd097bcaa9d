"""Arc's curriculum as a VERL dataset (verl 0.8 and later; also 0.5 to 0.7, which call the same hook).

verl 0.8 dropped the curriculum sampler; its trainer calls ``train_dataset.on_batch_end(batch=batch)``
after every step instead. This RLHFDataset draws each batch's items by Arc's curriculum (whatever
index the loader asks for, the next drawn row is returned) and reports the step's rewards from
``on_batch_end``. Select it in the trainer's config::

    data.custom_cls.path=pkg://arc.trainers.verl_dataset
    data.custom_cls.name=ArcCurriculumDataset
    data.shuffle=False data.dataloader_num_workers=0
    +data.arc.url=http://127.0.0.1:4317 +data.arc.sync_interval=50   # key: ARC_KEY (worker scope)

With loader workers, each worker would draw from its own copy: keep ``dataloader_num_workers=0``.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from verl.utils.dataset.rl_dataset import RLHFDataset

from .curriculum_draws import ArcCurriculumConfig, CurriculumDraws
from .verl_rewards import DatasetArms, batch_rewards

__all__ = ["ArcCurriculumDataset"]


class ArcCurriculumDataset(RLHFDataset):  # type: ignore[misc]
    def __init__(self, data_files: Any, tokenizer: Any, config: Any, processor: Any = None, max_samples: int = -1):
        super().__init__(data_files, tokenizer, config, processor=processor, max_samples=max_samples)
        arc = ArcCurriculumConfig.from_mapping(config.get("arc"))
        self.batch_size = int(config.get("gen_batch_size") or config.get("train_batch_size"))
        self.arms = DatasetArms(self.dataframe)
        self.draws = CurriculumDraws(self.arms.by_row, arc.client(), sync_interval=arc.sync_interval, seed=arc.seed)
        self._queue: deque[int] = deque()

    def __getitem__(self, item: int) -> dict[str, Any]:
        if not self._queue:
            self._queue.extend(self.draws.next_batch(self.batch_size))
        row: dict[str, Any] = super().__getitem__(self._queue.popleft())
        return row

    def on_batch_end(self, batch: Any) -> None:
        self.draws.report(batch_rewards(batch, self.arms))

    # Stateful for torchdata's StatefulDataLoader, which saves it with VERL's checkpoints.
    def state_dict(self) -> dict[str, Any]:
        return self.draws.state_dict()

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.draws.load_state_dict(state)
        self._queue.clear()
