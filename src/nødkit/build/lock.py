"""The build lock: one build at a time into an output folder."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from ..errors import BuildError
from ..outfolder import LOCK

class Lock:
    """Refuses a second build into the same output folder while one is running.

    The lock file says which process holds it: its id, the moment it started (as the operating
    system reports it, through psutil, on Linux, macOS and Windows alike) and the machine's name.
    It is made by linking a finished file into place (atomic: the lock never exists without its
    content), and removed only by the process it names, so `build` can release it in a
    `finally` that covers the taking too.

    A lock is taken over when its process no longer runs (killed with -9, a power cut) — also
    when its id now belongs to another process, which started after the lock was written: an id
    alone is reused by the system, an id with its start time is not.
    """

    def __init__(self, out: Path):
        import socket

        import psutil
        self.path = out / LOCK
        self.host = socket.gethostname()
        self.mine = json.dumps({"pid": os.getpid(), "started": psutil.Process().create_time(), "host": self.host})

    def take(self) -> None:
        for _attempt in range(2):
            ours = self.path.with_name(f"{LOCK}.{os.getpid()}.tmp")
            try:
                ours.write_text(self.mine)
                os.link(ours, self.path)
                return
            except FileExistsError:
                holder = self._holder()
                if not self._stale(holder):
                    raise BuildError(f"another nødkit build ({self._describe(holder)}) is writing to "
                                     f"{self.path.parent}; wait for it to end. If no build is running, delete "
                                     f"the lock file {self.path}") from None
                self.path.unlink(missing_ok=True)
            except OSError as exc:
                raise BuildError(f"cannot write to the output folder {self.path.parent}: "
                                 f"{exc.strerror or exc}") from None
            finally:
                ours.unlink(missing_ok=True)
        raise BuildError(f"cannot take the build lock {self.path}; delete it if no build is running")

    def _holder(self) -> dict:
        """What the lock file says: {"pid", "started", "host"}; an older nødkit wrote the id alone."""
        try:
            text = self.path.read_text("utf-8").strip()
            written = self.path.stat().st_mtime
        except (OSError, UnicodeDecodeError):
            return {}
        if text.isdigit():
            return {"pid": int(text), "written": written}
        try:
            data = json.loads(text)
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    @staticmethod
    def _describe(holder: dict) -> str:
        if not isinstance(holder.get("pid"), int):
            return "the lock file does not say which process"
        where = f" on {holder['host']}" if holder.get("host") else ""
        if isinstance(holder.get("started"), (int, float)):
            started = dt.datetime.fromtimestamp(holder["started"]).strftime("%Y-%m-%d %H:%M:%S")
            return f"process {holder['pid']}{where}, started {started}"
        return f"process {holder['pid']}{where}"

    def _stale(self, holder: dict) -> bool:
        import psutil
        pid = holder.get("pid")
        if not isinstance(pid, int) or isinstance(pid, bool):
            return False  # not ours to judge (hand-made?): the message names the file to delete
        if holder.get("host", self.host) != self.host:
            return False  # a build on another machine writing to a shared folder: cannot be looked at
        try:
            process = psutil.Process(pid)
            if process.status() == psutil.STATUS_ZOMBIE:
                return True  # ended; only its exit status is left for its parent to collect
            started = process.create_time()
        except psutil.NoSuchProcess:
            return True
        except psutil.AccessDenied:
            return False  # alive, and another user's: leave it
        recorded = holder.get("started")
        if isinstance(recorded, (int, float)):
            return abs(started - recorded) > 1.0  # the same process reports the same start time
        # an older nødkit's lock holds the id alone: a process that started after the lock was
        # written cannot have written it
        return started > holder.get("written", float("inf")) + 1.0

    def release(self) -> None:
        try:
            if self.path.read_text("utf-8") == self.mine:
                self.path.unlink(missing_ok=True)
        except (OSError, UnicodeDecodeError):
            pass
