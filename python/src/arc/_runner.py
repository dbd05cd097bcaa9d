"""Runs one tracked call (packages/sdk/src/call-runner.ts): applies the deployed fixes it is assigned,
makes the attempt, repairs and validates the output, reports the outcome, and retries when a fix
calls for it.

Two rules shape every line. The host's function runs exactly as it would without Arc: a sync
function stays sync, its own exceptions reach the caller as the same objects, its result is
returned as it is. And Arc's own work is guarded: anything of ours that raises is counted as an
internal error and the call carries on as if Arc were not there.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from ._appliers import NO_INPUT, apply_call_fixes, apply_output_fixes, backoff_delay, changes_call, retry_policy_covers
from ._call_shape import CallShape
from ._canary import canary_arm
from ._capture import (
    CANARY_ARM_TAG,
    CANARY_ATTEMPT_TAG,
    CANARY_FIX_IDS_TAG,
    RESCUE_FIX_ID_TAG,
    AttemptRecord,
    CallCounters,
    CaptureOptions,
    Event,
    OutcomeGroup,
    capture_schema,
    capture_tags,
    failure_event,
    outcome_group,
    success_event,
)
from ._fingerprint import fingerprint_failure
from ._recent_calls import ReturnedCall
from ._validators import CompiledValidator, run_one, timed_out
from .fixes import AnySimpleFix, DeployedFix, FewShotFix, OutputRepairFix, RetryPolicyFix, fix_parts

if TYPE_CHECKING:
    from ._feedback import CallVerdicts

T = TypeVar("T")

# How often failure events repeat the declared output schema (the server keeps the latest).
OUTPUT_SCHEMA_RESEND = 60.0


@dataclass(frozen=True)
class RetrySettings:
    max_attempts: int = 3
    """Attempts per call in all, the first included, whatever the fixes say."""
    max_total: float = 30.0
    """No retry starts once this many seconds have passed since the call began."""
    fix_confidence: float = 0.8
    """A failed call is retried once with a promoted fix it did not get (promoted while the call ran)
    when the fix's confidence is at least this; never with a canary's fix."""
    with_fix: bool = True


@dataclass(frozen=True)
class Runtime:
    """The services of one Arc client that every tracked call uses."""

    capture: CaptureOptions
    success_sample_rate: float
    random: Callable[[], float]
    retry: RetrySettings
    counters: CallCounters
    send: Callable[[Event], None]
    watch: Callable[[str], None]
    fixes_for: Callable[[str], Sequence[DeployedFix]]
    internal_error: Callable[[BaseException], None]
    validator_timeout: float = 5.0
    """How long async validators may hold a call before its output counts as invalid."""
    verdicts: CallVerdicts | None = None
    """Where calls that returned go to be judged (_feedback.py); None: no verdicts."""


@dataclass(frozen=True)
class ReturnedCallInfo:
    """A call that returned, as ``on_call`` is told of it."""

    call_id: str
    """The id to give ``arc.feedback``: track's ``call_id``, or the one Arc generated."""
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    output: Any
    """What the caller got."""


@dataclass(frozen=True)
class OutputShape:
    """Where output repair and validators look inside a function's result (the whole result by default)."""

    get: Callable[[Any], Any]
    set: Callable[[Any, Any], Any]


@dataclass(frozen=True)
class RunnerOptions:
    validators: Sequence[CompiledValidator] = ()
    throw_on_invalid: bool = False
    call_shape: CallShape | None = None
    output: OutputShape | None = None
    call_key: Callable[..., Any] | None = None
    input: Callable[..., Any] | None = None
    tags: Mapping[str, str] = field(default_factory=dict)
    parse: Callable[[Any, tuple[Any, ...], dict[str, Any]], Any] | None = None
    """Turns the (repaired) output into what validators check, given the call's arguments; raising makes it invalid."""
    output_stage: bool = True
    output_schema: dict[str, Any] | None = None
    call_id: Callable[..., Any] | None = None
    """Names the call for verdicts (a request id), given the call's arguments; generated otherwise."""
    verify: Callable[[Any, dict[str, Any]], Any] | None = None
    """Scores a call that returned and passed its validators, from what validators check and the arguments by name."""
    verify_in_loop: bool = False
    """Whether ``verify`` makes a coroutine, to run in an async call's event loop."""
    on_call: Callable[[ReturnedCallInfo], Any] | None = None
    """Told each call that returned, with its id (for ``arc.feedback``)."""


