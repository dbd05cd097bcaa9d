"""Ships events (or verdicts) to Arc in batches from a background thread (packages/sdk/src/event-transport.ts), and
never lets the server's state reach the host: enqueueing never blocks or raises, memory is bounded
(the oldest events are dropped and counted), the thread is a daemon, and a slow, dead or garbled
server only costs retries with backoff. One request is in flight at a time.
"""

from __future__ import annotations

import email.utils
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
import httpx

from ._appliers import backoff_delay
from ._bounded_body import read_head
from ._capture import Event
from ._json_safe import wire_json

_MAX_RETRY_AFTER = 300.0
_ERROR_BODY_CHARS = 500


@dataclass(frozen=True)
class TransportStats:
    sent: int
    """Events the server acknowledged (2xx)."""
    dropped: int
    """Events dropped because the queue was full, or enqueued after shutdown."""
    failed: int
    """Events given up: rejected by the server (4xx) or out of attempts."""
    queued: int
    """Events waiting, the batch in flight included."""
    retries: int
    """Requests that will be (or were) tried again."""
    last_error: str | None


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as delay-seconds or an HTTP date, in seconds; None when absent or unreadable."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return min(_MAX_RETRY_AFTER, float(text))
    try:
        when = email.utils.parsedate_to_datetime(text).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return min(_MAX_RETRY_AFTER, max(0.0, when - (time.time() if now is None else now)))


def retry_after_of(status: int, headers: httpx.Headers) -> float | None:
    """The wait a 429 or 503 asks for (Retry-After, capped), in seconds; None for other answers.

    Read on 503 too (RFC 9110 gives it to both): the server says so while its database cannot serve.
    """
    return parse_retry_after(headers.get("retry-after")) if status in (429, 503) else None


@dataclass
class _Outcome:
    kind: str  # sent | rejected | too_large | retry
    error: str = ""
    retry_after: float | None = None


