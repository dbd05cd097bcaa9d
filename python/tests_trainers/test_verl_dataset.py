"""The curriculum dataset (verl 0.8+; the hook exists from 0.5, so both venvs run this): selected
with ``data.custom_cls`` the way VERL's ``create_rl_dataset`` selects it, read by the trainer's
StatefulDataLoader, and fed real ``DataProto`` batches through ``on_batch_end``."""

from __future__ import annotations

from pathlib import Path

import pytest
from torchdata.stateful_dataloader import StatefulDataLoader
from verl.utils.dataset.rl_dataset import collate_fn

from arc.trainers import CurriculumClient, arm_of
from arc.trainers.verl_dataset import ArcCurriculumDataset

from .conftest import ArcServer, local_chat_tokenizer
from .verl_steps import data_config, hand_rewards, rollout_step, trainer_q

try:  # verl 0.8 and later
    from verl.trainer.ppo.utils import create_rl_dataset, create_rl_sampler
except ImportError:  # verl 0.5 to 0.7
    from verl.trainer.main_ppo import create_rl_dataset, create_rl_sampler

CUSTOM_CLS = {"path": "pkg://arc.trainers.verl_dataset", "name": "ArcCurriculumDataset"}


def test_verl_builds_the_dataset_which_serves_arcs_draws_and_reports_on_batch_end(
    arc_server: ArcServer, three_patterns: list[str], tmp_path: Path
) -> None:
    hot = three_patterns[1]
    # A near-greedy curriculum that prefers one pattern: every draw must come from it.
    arc_server.call("PUT", "/v1/learning/config", {"temperature": 0.001})
    CurriculumClient(arc_server.url, arc_server.new_key("worker")).update({hot: 1.0})

    train = arc_server.export("verl", tmp_path / "train.parquet")
    config = data_config(arc_server, train, tmp_path, custom_cls=CUSTOM_CLS)
    tokenizer = local_chat_tokenizer(["<|user|> Add 1 and 2. Multiply 3 by 3. Paris? Subtract 1 from 9."])
    dataset = create_rl_dataset([str(train)], config, tokenizer, None)
    assert isinstance(dataset, ArcCurriculumDataset) and len(dataset) == 11

    sampler = create_rl_sampler(config, dataset)
    loader = StatefulDataLoader(
        dataset=dataset, batch_size=4, num_workers=0, drop_last=True, collate_fn=collate_fn, sampler=sampler
    )
    expected_q = {hot: 0.1}
    for batch_dict in loader:
        batch = rollout_step(batch_dict)
        assert {arm_of(info) for info in batch.non_tensor_batch["extra_info"]} == {hot}
        rewards = hand_rewards(batch)
        dataset.on_batch_end(batch=batch)
        for arm, r in rewards.items():
            expected_q[arm] = 0.1 * r + 0.9 * expected_q.get(arm, 0.0)
        assert trainer_q(arc_server) == pytest.approx(expected_q)
    assert arc_server.trainer_curriculum()["step"] == 3  # the setup's update and two steps
    assert dataset.draws.stats == {"syncs": 1, "sync_failures": 0, "reports": 2, "report_failures": 0, "refusals": 0}

    # Stateful for VERL's checkpoints: a dataset restored from the state draws what this one would.
    saved = dataset.state_dict()
    restored = create_rl_dataset([str(train)], config, tokenizer, None)
    restored.load_state_dict(saved)
    assert [restored[0]["extra_info"]["event_id"] for _ in range(4)] == [
        dataset[0]["extra_info"]["event_id"] for _ in range(4)
    ]
