"""Run the real bot (`python -m bot`) as a child process in tests.

Generic: nothing here knows a channel. A test gives the environment (tokens, API base URLs,
database URL) and a readiness check (for example "the double has seen a getUpdates"), and gets
a handle to stop it politely (SIGTERM), kill it (SIGKILL) or start it again with the same
settings. Output goes to a log file, never a pipe, so a chatty bot can never block on a full
pipe, and the log is attached to the failure when something goes wrong.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# Settings a developer may have exported for real use; a test must never inherit them.
_LEAKY_PREFIXES = ("TELEGRAM_", "ZALO_", "WEBHOOK_")
_LEAKY_NAMES = frozenset({"DATABASE_URL", "DEFAULT_LOCALE", "TIMEZONE", "PACKS_DIR"})

ReadyCheck = Callable[[], Awaitable[bool]]


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (for a webhook server)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def clean_environment(extra: Mapping[str, str]) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(_LEAKY_PREFIXES) and key not in _LEAKY_NAMES
    }
    env["PYTHONUNBUFFERED"] = "1"
    # The child runs in a scratch directory (so no stray .env is read); it still imports the
    # project from its checkout.
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH", "")) if p
    )
    env.update(extra)
    return env


class BotProcessError(AssertionError):
    """The process died or never became ready; the message carries its log."""


class BotProcess:
    """One bot process; `start` again after `stop`/`kill` runs a fresh one (same settings)."""

    def __init__(
        self,
        env: Mapping[str, str],
        workdir: Path,
        *,
        args: Sequence[str] = ("-m", "bot"),
        name: str = "bot",
    ) -> None:
        self.env = dict(env)
        self.workdir = workdir
        self.args = list(args)
        self.name = name
        self.log_path = workdir / f"{name}.log"
        self.runs = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._log_start = 0

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process else None

    @property
    def returncode(self) -> int | None:
        return self._process.poll() if self._process else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def output(self, *, all_runs: bool = False) -> str:
        """What the process wrote (this run only, unless all_runs)."""
        if not self.log_path.exists():
            return ""
        data = self.log_path.read_bytes()
        return data[0 if all_runs else self._log_start :].decode("utf-8", "replace")

    def _fail(self, message: str) -> BotProcessError:
        return BotProcessError(f"{message}\n--- {self.name} output ---\n{self.output()}")

    async def start(self, ready: ReadyCheck | None = None, timeout: float = 30.0) -> None:
        """Start the process and wait until `ready()` is true (or fail with its output)."""
        if self.running:
            raise RuntimeError(f"{self.name} is already running")
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._log_start = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("ab") as log:
            log.write(f"=== run {self.runs + 1} ===\n".encode())
            log.flush()
            self._log_start = log.tell()
            self._process = subprocess.Popen(
                [sys.executable, *self.args],
                cwd=self.workdir,
                env=clean_environment(self.env),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.runs += 1
        if ready is not None:
            await self.wait_until(ready, timeout, what="ready")

    async def wait_until(self, check: ReadyCheck, timeout: float, *, what: str = "") -> None:
        deadline = time.monotonic() + timeout
        while True:
            if await check():
                return
            if not self.running:
                raise self._fail(f"{self.name} exited with {self.returncode} before {what}")
            if time.monotonic() > deadline:
                raise self._fail(f"{self.name} not {what or 'done'} within {timeout}s")
            await asyncio.sleep(0.05)

    async def wait_for_output(self, text: str, timeout: float = 10.0) -> None:
        async def seen() -> bool:
            return text in self.output()

        await self.wait_until(seen, timeout, what=f"printing {text!r}")

    async def stop(self, timeout: float = 15.0) -> int:
        """SIGTERM, then wait for a graceful exit (SIGKILL and fail if it does not come)."""
        process = self._process
        if process is None or process.poll() is not None:
            return process.returncode if process else 0
        process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while process.poll() is None:
            if time.monotonic() > deadline:
                process.kill()
                process.wait(5)
                raise self._fail(f"{self.name} did not stop within {timeout}s of SIGTERM")
            await asyncio.sleep(0.05)
        return int(process.returncode)

    async def kill(self) -> None:
        """SIGKILL: the process gets no chance to tidy up, like a power cut."""
        process = self._process
        if process is None or process.poll() is not None:
            return
        process.kill()
        while process.poll() is None:
            await asyncio.sleep(0.02)

    async def close(self) -> None:
        """For fixtures: make sure nothing is left running, whatever happened in the test."""
        if self.running:
            # If it hangs, stop() kills it; the test has already passed or failed by now.
            with contextlib.suppress(BotProcessError):
                await self.stop(timeout=10)
