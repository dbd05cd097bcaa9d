"""Arc's curriculum in TRL's GRPOTrainer.

GRPOTrainer has no sampler hook, so ``ArcGRPOTrainer`` overrides ``_get_train_sampler`` with a
sampler that keeps TRL's RepeatSampler layout (each prompt ``num_generations`` times in a row, the
generation batch repeated ``num_iterations * steps_per_generation`` times) but draws the prompts of
each generation batch by Arc's curriculum. It records every generation's advantages per arm, and
``ArcCurriculumCallback`` reports the token-masked mean |advantage| per arm to Arc at the end of
each step. The dataset is ``arc export --format trl`` (or any dataset with ``pattern_id`` and
``function`` columns)::

    trainer = ArcGRPOTrainer(model=..., reward_funcs=..., args=GRPOConfig(...),
                             train_dataset=load_dataset("json", data_files="arc.jsonl")["train"],
                             arc=ArcCurriculumConfig(url="http://127.0.0.1:4317", api_key=key))

One training process only: every process would draw its own prompts, and TRL needs all processes
to draw the same ones.
"""

from __future__ import annotations

from collections.abc import Iterator, Sized
from typing import Any

from torch.utils.data import Sampler
from transformers import TrainerCallback
from trl import GRPOTrainer

from .advantages import AdvantageSums
from .curriculum_draws import ArcCurriculumConfig, CurriculumDraws, arm_of

__all__ = ["ArcCurriculumCallback", "ArcGRPOTrainer", "ArcRepeatSampler"]


class ArcRepeatSampler(Sampler[int]):  # type: ignore[misc]
    """TRL's RepeatSampler, with each chunk of ``batch_size`` prompts drawn by Arc's curriculum."""

    def __init__(
        self,
        data_source: Sized,
        draws: CurriculumDraws,
        mini_repeat_count: int,
        batch_size: int = 1,
        repeat_count: int = 1,
    ) -> None:
        self.data_source = data_source
        self.draws = draws
        self.mini_repeat_count = mini_repeat_count
        self.batch_size = batch_size
        self.repeat_count = repeat_count

    def __iter__(self) -> Iterator[int]:
        for _ in range(len(self.data_source) // self.batch_size):
            # Drawn when the loader reaches it: after the previous generation's rewards were reported.
            chunk = self.draws.next_batch(self.batch_size)
            for _ in range(self.repeat_count):
                for index in chunk:
                    for _ in range(self.mini_repeat_count):
                        yield index

    def __len__(self) -> int:
        chunks = len(self.data_source) // self.batch_size
        return chunks * self.batch_size * self.mini_repeat_count * self.repeat_count


class ArcCurriculumCallback(TrainerCallback):  # type: ignore[misc]
    """Reports the advantages recorded since the last step to Arc, as r(c) per arm, at each step's end."""

    def __init__(self, advantages: AdvantageSums, draws: CurriculumDraws) -> None:
        self.advantages = advantages
        self.draws = draws
        #: What the last report sent, per arm (for logs and tests).
        self.last_rewards: dict[str, float] = {}

    def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if not self.advantages:
            return  # steps that reuse a generation have nothing new
        self.last_rewards = self.advantages.means()
        self.advantages.abs_sum.clear()
        self.advantages.tokens.clear()
        self.draws.report(self.last_rewards)


class ArcGRPOTrainer(GRPOTrainer):  # type: ignore[misc]
    def __init__(self, *args: Any, arc: ArcCurriculumConfig, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.accelerator.num_processes > 1:
            raise ValueError("ArcGRPOTrainer draws prompts in one process: run it with one process")
        columns = self.train_dataset.select_columns(["pattern_id", "function"])
        self.arc_draws = CurriculumDraws(
            [arm_of(row) for row in columns], arc.client(), sync_interval=arc.sync_interval, seed=arc.seed
        )
        self.arc_advantages = AdvantageSums()
        self.arc_callback = ArcCurriculumCallback(self.arc_advantages, self.arc_draws)
        self.add_callback(self.arc_callback)

    def _get_train_sampler(self, dataset: Any = None) -> Sampler[int]:
        return ArcRepeatSampler(
            data_source=self.train_dataset if dataset is None else dataset,
            draws=self.arc_draws,
            mini_repeat_count=self.num_generations,
            batch_size=self.args.generation_batch_size // self.num_generations,
            repeat_count=self.num_iterations * self.args.steps_per_generation,
        )

    def _generate_and_score_completions(self, inputs: list[dict[str, Any]]) -> dict[str, Any]:
        output: dict[str, Any] = super()._generate_and_score_completions(inputs)
        if self.model.training:
            arms = [arm_of(row) for row in inputs]
            self.arc_advantages.add(output["advantages"], output["completion_mask"], arms)
        return output
