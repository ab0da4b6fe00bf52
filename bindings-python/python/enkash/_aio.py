"""asyncio plumbing for the native AsyncClient (completes futures on the loop's thread)."""

from __future__ import annotations

import asyncio
from typing import Any, TypeVar

T = TypeVar("T")


def set_result(future: "asyncio.Future[Any]", value: Any) -> None:
    if not future.done():
        future.set_result(value)


def set_exception(future: "asyncio.Future[Any]", exc: BaseException) -> None:
    if not future.done():
        future.set_exception(exc)


async def ready(value: T) -> T:
    return value


async def _awaited(awaitable: Any) -> Any:
    return await awaitable


def await_token(awaitable: Any, loop: "asyncio.AbstractEventLoop | None") -> Any:
    """A coroutine token provider's answer, from a thread of the SDK's own: on the loop the
    AsyncClient is used from (while that loop waits for the SDK, it is free to run it), else on a
    new loop of this thread."""
    if loop is not None and loop.is_running():
        return asyncio.run_coroutine_threadsafe(_awaited(awaitable), loop).result()
    return asyncio.run(_awaited(awaitable))
