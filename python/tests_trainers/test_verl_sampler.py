"""The curriculum sampler on verl 0.5-0.7 (run in the verl 0.7 venv): selected the way VERL's
``create_rl_sampler`` selects it, iterated by the trainer's StatefulDataLoader over a real
RLHFDataset of an ``arc export --format verl`` file, and updated with real ``DataProto`` batches."""

from __future__ import annotations

from pathlib import Path

import pytest
from torchdata.stateful_dataloader import StatefulDataLoader
from verl.trainer.main_ppo import create_rl_sampler
from verl.utils.dataset.rl_dataset import RLHFDataset, collate_fn

from arc.trainers import arm_of
from arc.trainers.verl_sampler import ArcCurriculumSampler

from .conftest import ArcServer, local_chat_tokenizer
from .verl_steps import data_config, hand_rewards, rollout_step, trainer_q

SAMPLER = {"class_path": "pkg://arc.trainers.verl_sampler", "class_name": "ArcCurriculumSampler"}


def test_verl_selects_the_sampler_which_draws_by_arc_and_reports_each_step(
    arc_server: ArcServer, three_patterns: list[str], tmp_path: Path
) -> None:
    train = arc_server.export("verl", tmp_path / "train.parquet")
    config = data_config(arc_server, train, tmp_path, sampler=SAMPLER)
    tokenizer = local_chat_tokenizer(["<|user|> Add 1 and 2. Multiply 3 by 3. Paris? Subtract 1 from 9."])
    dataset = RLHFDataset(data_files=[str(train)], tokenizer=tokenizer, config=config)
    assert len(dataset) == 11

    sampler = create_rl_sampler(config, dataset)
    assert isinstance(sampler, ArcCurriculumSampler)
    loader = StatefulDataLoader(
        dataset=dataset, batch_size=4, num_workers=0, drop_last=True, collate_fn=collate_fn, sampler=sampler
    )
    assert len(loader) == 2  # 11 rows, batches of 4: an epoch as VERL counts it

    patterns = set(three_patterns) | {"success:solve"}
    expected_q: dict[str, float] = {}
    for step, batch_dict in enumerate(loader):
        batch = rollout_step(batch_dict)
        arms = {arm_of(info) for info in batch.non_tensor_batch["extra_info"]}
        assert arms <= patterns
        rewards = hand_rewards(batch)
        sampler.update(batch)
        for arm, r in rewards.items():
            expected_q[arm] = 0.1 * r + 0.9 * expected_q.get(arm, 0.0)
        assert trainer_q(arc_server) == pytest.approx({**trainer_q(arc_server), **expected_q}), step
    state = arc_server.trainer_curriculum()
    assert state["step"] == 2
    assert sampler.draws.stats == {"syncs": 1, "sync_failures": 0, "reports": 2, "report_failures": 0, "refusals": 0}
    # Arc drew the first batch (4 pulls); the second was drawn here from the probabilities it sent.
    assert sum(arm["pulls"] for arm in state["arms"]) == 4
    assert sampler.state_dict()["batches"] == 2


def test_update_falls_back_to_the_index_when_the_batch_has_no_extra_info(
    arc_server: ArcServer, three_patterns: list[str], tmp_path: Path
) -> None:
    train = arc_server.export("verl", tmp_path / "train.parquet")
    config = data_config(arc_server, train, tmp_path, sampler=SAMPLER)
    dataset = RLHFDataset(data_files=[str(train)], tokenizer=local_chat_tokenizer(["Add 1"]), config=config)
    sampler = create_rl_sampler(config, dataset)
    batch = rollout_step(collate_fn([dataset[i] for i in range(4)]))
    expected = hand_rewards(batch)
    batch.non_tensor_batch.pop("extra_info")
    sampler.update(batch)
    assert trainer_q(arc_server) == pytest.approx({arm: 0.1 * r for arm, r in expected.items()})
