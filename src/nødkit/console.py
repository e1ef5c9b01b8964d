"""The console scripts' entry point (`nødkit`, `nodkit`, `python -m nødkit`).

Ctrl-C must give the one-line message and exit 130 at any moment. Python raises
KeyboardInterrupt wherever the signal lands, also inside an import, and an entry point that is
`nødkit.cli:main` is imported before any of nødkit's code runs. So this module imports nothing
heavy: it sets a handler first, then imports the command line, which takes over (see
`cli._Group.main`) and hands back to `_after` once the command has ended.

What no Python program can catch is a Ctrl-C while Python itself starts (its first ~15 ms,
before any module of the program is read).
"""

import os
import signal
import sys


def _before(signum, frame) -> None:
    # nothing has been read or written yet: end at once
    os.write(2, b"interrupted: nothing was written\n")
    os._exit(130)


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass


def _after(signum, frame) -> None:
    from .cli import interrupted_message
    _flush()
    os.write(2, (interrupted_message() + "\n").encode("utf-8", "replace"))
    os._exit(130)


def main() -> None:
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not ignored by the caller
        signal.signal(signal.SIGINT, _before)
    from . import cli
    try:
        cli.main(handoff=(_before, _after))
        code = 0
    except SystemExit as exc:
        code = exc.code
    if code is not None and not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    # The command has ended and everything it wrote is closed. Python's own shutdown (a tenth of
    # a second of unloading modules) runs exit handlers in which a Ctrl-C cannot be answered
    # (it ends the process as killed by the signal): end here instead.
    _flush()
    os._exit(code or 0)
