"""What leaves the process about a call (packages/sdk/src/capture-context.ts, call-counters.ts): every
value is made a bounded JSON-safe copy and then redacted with core's rules, so a secret in an input,
an output, an error message or a traceback never reaches the wire. Events use the wire's field names.
"""

from __future__ import annotations

import errno
import json
import itertools
import math
import socket
import threading
import traceback
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ._json_safe import DEFAULT_BOUNDS, JsonBounds, js_length, js_slice
from ._redact import RedactOptions, Redactor, redact_identifier, redactor_for

COUNT_TAG = "arc.count"
# Canary tags, as core's canary-call-tags.ts names them (the server's tally reads them).
CANARY_ARM_TAG = "canary"
CANARY_FIX_IDS_TAG = "canaryFixIds"
RESCUE_FIX_ID_TAG = "rescueFixId"
CANARY_ATTEMPT_TAG = "canaryAttempt"
_ARC_TAGS = (COUNT_TAG, CANARY_ARM_TAG, CANARY_FIX_IDS_TAG, CANARY_ATTEMPT_TAG, RESCUE_FIX_ID_TAG)
"""Tags Arc adds to events itself: the host's tags may not take their names, or their room."""
# As the server takes an event's tags: a batch with one event past these is refused whole.
_MAX_EVENT_TAGS = 64
_MAX_TAG_KEY_LENGTH = 200
_MAX_HOST_TAGS = _MAX_EVENT_TAGS - len(_ARC_TAGS)
Event = dict[str, Any]

_MAX_CAUSE_DEPTH = 4
_MAX_SAFE_INTEGER = 2**53 - 1
MAX_MESSAGE_LENGTH = 4096
_MAX_STACK_LENGTH = 16_384
# An error type is a class's name, but the host may give a class any name (type(), __qualname__).
_MAX_ERROR_TYPE_LENGTH = 200
_SOCKET_CODES = {getattr(socket, n): n for n in dir(socket) if n.startswith("EAI_") and isinstance(getattr(socket, n), int)}

# Event ids make retried batches idempotent on the server: a random prefix per process and a counter.
_PREFIX = str(uuid.uuid4())
_COUNTER = itertools.count(1)


def base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = digits[r] + out
    return out or "0"


def next_event_id() -> str:
    return f"{_PREFIX}-{base36(next(_COUNTER))}"


@dataclass(frozen=True)
class CaptureOptions:
    agent_id: str | None = None
    """As sent: already through capture_identifier."""
    bounds: JsonBounds = DEFAULT_BOUNDS
    redact: RedactOptions | None = None
    key: str = field(default="", repr=False)
    """The API key. It keys the placeholders of secrets in names, as the server keys them with the key a
    request came with, so both ends name a function alike; it is never part of them."""

    @property
    def redactor(self) -> Redactor:
        return redactor_for(self.redact)


def capture_value(value: Any, options: CaptureOptions) -> Any:
    """A bounded, JSON-safe, redacted copy of ``value``."""
    return options.redactor.bounded(value, options.bounds)


def capture_identifier(text: str, max_length: int, options: CaptureOptions) -> str:
    """A name the host chose (a function, the agent, a worker, a call id) with each secret in it replaced
    by a placeholder that is the same every time (core's redactIdentifier, keyed by the API key)."""
    return redact_identifier(text, options.key, max_length, options.redact)


def capture_tags(tags: Mapping[str, str] | None, options: CaptureOptions) -> dict[str, str]:
    """Tags as sent: values under secret-sounding keys hidden, secrets in keys and values replaced.
    Tags the server would refuse raise a TypeError here, when a function is tracked: sent, they would
    cost every batch that carried one of the function's events, other functions' included."""
    if not tags:
        return {}
    if len(tags) > _MAX_HOST_TAGS:
        raise TypeError(f"tags: at most {_MAX_HOST_TAGS} (an event takes {_MAX_EVENT_TAGS}, and Arc adds up to {len(_ARC_TAGS)})")
    for key, value in tags.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise TypeError(f"tags: {key!r:.64} must be a string with a string value")
        if key in _ARC_TAGS:
            raise TypeError(f"tags: {key!r} is a tag Arc sets itself")
    redacted: dict[str, str] = options.redactor.value(dict(tags))[0]
    for key in redacted:
        if js_length(key) > _MAX_TAG_KEY_LENGTH:
            raise TypeError(f"tags: {key[:64]!r}... is longer than {_MAX_TAG_KEY_LENGTH} characters")
    return redacted


def capture_schema(schema: dict[str, Any], options: CaptureOptions) -> dict[str, Any]:
    """A declared output schema as sent: secrets in its strings replaced, its property schemas kept."""
    redacted: dict[str, Any] = options.redactor.schema(schema)
    return redacted


