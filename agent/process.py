"""Step processes: a shell in its own session and process group, its pipes read by threads, the group killed.

Killing is always of the whole group, so background children a step started (`sleep 1000 &`) go with it:
SIGTERM first, SIGKILL when the grace period is over. The grace period ends early once the leader has exited
and both pipes are closed.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from agent.peer import LogStream

__all__ = [
    "OutputSink",
    "StepProcess",
    "describe_returncode",
    "exit_code_of",
    "shell_argv",
]

READ_SIZE = 64 * 1024

OutputSink = Callable[[LogStream, bytes], None]
"""Receives each chunk read from a pipe; an empty chunk means that pipe reached end of file."""


def shell_argv(script: str) -> list[str]:
    """`bash --noprofile --norc -eo pipefail -c SCRIPT`, or `sh -e -c SCRIPT` where bash is missing."""
    bash = shutil.which("bash")
    if bash:
        return [bash, "--noprofile", "--norc", "-eo", "pipefail", "-c", script]
    return [shutil.which("sh") or "/bin/sh", "-e", "-c", script]


def describe_returncode(returncode: int) -> str:
    """Describe a return code: "exit code 2", or "killed by signal SIGKILL" when it is negative."""
    if returncode >= 0:
        return f"exit code {returncode}"
    try:
        name = signal.Signals(-returncode).name
    except ValueError:
        name = f"signal {-returncode}"
    return f"killed by signal {name}"


def exit_code_of(returncode: int) -> int:
    """The shell's convention: a process killed by signal N exits with 128 + N."""
    return returncode if returncode >= 0 else 128 - returncode


class StepProcess:
    """One running step: the shell process, a thread waiting for it, one reader thread per pipe."""

    def __init__(
        self, popen: subprocess.Popen[bytes], on_output: OutputSink, on_exit: Callable[[], None]
    ) -> None:
        self._popen = popen
        self.pid = popen.pid
        self._exited = threading.Event()
        self._on_exit = on_exit
        pipes = ((popen.stdout, LogStream.STDOUT), (popen.stderr, LogStream.STDERR))
        self._readers = [
            threading.Thread(
                target=self._pump,
                args=(pipe, stream, on_output),
                name=f"arcade-step-{self.pid}-{stream.value.lower()}",
                daemon=True,
            )
            for pipe, stream in pipes
        ]
        self._waiter = threading.Thread(target=self._wait, name=f"arcade-step-{self.pid}-wait", daemon=True)
        for thread in (*self._readers, self._waiter):
            thread.start()

    @classmethod
    def spawn(
        cls,
        argv: list[str],
        *,
        cwd: Path,
        env: Mapping[str, str],
        on_output: OutputSink,
        on_exit: Callable[[], None],
    ) -> StepProcess:
        """Start `argv` in a new session (its own process group) with stdin from /dev/null; raises OSError."""
        popen = subprocess.Popen(
            argv,
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            close_fds=True,
        )
        return cls(popen, on_output, on_exit)

    # -- state

    @property
    def returncode(self) -> int | None:
        """None while the shell runs; negative when a signal killed it."""
        return self._popen.returncode if self._exited.is_set() else None

    @property
    def exited(self) -> bool:
        return self._exited.is_set()

    def wait_exit(self, timeout: float | None) -> bool:
        """Wait for the shell to exit; False if `timeout` passed first."""
        return self._exited.wait(timeout)

    def wait_output(self, timeout: float | None) -> bool:
        """Wait until both pipes reached end of file; False if `timeout` passed first."""
        deadline = None if timeout is None else time.monotonic() + timeout
        for reader in self._readers:
            reader.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
        return not any(reader.is_alive() for reader in self._readers)

    def group_alive(self) -> bool:
        """True while any process of the step's group (zombies included) still exists."""
        try:
            os.killpg(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    # -- stopping

    def signal_group(self, signum: int) -> None:
        try:
            os.killpg(self.pid, signum)
        except (ProcessLookupError, PermissionError):
            pass

    def terminate(self, grace: float) -> None:
        """SIGTERM the group; SIGKILL it once the leader and the pipes are done or `grace` seconds passed."""
        self.signal_group(signal.SIGTERM)
        deadline = time.monotonic() + grace
        if self._exited.wait(grace):
            self.wait_output(max(0.0, deadline - time.monotonic()))
        self.signal_group(signal.SIGKILL)
        self._exited.wait(grace + 5.0)

    def reap_leftovers(self, grace: float) -> bool:
        """After the shell exited: stop background processes it left in its group. True if there were any."""
        if not self.group_alive():
            return False
        self.terminate(grace)
        return True

    # -- threads

    def _wait(self) -> None:
        self._popen.wait()
        self._exited.set()
        self._on_exit()

    @staticmethod
    def _pump(pipe: io.BufferedReader, stream: LogStream, on_output: OutputSink) -> None:
        read = pipe.read1
        try:
            while chunk := read(READ_SIZE):
                on_output(stream, chunk)
        except (OSError, ValueError):
            pass
        finally:
            on_output(stream, b"")
            try:
                pipe.close()
            except OSError:
                pass
