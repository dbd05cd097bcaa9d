"""``ArcClient`` and ``ArcConfig`` (packages/sdk/src/create-arc.ts and track.ts): the client tracks
functions, sends their outcomes, keeps their deployed fixes and runs rollout workers. Malformed
configuration raises here, at start-up; from then on nothing Arc does raises into the host or
blocks it beyond the bounds configured.
"""

from __future__ import annotations

import asyncio
import atexit
import functools
import inspect
import json
import os
import random as _random
import threading
import time
import weakref
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar, overload
from urllib.parse import urlsplit

from ._call_shape import CallShape
from ._capture import CallCounters, CaptureOptions, Event, FunctionCounters, capture_identifier, capture_schema
from ._feedback import IDLE_FEEDBACK_STATS, FeedbackReporter, FeedbackSettings, FeedbackStats
from ._fix_cache import FixCache, FixCacheStats
from ._json_safe import DEFAULT_BOUNDS, JsonBounds, dumps, js_length
from ._own_thread import in_own_thread
from ._redact import RedactOptions
from ._runner import CallRunner, OutputShape, RetrySettings, ReturnedCallInfo, RunnerOptions, Runtime
from ._transport import EventTransport, TransportStats
from ._validators import takes_arguments, validator_list
from ._verdict import Verdict, VerifyResult
from .fixes import DeployedFix

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

_VERSION = "0.1.0"
_MAX_NAME_LENGTH = 256
_MAX_AGENT_ID_LENGTH = 200
_MAX_SCHEMA_LENGTH = 32 * 1024
_MAX_SCHEMA_DEPTH = 32


@dataclass(frozen=True)
class ArcConfig:
    """How an ``ArcClient`` reaches Arc and how much it may spend. Times are in seconds.

    ``api_key``, ``endpoint`` and ``agent_id`` default to the ``ARC_API_KEY``, ``ARC_ENDPOINT`` and
    ``ARC_AGENT_ID`` environment variables.
    """

    api_key: str | None = None
    endpoint: str | None = None
    agent_id: str | None = None
    success_sample_rate: float = 0.1
    """Share of successful calls sent in full; the others are counted exactly in aggregate events."""
    redact: RedactOptions | None = None
    """Extra redaction on top of core's rules, which always apply."""
    bounds: JsonBounds = DEFAULT_BOUNDS
    flush_interval: float = 1.0
    batch_size: int = 100
    max_queue: int = 10_000
    """Events kept while the server cannot take them; the oldest are dropped (and counted) past it."""
    max_batch_bytes: int = 512 * 1024
    request_timeout: float = 5.0
    max_send_attempts: int = 5
    fixes: bool = True
    """Fetch and apply deployed fixes."""
    fix_poll_interval: float = 30.0
    fix_max_response_bytes: int = 4 * 1024 * 1024
    """A fixes answer larger than this is refused, and the fixes already loaded are kept."""
    validator_timeout: float = 5.0
    """How long async validators may hold a call before its output counts as invalid."""
    retry: RetrySettings = field(default_factory=RetrySettings)
    feedback: FeedbackSettings = field(default_factory=FeedbackSettings)
    max_functions: int = 1000
    """Distinct function names kept track of: their counters in ``stats().functions``, their fix polling
    and their rollouts. Calls of functions named past it (say, a name built per request) still run and
    are still sent as events, but get no fixes and no per-function state; they are counted in
    ``stats().over_limit_calls``."""
    """Verdicts (``arc.feedback``, track's ``verify``): a score below ``threshold`` is a wrong answer; the
    last ``recent_calls`` calls that returned can be judged after the fact; ``verify`` is given up on
    after ``verify_timeout`` seconds."""
    disabled: bool = False
    """Track nothing and send nothing: decorators return the function itself."""
    random: Callable[[], float] | None = None
    """Uniform in [0, 1), for success sampling and jitter (default random.random)."""
    on_internal_error: Callable[[BaseException], None] | None = None
    """Told about errors caught inside Arc's work (its bugs, hooks that raised), which are otherwise only counted."""