class EventTransport:
    def __init__(
        self,
        *,
        url: str,
        api_key: str,
        batch_size: int,
        max_queue: int,
        max_batch_bytes: int,
        flush_interval: float,
        request_timeout: float,
        max_attempts: int,
        random: Callable[[], float],
        headers: dict[str, str],
        collect: Callable[[], list[Event]] | None = None,
        body_key: str = "events",
        name: str = "arc-transport",
    ) -> None:
        """``collect``: called at each flush for events assembled lazily (aggregated success counts);
        ``body_key``: the body's key for the batch (``feedback`` for ``/v1/feedback``)."""
        self._url = url
        self._body_key = body_key
        self._batch_size = batch_size
        self._max_queue = max_queue
        self._max_batch_bytes = max_batch_bytes
        self._flush_interval = flush_interval
        self._request_timeout = request_timeout
        self._max_attempts = max_attempts
        self._random = random
        self._collect = collect
        self._client = httpx.Client(headers={**headers, "authorization": f"Bearer {api_key}", "content-type": "application/json"})
        self._queue: deque[Event] = deque()
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._pending: list[Event] | None = None
        self._attempts = 0
        self._not_before = 0.0
        self._consecutive_failures = 0
        self._closed = False
        self._deadline = 0.0
        self._kicked = False
        self._idle = threading.Event()
        self._idle.set()
        self._sent = self._dropped = self._failed = self._retries = 0
        self._last_error: str | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def enqueue(self, event: Event) -> None:
        with self._lock:
            if self._closed:
                self._dropped += 1
                return
            if len(self._queue) >= self._max_queue:
                self._queue.popleft()
                self._dropped += 1
            self._queue.append(event)
            if len(self._queue) >= self._batch_size:
                self._kicked = True
                self._wake.notify()

    def stats(self) -> TransportStats:
        with self._lock:
            queued = len(self._queue) + (len(self._pending) if self._pending else 0)
            return TransportStats(self._sent, self._dropped, self._failed, queued, self._retries, self._last_error)

    def flush(self, timeout: float | None = None) -> None:
        """Sends what is queued now (respecting backoff) and waits for the attempt, at most ``timeout`` s."""
        with self._lock:
            if self._closed:
                return
            self._idle.clear()
            self._kicked = True
            self._wake.notify()
        self._idle.wait(timeout)

    def shutdown(self, timeout: float) -> None:
        """Stops the thread after sending what is queued, each batch tried once, within ``timeout`` s."""
        deadline = time.monotonic() + max(0.0, timeout)
        if self.close(deadline):
            self.join(deadline)

    def close(self, deadline: float) -> bool:
        """Tells the thread to send what is queued by ``deadline`` (time.monotonic) and stop; False if closed already."""
        with self._lock:
            if self._closed:
                return False
            self._closed = True
            self._deadline = deadline
            self._wake.notify()
        return True

    def join(self, deadline: float) -> None:
        self._thread.join(max(0.0, deadline - time.monotonic()))
        if not self._thread.is_alive():
            self._client.close()

    # ---- the sender thread ----

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._closed and not self._kicked:
                    wait = self._flush_interval
                    if self._not_before > time.monotonic():
                        wait = min(wait, self._not_before - time.monotonic())
                    self._wake.wait(max(0.0, wait))
                closed = self._closed
                self._kicked = False
            try:
                if closed:
                    self._pump(self._deadline)
                    return
                self._pump(None)
            except Exception as error:  # only a bug of ours lands here; the thread carries on
                self._last_error = f"internal: {error}"
            finally:
                self._idle.set()

    def _pump(self, deadline: float | None) -> None:
        final = deadline is not None
        while True:
            with self._lock:
                if self._pending is None:
                    for event in self._collect() if self._collect is not None else ():
                        if len(self._queue) >= self._max_queue:
                            self._queue.popleft()
                            self._dropped += 1
                        self._queue.append(event)
                    if not self._queue:
                        return
                    take = min(self._batch_size, len(self._queue))
                    self._pending = [self._queue.popleft() for _ in range(take)]
                    self._attempts = 0
                batch = self._pending
            now = time.monotonic()
            if not final and self._not_before > now:
                return
            timeout = self._request_timeout if deadline is None else min(self._request_timeout, deadline - now)
            if timeout <= 0:
                return
            outcome = self._send(batch, timeout)
            with self._lock:
                if outcome.kind == "sent":
                    self._sent += len(batch)
                    self._pending = None
                    self._consecutive_failures = 0
                    self._not_before = 0.0
                    continue
                self._last_error = outcome.error
                if outcome.kind == "too_large" and len(batch) > 1:
                    half = (len(batch) + 1) // 2
                    self._requeue_front(batch[half:])
                    self._pending = batch[:half]
                    continue
                if outcome.kind != "retry" or self._attempts + 1 >= self._max_attempts:
                    self._failed += len(batch)
                    self._pending = None
                    if outcome.kind != "retry":
                        continue
                else:
                    self._attempts += 1
                    self._retries += 1
                self._consecutive_failures += 1
                delay = outcome.retry_after
                if delay is None:
                    delay = backoff_delay(self._consecutive_failures, 0.5, 30.0, "full", self._random)
                self._not_before = time.monotonic() + delay
            if final:
                return

    def _requeue_front(self, events: list[Event]) -> None:
        for i in range(len(events) - 1, -1, -1):
            if len(self._queue) >= self._max_queue:
                # The front is older than the back, so what is being restored is what goes.
                self._dropped += i + 1
                return
            self._queue.appendleft(events[i])

    def _send(self, events: list[Event], timeout: float) -> _Outcome:
        try:
            body = wire_json({self._body_key: events})
        except (TypeError, ValueError) as error:
            return _Outcome("rejected", f"internal: unserialisable batch ({error})")
        if len(body) > self._max_batch_bytes:
            return _Outcome("too_large", f"batch of {len(events)} events exceeds {self._max_batch_bytes} bytes")
        deadline = time.monotonic() + timeout
        try:
            with self._client.stream("POST", self._url, content=body, timeout=timeout) as response:
                status = response.status_code
                retry_after = retry_after_of(status, response.headers)
                # Enough bytes for the characters kept; the rest of an error body is never read.
                text = b"" if 200 <= status < 300 else read_head(response, 4 * _ERROR_BODY_CHARS, deadline)
        except httpx.TimeoutException:
            return _Outcome("retry", f"network: timed out after {timeout:.3g} s")
        except (httpx.HTTPError, OSError) as error:
            return _Outcome("retry", f"network: {type(error).__name__}: {error}")
        if 200 <= status < 300:
            return _Outcome("sent")
        problem = f"HTTP {status}: {text.decode('utf-8', 'replace')[:_ERROR_BODY_CHARS]}"
        if retry_after is not None:
            return _Outcome("retry", problem, retry_after)
        if status in (408, 429) or status >= 500:
            return _Outcome("retry", problem)
        if status == 413:
            return _Outcome("too_large", problem)
        return _Outcome("rejected", problem)

