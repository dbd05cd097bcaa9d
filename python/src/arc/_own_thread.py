"""Blocking SDK work awaited by the async twins (``aflush``, ``ashutdown``, ...) on a thread of the
SDK's own. ``asyncio.to_thread`` queues it on the event loop's default executor, which is the
host's: with its threads all busy in the host's blocking work, ``ashutdown(timeout=2)`` waited for
one past its deadline, where ``shutdown(timeout=2)`` keeps it."""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.done():  # the awaiting task was cancelled: nobody wants the outcome
        return
    if error is None:
        future.set_result(result)
    else:
        future.set_exception(error)


async def in_own_thread(fn: Callable[..., T], *args: Any) -> T:
    """``await asyncio.to_thread(fn, *args)``, on a new daemon thread instead of the default executor."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()
    context = contextvars.copy_context()

    def run() -> None:
        result: Any = None
        error: BaseException | None = None
        try:
            result = context.run(fn, *args)
        except BaseException as caught:  # handed to the awaiting task, as to_thread would
            error = caught
        try:
            loop.call_soon_threadsafe(_settle, future, result, error)
        except RuntimeError:  # the loop closed meanwhile
            pass

    threading.Thread(target=run, name="arc-async-twin", daemon=True).start()
    return await future
