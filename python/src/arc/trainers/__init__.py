"""Trainer plug-ins: Arc's curriculum (SEC over failure patterns) choosing what VERL and TRL train on.

- ``verl_sampler.ArcCurriculumSampler``: VERL's curriculum sampler, verl 0.5 to 0.7.
- ``verl_dataset.ArcCurriculumDataset``: a dataset with ``on_batch_end``, verl 0.8 and later.
- ``trl.ArcGRPOTrainer`` and ``trl.ArcCurriculumCallback``: TRL's GRPOTrainer.

This module imports neither trainer; import the submodule for yours.
"""

from .advantages import AdvantageSums, mean_abs_advantage
from .curriculum_client import (
    CurriculumClient,
    CurriculumError,
    CurriculumState,
    ResetResult,
    SampleResult,
    UpdateResult,
)
from .curriculum_draws import ArcCurriculumConfig, CurriculumDraws, arm_of

__all__ = [
    "AdvantageSums",
    "ArcCurriculumConfig",
    "CurriculumClient",
    "CurriculumDraws",
    "CurriculumError",
    "CurriculumState",
    "ResetResult",
    "SampleResult",
    "UpdateResult",
    "arm_of",
    "mean_abs_advantage",
]
