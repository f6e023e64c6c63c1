import asyncio

from kernel.events import EventBus


def test_subscribers_get_their_topics_only():
    async def scenario():
        bus = EventBus()
        with bus.subscribe("run:1") as sub:
            bus.publish("run:2", "other")
            bus.publish("run:1", "mine")
            assert await sub.get(1) == ("run:1", "mine")
            assert await sub.get(0.01) is None

    asyncio.run(scenario())


def test_a_slow_subscriber_overflows_instead_of_blocking_publishers():
    async def scenario():
        bus = EventBus()
        with bus.subscribe("t", limit=3) as sub:
            for i in range(10):
                bus.publish("t", i)
            assert sub.overflowed
            items = sub.drain()
            assert [item for _, item in items] == [0, 1, 2]

    asyncio.run(scenario())


def test_closed_subscriptions_are_forgotten():
    bus = EventBus()
    sub = bus.subscribe("a", "b")
    sub.close()
    assert bus._subscribers == {}
