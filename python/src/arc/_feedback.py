"""Verdicts on calls that returned (packages/sdk/src/feedback-reporter.ts): given after the fact
(``arc.feedback``) or in-line by track's ``verify``, each becomes one ``POST /v1/feedback`` item,
queued and sent like events (bounded, fail-open, redacted). A wrong answer carries the call's input
and output, so its pattern can be replayed; a right one carries them only when the call was sampled
(the server counted the call when it returned, and keeps a sampled right answer as a verified
example). Arc counts one verdict per call: the first, after which the call is forgotten.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from ._capture import (
    MAX_MESSAGE_LENGTH,
    CallCounters,
    CaptureOptions,
    Event,
    capture_identifier,
    capture_text,
    capture_value,
    next_event_id,
)
from ._json_safe import js_slice
from ._recent_calls import RecentCalls, ReturnedCall
from ._transport import EventTransport, TransportStats
from ._verdict import DEFAULT_VERDICT_THRESHOLD, MAX_VERDICT_LABEL_LENGTH, Verdict, is_wrong_answer, verdict_of
from ._verify import VerifyOutcome, VerifyRunner

MAX_CALL_ID_LENGTH = 200
"""Longest call id sent: the server's bound on identifiers."""


@dataclass(frozen=True)
class FeedbackSettings:
    threshold: float = DEFAULT_VERDICT_THRESHOLD
    """Below this score a call is a wrong answer."""
    recent_calls: int = 1000
    """Calls that returned kept for verdicts after the fact (0: none)."""
    verify_timeout: float = 30.0
    """Seconds ``verify`` may take before it is given up on (and counted)."""


@dataclass(frozen=True)
class FeedbackStats(TransportStats):
    """Verdicts sent to ``/v1/feedback`` (like events), and those Arc could not use."""

    unmatched: int
    """Verdicts for calls not among the recent ones (unknown, failed, forgotten, or judged already)."""
    invalid: int
    """``arc.feedback`` calls whose verdict was not a score in [0, 1], a boolean or a Verdict."""


IDLE_FEEDBACK_STATS = FeedbackStats(0, 0, 0, 0, 0, None, 0, 0)


class CallVerdicts(Protocol):
    """What tracked calls tell the verdict side of Arc; a rollout worker listens in its own way."""

    @property
    def remembering(self) -> bool:
        """Whether calls that returned are kept for verdicts after the fact."""
        ...

    def returned(self, call: ReturnedCall) -> None:
        """A call returned (and passed its validators): it is numbered, and may be judged later."""
        ...

    def call_id_of(self, call: ReturnedCall) -> str: ...

    def verify(self, call: ReturnedCall, verify: Callable[[], Any], in_loop: bool) -> None:
        """Runs the function's ``verify`` on a call that returned, and reports its verdict."""
        ...


class FeedbackReporter:
    def __init__(
        self,
        transport: EventTransport,
        settings: FeedbackSettings,
        capture: CaptureOptions,
        counters: CallCounters,
        internal_error: Callable[[BaseException], None],
    ) -> None:
        self._transport = transport
        self._settings = settings
        self._capture = capture
        self._counters = counters
        self._calls = RecentCalls(settings.recent_calls)
        self._internal_error = internal_error
        self._verifier = VerifyRunner(settings.verify_timeout, internal_error)
        self._lock = threading.Lock()
        self._unmatched = 0
        self._invalid = 0
        self.remembering = settings.recent_calls > 0

    def returned(self, call: ReturnedCall) -> None:
        self._calls.remember(call)

    def call_id_of(self, call: ReturnedCall) -> str:
        return self._calls.id_of(call)

    def verify(self, call: ReturnedCall, verify: Callable[[], Any], in_loop: bool) -> None:
        # Judged here, so no verdict after the fact can count it a second time.
        self._calls.forget(call)
        self._verifier.run(verify, lambda outcome: self._verified(call, outcome), in_loop)

    def _verified(self, call: ReturnedCall, outcome: VerifyOutcome) -> None:
        if outcome.verdict is not None:
            self._report(call, outcome.verdict)
        else:
            self._counters.verify_failure(call.function)

    def feedback(self, call_id: Any, verdict: Any) -> None:
        """``arc.feedback``: never raises."""
        try:
            read = verdict_of(verdict)
            if isinstance(read, str) or not isinstance(call_id, str):
                with self._lock:
                    self._invalid += 1
                return
            call = self._calls.take(call_id)
            if call is None:
                with self._lock:
                    self._unmatched += 1
                return
            self._report(call, read)
        except Exception as error:
            try:
                self._internal_error(error)
            except Exception:
                pass  # reporting an internal error must not become one

    def stats(self) -> FeedbackStats:
        sent = self._transport.stats()
        with self._lock:
            return FeedbackStats(**vars(sent), unmatched=self._unmatched, invalid=self._invalid)

    def _report(self, call: ReturnedCall, verdict: Verdict) -> None:
        threshold = self._settings.threshold
        wrong = is_wrong_answer(verdict.score, threshold)
        if wrong:
            self._counters.wrong_answer(call.function)
        now = time.perf_counter()
        item: Event = {
            "id": next_event_id(),
            # Secrets in it replaced as the server replaces them in ids (keyed by the API key), then cut.
            "callId": js_slice(capture_identifier(self._calls.id_of(call), MAX_CALL_ID_LENGTH, self._capture), MAX_CALL_ID_LENGTH),
            "function": call.function,
            "score": verdict.score,
            "threshold": threshold,
            "timestamp": int(round(time.time() * 1000 - (now - call.started_at) * 1000)),
        }
        if verdict.label is not None:
            item["label"] = js_slice(capture_text(verdict.label, MAX_VERDICT_LABEL_LENGTH, self._capture), MAX_VERDICT_LABEL_LENGTH)
        if verdict.message is not None:
            item["message"] = capture_text(verdict.message, MAX_MESSAGE_LENGTH, self._capture)
        if wrong or call.sampled:
            item["input"] = capture_value(call.input, self._capture)
            item["output"] = capture_value(call.output, self._capture)
        if self._capture.agent_id is not None:
            item["agentId"] = self._capture.agent_id
        if call.tags:
            item["tags"] = dict(call.tags)
        if call.fix_ids:
            item["fixIds"] = list(call.fix_ids)
        self._transport.enqueue(item)