def capture_text(text: str, limit: int, options: CaptureOptions) -> str:
    # Redacted before the cut (for_cut), so that a secret across it keeps no head, and after (captureText).
    whole, unread = options.redactor.for_cut(text, limit)
    length = js_length(whole)
    if length <= limit:
        return whole
    return options.redactor.text(f"{js_slice(whole, limit)}…[truncated {length - limit + unread} chars]")


def error_type(error: BaseException) -> str:
    """The class, named by module as Python prints it (``openai.RateLimitError``); builtins bare."""
    cls = type(error)
    module = getattr(cls, "__module__", "builtins")
    name = getattr(cls, "__qualname__", cls.__name__)
    return name if module in ("builtins", "__main__") else f"{module}.{name}"


def _field(value: Any, key: str) -> Any:
    try:
        return getattr(value, key, None)
    except Exception:
        return None


def _next_cause(error: Any) -> Any:
    cause = _field(error, "__cause__")
    return cause if cause is not None else _field(error, "__context__")


def _as_status(value: Any) -> int | None:
    if isinstance(value, str) and len(value) == 3 and value.isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 100 <= value <= 599:
        return value
    return None


def error_status(error: BaseException) -> int | None:
    """The HTTP status of a failure: on the error, its response, or its causes."""
    node: Any = error
    for _ in range(_MAX_CAUSE_DEPTH):
        if node is None:
            break
        response = _field(node, "response")
        for candidate in (
            _field(node, "status_code"),
            _field(node, "status"),
            _field(response, "status_code"),
            _field(response, "status"),
        ):
            status = _as_status(candidate)
            if status is not None:
                return status
        node = _next_cause(node)
    return None


def error_code(error: BaseException) -> str | int | None:
    """The error code (a provider's ``code``, an OSError's errno name) on the error or its causes: a text,
    or an integer JavaScript holds exactly (the server refuses a batch with any other number as a code)."""
    node: Any = error
    for _ in range(_MAX_CAUSE_DEPTH):
        if node is None:
            break
        code = _field(node, "code")
        if isinstance(code, str) and code != "":
            return code
        if isinstance(code, int) and not isinstance(code, bool) and abs(code) <= _MAX_SAFE_INTEGER:
            return code
        number = _field(node, "errno") if isinstance(node, OSError) else None
        if isinstance(number, int):
            name = errno.errorcode.get(number) or _SOCKET_CODES.get(number)
            if name is not None:
                return name
        node = _next_cause(node)
    return None


def _message(error: BaseException) -> str:
    try:
        return str(error)
    except Exception:
        return "[Unreadable]"


def describe_error(error: BaseException, options: CaptureOptions) -> dict[str, Any]:
    described: dict[str, Any] = {
        "type": capture_text(error_type(error), _MAX_ERROR_TYPE_LENGTH, options),
        "message": capture_text(_message(error), MAX_MESSAGE_LENGTH, options),
    }
    try:
        stack = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    except Exception:
        stack = None
    if stack:
        described["stack"] = capture_text(stack, _MAX_STACK_LENGTH, options)
    status = error_status(error)
    if status is not None:
        described["status"] = status
    code = error_code(error)
    if code is not None:
        described["code"] = capture_text(code, 200, options) if isinstance(code, str) else code
    return described


@dataclass(frozen=True)
class AttemptRecord:
    function: str
    input: Any
    started_at: float
    duration_ms: float
    attempt: int
    fix_ids: tuple[str, ...]
    tags: Mapping[str, str]


def _base_event(kind: str, record: AttemptRecord, options: CaptureOptions) -> Event:
    event: Event = {
        "id": next_event_id(),
        "kind": kind,
        "function": record.function,
        "timestamp": int(round(record.started_at)),
        "durationMs": max(0.0, record.duration_ms),
        "attempt": record.attempt,
        "input": capture_value(record.input, options),
    }
    if options.agent_id is not None:
        event["agentId"] = options.agent_id
    if record.fix_ids:
        event["fixIds"] = list(record.fix_ids)
    if record.tags:
        event["tags"] = dict(record.tags)
    return event


def failure_event(record: AttemptRecord, error: BaseException, options: CaptureOptions, output: Any = None, has_output: bool = False) -> Event:
    event = _base_event("failure", record, options)
    event["error"] = describe_error(error, options)
    if has_output:
        event["output"] = capture_value(output, options)
    return event


def success_event(record: AttemptRecord, output: Any, options: CaptureOptions) -> Event:
    event = _base_event("success", record, options)
    event["output"] = capture_value(output, options)
    return event


# ---- exact counts (call-counters.ts) ----


@dataclass(frozen=True)
class OutcomeGroup:
    """The part of a call that identifies its aggregate bucket."""

    function: str
    fix_ids: tuple[str, ...]
    tags: Mapping[str, str]
    key: str
    """Made once from the three fields above (a string hashes once); equal keys aggregate together."""


def outcome_group(function: str, fix_ids: tuple[str, ...], tags: Mapping[str, str]) -> OutcomeGroup:
    if not fix_ids and not tags:
        return OutcomeGroup(function, fix_ids, tags, function)
    tag_text = json.dumps(sorted(tags.items()), ensure_ascii=False) if tags else ""
    return OutcomeGroup(function, fix_ids, tags, f"{function}\x00{','.join(fix_ids)}\x00{tag_text}")


