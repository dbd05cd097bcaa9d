"""GRPO with TRL on Arc's failures, Arc's curriculum choosing the patterns (runs on a CPU).

    arc export --format trl --out arc.jsonl
    ARC_KEY=<worker+read key> python examples/trainers/trl_grpo.py --data arc.jsonl --steps 4

The model is a 2-layer Qwen2 with random weights and the tokenizer a word-level one trained here on
the prompts, so nothing is downloaded: the point is the loop, not the model. Swap in your model,
tokenizer and verifier (the reward function) for a real run. Each step prints the rewards the
callback reported (mean |advantage| per pattern) and the curriculum Arc now draws from.
"""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

import sys
from pathlib import Path

import httpx
from datasets import load_dataset
from transformers import Qwen2Config, Qwen2ForCausalLM, TrainerCallback, set_seed
from trl import GRPOConfig

from arc.trainers import ArcCurriculumConfig
from arc.trainers.trl import ArcGRPOTrainer

sys.path.insert(0, str(Path(__file__).resolve().parent))
from local_tokenizer import local_tokenizer  # noqa: E402


def echo_reward(prompts: list[Any], completions: list[Any], **_: Any) -> list[float]:
    """A stand-in verifier: the share of the completion's words that appear in the prompt."""
    scores = []
    for prompt, completion in zip(prompts, completions):
        asked = set(" ".join(m["content"] for m in prompt).split())
        words = " ".join(m["content"] for m in completion).split()
        scores.append(sum(w in asked for w in words) / len(words) if words else 0.0)
    return scores


class PrintCurriculum(TrainerCallback):
    """After Arc got the step's rewards (the trainer's own callback runs first), show its curriculum."""

    def __init__(self, trainer: ArcGRPOTrainer, url: str, key: str) -> None:
        self.trainer, self.url, self.key = trainer, url, key
        self.history: list[dict[str, Any]] = []

    def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        answer = httpx.get(
            f"{self.url}/v1/curriculum",
            params={"curriculum": "trainer"},
            headers={"authorization": f"Bearer {self.key}"},
            timeout=30,
        ).json()
        probabilities = {a["arm"]: round(a["probability"], 4) for a in answer["arms"]}
        rewards = {arm: round(r, 4) for arm, r in self.trainer.arc_callback.last_rewards.items()}
        self.history.append({"step": state.global_step, "rewards": rewards, "probabilities": probabilities})
        print(json.dumps(self.history[-1]), flush=True)


def train(data: str, url: str, key: str, steps: int, output_dir: str, sync_interval: int = 1) -> PrintCurriculum:
    set_seed(0)
    dataset = load_dataset("json", data_files=data)["train"]
    tokenizer = local_tokenizer([m["content"] for row in dataset["prompt"] for m in row] + ["<|assistant|>"])
    model = Qwen2ForCausalLM(
        Qwen2Config(
            vocab_size=len(tokenizer),
            hidden_size=32,
            intermediate_size=64,
            num_hidden_layers=2,
            num_attention_heads=2,
            num_key_value_heads=1,
            max_position_embeddings=256,
            pad_token_id=tokenizer.pad_token_id,
            bos_token_id=tokenizer.bos_token_id,
            eos_token_id=tokenizer.eos_token_id,
        )
    )
    args = GRPOConfig(
        output_dir=output_dir,
        max_steps=steps,
        per_device_train_batch_size=8,
        num_generations=4,  # 2 prompts per step, 4 completions each
        max_completion_length=8,
        learning_rate=1e-3,
        beta=0.0,
        logging_steps=1,
        save_strategy="no",
        report_to=[],
        use_cpu=True,
        seed=0,
    )
    trainer = ArcGRPOTrainer(
        model=model,
        reward_funcs=echo_reward,
        args=args,
        train_dataset=dataset,
        processing_class=tokenizer,
        arc=ArcCurriculumConfig(url=url, api_key=key, sync_interval=sync_interval),
    )
    printer = PrintCurriculum(trainer, url, key)
    trainer.add_callback(printer)
    trainer.train()
    return printer


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help="arc export --format trl output")
    parser.add_argument("--arc-url", default=os.environ.get("ARC_URL", "http://127.0.0.1:4317"))
    parser.add_argument("--steps", type=int, default=4)
    parser.add_argument("--sync-interval", type=int, default=1, help="pull Arc's curriculum every s steps")
    parser.add_argument("--output-dir", default="grpo-out")
    options = parser.parse_args()
    train(options.data, options.arc_url, os.environ["ARC_KEY"], options.steps, options.output_dir, options.sync_interval)
