"""Ctrl-C and SIGTERM during a build: held while the output folder is being changed, acted on at
once while the build plans and draws (which leave nothing to undo)."""

from __future__ import annotations

import contextlib
import signal
import threading
from pathlib import Path

_OURS = str(Path(__file__).resolve().parents[1])  # the nødkit package


def _unwindable(frame, boundary) -> bool:
    """Whether a KeyboardInterrupt raised at `frame` reaches the build's cleanup as itself: not when
    a library is running there (reportlab, pydantic, ...), which may catch every exception and
    raise one of its own instead. nødkit's code and Python's own (waiting for the workers) are fine.
    Only the frames below `boundary` (the code of build(): where the interrupt is meant to go) count."""
    while frame is not None and frame.f_code is not boundary:
        name = frame.f_code.co_filename
        if not name.startswith(_OURS) and ("site-packages" in name or "dist-packages" in name):
            return False
        frame = frame.f_back
    return True


class Interrupts:
    """Holds Ctrl-C (SIGINT) and SIGTERM for the length of a build.

    Python raises KeyboardInterrupt at whatever instruction the signal lands on — between making
    a temporary folder and the `try` that removes it, half-way through moving the kit into place.
    So the build's own handler records a signal and the build goes on, except inside
    `allowed()` (planning and drawing, which leave nothing to undo), where the signal acts at
    once as it would have without nødkit's handler. A held signal acts when the build next
    allows it, or when `release()` puts the original handlers back at the very end. Allowing is
    one assignment to a flag, so no signal can fall between two handlers being swapped.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self, boundary=None):
        self.boundary = boundary  # the code object of the function the build runs in (see _unwindable)
        self.allowing = False
        self.caught: list[int] = []
        self.previous: dict = {}

    def hold(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return  # signal handlers belong to the main thread (a build run from a thread)
        self.previous = {s: signal.getsignal(s) for s in self.SIGNALS}
        for s in self.SIGNALS:
            signal.signal(s, self._on_signal)

    def _on_signal(self, signum, frame) -> None:
        if self.allowing and _unwindable(frame, self.boundary):
            self._act(signum, frame)
        else:
            self.caught.append(signum)

    def checkpoint(self) -> None:
        """Where drawing in this process may stop: a signal that came while a library was running
        (and was held, see `_unwindable`) acts here."""
        if self.allowing and self.caught:
            self._act(self.caught.pop(0), None)

    def _act(self, signum: int, frame) -> None:
        handler = self.previous.get(signum)
        if handler is signal.SIG_IGN:
            return
        if getattr(handler, "unwinds", False):  # the command line's "end at once": here there is cleaning up to do
            raise KeyboardInterrupt
        if callable(handler):
            handler(signum, frame)  # KeyboardInterrupt, or the command line's SIGTERM handler
            return
        signal.signal(signum, signal.SIG_DFL)  # SIG_DFL, or a handler not set from Python: end as it would
        signal.raise_signal(signum)

    @contextlib.contextmanager
    def allowed(self):
        self.allowing = True
        try:
            if self.caught:
                self._act(self.caught.pop(0), None)
            yield
        finally:
            self.allowing = False

    def stop_allowing(self) -> None:
        """At the start of cleaning up: an interrupt that ended `allowed()` before its `finally`
        ran would otherwise leave it on."""
        self.allowing = False

    def release(self) -> None:
        if not self.previous:
            return
        # none may come between the two; Windows has no signal mask (a signal in that instant
        # finds the build's own handler, which records it and acts on it just below)
        mask = getattr(signal, "pthread_sigmask", None)
        if mask:
            mask(signal.SIG_BLOCK, self.SIGNALS)
        try:
            for s, handler in self.previous.items():
                signal.signal(s, handler if handler is not None else signal.SIG_DFL)
        finally:
            if mask:
                mask(signal.SIG_UNBLOCK, self.SIGNALS)
        if self.caught:
            self._act(self.caught.pop(0), None)
