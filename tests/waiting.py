"""How tests wait for what the emulator's clock cannot drive, woken by events, never polling.

The emulator's own state is driven by its clock, never waited for. What a test cannot drive is
another process or thread: a server saying it is ready, a log line a server thread writes, a
process exiting. Each is waited for on the event that makes it true:

- `ProcessOutput`: a process's output lines, copied to its log file as they come; a check is
  re-run at each new line and at the process's exit (`wait_for`);
- `LogRecords`: the log records of a logger, a check re-run at each new record;
- `wait_for_exit(pid)`: the kernel's word that a process (not our child) has ended.
"""

import logging
import os
import select
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

import psutil


class ServiceFailed(RuntimeError):
    """A process exited or never got ready; the message holds the end of its output."""


class _Changes:
    """A condition woken by each change: `wait_for(check)` re-runs `check` at every one."""

    def __init__(self):
        self._changed = threading.Condition()

    def _notify(self) -> None:
        with self._changed:
            self._changed.notify_all()

    def wait_for(self, check: Callable[[], object], timeout: float, what: str):
        """`check()`'s first truthy value, or AssertionError after `timeout` seconds."""
        with self._changed:
            found = self._changed.wait_for(check, timeout)
        if not found:
            raise AssertionError(f"{what}: not within {timeout:g} s")
        return found


class ProcessOutput(_Changes):
    """The output of `process` (started with stdout=PIPE, text=True), copied to `log`."""

    def __init__(self, process: subprocess.Popen, log: Path):
        super().__init__()
        self.process = process
        self.log = log
        self.lines: list[str] = []
        self.ended = False
        threading.Thread(target=self._copy, name=f"output of {process.args[:3]}",
                         daemon=True).start()

    def _copy(self) -> None:
        with self.log.open("w") as log:
            for line in self.process.stdout:
                log.write(line)
                log.flush()
                self.lines.append(line)
                self._notify()
        self.process.wait()
        self.ended = True
        self._notify()

    def said(self, text: str) -> bool:
        return any(text in line for line in self.lines)

    def wait_ready(self, ready: Callable[[], bool], timeout: float) -> None:
        """Until `ready()` (re-run at each line); ServiceFailed if the process ends first."""
        try:
            self.wait_for(lambda: self.ended or ready(), timeout, f"{self.process.args[:3]}")
        except AssertionError:
            raise ServiceFailed(f"{self.process.args[:3]} not ready after {timeout:g} s; "
                                f"see {self.log}") from None
        if self.ended:
            raise ServiceFailed(f"{self.process.args[:3]} exited with "
                                f"{self.process.returncode}:\n{''.join(self.lines)[-3000:]}")


def start_process(command: list[str], log: Path, **popen) -> ProcessOutput:
    """Start `command`, its output (stderr too) copied to `log` as it comes."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, **popen)
    return ProcessOutput(process, log)


class LogRecords(_Changes, logging.Handler):
    """Every record a logger emits from now on (`with LogRecords("name") as records:`)."""

    def __init__(self, logger: str, level: int = logging.WARNING):
        _Changes.__init__(self)
        logging.Handler.__init__(self, level)
        self.logger = logging.getLogger(logger)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage() + ("\nTraceback" if record.exc_info else ""))
        self._notify()

    def __enter__(self) -> "LogRecords":
        self.logger.addHandler(self)
        return self

    def __exit__(self, *exc) -> None:
        self.logger.removeHandler(self)


def wait_for_exit(pid: int, timeout: float) -> None:
    """Until process `pid` (not a child of ours) has ended, zombie or reaped."""
    if hasattr(os, "pidfd_open"):  # Linux: the descriptor becomes readable at its exit
        try:
            descriptor = os.pidfd_open(pid)
        except ProcessLookupError:
            return
        try:
            readable, _, _ = select.select([descriptor], [], [], timeout)
        finally:
            os.close(descriptor)
        if not readable:
            raise AssertionError(f"process {pid} still running after {timeout:g} s")
        return
    try:
        psutil.Process(pid).wait(timeout)  # elsewhere, psutil's own wait
    except psutil.NoSuchProcess:
        pass
