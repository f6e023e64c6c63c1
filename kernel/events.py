"""The in-process event bus: topic-based publish/subscribe that feeds the stream APIs.

Publishing never blocks: every subscriber has its own queue. A subscriber that falls too far behind is
marked `overflowed` and stops receiving; followers then catch up from the store, which is the truth.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable
from typing import Any

DEFAULT_QUEUE_LIMIT = 10_000


class Subscription:
    def __init__(self, bus: EventBus, topics: Iterable[str], limit: int) -> None:
        self._bus = bus
        self.topics = tuple(topics)
        self._queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        self._limit = limit
        self.overflowed = False

    def _offer(self, topic: str, item: Any) -> None:
        if self.overflowed:
            return
        if self._queue.qsize() >= self._limit:
            self.overflowed = True
            self._queue.put_nowait(("", None))  # wake the reader so it notices
            return
        self._queue.put_nowait((topic, item))

    async def get(self, timeout: float | None = None) -> tuple[str, Any] | None:
        """The next (topic, item), or None on timeout or overflow."""
        try:
            topic, item = await asyncio.wait_for(self._queue.get(), timeout)
        except TimeoutError:
            return None
        return None if not topic else (topic, item)

    def drain(self) -> list[tuple[str, Any]]:
        items = []
        while not self._queue.empty():
            topic, item = self._queue.get_nowait()
            if topic:
                items.append((topic, item))
        return items

    def close(self) -> None:
        self._bus._remove(self)

    def __enter__(self) -> Subscription:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def __aiter__(self) -> AsyncIterator[tuple[str, Any]]:
        while True:
            got = await self.get()
            if got is None:
                return
            yield got


class EventBus:
    """Owned by one kernel instance; all calls happen on the kernel's event loop."""

    def __init__(self) -> None:
        self._subscribers: dict[str, set[Subscription]] = defaultdict(set)

    def subscribe(self, *topics: str, limit: int = DEFAULT_QUEUE_LIMIT) -> Subscription:
        subscription = Subscription(self, topics, limit)
        for topic in topics:
            self._subscribers[topic].add(subscription)
        return subscription

    def publish(self, topic: str, item: Any) -> None:
        for subscription in tuple(self._subscribers.get(topic, ())):
            subscription._offer(topic, item)

    def _remove(self, subscription: Subscription) -> None:
        for topic in subscription.topics:
            subs = self._subscribers.get(topic)
            if subs is not None:
                subs.discard(subscription)
                if not subs:
                    del self._subscribers[topic]
