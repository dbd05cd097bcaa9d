"""The rollout worker behind ``arc.worker(fns)`` (packages/sdk/src/rollout-worker.ts): it leases rollout
jobs for the given functions, replays each recorded input through the same call runner tracked
calls go through (with the fixes promoted for the function's other patterns and the job's candidate
in place of what is deployed for the job's pattern), scores the outcome with the function's
validators and ``verify`` (or the verifier given), and reports the reward. Like the rest of the SDK it never raises
into the host: a server that is down, slow or garbled costs backoff, and the host's functions'
failures are rewards of 0, not errors.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import inspect
import json
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ._appliers import backoff_delay, changes_call
from ._bounded_body import aread_bounded
from ._capture import CallCounters, Event, capture_identifier, capture_text, capture_value, describe_error
from ._client import tracked_name
from ._json_safe import dumps, js_length, wire_json
from ._own_thread import in_own_thread
from ._recent_calls import ReturnedCall
from ._runner import CallRunner, RunnerOptions
from ._transport import retry_after_of
from ._verify import VerifyOutcome, VerifyRunner
from .fixes import DeployedFix, Fix, fix_limit_problem, fix_parts, risk_of

if TYPE_CHECKING:
    from ._client import ArcClient

_MAX_CONCURRENCY = 100
_MAX_FUNCTIONS = 100
_MAX_WORKER_ID = 200
_REPORT_ATTEMPTS = 3
_MAX_ERROR_TEXT = 2000
_MAX_BACKOFF = 30.0
# A lease answer carries up to _MAX_CONCURRENCY jobs, each with a recorded input and fixes within
# core's limits; a larger answer is refused rather than read into memory (as the TypeScript SDK).
_MAX_REPLY_BYTES = 32 * 1024 * 1024


class RolloutJob(BaseModel):
    """A rollout job as ``POST /v1/rollouts/lease`` hands it out, checked field by field."""

    model_config = ConfigDict(populate_by_name=True, frozen=True, extra="ignore")

    id: str = Field(min_length=1)
    function: str = Field(min_length=1)
    pattern_id: str = Field(alias="patternId", min_length=1)
    example_id: str = Field(alias="exampleId", min_length=1)
    source: Literal["failure", "success"]
    input: Any = Field(...)
    candidate_id: str = Field(alias="candidateId", min_length=1)
    fix: Fix | None
    base_fixes: list[DeployedFix] | None = Field(default=None, alias="baseFixes")
    lease_expires_at: str = Field(alias="leaseExpiresAt", min_length=1)
    attempt: int = Field(ge=1, strict=True)


@dataclass(frozen=True)
class RolloutWorkerStats:
    leased: int
    reported: int
    failed_runs: int
    refused: int
    expired: int
    abandoned: int
    invalid_jobs: int
    lease_errors: int
    report_errors: int
    in_flight: int
    last_error: str | None


@dataclass(frozen=True)
class _Outcome:
    reward: float
    output: Any = None
    error: str | None = None


def _job_limit_problem(job: RolloutJob) -> str | None:
    """Core's fix limits on a job's candidate and base fixes, as the TypeScript worker checks them."""
    if job.fix is not None:
        problem = fix_limit_problem(job.fix)
        if problem is not None:
            return problem
    for i, base in enumerate(job.base_fixes or []):
        problem = fix_limit_problem(base.fix, f"baseFixes[{i}].fix")
        if problem is not None:
            return problem
    return None


def _untracked(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The function a tracked wrapper wraps (bound again for a bound method): a replay is no production call."""
    original = getattr(fn, "__arc_original__", None)
    if original is not None:
        return original  # type: ignore[no-any-return]
    inner = getattr(fn, "__func__", None)
    owner = getattr(fn, "__self__", None)
    original = getattr(inner, "__arc_original__", None)
    if original is not None and owner is not None:
        return original.__get__(owner)  # type: ignore[no-any-return]
    return fn


