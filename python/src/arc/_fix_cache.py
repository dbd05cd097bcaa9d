"""The agent's copy of the fixes deployed for its functions (packages/sdk/src/fix-cache.ts), kept fresh
by polling ``GET /v1/fixes?function=...`` with ETags from a daemon thread. Fail-open: a failed poll,
an error status or a garbled body keeps the last good fixes; each fix is validated (arc.fixes) and an
invalid one is skipped, never applied.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import httpx

from .fixes import DeployedFix, parse_deployed_fix


@dataclass(frozen=True)
class FixCacheStats:
    polls: int
    not_modified: int
    failures: int
    invalid_fixes: int
    """Deployed fixes skipped because they did not validate."""
    last_error: str | None


class FixCache:
    def __init__(self, *, url: str, api_key: str, interval: float, request_timeout: float, headers: dict[str, str]) -> None:
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
        return FixCacheStats(self._polls, self._not_modified, self._failures, self._invalid, self._last_error)

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
        try:
            response = self._client.get(self._url, params={"function": function}, headers=headers, timeout=self._timeout)
        except httpx.TimeoutException:
            return self._fail("timed out")
        except (httpx.HTTPError, OSError) as error:
            return self._fail(f"{type(error).__name__}: {error}")
        if response.status_code == 304:
            self._not_modified += 1
            return None
        if response.status_code != 200:
            return self._fail(f"HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError:
            return self._fail("response is not JSON")
        listed = body.get("fixes") if isinstance(body, dict) else None
        if not isinstance(listed, list):
            return self._fail("response has no fixes array")
        fixes: list[DeployedFix] = []
        for item in listed:
            parsed = parse_deployed_fix(item)
            if isinstance(parsed, DeployedFix) and parsed.function == function:
                fixes.append(parsed)
            else:
                self._invalid += 1
                self._last_error = (
                    f"fix {parsed.id} is for {parsed.function}, not {function}"
                    if isinstance(parsed, DeployedFix)
                    else f"invalid fix: {parsed.errors()[0]['loc']} {parsed.errors()[0]['msg']}"
                )
        with self._lock:
            self._fixes[function] = tuple(fixes)
            new_etag = response.headers.get("etag")
            if new_etag is None:
                self._etags.pop(function, None)
            else:
                self._etags[function] = new_etag
        return None

    def _fail(self, reason: str) -> None:
        self._failures += 1
        self._last_error = reason
