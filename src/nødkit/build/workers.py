"""The worker processes that draw kits in parallel: a pool that starts with `spawn` as well as
`fork`, reports each kit as it finishes, and fails at once when a worker dies."""

from __future__ import annotations

import os
import signal

from ..errors import BuildError
from .drawing import KitResult, run_kit
from .jobs import KitTask

# What every worker process draws from, set once when it starts (see `_worker_start`).
_WORKER: dict = {}


def _kit_name(task: KitTask) -> str:
    return f"{task.unit} ({task.lang})"


_DRAWING = ".drawing"  # in the staging folder: per worker process, the kit it is drawing


def _run_kit_in_worker(task: KitTask) -> KitResult:
    w = _WORKER
    if w["staging"] is not None:  # `check` draws into memory only
        marker = w["staging"] / _DRAWING / str(os.getpid())
        marker.parent.mkdir(exist_ok=True)
        marker.write_text(_kit_name(task), "utf-8")
    return run_kit(w["project"], task, w["as_of"], w["fingerprint"], w["out"], w["staging"], w["thumbs"])


def draw_in_workers(project, to_draw, workers, as_of, fingerprint, out, staging, progress,
                     interrupts, start_method=None) -> list[KitResult]:
    """One kit per task in a pool of processes. A worker that dies (the out-of-memory
    killer, a crash in a C extension) breaks the pool at once, so the build fails and names
    the kits that were being drawn instead of waiting for a result that never comes."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    # passed to each worker when it starts (pickled under "spawn", inherited under "fork"), not
    # taken from this process's memory: a spawned worker starts from nothing
    payload = dict(project=project, as_of=as_of, fingerprint=fingerprint, out=out, staging=staging, thumbs=True)
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(start_method),
                               initializer=_worker_start, initargs=(payload,))
    finished, futures = False, {}
    try:
        with interrupts.allowed():
            futures = {pool.submit(_run_kit_in_worker, task): task for task in to_draw}
            pending = set(futures)
            while pending:
                # each kit as it finishes, so progress moves (and a dead worker is noticed) at once
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    future.result()  # a dead worker: BrokenProcessPool, here rather than after the rest
                    if progress:
                        progress(1)
        finished = True
        return [f.result() for f in futures]
    except BrokenProcessPool:
        made = {_kit_name(t) for f, t in futures.items() if f.done() and f.exception() is None}
        markers = (staging / _DRAWING).glob("*") if staging is not None else ()
        drawing = sorted({m.read_text("utf-8") for m in markers} - made)
        raise BuildError("a worker process ended abruptly (killed for lack of memory? a crash?) while drawing "
                         + (" or ".join(drawing) or "a kit") + "; nothing was written") from None
    finally:
        interrupts.stop_allowing()  # the staging folder is removed next: no worker may still write to it
        if not finished:  # an interrupt or a broken pool: stop the workers now, not after their kit
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                process.terminate()
        pool.shutdown(wait=True, cancel_futures=True)


def _worker_start(payload: dict) -> None:
    # Ctrl-C reaches every process of the terminal: the main process alone handles it. SIGTERM
    # (from the pool, or to the whole process group) ends a worker at once.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _WORKER.clear()
    _WORKER.update(payload)
