"""Every blocking public call has an async twin with the same behaviour and the same bound: the
twins run the blocking call on a thread of the SDK's own, so a host whose event loop's default
executor is busy (all its threads blocked in the host's own work) still gets them back within their
timeout."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

import arc
from arc import ArcClient, ArcConfig

from .conftest import wait_until


def test_every_blocking_call_has_an_async_twin() -> None:
    for name in ("flush", "shutdown"):
        assert name in arc.__all__ and f"a{name}" in arc.__all__, name
    for name in ("flush", "shutdown", "refresh_fixes", "worker"):
        assert callable(getattr(ArcClient, f"a{name}")), name


TWINS: dict[str, Callable[[ArcClient, Callable[[], int]], Awaitable[None]]] = {
    "aflush": lambda client, _: client.aflush(timeout=0.5),
    "ashutdown": lambda client, _: client.ashutdown(timeout=0.5),
    "arefresh_fixes": lambda client, _: client.arefresh_fixes(),
    "RolloutWorker.astop": lambda client, ok: client.worker({"ok": ok}).astop(timeout=0.5),
}


@pytest.mark.parametrize("twin", sorted(TWINS))
async def test_an_async_twin_keeps_its_bound_when_the_default_executor_is_busy(twin: str, misbehaving: Any) -> None:
    server = misbehaving("hang")
    client = ArcClient(
        ArcConfig(
            api_key="arc_async_twin_test_key",
            endpoint=server.url,
            flush_interval=0.05,
            request_timeout=0.5,
            fix_poll_interval=60.0,
            success_sample_rate=1.0,
        )
    )

    @client.track
    def ok() -> int:
        return 1

    loop = asyncio.get_running_loop()
    loop.set_default_executor(ThreadPoolExecutor(max_workers=1))
    released = threading.Event()
    busy = loop.run_in_executor(None, released.wait)  # the host's blocking work holds the only thread
    try:
        for _ in range(5):
            ok()
        wait_until(lambda: server.requests > 0, what="a request to hang")
        await asyncio.wait_for(TWINS[twin](client, ok), timeout=5.0)
    finally:
        released.set()
        await busy
        client.shutdown(timeout=0.5)
