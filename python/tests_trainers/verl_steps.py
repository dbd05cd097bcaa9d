"""What VERL's trainer does between the loader and the curriculum hook, on real verl classes: the
loader's batch as a ``DataProto`` with a ``uid`` per prompt, repeated for n rollouts (interleaved),
with token-level ``advantages`` and a ``response_mask``; and the rewards Arc should get for it,
computed by hand (a plain loop, not the plug-in's code)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import numpy as np
import torch
from omegaconf import OmegaConf
from verl import DataProto

from arc.trainers import arm_of

from .conftest import ArcServer

T = 4  # response tokens


def data_config(arc_server: ArcServer, train_file: Path, tmp_path: Path, **extra: Any) -> Any:
    return OmegaConf.create(
        {
            "train_files": [str(train_file)],
            "train_batch_size": 4,
            "max_prompt_length": 64,
            "prompt_key": "prompt",
            "filter_overlong_prompts": True,
            "filter_overlong_prompts_workers": 1,
            "truncation": "error",
            "shuffle": False,
            "dataloader_num_workers": 0,
            "cache_dir": str(tmp_path / "verl-cache"),
            "return_raw_chat": True,
            "sampler": {"class_path": None, "class_name": None},  # VERL's default: no curriculum sampler
            "arc": {"url": arc_server.url, "api_key": arc_server.new_key("worker", "read"), "sync_interval": 2},
            **extra,
        }
    )


def rollout_step(batch_dict: dict[str, Any], n: int = 2) -> DataProto:
    batch = DataProto.from_single_dict(batch_dict)
    batch.non_tensor_batch["uid"] = np.array([str(uuid.uuid4()) for _ in range(len(batch))], dtype=object)
    batch = batch.repeat(repeat_times=n, interleave=True)
    size = len(batch)
    a = torch.tensor([(-1) ** i * (i + 1) / 4 for i in range(size)], dtype=torch.float32)
    lengths = [1 + i % T for i in range(size)]
    batch.batch["advantages"] = a[:, None].repeat(1, T)
    batch.batch["response_mask"] = torch.tensor([[1] * k + [0] * (T - k) for k in lengths], dtype=torch.int64)
    return batch


def hand_rewards(batch: DataProto) -> dict[str, float]:
    sums: dict[str, float] = {}
    tokens: dict[str, int] = {}
    for i, info in enumerate(batch.non_tensor_batch["extra_info"]):
        arm = arm_of(info)
        length = int(batch.batch["response_mask"][i].sum())
        sums[arm] = sums.get(arm, 0.0) + abs(float(batch.batch["advantages"][i, 0])) * length
        tokens[arm] = tokens.get(arm, 0) + length
    return {arm: sums[arm] / tokens[arm] for arm in sums}


def trainer_q(arc_server: ArcServer) -> dict[str, float]:
    return {arm["arm"]: arm["q"] for arm in arc_server.trainer_curriculum()["arms"]}
