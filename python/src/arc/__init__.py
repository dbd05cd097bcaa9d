"""Arc's Python SDK: capture an agent's failures, apply the fixes Arc learns, never break the agent.

>>> from arc import track_failures
>>> @track_failures            # configured by ARC_ENDPOINT, ARC_API_KEY and ARC_AGENT_ID
... def plan(task: str) -> dict: ...

Or with an explicit client: ``arc = ArcClient(ArcConfig(api_key=..., endpoint=..., agent_id=...))``
and ``@arc.track``. ``arc.shutdown(timeout=2.0)`` flushes (it also runs at interpreter exit).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, overload

from ._call_shape import CallShape, PathCallShape, path_call_shape
from ._appliers import NormalizedCall
from ._client import ArcClient, ArcConfig, ArcStats, default
from ._feedback import FeedbackSettings, FeedbackStats
from ._fix_cache import FixCacheStats
from ._json_safe import JsonBounds
from ._redact import RedactOptions, SecretPattern
from ._runner import OutputShape, RetrySettings, ReturnedCallInfo
from ._transport import TransportStats
from ._validators import Issue, ValidationError
from ._verdict import Verdict, VerifyResult
from ._worker import RolloutJob, RolloutWorker, RolloutWorkerStats

F = TypeVar("F", bound=Callable[..., Any])

__version__ = "0.1.0"


def get_client() -> ArcClient:
    """The client behind ``track_failures`` and the module-level functions (made from the environment on first use)."""
    return default.get()


def configure(config: ArcConfig | None = None, **overrides: Any) -> ArcClient:
    """Makes the default client from ``config`` (instead of the environment) and returns it."""
    client = ArcClient(config, **overrides)
    default.set(client)
    return client


@overload
def track_failures(fn: F, /) -> F: ...


@overload
def track_failures(name: str | None = None, /, **options: Any) -> Callable[[F], F]: ...


def track_failures(fn_or_name: Any = None, /, **options: Any) -> Any:
    """``@track_failures`` on the default client; takes ``ArcClient.track``'s options."""
    return get_client().track(fn_or_name, **options)


def feedback(call_id: str, score: float | bool | Verdict, label: str | None = None, message: str | None = None) -> None:
    """A verdict on a call of the default client (``ArcClient.feedback``); never raises or blocks."""
    get_client().feedback(call_id, score, label, message)


def flush(timeout: float | None = 5.0) -> None:
    get_client().flush(timeout)


async def aflush(timeout: float | None = 5.0) -> None:
    await get_client().aflush(timeout)


def shutdown(timeout: float = 2.0) -> None:
    """Flushes the default client within ``timeout`` seconds; never raises."""
    get_client().shutdown(timeout)


async def ashutdown(timeout: float = 2.0) -> None:
    await get_client().ashutdown(timeout)


def stats() -> ArcStats:
    return get_client().stats()


__all__ = [
    "ArcClient",
    "ArcConfig",
    "ArcStats",
    "CallShape",
    "FeedbackSettings",
    "FeedbackStats",
    "FixCacheStats",
    "Issue",
    "JsonBounds",
    "NormalizedCall",
    "OutputShape",
    "PathCallShape",
    "RedactOptions",
    "RetrySettings",
    "ReturnedCallInfo",
    "RolloutJob",
    "RolloutWorker",
    "RolloutWorkerStats",
    "SecretPattern",
    "TransportStats",
    "ValidationError",
    "Verdict",
    "VerifyResult",
    "aflush",
    "ashutdown",
    "configure",
    "feedback",
    "flush",
    "get_client",
    "path_call_shape",
    "shutdown",
    "stats",
    "track_failures",
]
