"""What every trainer plug-in shares: problems drawn by Arc's curriculum, rewards reported to it.

The arms are the dataset's failure patterns (``extra_info.pattern_id`` of an ``arc export``), and
the successes of a function form an arm of their own (``success:<function>``). A batch draws B arms
from the curriculum's probabilities, independently and with replacement, then one problem uniformly
from each drawn arm's pool (SEC, DESIGN.md section 3). Every ``sync_interval`` batches the draws
come from Arc itself (``POST /v1/curriculum/sample``, which also returns the probabilities); the
batches in between are drawn here, seeded, from the probabilities pulled last (semi-online, as the
seed's sync interval s). Rewards go to Arc every step. Arc being down never stops training: draws
fall back to the last probabilities (uniform before the first sync), a failed sync is retried on
the next batch, and failures are counted in ``stats``. When Arc refuses the arms themselves (more
than the 10,000 a request or its curriculum may hold), that is no passing failure: it is logged once
with Arc's message, kept in ``refusal`` and counted in ``stats["refusals"]``, and a refused sync is
tried again at the next sync interval; ``CurriculumClient.reset()`` starts Arc's curriculum afresh.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .curriculum_client import CurriculumClient, CurriculumError

__all__ = ["ArcCurriculumConfig", "CurriculumDraws", "arm_of", "MAX_ARM_LENGTH"]

logger = logging.getLogger("arc.trainers")

#: Arc's bound on an arm id (the server's MAX_ID_LENGTH).
MAX_ARM_LENGTH = 200


def arm_of(info: Mapping[str, Any]) -> str:
    """The arm of a row, from its ``extra_info`` (or TRL row): its pattern, or its function's successes."""
    pattern = info.get("pattern_id")
    if pattern:
        return str(pattern)
    function = str(info.get("function") or "")
    arm = f"success:{function}"
    if len(arm) <= MAX_ARM_LENGTH:
        return arm
    return f"success:{hashlib.sha256(function.encode()).hexdigest()[:32]}"


@dataclass
class ArcCurriculumConfig:
    """Where Arc is and how often to pull its curriculum. ``url`` and ``api_key`` default to the
    ARC_URL and ARC_KEY environment variables; the key needs the ``worker`` scope."""

    url: str = ""
    api_key: str = ""
    sync_interval: int = 50
    seed: int = 0

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any] | None) -> ArcCurriculumConfig:
        values = dict(values or {})
        config = cls(
            url=str(values.get("url") or os.environ.get("ARC_URL", "")),
            api_key=str(values.get("api_key") or os.environ.get("ARC_KEY", "")),
            sync_interval=int(values.get("sync_interval", 50)),
            seed=int(values.get("seed", 0)),
        )
        if not config.url or not config.api_key:
            raise ValueError("Arc's curriculum needs url and api_key (or ARC_URL and ARC_KEY)")
        if config.sync_interval < 1:
            raise ValueError("sync_interval must be at least 1")
        return config

    def client(self) -> CurriculumClient:
        return CurriculumClient(self.url, self.api_key)


class CurriculumDraws:
    """Draws dataset rows by Arc's curriculum and reports per-arm rewards."""

    def __init__(
        self,
        row_arms: Sequence[str],
        client: CurriculumClient,
        *,
        sync_interval: int = 50,
        seed: int = 0,
    ) -> None:
        if len(row_arms) == 0:
            raise ValueError("the dataset has no rows to draw from")
        self.pools: dict[str, list[int]] = {}
        for row, arm in enumerate(row_arms):
            self.pools.setdefault(arm, []).append(row)
        self.arms = sorted(self.pools)
        self.client = client
        self.sync_interval = sync_interval
        self.probabilities = {arm: 1 / len(self.arms) for arm in self.arms}
        self.batches = 0
        self.rng = np.random.default_rng(seed)
        self.stats = {"syncs": 0, "sync_failures": 0, "reports": 0, "report_failures": 0, "refusals": 0}
        #: Arc's last refusal of this trainer's arms (its message and status); None again once a sync succeeds.
        self.refusal: CurriculumError | None = None
        self._sync_due = True

    def next_batch(self, batch_size: int) -> list[int]:
        """Row indices of the next batch: B arms by the curriculum, a problem uniformly from each."""
        if self.batches % self.sync_interval == 0:
            self._sync_due = True
        drawn = self._sync(batch_size) if self._sync_due else None
        if drawn is None:
            p = np.array([self.probabilities[arm] for arm in self.arms])
            p = p / p.sum() if p.sum() > 0 else np.full(len(self.arms), 1 / len(self.arms))
            drawn = [self.arms[i] for i in self.rng.choice(len(self.arms), size=batch_size, p=p)]
        self.batches += 1
        return [self.pools[arm][int(self.rng.integers(len(self.pools[arm])))] for arm in drawn]

    def report(self, rewards: Mapping[str, float]) -> None:
        """Sends r(c) per arm to Arc (one curriculum step); non-finite rewards are left out."""
        finite = {arm: float(r) for arm, r in rewards.items() if math.isfinite(r)}
        if not finite:
            return
        try:
            self.client.update(finite)
            self.stats["reports"] += 1
        except CurriculumError as error:
            self.stats["report_failures"] += 1
            if not self._refused(error, "its rewards are lost"):
                logger.warning("Arc's curriculum did not take this step's rewards: %s", error)

    def _sync(self, batch_size: int) -> list[str] | None:
        try:
            result = self.client.sample(self.arms, batch_size)
        except CurriculumError as error:
            self.stats["sync_failures"] += 1
            if self._refused(error, "batches are drawn from the last probabilities pulled"):
                # Asking again every batch would be refused again: wait for the next sync interval.
                self._sync_due = False
            else:
                logger.warning("Arc's curriculum could not be pulled (drawing from the last one): %s", error)
            return None
        self.probabilities = {arm: result.probabilities.get(arm, 0.0) for arm in self.arms}
        self.stats["syncs"] += 1
        self.refusal = None
        self._sync_due = False
        return [arm for arm in result.draws if arm in self.pools]

    def _refused(self, error: CurriculumError, meanwhile: str) -> bool:
        """Keeps a refusal of the arms (warned about once, until Arc takes them again); False for other errors."""
        if not error.refused:
            return False
        if self.refusal is None:
            logger.warning(
                "Arc refuses this trainer's %d arms, so %s until it takes them (reset its curriculum with "
                "CurriculumClient.reset(), DELETE /v1/curriculum/trainer, to drop the arms it keeps): %s",
                len(self.arms),
                meanwhile,
                error,
            )
        self.refusal = error
        self.stats["refusals"] += 1
        return True

    def state_dict(self) -> dict[str, Any]:
        return {
            "batches": self.batches,
            "rng": self.rng.bit_generator.state,
            "probabilities": dict(self.probabilities),
            "sync_due": self._sync_due,
        }

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        self.batches = int(state["batches"])
        self.rng.bit_generator.state = state["rng"]
        self.probabilities = {arm: float(state["probabilities"].get(arm, 0.0)) for arm in self.arms}
        self._sync_due = bool(state["sync_due"])
