"""The calls that returned lately, by call id (packages/sdk/src/recent-calls.ts), so that a verdict
given after the fact (``arc.feedback(call_id, ...)``) can carry the call's replayable input.
Bounded: past ``capacity`` the oldest call is forgotten. Entries hold the host's own arguments and
output (capturing every call up front would cost every call what only judged ones need), so what
a verdict reports is their state when the verdict comes.

Every tracked call that returns passes through here, so the common case is kept cheap: a call the
host did not name is numbered, kept in a ring at its number, and gets its id string only when asked.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Mapping
from typing import Any, Callable

from ._capture import base36

_BASE36 = re.compile(r"[0-9a-z]{1,11}\Z")


class ReturnedCall:
    """A call that returned and passed its checks."""

    __slots__ = ("name", "seq", "function", "recorded", "args", "kwargs", "output", "tags", "fix_ids", "started_at", "sampled")

    def __init__(
        self,
        name: str | None,
        function: str,
        recorded: Callable[[tuple[Any, ...], dict[str, Any]], Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        output: Any,
        tags: Mapping[str, str],
        fix_ids: tuple[str, ...],
        started_at: float,
        sampled: bool,
    ) -> None:
        self.name = name
        """The id the host named (track's ``call_id``); None when Arc numbers the call."""
        self.seq = 0
        self.function = function
        self.recorded = recorded
        """Makes the input as events record it from the arguments (only for calls that are judged)."""
        self.args = args
        self.kwargs = kwargs
        self.output = output
        """What the call returned (after output repair), or the part of it track's ``output`` picks."""
        self.tags = tags
        self.fix_ids = fix_ids
        self.started_at = started_at
        """time.perf_counter() when the call began."""
        self.sampled = sampled
        """Whether a right verdict on it carries its input and output (success sampling)."""

    @property
    def input(self) -> Any:
        return self.recorded(self.args, self.kwargs)


class RecentCalls:
    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        # Generated ids are this and the call's number in base 36; random, so no host's id looks like one.
        self._prefix = f"{uuid.uuid4()}-"
        self._seq = 0
        self._ring: list[ReturnedCall | None] = [None] * capacity
        self._named: dict[str, ReturnedCall] = {}
        self._lock = threading.Lock()

    def remember(self, call: ReturnedCall) -> None:
        """Numbers the call and keeps it, in place of the oldest when full."""
        with self._lock:
            self._seq += 1
            call.seq = seq = self._seq
            if self.capacity == 0:
                return
            slot = seq % self.capacity
            oldest = self._ring[slot]
            # A reused name names its latest call; the oldest is forgotten only if its name still names it.
            if oldest is not None and oldest.name is not None and self._named.get(oldest.name) is oldest:
                del self._named[oldest.name]
            self._ring[slot] = call
            if call.name is not None:
                self._named[call.name] = call

    def id_of(self, call: ReturnedCall) -> str:
        """The id ``arc.feedback`` takes for the call."""
        return call.name if call.name is not None else f"{self._prefix}{base36(call.seq)}"

    def take(self, call_id: str) -> ReturnedCall | None:
        """The call with this id, which is forgotten: Arc counts one verdict per call."""
        with self._lock:
            call = self._numbered(call_id) if call_id.startswith(self._prefix) else self._named.get(call_id)
            if call is not None:
                self._forget(call)
            return call

    def forget(self, call: ReturnedCall) -> None:
        with self._lock:
            self._forget(call)

    def _forget(self, call: ReturnedCall) -> None:
        if self.capacity == 0:
            return
        slot = call.seq % self.capacity
        if self._ring[slot] is call:
            self._ring[slot] = None
        if call.name is not None and self._named.get(call.name) is call:
            del self._named[call.name]

    def _numbered(self, call_id: str) -> ReturnedCall | None:
        digits = call_id[len(self._prefix) :]
        if self.capacity == 0 or not _BASE36.match(digits):
            return None
        seq = int(digits, 36)
        call = self._ring[seq % self.capacity]
        return call if call is not None and call.seq == seq and call.name is None else None
