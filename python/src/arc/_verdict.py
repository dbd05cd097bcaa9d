"""A verdict on a call that returned (packages/core/src/verdict.ts): a score in [0, 1] from the
agent's verifier, a person or a judge, with an optional label and message. Below the threshold the
call was a wrong answer, which the server makes a failure of category ``wrong_answer``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Union

from ._json_safe import js_length

DEFAULT_VERDICT_THRESHOLD = 0.5
"""A call is judged wrong when its verdict's score is below this (unless configured otherwise)."""
MAX_VERDICT_LABEL_LENGTH = 200
"""Longest label kept: it is the failure's error type, a name rather than a text."""


@dataclass(frozen=True)
class Verdict:
    """What a verifier says about a call: ``score`` 1 is right, 0 wrong."""

    score: float
    label: str | None = None
    """A short name for what was wrong (``wrong_unit``); the failure's error type."""
    message: str | None = None
    """What the verifier said (``expected unit 'celsius', got 'fahrenheit'``)."""


VerifyResult = Union[Verdict, float, bool, Mapping[str, Any]]
"""What ``verify`` may answer: a Verdict (or a mapping with its fields), a score in [0, 1], or a boolean."""


def is_wrong_answer(score: float, threshold: float = DEFAULT_VERDICT_THRESHOLD) -> bool:
    return score < threshold


def _is_score(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and 0 <= value <= 1


def _describe(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(value)
    if value is None:
        return "None"
    return "a list" if isinstance(value, (list, tuple)) else type(value).__name__


def verdict_of(value: Any) -> Verdict | str:
    """What a verifier returned, as a verdict (core's verdictOf): a number is the score, a boolean 1
    or 0, a Verdict or a mapping ``{score, label?, message?}`` itself. Anything else is not a
    verdict, and the answer says why."""
    if isinstance(value, bool):
        return Verdict(1.0 if value else 0.0)
    if _is_score(value):
        return Verdict(float(value))
    score: Any
    label: Any
    message: Any
    if isinstance(value, Verdict):
        score, label, message = value.score, value.label, value.message
    elif isinstance(value, Mapping):
        score, label, message = value.get("score"), value.get("label"), value.get("message")
    else:
        return f"expected a score in [0, 1], a boolean or a Verdict, got {_describe(value)}"
    if not _is_score(score):
        return f"score must be a number in [0, 1], got {_describe(score)}"
    if label is not None and (not isinstance(label, str) or js_length(label) > MAX_VERDICT_LABEL_LENGTH):
        return f"label must be a string of at most {MAX_VERDICT_LABEL_LENGTH} characters"
    if message is not None and not isinstance(message, str):
        return "message must be a string"
    return Verdict(
        float(score),
        label if label is not None and label.strip() != "" else None,
        message if message else None,
    )
