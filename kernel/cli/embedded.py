"""A kernel (and agents) inside this process, for `arcade run` without --server and for `arcade up`."""

from __future__ import annotations

import asyncio
import secrets
import threading
from concurrent.futures import Future
from dataclasses import replace
from pathlib import Path

from kernel.app import Kernel
from kernel.config import Settings


class EmbeddedKernel:
    """Runs a Kernel on its own event loop in a background thread."""

    def __init__(self, settings: Settings) -> None:
        self.kernel = Kernel(settings)
        self._loop = asyncio.new_event_loop()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="arcade-kernel", daemon=True)
        self._started: Future[None] = Future()
        self._finished: Future[None] = Future()

    @classmethod
    def for_data_dir(cls, data_dir: Path, **overrides: object) -> EmbeddedKernel:
        data_dir.mkdir(parents=True, exist_ok=True)
        settings = replace(
            Settings.load(),
            database_url=f"sqlite:///{data_dir.resolve() / 'arcade.db'}",
            storage_url=f"file://{data_dir.resolve() / 'blobs'}",
            admin_token=secrets.token_urlsafe(32),
            **overrides,  # type: ignore[arg-type]
        )
        return cls(settings)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._main())
        except BaseException as exc:  # reported to whoever waits on start()/stop()
            if not self._started.done():
                self._started.set_exception(exc)
            self._finished.set_exception(exc)
        else:
            self._finished.set_result(None)

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        await self.kernel.start()
        self._started.set_result(None)
        try:
            await self._stop.wait()
        finally:
            await self.kernel.stop()

    def start(self) -> EmbeddedKernel:
        self._thread.start()
        self._started.result()
        return self

    def stop(self) -> None:
        if self._stop is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stop.set)
            self._finished.result(timeout=30)

    def wait_for_agents(self, count: int, timeout: float) -> bool:
        """Block until `count` agents hold a dispatch connection (or `timeout` passes); True if they do."""

        async def connected() -> bool:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + timeout
            with self.kernel.bus.subscribe("agents") as updates:
                while len(self.kernel.hub.connected()) < count:
                    remaining = deadline - loop.time()
                    if remaining <= 0:
                        return False
                    await updates.get(remaining)
            return True

        return asyncio.run_coroutine_threadsafe(connected(), self._loop).result(timeout + 5)

    def registration_token(self) -> str:
        secret, _ = self.kernel.tokens.create(
            "registration", description="embedded agents", ttl_seconds=24 * 3600
        )
        return secret

    @property
    def admin_token(self) -> str:
        return self.kernel.settings.admin_token
