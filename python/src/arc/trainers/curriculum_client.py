"""A typed client of Arc's trainer curriculum (``/v1/curriculum``).

External trainers drive a SEC curriculum of their own on the server: ``sample`` draws B arms from
softmax(Q / tau), ``update`` rewards arms with the mean |advantage| of their rollouts this step
(Q <- alpha * r + (1 - alpha) * Q), ``state`` shows every arm's Q and probability, and ``reset``
starts it afresh (every arm dropped: a new training run, or room again once it keeps the 10,000 arms
it may). Sampling, updating and resetting need a key with the ``worker`` scope, the state ``read``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from typing import Literal

import httpx
from pydantic import BaseModel, Field

from .._bounded_body import read_bounded

__all__ = [
    "CurriculumArm",
    "CurriculumClient",
    "CurriculumError",
    "CurriculumState",
    "ResetResult",
    "SampleResult",
    "UpdateResult",
]


_MAX_ANSWER_BYTES = 64 * 1024 * 1024
"""The most of an answer read: a state of 10,000 arms (the server's bound), each with its 100 last Q
values, takes about 50 MB."""
_MAX_ERROR_BYTES = 64 * 1024
"""The most of an error answer read: the server's message and the fields it names."""


class CurriculumArm(BaseModel):
    arm: str
    q: float
    probability: float
    pulls: int
    updates: int


class CurriculumState(BaseModel):
    curriculum: Literal["learner", "trainer"]
    step: int
    alpha: float
    temperature: float
    arms: list[CurriculumArm]

    def probabilities(self) -> dict[str, float]:
        return {a.arm: a.probability for a in self.arms}


class SampleResult(BaseModel):
    draws: list[str]
    probabilities: dict[str, float]
    step: int


class UpdatedArm(BaseModel):
    arm: str
    q: float


class UpdateResult(BaseModel):
    step: int
    arms: list[UpdatedArm]


class ResetResult(BaseModel):
    removed_arms: int = Field(alias="removedArms")
    step: int


class CurriculumError(Exception):
    """Arc answered with an error (its message and the fields it named), or could not be reached."""

    def __init__(self, message: str, status: int | None = None, fields: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.status = status
        #: The request's fields Arc named (``/arms``, ``/rewards``, ``/batchSize``...).
        self.fields = tuple(fields)

    @property
    def refused(self) -> bool:
        """Arc refused the request for what it holds, naming the field: more than 10,000 arms in it
        (a 400), or new arms past the 10,000 the curriculum keeps (a 409). Sending it again does not
        help until it changes or the curriculum is reset; a busy curriculum or a server out of reach
        is not a refusal."""
        return self.status in (400, 409) and len(self.fields) > 0


class CurriculumClient:
    """Talks to one Arc server with one key. Pass ``client`` to reuse an ``httpx.Client``. ``timeout``
    bounds each whole request, its answer included (with a ``client`` passed too)."""

    def __init__(
        self,
        url: str,
        api_key: str,
        *,
        timeout: float = 30.0,
        client: httpx.Client | None = None,
    ) -> None:
        self._url = url.rstrip("/")
        self._headers = {"authorization": f"Bearer {api_key}"}
        self._timeout = timeout
        self._client = client if client is not None else httpx.Client(timeout=timeout)

    def state(self, curriculum: Literal["learner", "trainer"] = "trainer") -> CurriculumState:
        return CurriculumState.model_validate(
            self._call("GET", "/v1/curriculum", params={"curriculum": curriculum})
        )

    def sample(self, arms: Sequence[str], batch_size: int) -> SampleResult:
        body = {"arms": list(arms), "batchSize": batch_size}
        return SampleResult.model_validate(self._call("POST", "/v1/curriculum/sample", json=body))

    def update(self, rewards: Mapping[str, float]) -> UpdateResult:
        body = {"rewards": dict(rewards)}
        return UpdateResult.model_validate(self._call("POST", "/v1/curriculum/update", json=body))

    def reset(self) -> ResetResult:
        """Starts the trainer curriculum afresh (``DELETE /v1/curriculum/trainer``): every arm dropped
        with its Q, pulls and history, the step back to 0."""
        return ResetResult.model_validate(self._call("DELETE", "/v1/curriculum/trainer"))

    def close(self) -> None:
        self._client.close()

    def _call(self, method: str, path: str, **kwargs: object) -> object:
        deadline = time.monotonic() + self._timeout
        try:
            with self._client.stream(
                method, f"{self._url}{path}", headers=self._headers, timeout=self._timeout, **kwargs  # type: ignore[arg-type]
            ) as response:
                status = response.status_code
                limit = _MAX_ANSWER_BYTES if response.is_success else _MAX_ERROR_BYTES
                raw = read_bounded(response, limit, deadline)
        except httpx.HTTPError as error:
            raise CurriculumError(f"cannot reach Arc at {self._url}: {error}") from error
        if raw is None:
            raise CurriculumError(f"HTTP {status}: the answer is larger than {limit} bytes", status)
        if 200 <= status < 300:
            return json.loads(raw)
        fields: list[str] = []
        try:
            answer = json.loads(raw)
            named = answer.get("details") or []
            details = "".join(f" ({d['path']} {d['message']})" for d in named)
            message = f"{answer['error']}{details}"
            fields = [str(d["path"]) for d in named]
        except (ValueError, KeyError, TypeError, AttributeError):
            message = f"HTTP {status}"
        raise CurriculumError(message, status, fields)
