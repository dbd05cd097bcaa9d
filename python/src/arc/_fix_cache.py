"""The agent's copy of the fixes deployed for its functions (packages/sdk/src/fix-cache.ts), kept fresh
by polling ``GET /v1/fixes?function=...`` with ETags from a daemon thread. Fail-open: a failed poll,
an error status or a garbled body keeps the last good fixes; each fix is validated (arc.fixes) and an
invalid one is skipped, never applied.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass

import httpx

from ._bounded_body import read_bounded
from .fixes import DeployedFix, parse_deployed_fix


@dataclass(frozen=True)
class FixCacheStats:
    polls: int
    not_modified: int
    failures: int
    invalid_fixes: int
    """Deployed fixes skipped because they did not validate."""
    oversized_fixes: int
    """Deployed fixes skipped because they are past core's fix limits."""
    oversized_responses: int
    """Answers refused for being larger than the bound."""
    last_error: str | None


class FixCache:
    def __init__(
        self, *, url: str, api_key: str, interval: float, request_timeout: float, max_response_bytes: int, headers: dict[str, str]
    ) -> None:
        self._url = url
        self._interval = interval
        self._timeout = request_timeout
        self._client = httpx.Client(headers={**headers, "authorization": f"Bearer {api_key}"})
        self._lock = threading.Lock()
        self._fixes: dict[str, tuple[DeployedFix, ...]] = {}
        self._etags: dict[str, str] = {}
        self._due: set[str] = set()
        self._wake = threading.Condition(self._lock)
        self._stopped = False
        self._polls = self._not_modified = self._failures = self._invalid = 0
        self._oversized_fixes = self._oversized_responses = 0
        self._max_bytes = max_response_bytes
        self._last_error: str | None = None
        self._poll_lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="arc-fixes", daemon=True)
        self._thread.start()

    def watch(self, function: str) -> None:
        """Starts keeping the fixes of ``function`` (first poll right away, in the background)."""
        with self._lock:
            if function in self._fixes or self._stopped:
                return
            self._fixes[function] = ()
            self._due.add(function)
            self._wake.notify()

    def fixes_for(self, function: str) -> tuple[DeployedFix, ...]:
        return self._fixes.get(function, ())

    def refresh(self) -> None:
        """Polls every watched function now, in the caller's thread; never raises."""
        with self._lock:
            functions = list(self._fixes)
        for function in functions:
            self._poll(function)

    def stats(self) -> FixCacheStats:
        return FixCacheStats(
            self._polls, self._not_modified, self._failures, self._invalid, self._oversized_fixes, self._oversized_responses, self._last_error
        )

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._due and not self._stopped:
                    signalled = self._wake.wait(self._interval)
                    if not signalled and not self._due:
                        self._due.update(self._fixes)
                if self._stopped:
                    break
                due = list(self._due)
                self._due.clear()
            for function in due:
                self._poll(function)
        self._client.close()

    def _poll(self, function: str) -> None:
        # One poll at a time: the thread's and a refresh() never interleave their ETags.
        with self._poll_lock:
            try:
                self._fetch(function)
            except Exception as error:  # only a bug of ours lands here
                self._fail(f"internal: {error}")

    def _fetch(self, function: str) -> None:
        self._polls += 1
        headers = {}
        etag = self._etags.get(function)
        if etag is not None:
            headers["if-none-match"] = etag
        deadline = time.monotonic() + self._timeout
        try:
            with self._client.stream("GET", self._url, params={"function": function}, headers=headers, timeout=self._timeout) as response:
                status = response.status_code
                raw = read_bounded(response, self._max_bytes, deadline) if status == 200 else b""
                etag = response.headers.get("etag")
        except httpx.TimeoutException:
            return self._fail("timed out")
        except (httpx.HTTPError, OSError) as error:
            return self._fail(f"{type(error).__name__}: {error}")
        if status == 304:
            self._not_modified += 1
            return None
        if status != 200:
            return self._fail(f"HTTP {status}")
        if raw is None:
            self._oversized_responses += 1
            return self._fail(f"the answer is larger than {self._max_bytes} bytes")
        try:
            body = json.loads(raw)
        except (ValueError, RecursionError):
            return self._fail("response is not JSON")
        listed = body.get("fixes") if isinstance(body, dict) else None
        if not isinstance(listed, list):
            return self._fail("response has no fixes array")
        fixes: list[DeployedFix] = []
        for item in listed:
            parsed = parse_deployed_fix(item)
            if isinstance(parsed, str):
                self._oversized_fixes += 1
                self._last_error = f"fix is too large: {parsed}"
            elif not isinstance(parsed, DeployedFix):
                self._invalid += 1
                first = parsed.errors()[0]
                self._last_error = f"invalid fix: {'.'.join(str(p) for p in first['loc'])} {first['msg']}"
            elif parsed.function != function:
                self._invalid += 1
                self._last_error = f"fix {parsed.id} is for {parsed.function}, not {function}"
            else:
                fixes.append(parsed)
        with self._lock:
            self._fixes[function] = tuple(fixes)
            if etag is None:
                self._etags.pop(function, None)
            else:
                self._etags[function] = etag
        return None

    def _fail(self, reason: str) -> None:
        self._failures += 1
        self._last_error = reason
