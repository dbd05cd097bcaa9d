"""Reading a server's answer without letting it decide the agent's memory or time
(packages/sdk/src/bounded-body.ts): at most a given number of bytes, and only until the request's
deadline. httpx's timeouts bound each read, so a server that sends a byte now and then would hold a
request for as long as it liked; here the whole body must come by the deadline (time.monotonic())."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator

import httpx


def _check(deadline: float) -> None:
    late = time.monotonic() - deadline
    if late > 0:
        raise httpx.ReadTimeout(f"the answer was not read by its deadline ({late:.3g} s late)")


def _chunks(response: httpx.Response, deadline: float) -> Iterator[bytes]:
    for chunk in response.iter_bytes():
        _check(deadline)
        yield chunk


async def _achunks(response: httpx.Response, deadline: float) -> AsyncIterator[bytes]:
    async for chunk in response.aiter_bytes():
        _check(deadline)
        yield chunk


def read_head(response: httpx.Response, limit: int, deadline: float) -> bytes:
    """The body's first ``limit`` bytes; the rest is never read. Past ``deadline``: httpx.ReadTimeout."""
    chunks: list[bytes] = []
    size = 0
    for chunk in _chunks(response, deadline):
        chunks.append(chunk)
        size += len(chunk)
        if size >= limit:
            break
    return b"".join(chunks)[:limit]


def read_bounded(response: httpx.Response, limit: int, deadline: float) -> bytes | None:
    """The body, or None when it is longer than ``limit`` bytes (the rest is never read). Past
    ``deadline``: httpx.ReadTimeout."""
    chunks: list[bytes] = []
    size = 0
    for chunk in _chunks(response, deadline):
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def aread_bounded(response: httpx.Response, limit: int, deadline: float) -> bytes | None:
    """``read_bounded`` for a response of an ``httpx.AsyncClient``."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in _achunks(response, deadline):
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)