class _VerifyRecorder:
    """What a replay's ``verify`` said (the call's verdicts side, for a rollout): nothing is remembered."""

    remembering = False

    def __init__(self, runner: VerifyRunner) -> None:
        self._runner = runner
        self.outcome: concurrent.futures.Future[VerifyOutcome] | None = None

    def returned(self, call: ReturnedCall) -> None:
        pass

    def call_id_of(self, call: ReturnedCall) -> str:
        return ""

    def verify(self, call: ReturnedCall, verify: Callable[[], Any], in_loop: bool) -> None:
        outcome: concurrent.futures.Future[VerifyOutcome] = concurrent.futures.Future()
        self.outcome = outcome
        self._runner.run(verify, outcome.set_result, in_loop)


class RolloutWorker:
    def __init__(
        self,
        client: ArcClient,
        functions: Mapping[str, Callable[..., Any]],
        *,
        concurrency: int = 2,
        lease: float = 60.0,
        poll_interval: float = 1.0,
        verifier: Callable[..., Any] | None = None,
        worker_id: str | None = None,
        api_key: str | None = None,
        stop_timeout: float = 10.0,
    ) -> None:
        if not isinstance(functions, Mapping) or not 1 <= len(functions) <= _MAX_FUNCTIONS:
            raise TypeError(f"arc.worker needs a mapping of 1 to {_MAX_FUNCTIONS} functions")
        runtime = client.runtime
        if runtime is None:
            raise TypeError("arc.worker needs an enabled client")
        # Jobs name functions as they are tracked: with any secret in the name replaced.
        by_tracked_name: dict[str, Callable[..., Any]] = {}
        for name, fn in functions.items():
            tracked = tracked_name(name, runtime.capture)
            if not callable(fn):
                raise TypeError(f"arc.worker: '{name}' is not callable")
            registration = client.registration(tracked)
            if registration is not None and registration.replay_args is None:
                raise TypeError(f"arc.worker: '{name}' records a custom input; give it the track option replay_args")
            by_tracked_name[tracked] = _untracked(fn)
        if isinstance(concurrency, bool) or not isinstance(concurrency, int) or not 1 <= concurrency <= _MAX_CONCURRENCY:
            raise TypeError(f"arc.worker: concurrency must be an integer from 1 to {_MAX_CONCURRENCY}")
        if not 1 <= lease <= 3600:
            raise TypeError("arc.worker: lease must be from 1 to 3600 seconds")
        if not 0 < poll_interval <= 3600:
            raise TypeError("arc.worker: poll_interval must be in (0, 3600] seconds")
        if verifier is not None and not callable(verifier):
            raise TypeError("arc.worker: verifier must be callable")
        worker_id = worker_id or f"worker-{uuid.uuid4()}"
        if not isinstance(worker_id, str) or not 0 < js_length(worker_id) <= _MAX_WORKER_ID:
            raise TypeError(f"arc.worker: worker_id must be a non-empty string of at most {_MAX_WORKER_ID} characters")
        self.worker_id = capture_identifier(worker_id, _MAX_WORKER_ID, runtime.capture)
        self._client = client
        self._rt = runtime
        self._fns = by_tracked_name
        for name in self._fns:
            runtime.watch(name)
        self._api_key = api_key or client._api_key
        self._concurrency = concurrency
        self._lease = lease
        self._poll = poll_interval
        self._verifier = verifier
        # The function's verify scores a replay as it scores production calls, bounded by the lease.
        self._verify_runner = VerifyRunner(lease, runtime.internal_error)
        self._stop_timeout = stop_timeout
        self._grace = stop_timeout
        self._counters = CallCounters()
        self._in_flight: set[asyncio.Task[None]] = set()
        self._stats = dict(
            leased=0, reported=0, failed_runs=0, refused=0, expired=0, abandoned=0, invalid_jobs=0, lease_errors=0, report_errors=0
        )
        self._last_error: str | None = None
        self._stop_requested = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._task: asyncio.Task[None] | None = None
        self._done = threading.Event()

    # ---- lifecycle ----

    def start_thread(self) -> None:
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), name="arc-worker", daemon=True)
        self._thread.start()

    def start_task(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._main())

    def stop(self, timeout: float | None = None, wait: bool = True) -> None:
        """Stops leasing; running jobs may finish and report within ``timeout`` seconds, then are abandoned."""
        self._grace = self._stop_timeout if timeout is None else timeout
        self._stop_requested.set()
        loop, stopping = self._loop, self._stopping
        if loop is not None and stopping is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(stopping.set)
            except RuntimeError:
                pass
        if wait and self._thread is not None:
            self._done.wait(self._grace + 1.0)

    async def astop(self, timeout: float | None = None) -> None:
        self.stop(timeout, wait=False)
        if self._task is not None:
            await asyncio.wait({self._task}, timeout=(self._grace + 1.0))
        elif self._thread is not None:
            await in_own_thread(self._done.wait, self._grace + 1.0)

    def stats(self) -> RolloutWorkerStats:
        return RolloutWorkerStats(**self._stats, in_flight=len(self._in_flight), last_error=self._last_error)

    # ---- the loop ----

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        if self._stop_requested.is_set():
            self._stopping.set()
        timeout = self._client.config.request_timeout
        try:
            async with httpx.AsyncClient(
                base_url=self._client.endpoint, headers={"authorization": f"Bearer {self._api_key}"}, timeout=timeout
            ) as http:
                self._http = http
                await self._lease_loop()
                if self._in_flight:
                    await asyncio.wait(set(self._in_flight), timeout=self._grace)
                if self._in_flight:
                    self._stats["abandoned"] += len(self._in_flight)
                    for task in list(self._in_flight):
                        task.cancel()
        except Exception as error:
            self._rt.internal_error(error)
        finally:
            self._done.set()

    async def _sleep(self, seconds: float) -> None:
        assert self._stopping is not None
        try:
            await asyncio.wait_for(self._stopping.wait(), timeout=max(0.0, seconds))
        except asyncio.TimeoutError:
            pass

    async def _lease_loop(self) -> None:
        assert self._stopping is not None
        failures = 0
        functions = list(self._fns)
        while not self._stopping.is_set():
            try:
                free = self._concurrency - len(self._in_flight)
                if free <= 0:
                    waiter = asyncio.ensure_future(self._stopping.wait())
                    await asyncio.wait({*self._in_flight, waiter}, timeout=self._lease, return_when=asyncio.FIRST_COMPLETED)
                    waiter.cancel()
                    continue
                started = time.monotonic()
                leased = await self._post("/v1/rollouts/lease", {"workerId": self.worker_id, "functions": functions, "max": free, "leaseMs": int(self._lease * 1000)})
                if self._stopping.is_set():
                    break
                status, body, retry_after, error = leased
                if error is not None or status != 200:
                    failures += 1
                    self._stats["lease_errors"] += 1
                    self._last_error = f"lease: {error or f'HTTP {status}'}"
                    backoff = backoff_delay(failures, self._poll, max(self._poll, _MAX_BACKOFF), "equal", self._rt.random)
                    await self._sleep(max(backoff, retry_after or 0.0))
                    continue
                jobs = self._read_jobs(body)
                if jobs is None:
                    failures += 1
                    self._stats["lease_errors"] += 1
                    self._last_error = "lease: the answer has no jobs array"
                    await self._sleep(self._poll)
                    continue
                failures = 0
                # The server's lease began after the request left: this local deadline falls before it.
                deadline = started + self._lease - min(1.0, self._lease / 10)
                for job in jobs:
                    task = asyncio.ensure_future(self._execute(job, deadline))
                    self._in_flight.add(task)
                    task.add_done_callback(self._in_flight.discard)
                if len(jobs) < free:
                    await self._sleep(self._poll)
            except Exception as error:
                self._rt.internal_error(error)
                await self._sleep(self._poll)

    def _read_jobs(self, body: Any) -> list[RolloutJob] | None:
        listed = body.get("jobs") if isinstance(body, dict) else None
        if not isinstance(listed, list):
            return None
        jobs: list[RolloutJob] = []
        for item in listed:
            try:
                job = RolloutJob.model_validate(item)
            except (ValidationError, RecursionError) as error:
                self._stats["invalid_jobs"] += 1
                self._last_error = f"invalid job: {error}"[:500]
                continue
            problem = _job_limit_problem(job)
            if problem is not None:
                self._stats["invalid_jobs"] += 1
                self._last_error = f"invalid job: {problem}"
                continue
            if job.function not in self._fns:
                self._stats["invalid_jobs"] += 1
                self._last_error = f"job for unknown function {job.function}"
                continue
            jobs.append(job)
        self._stats["leased"] += len(jobs)
        return jobs

    async def _execute(self, job: RolloutJob, deadline: float) -> None:
        started = time.monotonic()
        try:
            scored = await asyncio.wait_for(self._score(job), timeout=max(0.0, deadline - time.monotonic()))
        except asyncio.TimeoutError:
            self._stats["expired"] += 1
            return
        if time.monotonic() >= deadline:
            self._stats["expired"] += 1
            return
        if scored.reward == 0 and scored.error is not None:
            self._stats["failed_runs"] += 1
        await self._report(job, scored, (time.monotonic() - started) * 1000, deadline)

    def _describe(self, error: BaseException) -> str:
        described = describe_error(error, self._rt.capture)
        return f"{described['type']}: {described['message']}"

    async def _score(self, job: RolloutJob) -> _Outcome:
        rt = self._rt
        try:
            fn = self._fns[job.function]
            registration = self._client.registration(job.function)
            options = registration.options if registration is not None else RunnerOptions()
            if job.fix is not None and options.call_shape is None and any(changes_call(p) for p in fix_parts(job.fix)):
                return _Outcome(0, error=f"the fix changes the call, but '{job.function}' was tracked without a call_shape")
            try:
                args, kwargs = self._replay(fn, registration, job.input)
            except Exception as error:
                return _Outcome(0, error=f"cannot rebuild the arguments: {self._describe(error)}")
            deployed = (
                list(job.base_fixes)
                if job.base_fixes is not None
                else [f for f in rt.fixes_for(job.function) if f.canary_share >= 1 and f.pattern_id != job.pattern_id]
            )
            if job.fix is not None:
                deployed.append(
                    DeployedFix.model_validate(
                        {
                            "id": job.candidate_id,
                            "version": 1,
                            "patternId": job.pattern_id,
                            "function": job.function,
                            "fix": job.fix.wire(),
                            "risk": risk_of(job.fix),
                            "confidence": 0,
                            "canaryShare": 1,
                        }
                    )
                )
            events: list[Event] = []
            recorder = _VerifyRecorder(self._verify_runner)
            frozen = tuple(deployed)
            runtime = replace(
                rt,
                success_sample_rate=1.0,
                counters=self._counters,
                send=events.append,
                watch=lambda name: None,
                fixes_for=lambda name: frozen,
                verdicts=recorder,
            )
            runner = CallRunner(
                runtime,
                job.function,
                fn,
                # The verifier wins over validators and verify; a failed validation is an exception here, reward 0.
                replace(
                    options,
                    validators=() if self._verifier is not None else options.validators,
                    verify=None if self._verifier is not None else options.verify,
                    on_call=None,
                    throw_on_invalid=True,
                ),
            )
            try:
                if inspect.iscoroutinefunction(fn):
                    output = await runner.run_async(args, kwargs)
                else:
                    output = await asyncio.to_thread(runner.run, args, kwargs)
                    if inspect.iscoroutine(output):  # not declared async, yet it returned a coroutine
                        output = await output
            except Exception as error:
                return _Outcome(0, error=self._describe(error))
            if recorder.outcome is not None:
                judged = await asyncio.wrap_future(recorder.outcome)
                if judged.verdict is None:
                    reason = capture_text(judged.error or "verify failed", _MAX_ERROR_TEXT, rt.capture)
                    return _Outcome(0, output=capture_value(output, rt.capture), error=reason)
                return _Outcome(judged.verdict.score, output=capture_value(output, rt.capture))
            if self._verifier is None:
                return _Outcome(1, output=capture_value(output, rt.capture))
            reward = await self._verify(output, runner.arguments(args, kwargs), job)
            if isinstance(reward, str):
                return _Outcome(0, output=capture_value(output, rt.capture), error=reward)
            return _Outcome(reward, output=capture_value(output, rt.capture))
        except Exception as error:
            rt.internal_error(error)
            return _Outcome(0, error=f"arc internal error: {self._describe(error)}")

    @staticmethod
    def _replay(fn: Callable[..., Any], registration: Any, recorded: Any) -> tuple[tuple[Any, ...], dict[str, Any]]:
        from ._client import replay_recorded_arguments

        replay = registration.replay_args if registration is not None else replay_recorded_arguments
        args, kwargs = replay(recorded)
        if replay is replay_recorded_arguments and not args:
            # Recorded by parameter name: bound to the function the worker calls.
            bound = inspect.BoundArguments(inspect.signature(fn), kwargs)
            return bound.args, bound.kwargs
        return tuple(args), dict(kwargs)

    async def _verify(self, output: Any, arguments: dict[str, Any], job: RolloutJob) -> float | str:
        assert self._verifier is not None
        try:
            reward = self._verifier(output, arguments, job)
            if inspect.isawaitable(reward):
                reward = await reward
        except Exception as error:
            return f"the verifier threw: {self._describe(error)}"
        if isinstance(reward, bool) or not isinstance(reward, (int, float)) or not 0 <= reward <= 1:
            # Quoted as a bounded, redacted copy: the host's answer may hold anything (and a repr may raise).
            return f"the verifier returned {dumps(capture_value(reward, self._rt.capture))}, not a number in [0, 1]"
        return float(reward)

    async def _report(self, job: RolloutJob, outcome: _Outcome, duration_ms: float, deadline: float) -> None:
        body: dict[str, Any] = {"workerId": self.worker_id, "reward": outcome.reward, "durationMs": max(0.0, duration_ms)}
        if outcome.output is not None:
            body["output"] = outcome.output
        if outcome.error is not None:
            body["error"] = capture_text(outcome.error, _MAX_ERROR_TEXT, self._rt.capture)
        path = f"/v1/rollouts/{quote(job.id, safe='')}/result"
        attempt = 0
        while True:
            attempt += 1
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self._stats["expired"] += 1
                return
            status, _, retry_after, error = await self._post(path, body, timeout=min(self._client.config.request_timeout, remaining))
            if error is None and status == 200:
                self._stats["reported"] += 1
                return
            if error is None and status in (404, 409):
                self._stats["refused"] += 1
                return
            if error is None and status == 413 and "output" in body:
                del body["output"]  # the output is a courtesy; the reward is what the learner needs
                continue
            self._stats["report_errors"] += 1
            self._last_error = f"report: {error or f'HTTP {status}'}"
            retryable = error is not None or status in (408, 429) or (status or 0) >= 500
            if not retryable or attempt >= _REPORT_ATTEMPTS:
                return
            wait = retry_after if retry_after is not None else backoff_delay(attempt, 0.2, 2.0, "equal", self._rt.random)
            await asyncio.sleep(max(0.0, min(wait, deadline - time.monotonic())))

    async def _post(self, path: str, body: Any, timeout: float | None = None) -> tuple[int | None, Any, float | None, str | None]:
        """(status, JSON body of a 200, Retry-After of a 429 or 503, error); never raises."""
        deadline = time.monotonic() + (self._client.config.request_timeout if timeout is None else timeout)
        try:
            async with self._http.stream(
                "POST", path, content=wire_json(body), headers={"content-type": "application/json"}, timeout=timeout
            ) as response:
                status = response.status_code
                retry_after = retry_after_of(status, response.headers)
                raw = await aread_bounded(response, _MAX_REPLY_BYTES, deadline) if status == 200 else b""
        except httpx.TimeoutException:
            return None, None, None, "timed out"
        except (httpx.HTTPError, OSError) as error:
            return None, None, None, f"{type(error).__name__}: {error}"
        parsed: Any = None
        if status == 200:
            if raw is None:
                return None, None, None, f"the answer is larger than {_MAX_REPLY_BYTES} bytes"
            try:
                parsed = json.loads(raw)
            except (ValueError, RecursionError):
                return None, None, None, "the answer is not JSON"
        return status, parsed, retry_after, None

