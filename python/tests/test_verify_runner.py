"""The verify runner's own bounds: what it keeps for finished runs does not grow with verify rate x timeout."""

from __future__ import annotations

import functools
import gc
import threading
import weakref

from arc._verify import _COMPACT_FLOOR, VerifyOutcome, VerifyRunner


class _Judged:
    """Something a verifier closes over (the call's output, say); it must be freed once its run is done."""


def _score(judged: _Judged) -> float:
    return 1.0


def test_finished_runs_leave_the_deadline_heap_long_before_their_deadline() -> None:
    runner = VerifyRunner(timeout=3600.0, internal_error=lambda error: None)
    batch, batches = 200, 20
    alive: list[weakref.ref[_Judged]] = []
    for _ in range(batches):
        done = threading.Semaphore(0)
        outcomes: list[VerifyOutcome] = []

        def finished(outcome: VerifyOutcome) -> None:
            outcomes.append(outcome)
            done.release()

        for _ in range(batch):
            judged = _Judged()
            alive.append(weakref.ref(judged))
            runner.run(functools.partial(_score, judged), finished)
        for _ in range(batch):
            assert done.acquire(timeout=60), "a verify run never finished"
        assert all(o.verdict is not None and o.verdict.score == 1.0 for o in outcomes)
    # Every run is done, an hour before its deadline: what is kept is bounded by the runs pending at a
    # compaction (at most a batch here), not by the 4,000 runs of the last hour.
    bound = 2 * batch + _COMPACT_FLOOR
    assert runner.pending_deadlines() <= bound
    gc.collect()
    assert sum(1 for ref in alive if ref() is not None) <= bound
