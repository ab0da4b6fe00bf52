"""asyncio plumbing for the native AsyncClient (completes futures on the loop's thread)."""

from __future__ import annotations

import asyncio
import weakref
from typing import Any, Tuple, TypeVar

T = TypeVar("T")

# One completion queue per event loop, held as long as the loop lives.
_completions: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any]" = weakref.WeakKeyDictionary()
_get_running_loop = asyncio.get_running_loop


def start() -> "Tuple[asyncio.Future[Any], Any]":
    """A new future on the running loop and that loop's completion queue (see src/asyncio.rs)."""
    loop = _get_running_loop()
    queue = _completions.get(loop)
    if queue is None:
        queue = _register(loop)
    return loop.create_future(), queue


def _register(loop: asyncio.AbstractEventLoop) -> Any:
    from enkash._native import _Completions

    queue = _Completions()
    fd = queue.fileno()
    try:
        if fd is None:
            raise NotImplementedError
        # The runtime wakes the loop by writing to this socket; the loop then drains the queue.
        loop.add_reader(fd, queue.drain)
    except NotImplementedError:  # e.g. the Windows proactor loop
        queue.wake_with_call_soon_threadsafe(loop)
    _completions[loop] = queue
    return queue


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
