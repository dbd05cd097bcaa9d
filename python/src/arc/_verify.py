"""Runs a host's verifier (track's ``verify``; packages/sdk/src/verify-call.ts) so that nothing it does
reaches the host: a raise, a hang past the timeout or an answer that is not a verdict each become a
failure to count, never an error in the host, a blocked call or a thread that keeps the process alive.

A verifier never runs on the call's path. A coroutine verifier of an async call runs as a task of
the caller's event loop (it may use the loop's clients); every other one runs on a few daemon
threads of Arc's own (an async one there in an event loop of its thread). A watchdog thread gives
up on a run at its deadline: a thread cannot be stopped, so a verifier that never returns holds
its thread, and once every thread is held and the backlog full, new runs are counted as failures.
The tasks in event loops are bounded alike: past 1,000 waiting for an answer, a run is not started.
"""

from __future__ import annotations

import asyncio
import heapq
import inspect
import itertools
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from ._verdict import Verdict, verdict_of

_THREADS = 4
_MAX_BACKLOG = 1000
# Settled runs are dropped from the deadline heap once they are as many as the rest (and past this
# floor), so it holds about twice the runs still pending, not every run of the last `timeout` seconds.
_COMPACT_FLOOR = 64


@dataclass(frozen=True)
class VerifyOutcome:
    verdict: Verdict | None
    """The verdict, or None when the verifier failed (``reason`` and ``error`` say how)."""
    reason: Literal["threw", "timed_out", "not_a_verdict", "busy"] | None = None
    error: str | None = None


def _describe(error: BaseException) -> str:
    try:
        return f"{type(error).__name__}: {error}"
    except Exception:
        return "an error that cannot be read"


def judged(value: Any) -> VerifyOutcome:
    try:
        read = verdict_of(value)
    except Exception as error:
        return VerifyOutcome(None, "not_a_verdict", f"verify returned no verdict: {_describe(error)}")
    if isinstance(read, str):
        return VerifyOutcome(None, "not_a_verdict", f"verify returned no verdict: {read}")
    return VerifyOutcome(read)


_BUSY = VerifyOutcome(None, "busy", "verify was not run: too many runs of verify are waiting for an answer")


def _threw(error: BaseException) -> VerifyOutcome:
    return VerifyOutcome(None, "threw", f"verify threw {_describe(error)}")


class _Run:
    __slots__ = ("verify", "done", "deadline", "settled", "lock")

    def __init__(self, verify: Callable[[], Any], done: Callable[[VerifyOutcome], None], deadline: float) -> None:
        self.verify = verify
        self.done = done
        self.deadline = deadline
        self.settled = False
        self.lock = threading.Lock()

    def settle(self, outcome: VerifyOutcome) -> None:
        """The first outcome wins (the verifier's, or the watchdog's when it is late)."""
        with self.lock:
            if self.settled:
                return
            self.settled = True
        self.done(outcome)


class VerifyRunner:
    """Runs verifiers within ``timeout`` seconds and hands each outcome to its ``done``; never raises."""

    def __init__(self, timeout: float, internal_error: Callable[[BaseException], None]) -> None:
        self.timeout = timeout
        self._internal_error = internal_error
        self._lock = threading.Condition()
        self._backlog: deque[_Run] = deque()
        self._idle = 0
        self._threads = 0
        self._deadlines: list[tuple[float, int, _Run]] = []
        self._compact_at = _COMPACT_FLOOR
        self._order = itertools.count()
        self._watchdog: threading.Thread | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def run(self, verify: Callable[[], Any], done: Callable[[VerifyOutcome], None], in_loop: bool = False) -> None:
        """``in_loop``: ``verify`` makes a coroutine for the running event loop (an async call's coroutine verifier)."""
        run = _Run(verify, lambda outcome: self._finish(done, outcome), time.monotonic() + self.timeout)
        if in_loop and len(self._tasks) >= _MAX_BACKLOG:
            # As many runs wait in event loops as the threads' backlog holds: each holds its call.
            run.settle(_BUSY)
            return
        if in_loop:
            try:
                task = asyncio.get_running_loop().create_task(self._in_loop(run))
            except RuntimeError:
                pass  # no running loop after all: a thread of Arc's runs it
            else:
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
                return
        with self._lock:
            if len(self._backlog) >= _MAX_BACKLOG:
                busy = True
            else:
                busy = False
                self._backlog.append(run)
                if len(self._deadlines) >= self._compact_at:
                    self._drop_settled()
                heapq.heappush(self._deadlines, (run.deadline, next(self._order), run))
                if self._idle == 0 and self._threads < _THREADS:
                    self._threads += 1
                    threading.Thread(target=self._work, name="arc-verify", daemon=True).start()
                if self._watchdog is None:
                    self._watchdog = threading.Thread(target=self._watch, name="arc-verify-watchdog", daemon=True)
                    self._watchdog.start()
                self._lock.notify_all()
        if busy:
            run.settle(_BUSY)

    def pending_deadlines(self) -> int:
        """Runs the watchdog keeps a deadline for (settled ones included until the next compaction)."""
        with self._lock:
            return len(self._deadlines)

    def _drop_settled(self) -> None:
        """Under the lock: the heap without its settled runs; amortized O(1) a run."""
        self._deadlines = [entry for entry in self._deadlines if not entry[2].settled]
        heapq.heapify(self._deadlines)
        self._compact_at = max(_COMPACT_FLOOR, 2 * len(self._deadlines))

    def _finish(self, done: Callable[[VerifyOutcome], None], outcome: VerifyOutcome) -> None:
        try:
            done(outcome)
        except Exception as error:
            try:
                self._internal_error(error)
            except Exception:
                pass  # reporting an internal error must not become one

    async def _in_loop(self, run: _Run) -> None:
        try:
            result = await asyncio.wait_for(run.verify(), self.timeout)
        except asyncio.TimeoutError:
            outcome = VerifyOutcome(None, "timed_out", f"verify took longer than {self.timeout:g} s")
        except Exception as error:
            outcome = _threw(error)
        else:
            outcome = judged(result)
        run.settle(outcome)

    def _work(self) -> None:
        while True:
            with self._lock:
                while not self._backlog:
                    self._idle += 1
                    self._lock.wait()
                    self._idle -= 1
                run = self._backlog.popleft()
            if run.settled:
                continue  # timed out while it waited
            run.settle(self._call(run))

    def _call(self, run: _Run) -> VerifyOutcome:
        try:
            result = run.verify()
            if inspect.isawaitable(result):
                remaining = max(0.0, run.deadline - time.monotonic())
                result = asyncio.run(_bounded(result, remaining))
        except asyncio.TimeoutError:
            return VerifyOutcome(None, "timed_out", f"verify took longer than {self.timeout:g} s")
        except Exception as error:
            return _threw(error)
        return judged(result)

    def _watch(self) -> None:
        while True:
            with self._lock:
                while not self._deadlines:
                    self._lock.wait()
                deadline, _, run = self._deadlines[0]
                now = time.monotonic()
                if deadline > now:
                    self._lock.wait(deadline - now)
                    continue
                heapq.heappop(self._deadlines)
            if not run.settled:
                run.settle(VerifyOutcome(None, "timed_out", f"verify took longer than {self.timeout:g} s"))


async def _bounded(awaitable: Any, seconds: float) -> Any:
    return await asyncio.wait_for(awaitable, seconds)
