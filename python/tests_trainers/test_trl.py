"""TRL's GRPOTrainer with Arc's curriculum: the sampler keeps TRL's RepeatSampler layout, and a
tiny GRPO run on the CPU (examples/trainers/trl_grpo.py: random 2-layer Qwen2, local tokenizer, an
``arc export --format trl`` file of a real arc serve) moves the curriculum's probabilities in Arc."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path
from types import ModuleType

import pytest
from trl.trainer.utils import RepeatSampler

from arc.trainers import CurriculumClient, CurriculumDraws
from arc.trainers.trl import ArcRepeatSampler

from .conftest import REPO, ArcServer, jsonl


def example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("trl_grpo", REPO / "examples" / "trainers" / "trl_grpo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_sampler_keeps_trls_repeat_layout_over_the_prompts_arc_drew(arc_server: ArcServer) -> None:
    rows = ["a", "a", "b", "b", "c", "c", "c"]
    draws = CurriculumDraws(rows, CurriculumClient(arc_server.url, arc_server.new_key("worker")), seed=5)
    drawn: list[int] = []
    next_batch = draws.next_batch

    def recording_next_batch(batch_size: int) -> list[int]:
        batch = next_batch(batch_size)
        drawn.extend(batch)
        return batch

    draws.next_batch = recording_next_batch  # type: ignore[method-assign]
    ours = list(ArcRepeatSampler(rows, draws, mini_repeat_count=3, batch_size=2, repeat_count=2))

    # TRL's own sampler, unshuffled, over the prompts in the order Arc's curriculum drew them.
    trl = [drawn[i] for i in RepeatSampler(drawn, mini_repeat_count=3, batch_size=2, repeat_count=2, shuffle=False)]
    assert ours == trl
    assert len(ours) == len(ArcRepeatSampler(rows, draws, mini_repeat_count=3, batch_size=2, repeat_count=2))
    assert len(ours) == len(RepeatSampler(rows, mini_repeat_count=3, batch_size=2, repeat_count=2)) == 36


def test_a_tiny_grpo_run_on_cpu_moves_the_curriculum_in_arc(
    arc_server: ArcServer, three_patterns: list[str], tmp_path: Path
) -> None:
    data = arc_server.export("trl", tmp_path / "arc.jsonl")
    rows = jsonl(data)
    assert {row["pattern_id"] for row in rows} == {*three_patterns, None}

    key = arc_server.new_key("worker", "read")
    steps = 4
    printer = example().train(str(data), arc_server.url, key, steps, str(tmp_path / "out"))

    assert [h["step"] for h in printer.history] == [1, 2, 3, 4]
    state = arc_server.trainer_curriculum()
    assert state["step"] == steps  # one report per step (each step generated anew)
    arms = {a["arm"]: a for a in state["arms"]}
    assert set(arms) <= {*three_patterns, "success:solve"}
    # Q is exactly the TD(0) average of what the callback reported, step after step...
    q: dict[str, float] = {}
    for h in printer.history:
        for arm, r in h["rewards"].items():
            q[arm] = 0.1 * r + 0.9 * q.get(arm, 0.0)
    assert {arm: a["q"] for arm, a in arms.items() if a["updates"] > 0} == pytest.approx(q, abs=1e-4)
    # ...and the probabilities Arc draws from are softmax(Q / tau) over the arms, no longer uniform.
    z = sum(math.exp(a["q"] / state["temperature"]) for a in arms.values())
    for arm, a in arms.items():
        assert a["probability"] == pytest.approx(math.exp(a["q"] / state["temperature"]) / z)
    assert any(r > 0 for h in printer.history for r in h["rewards"].values())
    assert max(a["probability"] for a in arms.values()) > min(a["probability"] for a in arms.values())