class _Plan:
    """The fixes a call gets and the arguments they produce; lives as long as its call."""

    __slots__ = ("original_args", "original_kwargs", "args", "kwargs", "applied", "parts", "tags", "group", "rescued", "policy_retries", "started_at")

    def __init__(self, args: tuple[Any, ...], kwargs: dict[str, Any], tags: Mapping[str, str], group: OutcomeGroup) -> None:
        self.original_args = args
        self.original_kwargs = kwargs
        self.args = args
        self.kwargs = kwargs
        self.applied: tuple[DeployedFix, ...] = ()
        self.parts: tuple[AnySimpleFix, ...] = ()
        self.tags = tags
        self.group = group
        self.rescued = False
        self.policy_retries = 0
        self.started_at = -1.0


@dataclass
class _Stage:
    returned: Any
    checked: Any
    invalid: BaseException | None = None
    shaped: Any = None
    """The part of the result the output shape picks, repaired (what ``parse`` was given)."""


_REPORTED_BASE = (asyncio.CancelledError,)


class _NotValidated:
    """A sync call's validation that an async validator left without a verdict."""


_NOT_VALIDATED = _NotValidated()


def _canary_patterns(applied: Sequence[DeployedFix]) -> set[str]:
    """The patterns of the canaries among a call's fixes (those it is in the treatment of)."""
    return {f.pattern_id for f in applied if f.canary_share < 1}


def _is_replaced(fix: DeployedFix, canaries: set[str]) -> bool:
    """Whether a promoted fix is one that a canary the call gets replaces: the canary's treatment runs
    its fix in place of the one promoted for its pattern, as the learner's replays judged it and as
    promoting it leaves production (the older fix is superseded then), so it is tested as it will run."""
    return fix.canary_share >= 1 and fix.pattern_id in canaries