@dataclass
class FunctionCounters:
    successes: int = 0
    failures: int = 0
    retries: int = 0
    sampled_successes: int = 0
    wrong_answers: int = 0
    """Calls that returned and were then judged wrong (by ``verify`` or ``arc.feedback``)."""
    verify_failures: int = 0
    """Runs of ``verify`` that raised, timed out, returned no verdict or found no thread (the call is left unjudged)."""
    unvalidated: int = 0
    """Sync calls left unvalidated, counted neither success nor failure: a validator of theirs answered with an
    awaitable, which a sync call has no event loop to run (the TypeScript SDK runs it after the call returns)."""


class CallCounters:
    """Exact per-function counts; successes not sent in full are counted into aggregate events."""

    def __init__(self, max_functions: float = math.inf, max_groups: float = math.inf, spill: Callable[[], None] | None = None) -> None:
        """``max_groups``: aggregates kept between drains, at most. A success of another group first has
        ``spill`` drain them (into the client's bounded queue, which counts what it drops): names built
        per request would otherwise grow them with the call rate for as long as no drain comes."""
        self.max_groups = max_groups
        self._spill = spill
        self._lock = threading.Lock()
        self._by_function: dict[str, FunctionCounters] = {}
        self._unsent: dict[str, list[Any]] = {}
        # The names state is kept for (counters here, fix polling, the rollout registry): functions
        # named per request must not grow an agent's memory and polling without a bound.
        self.max_functions = max_functions
        self._kept: set[str] = set()
        self.over_limit_calls = 0
        """Successes and failed attempts of functions past ``max_functions``: sent as events, not counted per function."""

    def keeps(self, function: str) -> bool:
        """Whether per-function state is kept for ``function``: yes for the first ``max_functions`` distinct names."""
        with self._lock:
            return self._keeps(function)

    def _keeps(self, function: str) -> bool:
        if function in self._kept:
            return True
        if len(self._kept) >= self.max_functions:
            return False
        self._kept.add(function)
        return True

    def _counters(self, function: str) -> FunctionCounters | None:
        counters = self._by_function.get(function)
        if counters is None:
            if not self._keeps(function):
                return None
            counters = self._by_function[function] = FunctionCounters()
        return counters

    def success(self, group: OutcomeGroup, sampled: bool) -> None:
        with self._lock:
            counters = self._counters(group.function)
            if counters is None:
                self.over_limit_calls += 1
            else:
                counters.successes += 1
                if sampled:
                    counters.sampled_successes += 1
            if sampled or self._aggregate(group):
                return
        # Outside the lock: the spill takes the transport's lock, whose pump takes this one to drain.
        if self._spill is not None:
            self._spill()
            with self._lock:
                # Still full (other threads' groups came first): counted above, aggregated nowhere.
                self._aggregate(group)

    def _aggregate(self, group: OutcomeGroup) -> bool:
        """Under the lock: counts the success into its group's aggregate; False when the groups are full."""
        pending = self._unsent.get(group.key)
        if pending is not None:
            pending[1] += 1
        elif len(self._unsent) < self.max_groups:
            self._unsent[group.key] = [group, 1]
        else:
            return False
        return True

    def failure(self, function: str) -> None:
        with self._lock:
            counters = self._counters(function)
            if counters is None:
                self.over_limit_calls += 1
            else:
                counters.failures += 1

    def retry(self, function: str) -> None:
        with self._lock:
            counters = self._counters(function)
            if counters is not None:
                counters.retries += 1

    def wrong_answer(self, function: str) -> None:
        with self._lock:
            counters = self._counters(function)
            if counters is not None:
                counters.wrong_answers += 1

    def unvalidated(self, function: str) -> None:
        with self._lock:
            counters = self._counters(function)
            if counters is not None:
                counters.unvalidated += 1

    def verify_failure(self, function: str) -> None:
        with self._lock:
            counters = self._counters(function)
            if counters is not None:
                counters.verify_failures += 1

    def drain_aggregates(self, agent_id: str | None, now_ms: float) -> list[Event]:
        with self._lock:
            unsent = list(self._unsent.values())
            self._unsent.clear()
        events: list[Event] = []
        for group, count in unsent:
            event: Event = {
                "id": next_event_id(),
                "kind": "success",
                "function": group.function,
                "timestamp": int(now_ms),
                "tags": {**group.tags, COUNT_TAG: str(count)},
            }
            if agent_id is not None:
                event["agentId"] = agent_id
            if group.fix_ids:
                event["fixIds"] = list(group.fix_ids)
            events.append(event)
        return events

    def snapshot(self) -> dict[str, FunctionCounters]:
        with self._lock:
            return {name: FunctionCounters(**vars(c)) for name, c in self._by_function.items()}
