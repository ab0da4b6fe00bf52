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