class CallRunner:
    def __init__(self, rt: Runtime, name: str, fn: Callable[..., Any], options: RunnerOptions) -> None:
        self._rt = rt
        self._name = name
        self._fn = fn
        self._options = options
        self._validators = tuple(options.validators)
        self._tags = capture_tags(options.tags, rt.capture)
        self._schema = None if options.output_schema is None else capture_schema(options.output_schema, rt.capture)
        self._group = outcome_group(name, (), self._tags)
        self._plain = not self._validators and options.parse is None and options.verify is None
        self._calls = 0
        self._schema_sent_at = float("-inf")
        try:
            self._signature: inspect.Signature | None = inspect.signature(fn)
        except (TypeError, ValueError):
            self._signature = None
        parameters = list(self._signature.parameters) if self._signature is not None else []
        # A method's instance is passed through but never recorded.
        self._skip = parameters[0] if parameters and parameters[0] in ("self", "cls") else None
        self._guard(None, lambda: rt.watch(name))

    # ---- planning ----

    def plan(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> _Plan:
        plan = _Plan(args, kwargs, self._tags, self._group)
        try:
            deployed = self._rt.fixes_for(self._name)
            if deployed:
                self._assign(plan, deployed)
        except Exception as error:
            self._internal_error(error)
        return plan

    def _assign(self, plan: _Plan, deployed: Sequence[DeployedFix]) -> None:
        tags = plan.tags
        key: str | None = None
        applied: list[DeployedFix] = []
        canaries: list[str] = []
        treated = False
        for fix in deployed:
            if not self._applicable(fix):
                continue
            if fix.canary_share < 1:
                if key is None:
                    if self._options.call_key is not None:
                        key = str(self._unawaited(self._options.call_key(*plan.original_args, **plan.original_kwargs)))
                    else:
                        self._calls += 1
                        key = str(self._calls)
                canaries.append(fix.id)
                if canary_arm(fix.id, key, fix.canary_share) == "control":
                    continue
                treated = True
            applied.append(fix)
        if canaries:
            plan.tags = {
                **self._tags,
                CANARY_ARM_TAG: "treatment" if treated else "control",
                CANARY_FIX_IDS_TAG: ",".join(canaries),
                # Every attempt ends the call unless a retry follows; a failed one that is retried says so.
                CANARY_ATTEMPT_TAG: "final",
            }
        replaced = _canary_patterns(applied)
        try:
            self._set_fixes(plan, [f for f in applied if not _is_replaced(f, replaced)])
        except Exception:
            plan.tags = tags  # no fix at all rather than a part of one
            raise

    def _applicable(self, fix: DeployedFix) -> bool:
        """A fix takes effect only whole: its call-side parts need to know where the call lives."""
        return self._options.call_shape is not None or not any(changes_call(p) for p in fix_parts(fix.fix))

    def _set_fixes(self, plan: _Plan, applied: Sequence[DeployedFix]) -> None:
        parts = tuple(p for f in applied for p in fix_parts(f.fix))
        # Computed before anything is set: a call shape or applier that raises leaves the plan as it was.
        args, kwargs = plan.original_args, plan.original_kwargs
        shape = self._options.call_shape
        if shape is not None and self._signature is not None and any(changes_call(p) for p in parts):
            bound = self._signature.bind(*plan.original_args, **plan.original_kwargs)
            query = self._pool_query(plan, parts)
            arguments = shape.set(dict(bound.arguments), apply_call_fixes(shape.get(dict(bound.arguments)), parts, query))
            rebuilt = inspect.BoundArguments(self._signature, arguments)
            args, kwargs = rebuilt.args, rebuilt.kwargs
        plan.applied = tuple(applied)
        plan.parts = parts
        plan.args, plan.kwargs = args, kwargs
        plan.group = outcome_group(self._name, tuple(f.id for f in applied), plan.tags)

    def _pool_query(self, plan: _Plan, parts: Sequence[AnySimpleFix]) -> Any:
        """The recorded input, which pooled few-shot examples are chosen by; only worked out for them."""
        if not any(isinstance(p, FewShotFix) and p.nearest is not None for p in parts):
            return NO_INPUT
        return self.recorded_input(plan.original_args, plan.original_kwargs)

    def recorded_input(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        """The call's input as events record it: what track's ``input`` picks, or the arguments by name."""
        if self._options.input is not None:
            return self._unawaited(self._options.input(*args, **kwargs))
        return self.arguments(args, kwargs)

    def arguments(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        """The call's arguments by parameter name (the method's instance left out), as recorded."""
        if self._signature is None:
            return {"args": list(args), "kwargs": kwargs}
        try:
            bound = dict(self._signature.bind(*args, **kwargs).arguments)
        except TypeError:
            return {"args": list(args), "kwargs": kwargs}
        if self._skip is not None:
            bound.pop(self._skip, None)
        return bound

    # ---- the sync call ----

    def run(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        plan = self.plan(args, kwargs)
        n = 1
        while True:
            t0 = self._begin(plan)
            try:
                result = self._fn(*plan.args, **plan.kwargs)
            except Exception as error:
                if self._after_error(plan, n, t0, error, sync=True) is not None:
                    n += 1
                    continue
                raise
            if inspect.iscoroutine(result):
                # Not declared async, yet it returned a coroutine (a lambda or a sync wrapper around a
                # coroutine function): the caller gets one, and the outcome is known once it is awaited.
                # Other awaitables (a Task, a Future) have more to them than awaiting: handed back as they are.
                return self._run_async(plan, n, (t0, result))
            stage = self._staged(plan, n, t0, result)
            if stage is None:
                return result
            if stage.invalid is None:
                invalid = self._validate_sync(stage.checked, plan)
                if isinstance(invalid, _NotValidated):
                    self._guard(None, lambda: self._rt.counters.unvalidated(self._name))
                    return stage.returned
                stage.invalid = invalid
            verdict = self._judge(plan, n, t0, stage, sync=True)
            if verdict is None:
                return stage.returned
            if verdict < 0 and stage.invalid is not None:
                raise stage.invalid
            n += 1

    def _validate_sync(self, checked: Any, plan: _Plan) -> BaseException | _NotValidated | None:
        """The first failed verdict; else, when a validator answered with an awaitable, ``_NOT_VALIDATED``."""
        awaited = False
        for verdict in self._verdicts(checked, plan):
            if inspect.isawaitable(verdict):
                # A sync call has no event loop to run an async validator in: it is not run, and the call
                # is left unvalidated unless another validator fails it. Closing it runs the host's code
                # (a close of its own), which may raise in turn.
                close = getattr(verdict, "close", None)
                if callable(close):
                    self._guard(None, close)
                awaited = True
                continue
            if verdict is not None:
                return verdict  # type: ignore[no-any-return]
        return _NOT_VALIDATED if awaited else None

    # ---- generator functions ----

    def iteration(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, Iteration]:
        """A generator function's call: the (async) generator, and its outcome, known when it ends.
        A generator that already yielded cannot be run again, so no attempt is retried."""
        plan = self.plan(args, kwargs)
        iteration = Iteration(self, plan, self._begin(plan))
        try:
            return self._fn(*plan.args, **plan.kwargs), iteration
        except Exception as error:
            iteration.failed(error)
            raise

    # ---- the async call ----

    async def run_async(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        return await self._run_async(self.plan(args, kwargs), 1, None)

    async def _run_async(self, plan: _Plan, n: int, started: tuple[float, Any] | None) -> Any:
        """The call from attempt ``n`` on; ``started``: when that attempt began and what it returned."""
        while True:
            t0, pending = started if started is not None else (self._begin(plan), None)
            started = None
            try:
                result = pending if pending is not None else self._fn(*plan.args, **plan.kwargs)
                if inspect.isawaitable(result):
                    result = await result
            except Exception as error:
                delay = self._after_error(plan, n, t0, error, sync=False)
                if delay is not None:
                    if delay > 0:
                        await asyncio.sleep(delay)
                    n += 1
                    continue
                raise
            except _REPORTED_BASE as cancelled:
                # Cancellation is reported like an abort, and never retried: it must reach the caller.
                self._guard(None, functools.partial(self._report_failure, plan, n, t0, cancelled))
                raise
            stage = self._staged(plan, n, t0, result)
            if stage is None:
                return result
            if stage.invalid is None:
                stage.invalid = await self._validate_async(stage.checked, plan)
            verdict = self._judge(plan, n, t0, stage, sync=False)
            if verdict is None:
                return stage.returned
            if verdict < 0 and stage.invalid is not None:
                raise stage.invalid
            if verdict > 0:
                await asyncio.sleep(verdict)
            n += 1

    async def _validate_async(self, checked: Any, plan: _Plan) -> BaseException | None:
        for verdict in self._verdicts(checked, plan):
            if inspect.isawaitable(verdict):
                try:
                    verdict = await asyncio.wait_for(verdict, self._rt.validator_timeout)
                except asyncio.TimeoutError:
                    verdict = timed_out(self._rt.validator_timeout)
            if verdict is not None:
                return verdict  # type: ignore[no-any-return]
        return None

    # ---- shared steps ----

    @staticmethod
    def _begin(plan: _Plan) -> float:
        t0 = time.perf_counter()
        if plan.started_at < 0:
            plan.started_at = t0
        return t0

    def _staged(self, plan: _Plan, n: int, t0: float, result: Any) -> _Stage | None:
        """The output on its way to the caller; None when nothing is to be checked (the common case, kept lean)."""
        if self._plain and not plan.parts:
            self._report_success(plan, n, t0, result)
            if self._rt.verdicts is not None:
                self._guard(None, lambda: self._returned(plan, n, result, result, result, sync=True))
            return None
        return self._guard(_Stage(result, result), lambda: self._output_stage(plan, result))

    def _verdicts(self, checked: Any, plan: _Plan) -> Iterator[Any]:
        """Each validator's verdict in turn (None, a ValidationError, or an awaitable of either)."""
        if not self._validators:
            return
        arguments: dict[str, Any] = self._guard({}, lambda: self.arguments(plan.original_args, plan.original_kwargs))
        for validator in self._validators:
            yield run_one(validator, checked, arguments)

    def _after_error(
        self, plan: _Plan, n: int, t0: float, error: BaseException, sync: bool, output: Any = None, has_output: bool = False
    ) -> float | None:
        """Reports a failed attempt and decides whether it is retried: the delay before the next
        attempt, or None. The retry is planned before the event leaves, so that a canary call's
        event can say whether it ended the call (the server counts each call once, at its final attempt)."""
        event = self._guard(None, lambda: self._failure_event(plan, n, t0, error, output, has_output))
        delay = self._guard(None, lambda: self._plan_retry(plan, n, event, sync))
        if event is not None:
            sent = event

            def send() -> None:
                tags = sent.get("tags")
                if delay is not None and isinstance(tags, dict) and CANARY_ATTEMPT_TAG in tags:
                    tags[CANARY_ATTEMPT_TAG] = "retried"
                self._rt.send(sent)

            self._guard(None, send)
        if delay is not None:
            self._guard(None, lambda: self._rt.counters.retry(self._name))
        return delay

    def _judge(self, plan: _Plan, n: int, t0: float, stage: _Stage, sync: bool) -> float | None:
        """None: return the output; a delay >= 0: retry after it; -1: raise the invalidity."""
        if stage.invalid is None:
            self._guard(None, lambda: self._report_success(plan, n, t0, stage.returned))
            if self._rt.verdicts is not None:
                self._guard(None, lambda: self._returned(plan, n, stage.returned, stage.shaped, stage.checked, sync))
            return None
        delay = self._after_error(plan, n, t0, stage.invalid, sync, stage.checked, True)
        if delay is not None:
            return delay
        return -1.0 if self._options.throw_on_invalid else None

    def _output_stage(self, plan: _Plan, output: Any) -> _Stage:
        """Output repair on the part of the result that is checked, then parsing."""
        if not self._options.output_stage:
            return _Stage(output, output, shaped=output)
        shape = self._options.output
        checked = shape.get(output) if shape is not None else output
        returned = output
        if any(isinstance(p, OutputRepairFix) for p in plan.parts):
            repaired = apply_output_fixes(checked, plan.parts)
            if repaired is not checked and repaired != checked:
                returned = shape.set(output, repaired) if shape is not None else repaired
                checked = repaired
        parse = self._options.parse
        if parse is None:
            return _Stage(returned, checked, shaped=checked)
        try:
            parsed = parse(checked, plan.original_args, plan.original_kwargs)
        except Exception as error:
            return _Stage(returned, checked, error)
        if inspect.isawaitable(parsed):
            # Parsing is synchronous: an awaitable in its place is a failed parse, closed unawaited.
            close = getattr(parsed, "close", None)
            if callable(close):
                close()
            return _Stage(returned, checked, TypeError("parse returned an awaitable; it must return the parsed value"))
        return _Stage(returned, parsed, shaped=checked)

    def _record(self, plan: _Plan, n: int, t0: float) -> AttemptRecord:
        now = time.perf_counter()
        return AttemptRecord(
            function=self._name,
            input=self.recorded_input(plan.original_args, plan.original_kwargs),
            started_at=time.time() * 1000 - (now - t0) * 1000,
            duration_ms=(now - t0) * 1000,
            attempt=n,
            fix_ids=plan.group.fix_ids,
            tags=plan.tags,
        )

    def _sampled(self, n: int) -> bool:
        """Rescued calls are rare and say whether fixes work, so they are always sampled."""
        return n > 1 or self._rt.random() < self._rt.success_sample_rate

    def _report_success(self, plan: _Plan, n: int, t0: float, output: Any) -> None:
        try:
            # A verified call's example travels with its verdict (_feedback.py), never as a success
            # event: one judged wrong must not become a successful example.
            sampled = self._options.verify is None and self._sampled(n)
            self._rt.counters.success(plan.group, sampled)
            if sampled:
                self._rt.send(success_event(self._record(plan, n, t0), output, self._rt.capture))
        except Exception as error:
            self._internal_error(error)

    def _returned(self, plan: _Plan, n: int, returned: Any, shaped: Any, checked: Any, sync: bool) -> None:
        """A call that returned and passed its checks: remembered for verdicts after the fact, shown
        to ``on_call``, and judged by ``verify`` (which gets what validators check)."""
        verdicts = self._rt.verdicts
        options = self._options
        verify, on_call = options.verify, options.on_call
        if verdicts is None or (not verdicts.remembering and verify is None and on_call is None):
            return
        call = ReturnedCall(
            None if options.call_id is None else self._call_name(plan),
            self._name,
            self.recorded_input,
            plan.original_args,
            plan.original_kwargs,
            shaped,
            plan.tags,
            plan.group.fix_ids,
            plan.started_at,
            verify is not None and self._sampled(n),
        )
        verdicts.returned(call)
        if on_call is not None:
            call_id = verdicts.call_id_of(call)
            self._guard(None, lambda: self._unawaited(on_call(ReturnedCallInfo(call_id, plan.original_args, plan.original_kwargs, returned))))
        if verify is not None:
            arguments: dict[str, Any] = self._guard({}, lambda: self.arguments(plan.original_args, plan.original_kwargs))
            verdicts.verify(call, lambda: verify(checked, arguments), options.verify_in_loop and not sync)

    def _call_name(self, plan: _Plan) -> str | None:
        """The host's name for the call when it gives a usable one; None lets Arc number it."""
        named = self._options.call_id
        assert named is not None
        name = self._guard(None, lambda: self._unawaited(named(*plan.original_args, **plan.original_kwargs)))
        if isinstance(name, str) and name != "":
            return name
        if name is not None:
            self._internal_error(TypeError("arc.track: call_id must return a non-empty string"))
        return None

    def _report_failure(self, plan: _Plan, n: int, t0: float, error: BaseException) -> None:
        """Reports a failed attempt that ends its call."""
        self._rt.send(self._failure_event(plan, n, t0, error))

    def _failure_event(
        self, plan: _Plan, n: int, t0: float, error: BaseException, output: Any = None, has_output: bool = False
    ) -> Event:
        """Counts a failed attempt and describes it; the caller sends the event."""
        self._rt.counters.failure(self._name)
        event = failure_event(self._record(plan, n, t0), error, self._rt.capture, output, has_output)
        schema = self._schema
        if schema is not None:
            now = time.monotonic()
            if now - self._schema_sent_at >= OUTPUT_SCHEMA_RESEND:
                event["outputSchema"] = schema
                self._schema_sent_at = now
        return event

    def _plan_retry(self, plan: _Plan, n: int, event: Event | None, sync: bool) -> float | None:
        """Whether to try again, and after how many seconds (see call-runner.ts#planRetry)."""
        limits = self._rt.retry
        if event is None or n >= limits.max_attempts:
            return None
        elapsed = time.perf_counter() - plan.started_at
        if elapsed >= limits.max_total:
            return None
        deployed = self._rt.fixes_for(self._name)
        if not deployed and not plan.parts:
            return None
        error = event.get("error") or {}
        code = error.get("code")
        failure = fingerprint_failure(
            self._name,
            error_type=error.get("type"),
            message=error.get("message"),
            status=error.get("status"),
            code=None if code is None else str(code),
            stack=error.get("stack"),
        )
        if limits.with_fix and not plan.rescued:
            applied = {f.id for f in plan.applied}
            # Never a canary's fix: the call's arm decides every fix it gets, retries included, or a
            # canary's control arm would be measured with the canary.
            candidates = [
                f
                for f in deployed
                if f.id not in applied
                and f.canary_share >= 1
                and not _is_replaced(f, _canary_patterns(plan.applied))
                and f.confidence >= limits.fix_confidence
                and self._applicable(f)
            ]
            if candidates:
                # The fix for the failure's own pattern first, then the most confident (a stable sort, as core's).
                rescue = sorted(candidates, key=lambda f: (f.pattern_id != failure.pattern_id, -f.confidence))[0]
                plan.rescued = True
                plan.tags = {**plan.tags, RESCUE_FIX_ID_TAG: rescue.id}
                self._set_fixes(plan, [*plan.applied, rescue])
                return 0.0
        if sync:
            return None
        status = error.get("status")
        policy = next(
            (
                p
                for p in plan.parts
                if isinstance(p, RetryPolicyFix) and n < p.max_attempts and retry_policy_covers(p, failure.category, status)
            ),
            None,
        )
        if policy is None:
            return None
        plan.policy_retries += 1
        delay = backoff_delay(plan.policy_retries, policy.base_delay_ms, policy.max_delay_ms, policy.jitter, self._rt.random) / 1000
        return delay if elapsed + delay < limits.max_total else None

    def _unawaited(self, result: T) -> T:
        """What a hook Arc does not await returned: a coroutine (an async hook's) is closed unrun and
        reported as an internal error, rather than left to warn that it was never awaited."""
        if inspect.iscoroutine(result):
            result.close()
            self._internal_error(TypeError("a hook Arc does not await (on_call, call_id, call_key, input) returned a coroutine"))
        return result

    def _guard(self, fallback: T, work: Callable[[], T]) -> T:
        try:
            return work()
        except Exception as error:
            self._internal_error(error)
            return fallback

    def _internal_error(self, error: BaseException) -> None:
        try:
            self._rt.internal_error(error)
        except Exception:
            pass  # reporting an internal error must not become one


class Iteration:
    """How one call of a generator function ends: a success when it is exhausted, a failure when it
    raises (cancellation included); closed before its end, it is neither."""

    def __init__(self, runner: CallRunner, plan: _Plan, t0: float) -> None:
        self._runner = runner
        self._plan = plan
        self._t0 = t0

    def succeeded(self, returned: Any) -> None:
        self._runner._report_success(self._plan, 1, self._t0, returned)

    def failed(self, error: BaseException) -> None:
        self._runner._guard(None, functools.partial(self._runner._report_failure, self._plan, 1, self._t0, error))