@dataclass(frozen=True)
class ArcStats:
    transport: TransportStats
    internal_errors: int
    """Errors caught inside Arc's work before they could reach the host: its bugs, option hooks that raised."""
    functions: dict[str, FunctionCounters]
    fixes: FixCacheStats | None
    feedback: FeedbackStats
    """Verdicts sent to ``/v1/feedback`` (like events), and those that could not be matched to a call or read."""
    over_limit_calls: int = 0
    """Successes and failed attempts of functions named past ``max_functions``, which ``functions`` leaves out."""


def _positive(value: float, name: str, integer: bool = True) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0 or (integer and not isinstance(value, int)):
        raise TypeError(f"ArcConfig: {name} must be a positive {'integer' if integer else 'number'}")


def _share(value: float, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise TypeError(f"ArcConfig: {name} must be a number between 0 and 1")


def _base_url(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise TypeError("ArcConfig: endpoint must be an http(s) URL")
    return endpoint.rstrip("/")


def tracked_name(name: Any, capture: CaptureOptions) -> str:
    """The name a function is tracked under: the host's, checked (a TypeError when it is no name), with any
    secret in it replaced by a stable placeholder (capture_identifier). Events, fix polling, verdicts and
    rollout leases all use this name, so they agree with each other and with the server."""
    if not isinstance(name, str) or name.strip() == "" or js_length(name) > _MAX_NAME_LENGTH:
        raise TypeError(f"a tracked function's name must be a non-empty string of at most {_MAX_NAME_LENGTH} characters")
    return capture_identifier(name, _MAX_NAME_LENGTH, capture)


def _depth(value: Any, depth: int) -> int:
    if isinstance(value, dict):
        return max([depth, *(_depth(v, depth + 1) for v in value.values())])
    if isinstance(value, list):
        return max([depth, *(_depth(v, depth + 1) for v in value)])
    return depth - 1


def declared_output_schema(option: Any, where: str, capture: CaptureOptions) -> dict[str, Any] | None:
    """The declared schema as plain JSON data (a JSON Schema dict or a pydantic model's), checked
    against the server's bounds, as it is and as it is sent (redacted with ``capture``); a TypeError
    naming ``where`` otherwise."""
    if option is None:
        return None
    schema_of = getattr(option, "model_json_schema", None)
    if isinstance(option, type) and callable(schema_of):
        option = schema_of()
    if not isinstance(option, dict):
        raise TypeError(f"{where}: output_schema must be a JSON Schema dict or a pydantic model class")
    try:
        text = json.dumps(option, allow_nan=False, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError, RecursionError) as error:
        raise TypeError(f"{where}: output_schema must hold only JSON data ({error})") from None
    # In JavaScript's characters (UTF-16 code units), as the server counts them.
    length = js_length(text)
    if length > _MAX_SCHEMA_LENGTH:
        raise TypeError(f"{where}: output_schema must be at most {_MAX_SCHEMA_LENGTH} characters as JSON (is {length})")
    schema: dict[str, Any] = json.loads(text)
    if _depth(schema, 1) > _MAX_SCHEMA_DEPTH:
        raise TypeError(f"{where}: output_schema must not nest deeper than {_MAX_SCHEMA_DEPTH}")
    # Redaction can lengthen it (a short email's placeholder is longer than the email), and the
    # server refuses a batch with one event whose schema is past the bound.
    sent = js_length(dumps(capture_schema(schema, capture)))
    if sent > _MAX_SCHEMA_LENGTH:
        raise TypeError(f"{where}: output_schema, redacted as it is sent, must be at most {_MAX_SCHEMA_LENGTH} characters as JSON (is {sent})")
    return schema


@dataclass(frozen=True)
class Registration:
    """What a function was tracked with, so a rollout worker replays it the same way."""

    runner: CallRunner
    options: RunnerOptions
    replay_args: Callable[[Any], tuple[tuple[Any, ...], dict[str, Any]]] | None


_TRACK_OPTIONS = frozenset(
    (
        "validators", "throw_on_invalid", "call_shape", "output", "parse", "call_key", "input", "replay_args", "tags",
        "output_schema", "call_id", "verify", "on_call",
    )
)
_clients: weakref.WeakSet[ArcClient] = weakref.WeakSet()


def _is_async(fn: Callable[..., Any]) -> bool:
    # As declared, not as what it wraps: a sync face on a coroutine function (asgiref's async_to_sync)
    # returns values. One that returns awaitables all the same is tracked once they are awaited.
    return inspect.iscoroutinefunction(fn)


def verify_options(verify: Any, where: str) -> dict[str, Any]:
    """The runner's options for a host's ``verify``: ``(output)`` or ``(output, arguments)``, sync or async."""
    if verify is None:
        return {}
    if not callable(verify):
        raise TypeError(f"{where}: verify must be callable")
    with_arguments = takes_arguments(verify)
    run = (lambda output, arguments: verify(output, arguments)) if with_arguments else (lambda output, arguments: verify(output))
    in_loop = _is_async(verify) or _is_async(getattr(verify, "__call__", verify))
    return {"verify": run, "verify_in_loop": in_loop}


class ArcClient:
    """An Arc client: ``@client.track`` wraps functions, ``client.shutdown()`` flushes.

    >>> arc = ArcClient(ArcConfig(api_key="arc_...", endpoint="http://127.0.0.1:4317", agent_id="bot"))
    """

    def __init__(self, config: ArcConfig | None = None, **overrides: Any) -> None:
        config = config or ArcConfig()
        if overrides:
            config = ArcConfig(**{**{f: getattr(config, f) for f in config.__dataclass_fields__}, **overrides})
        api_key = config.api_key or os.environ.get("ARC_API_KEY")
        endpoint = config.endpoint or os.environ.get("ARC_ENDPOINT")
        agent_id = config.agent_id or os.environ.get("ARC_AGENT_ID") or None
        self.config = config
        self.disabled = config.disabled
        self._internal_errors = 0
        self._registry: dict[str, Registration] = {}
        self._workers: list[Any] = []
        self._shutdown_lock = threading.Lock()
        self._closed = False
        if self.disabled:
            self._capture = CaptureOptions()
            self._transport: EventTransport | None = None
            self._feedback_transport: EventTransport | None = None
            self._verdicts: FeedbackReporter | None = None
            self._fix_cache: FixCache | None = None
            self._counters = CallCounters()
            self.endpoint = ""
            self._api_key = ""
            return
        if isinstance(api_key, str):
            # Read from a file or a secret store, a key may come with its line break, which HTTP trims.
            api_key = api_key.strip()
        if not isinstance(api_key, str) or api_key == "":
            raise TypeError("ArcConfig: api_key is required (or set ARC_API_KEY)")
        if not api_key.isascii() or not api_key.isprintable() or " " in api_key:
            raise TypeError("ArcConfig: api_key must be printable ASCII without spaces (it goes in a header)")
        if not isinstance(endpoint, str) or endpoint == "":
            raise TypeError("ArcConfig: endpoint is required (or set ARC_ENDPOINT)")
        self.endpoint = _base_url(endpoint)
        self._api_key = api_key
        for name in ("batch_size", "max_queue", "max_batch_bytes", "max_send_attempts", "fix_max_response_bytes", "max_functions"):
            _positive(getattr(config, name), name)
        for name in ("flush_interval", "request_timeout", "fix_poll_interval", "validator_timeout"):
            _positive(getattr(config, name), name, integer=False)
        _share(config.success_sample_rate, "success_sample_rate")
        _positive(config.retry.max_attempts, "retry.max_attempts")
        _positive(config.retry.max_total, "retry.max_total", integer=False)
        _share(config.retry.fix_confidence, "retry.fix_confidence")
        _share(config.feedback.threshold, "feedback.threshold")
        _positive(config.feedback.verify_timeout, "feedback.verify_timeout", integer=False)
        if isinstance(config.feedback.recent_calls, bool) or not isinstance(config.feedback.recent_calls, int) or config.feedback.recent_calls < 0:
            raise TypeError("ArcConfig: feedback.recent_calls must be an integer >= 0")
        random = config.random or _random.random
        capture = CaptureOptions(bounds=config.bounds, redact=config.redact, key=api_key)
        if agent_id is not None:
            capture = replace(capture, agent_id=capture_identifier(agent_id, _MAX_AGENT_ID_LENGTH, capture))
        self._capture = capture

        def aggregates() -> list[Event]:
            return counters.drain_aggregates(capture.agent_id, time.time() * 1000)

        def spill() -> None:
            for event in aggregates():
                transport.enqueue(event)

        # No more aggregates wait than the queue they are drained into holds.
        counters = CallCounters(config.max_functions, config.max_queue, spill)
        self._counters = counters
        headers = {"user-agent": f"arc-agent-python/{_VERSION}"}
        sending: dict[str, Any] = dict(
            api_key=api_key,
            batch_size=config.batch_size,
            max_queue=config.max_queue,
            max_batch_bytes=config.max_batch_bytes,
            flush_interval=config.flush_interval,
            request_timeout=config.request_timeout,
            max_attempts=config.max_send_attempts,
            random=random,
            headers=headers,
        )
        transport = self._transport = EventTransport(
            url=f"{self.endpoint}/v1/events",
            collect=aggregates,
            **sending,
        )
        # Verdicts travel like events, on their own queue: a backlog of either cannot crowd out the other.
        self._feedback_transport = EventTransport(
            url=f"{self.endpoint}/v1/feedback", body_key="feedback", name="arc-feedback", **sending
        )
        self._fix_cache = (
            FixCache(
                url=f"{self.endpoint}/v1/fixes",
                api_key=api_key,
                interval=config.fix_poll_interval,
                request_timeout=config.request_timeout,
                max_response_bytes=config.fix_max_response_bytes,
                headers=headers,
            )
            if config.fixes
            else None
        )
        cache = self._fix_cache
        self._verdicts = FeedbackReporter(self._feedback_transport, config.feedback, capture, counters, self._internal_error)
        self._runtime = Runtime(
            capture=capture,
            success_sample_rate=config.success_sample_rate,
            random=random,
            retry=config.retry,
            counters=counters,
            send=self._transport.enqueue,
            watch=lambda name: cache.watch(name) if cache is not None and counters.keeps(name) else None,
            fixes_for=(cache.fixes_for if cache is not None else lambda name: ()),
            internal_error=self._internal_error,
            validator_timeout=config.validator_timeout,
            verdicts=self._verdicts,
        )
        _clients.add(self)

    def _internal_error(self, error: BaseException) -> None:
        self._internal_errors += 1
        if self.config.on_internal_error is not None:
            try:
                self.config.on_internal_error(error)
            except Exception:
                pass  # the host's own hook failing must not become an error of Arc's in the host

    @property
    def runtime(self) -> Runtime | None:
        """The services behind this client, for integrations; None when disabled."""
        return None if self.disabled else self._runtime

    # ---- tracking ----

    @overload
    def track(self, fn: F, /) -> F: ...

    @overload
    def track(
        self,
        name: str | None = None,
        /,
        *,
        validators: Any = None,
        throw_on_invalid: bool = False,
        call_shape: CallShape | None = None,
        output: OutputShape | None = None,
        parse: Callable[[Any], Any] | None = None,
        call_key: Callable[..., Any] | None = None,
        input: Callable[..., Any] | None = None,
        replay_args: Callable[[Any], tuple[tuple[Any, ...], dict[str, Any]]] | None = None,
        tags: Mapping[str, str] | None = None,
        output_schema: Any = None,
        call_id: Callable[..., str] | None = None,
        verify: Callable[..., VerifyResult | Awaitable[VerifyResult]] | None = None,
        on_call: Callable[[ReturnedCallInfo], Any] | None = None,
    ) -> Callable[[F], F]: ...

    def track(self, fn_or_name: Any = None, /, **options: Any) -> Any:
        """Tracks a function: ``@arc.track``, ``@arc.track("invoice.extract")`` or ``@arc.track(validators=[Invoice])``.

        The wrapper keeps the function's name, signature and kind (sync stays sync, async stays async);
        its results and exceptions reach the caller untouched. Options:

        - ``validators``: pydantic model classes, TypeAdapters or callables ``(output) -> True | str``;
          a failed one makes the call a failure (the output is still returned unless ``throw_on_invalid``).
        - ``parse``: turns the (repaired) output into what validators check; raising makes it invalid.
        - ``call_shape``: where the prompt, messages and parameters live (``path_call_shape(...)``), so fixes apply.
        - ``output``: the part of the result repair and validators see (``OutputShape(get, set)``).
        - ``call_key``: identifies a call for canary assignment (``(*args, **kwargs) -> str``).
        - ``input`` / ``replay_args``: what events record as the input, and how workers rebuild the call from it.
        - ``tags``, ``output_schema`` (a JSON Schema dict or a pydantic model class).
        - ``call_id``: names each call for ``arc.feedback(call_id, ...)`` (``(*args, **kwargs) -> str``, a
          request id the host has); Arc generates one otherwise, which ``on_call`` is told.
        - ``verify``: scores each call that returned and passed its validators, off the call's path
          (``(output) -> Verdict | float | bool``, optionally ``(output, arguments)``, sync or async); below
          the threshold (0.5) a wrong answer, reported like ``arc.feedback``. A verify that raises, hangs
          past ``feedback.verify_timeout`` or answers something else is counted (``verify_failures``),
          never felt by the host. Rollout workers score this function's replays with it too.
        - ``on_call``: told of each call that returned (``ReturnedCallInfo``: its ``call_id``, arguments, output).
        """
        unknown = set(options) - _TRACK_OPTIONS
        if unknown:
            raise TypeError(f"arc.track: unknown option(s) {', '.join(sorted(unknown))}")
        if callable(fn_or_name) and not isinstance(fn_or_name, str):
            return self._wrap(fn_or_name, None, options)
        name = fn_or_name
        return lambda fn: self._wrap(fn, name, options)

    def _wrap(self, fn: F, name: str | None, options: Mapping[str, Any]) -> F:
        if not callable(fn):
            raise TypeError("arc.track needs a function to wrap")
        if inspect.isclass(fn):
            # Its wrapper would be a function: isinstance and subclassing would then fail in the host.
            raise TypeError(
                f"arc.track: {fn.__qualname__} is a class, which a tracked function could not stand for (isinstance, "
                "subclasses); track a function that builds it, or its methods"
            )
        tracked = tracked_name(name if name is not None else getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None), self._capture)
        for option in ("parse", "call_key", "input", "replay_args", "call_id", "on_call"):
            if options.get(option) is not None and not callable(options[option]):
                raise TypeError(f"arc.track: {option} must be callable")
        runner_options = RunnerOptions(
            validators=validator_list(options.get("validators")),
            throw_on_invalid=bool(options.get("throw_on_invalid", False)),
            call_shape=options.get("call_shape"),
            output=options.get("output"),
            call_key=options.get("call_key"),
            input=options.get("input"),
            tags=dict(options.get("tags") or {}),
            parse=_parse_output(options.get("parse")),
            output_schema=declared_output_schema(options.get("output_schema"), "arc.track", self._capture),
            call_id=options.get("call_id"),
            on_call=options.get("on_call"),
            **verify_options(options.get("verify"), "arc.track"),
        )
        if self.disabled:
            return fn
        if inspect.isgeneratorfunction(fn) or inspect.isasyncgenfunction(fn):
            checked = [o for o in ("validators", "parse", "output", "verify", "on_call", "throw_on_invalid") if options.get(o)]
            if checked:
                raise TypeError(f"arc.track: a generator function's output is not checked; {', '.join(checked)} cannot apply")
        runner = CallRunner(self._runtime, tracked, fn, runner_options)
        if inspect.isgeneratorfunction(fn) or inspect.isasyncgenfunction(fn):
            wrapper: Any = _tracked_iteration(fn, runner)
        elif _is_async(fn):

            @functools.wraps(fn)
            async def tracked_async(*args: Any, **kwargs: Any) -> Any:
                return await runner.run_async(args, kwargs)

            wrapper = tracked_async
        else:

            @functools.wraps(fn)
            def tracked_sync(*args: Any, **kwargs: Any) -> Any:
                return runner.run(args, kwargs)

            wrapper = tracked_sync
        wrapper.__arc_original__ = getattr(fn, "__arc_original__", fn)
        replay = options.get("replay_args")
        if replay is None and options.get("input") is None:
            replay = replay_recorded_arguments
        if self._counters.keeps(tracked):
            self._registry[tracked] = Registration(runner, runner_options, replay)
        return wrapper  # type: ignore[no-any-return]

    # ---- verdicts ----

    def feedback(self, call_id: str, score: float | bool | Verdict, label: str | None = None, message: str | None = None) -> None:
        """Reports a verdict on a call that returned: ``score`` in [0, 1] (or a boolean, or a ``Verdict``),
        with an optional ``label`` (what was wrong, e.g. ``wrong_unit``) and ``message``. ``call_id`` is the
        one track's ``call_id`` named, or the one ``on_call`` was told; the call must be among the last
        ``feedback.recent_calls`` that returned. Below the threshold (0.5) the call is a wrong answer, a
        failure whose pattern Arc learns fixes for by replaying the call's input. One verdict counts per
        call. Never raises or blocks: queued and sent like events; an unknown call or a malformed verdict
        is only counted (``stats().feedback``)."""
        if self._verdicts is None:
            return
        verdict: Any = score
        if label is not None or message is not None:
            verdict = {"score": score, "label": label, "message": message}
        self._verdicts.feedback(call_id, verdict)

    # ---- fixes, workers, lifecycle ----

    def fixes_for(self, function: str) -> tuple[DeployedFix, ...]:
        """The fixes currently deployed for a tracked function (named as the host named it)."""
        if self._fix_cache is None or not isinstance(function, str):
            return ()
        return self._fix_cache.fixes_for(capture_identifier(function, _MAX_NAME_LENGTH, self._capture))

    def refresh_fixes(self) -> None:
        """Polls the server for fixes now; never raises."""
        if self._fix_cache is not None:
            self._fix_cache.refresh()

    async def arefresh_fixes(self) -> None:
        await in_own_thread(self.refresh_fixes)

    def registration(self, name: str) -> Registration | None:
        """What the function ``name`` (as the host named it, or as tracked) was tracked with."""
        return self._registry.get(capture_identifier(name, _MAX_NAME_LENGTH, self._capture))

    def worker(self, functions: Mapping[str, Callable[..., Any]], **options: Any) -> Any:
        """Starts a rollout worker in a background thread; see ``arc.RolloutWorker``."""
        from ._worker import RolloutWorker

        worker = RolloutWorker(self, functions, **options)
        if not self._closed:  # after shutdown a worker leases nothing
            worker.start_thread()
            self._workers.append(worker)
        return worker

    async def aworker(self, functions: Mapping[str, Callable[..., Any]], **options: Any) -> Any:
        """Starts a rollout worker as a task of the running event loop (for async functions bound to it)."""
        from ._worker import RolloutWorker

        worker = RolloutWorker(self, functions, **options)
        if not self._closed:
            worker.start_task()
            self._workers.append(worker)
        return worker

    def flush(self, timeout: float | None = 5.0) -> None:
        """Sends queued events now and waits for the attempt, at most ``timeout`` seconds; never raises."""
        deadline = None if timeout is None else time.monotonic() + timeout
        for transport in (self._transport, self._feedback_transport):
            if transport is not None:
                transport.flush(None if deadline is None else max(0.0, deadline - time.monotonic()))

    async def aflush(self, timeout: float | None = 5.0) -> None:
        await in_own_thread(self.flush, timeout)

    def shutdown(self, timeout: float = 2.0) -> None:
        """Stops polling and sends what is queued, returning within ``timeout`` seconds; never raises."""
        with self._shutdown_lock:
            if self._closed or self.disabled:
                self._closed = True
                return
            self._closed = True
        deadline = time.monotonic() + max(0.0, timeout)
        try:
            for worker in self._workers:
                worker.stop(timeout=max(0.0, (deadline - time.monotonic()) / 2), wait=False)
            if self._fix_cache is not None:
                self._fix_cache.stop()
            # Both queues send what they hold at once, by the same deadline.
            closing = [t for t in (self._transport, self._feedback_transport) if t is not None and t.close(deadline)]
            for transport in closing:
                transport.join(deadline)
        except Exception as error:
            self._internal_error(error)

    async def ashutdown(self, timeout: float = 2.0) -> None:
        await in_own_thread(self.shutdown, timeout)

    def stats(self) -> ArcStats:
        transport = self._transport.stats() if self._transport is not None else TransportStats(0, 0, 0, 0, 0, None)
        return ArcStats(
            transport=transport,
            internal_errors=self._internal_errors,
            functions=self._counters.snapshot(),
            fixes=self._fix_cache.stats() if self._fix_cache is not None else None,
            feedback=self._verdicts.stats() if self._verdicts is not None else IDLE_FEEDBACK_STATS,
            over_limit_calls=self._counters.over_limit_calls,
        )


def _parse_output(parse: Callable[[Any], Any] | None) -> Callable[[Any, tuple[Any, ...], dict[str, Any]], Any] | None:
    return None if parse is None else (lambda value, args, kwargs: parse(value))


def replay_recorded_arguments(recorded: Any) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The default replay: the recorded arguments by parameter name (bound to the function by the worker)."""
    if not isinstance(recorded, dict):
        raise TypeError("the recorded input is not an argument mapping")
    if set(recorded) == {"args", "kwargs"} and isinstance(recorded["args"], list) and isinstance(recorded["kwargs"], dict):
        return tuple(recorded["args"]), dict(recorded["kwargs"])
    return (), dict(recorded)


@atexit.register
def _flush_at_exit() -> None:
    for client in list(_clients):
        client.shutdown(timeout=2.0)


class _Deferred(Generic[T]):
    """A value made on first use, once, even from several threads."""

    def __init__(self, make: Callable[[], T]) -> None:
        self._make = make
        self._value: T | None = None
        self._lock = threading.Lock()

    def get(self) -> T:
        if self._value is None:
            with self._lock:
                if self._value is None:
                    self._value = self._make()
        return self._value

    def set(self, value: T) -> None:
        with self._lock:
            self._value = value


def _default_client() -> ArcClient:
    if not os.environ.get("ARC_API_KEY") or not os.environ.get("ARC_ENDPOINT"):
        import warnings

        warnings.warn(
            "arc: ARC_ENDPOINT and ARC_API_KEY are not set, so track_failures tracks nothing", RuntimeWarning, stacklevel=5
        )
        return ArcClient(ArcConfig(disabled=True))
    return ArcClient()


default = _Deferred(_default_client)


def _tracked_iteration(fn: Callable[..., Any], runner: CallRunner) -> Any:
    """The wrapper of a generator (or async generator) function, itself one: it hands the host's
    values, ``send``, ``throw`` and ``close`` through, and tracks the call until the iteration ends."""
    if inspect.isgeneratorfunction(fn):

        @functools.wraps(fn)
        def tracked_generator(*args: Any, **kwargs: Any) -> Any:
            inner, iteration = runner.iteration(args, kwargs)
            try:
                returned = yield from inner
            except Exception as error:
                iteration.failed(error)
                raise
            iteration.succeeded(returned)
            return returned

        return tracked_generator

    @functools.wraps(fn)
    async def tracked_async_generator(*args: Any, **kwargs: Any) -> Any:
        inner, iteration = runner.iteration(args, kwargs)
        try:
            value = await inner.__anext__()
            while True:
                try:
                    sent = yield value
                except GeneratorExit:
                    await inner.aclose()
                    raise
                except BaseException as thrown:  # athrow: the host's exception goes in as it is
                    value = await inner.athrow(thrown)
                else:
                    value = await inner.asend(sent)
        except StopAsyncIteration:
            iteration.succeeded(None)
        except GeneratorExit:
            raise
        except (Exception, asyncio.CancelledError) as error:
            iteration.failed(error)
            raise

    return tracked_async_generator
