"""A build from start to end, and `check`'s dry run of it.

    build()     plan what changed (jobs.py), take the lock (lock.py), draw into a staging folder
                in worker processes (workers.py, drawing.py), install it (install.py); Ctrl-C and
                SIGTERM are held where an interrupt would leave a half-changed folder (interrupts.py)
    fit_kits()  the same planning and drawing, into memory: what `check` runs
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from ..errors import BuildError, ContentError, Problem, unique_problems
from ..outfolder import (CALENDAR, INDEX, MANIFEST, REPRINT, STATE, documents_in, refuse_survey, refuse_unsafe_out,
                         survey, sweep_leftovers, thumb_of, written_before)
from ..report import Finding
from .drawing import KitResult, run_kit
from .install import _print_paths, install, read_manifest
from .interrupts import Interrupts
from .jobs import PACK, Job, layout_fingerprint, plan_drawing, plan_kits, read_state
from .loading import Project, check_letters
from .lock import Lock
from .workers import draw_in_workers

@dataclass
class BuildResult:
    written: list[dict] = field(default_factory=list)
    unchanged: list[dict] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    reprint: list[dict] = field(default_factory=list)  # new, or what they show changed since the last build
    manifest: Path | None = None
    installed: bool = False  # the new kit is in place: an interrupt from now on finds it complete
    kits: int = 0  # unit-language kits drawn (some of their documents, or all)
    runs: list[dict] = field(default_factory=list)  # the print runs' manifest entries (print_runs.py)
    # --keep-going: the units left as they were because a document of theirs failed, and why
    failed_units: list[str] = field(default_factory=list)
    failures: list[Finding] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def build(project: Project, out: Path, *, units: Iterable[str] = (), langs: Iterable[str] = (),
          as_of: dt.date, jobs: int = 1, force: bool = False,
          progress: Callable[[int], None] | None = None, on_plan: Callable[[int, int, int], None] | None = None,
          result: BuildResult | None = None, allow_other_files: bool = False, keep_going: bool = False,
          start_method: str | None = None) -> BuildResult:
    """Draw what changed into a staging folder, then move it into place; see the module docstring.

    `on_plan(documents to draw, documents unchanged, kits to draw)` is called once before drawing,
    `progress(1)` each time a unit-language kit is done, in the order they finish.

    Without `keep_going`, one document that fails stops the whole build and nothing is written.
    With it, every unit whose documents all succeeded is written; a unit with a failed document
    (in any language) is left exactly as it was, and `result.failed_units` names it.

    `start_method` is multiprocessing's ("spawn", "fork", …; None: the platform's own). The
    workers get what they draw from as arguments, never by inheriting memory, so every method
    works — Windows and macOS start workers with "spawn".

    Ctrl-C and SIGTERM are held for the whole build (see `Interrupts`): they stop it at once
    while it plans and draws, and otherwise as soon as the step under way — taking the lock,
    installing the kit, cleaning up — is done. Pass `result` to learn, after an interrupt,
    whether the new kit was already installed.

    Into a folder that holds files nødkit did not write, a build is refused unless
    `allow_other_files` (see outfolder.py).
    """
    import shutil

    refuse_unsafe_out(out, project.content.root, project.layouts.roots)
    units, langs = list(units), list(langs)
    result = result or BuildResult()
    interrupts = Interrupts(boundary=build.__code__)
    created = not out.exists()
    lock = Lock(out)
    try:
        interrupts.hold()
        with interrupts.allowed():
            tasks = plan_kits(project, units, langs)
            check_letters(project)
            fingerprint = layout_fingerprint(project.layouts)
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise BuildError(f"cannot write to the output folder {out}: {exc.strerror}") from None
        lock.take()
        _build_locked(project, out, tasks, units, langs, as_of, jobs, force, fingerprint, progress, on_plan,
                      result, interrupts, allow_other_files, keep_going, start_method)
        return result
    except BaseException:
        interrupts.stop_allowing()
        if created:  # a failed first build leaves no empty output folder behind
            shutil.rmtree(out, ignore_errors=True)
        raise
    finally:
        interrupts.stop_allowing()
        lock.release()
        interrupts.release()


def _build_locked(project, out, tasks, units, langs, as_of, jobs, force, fingerprint, progress, on_plan, result,
                  interrupts, allow_other_files, keep_going=False, start_method=None) -> None:
    import secrets
    import shutil

    sweep_leftovers(out)
    with interrupts.allowed():
        previous = read_manifest(out)
        old = {e["path"]: e for e in documents_in(previous)}
        state = read_state(out)
        uses = {Job(t.unit, d, t.lang).path for t in tasks for d in (*t.documents, PACK)} | set(old)
        uses |= {thumb_of(p) for p in uses} | {f"{CALENDAR}/{p}.ics" for p in project.content.plans}
        uses |= {MANIFEST, STATE, INDEX, REPRINT} | _print_paths(project, previous)
        found = survey(out, written_before(previous, state), uses, others=not allow_other_files)
        refuse_survey(out, found, allow_other_files)
        planned, keys = plan_drawing(project, out, tasks, as_of, fingerprint, old, state, force=force)
        to_draw = [t for t in planned if t.render]
        drawn_docs = sum(len(t.render) for t in to_draw)
        if on_plan:
            on_plan(drawn_docs, sum(len(t.documents) + 1 for t in planned) - drawn_docs, len(to_draw))

    staging = out / f".staging-{secrets.token_hex(6)}"
    try:
        try:
            staging.mkdir()
        except OSError as exc:
            raise BuildError(f"cannot write to the output folder {out}: {exc.strerror}") from None
        workers = max(1, min(jobs, len(to_draw)))
        if workers == 1:
            outcomes = []
            with interrupts.allowed():
                for task in to_draw:
                    outcomes.append(run_kit(project, task, as_of, fingerprint, out, staging, True))
                    if progress:
                        progress(1)
                    interrupts.checkpoint()
        else:
            outcomes = draw_in_workers(project, to_draw, workers, as_of, fingerprint, out, staging, progress,
                                        interrupts, start_method)
        result.kits = len(outcomes)
        failed = _failed_units(outcomes, keep_going, result)
        if failed:  # each unit all or nothing: a failed unit keeps what it had, in every language
            outcomes = [o for o in outcomes if o.unit not in failed]
            keys = {path: key for path, key in keys.items() if path.split("/", 1)[0] not in failed}
        drawn = {path: entry for o in outcomes for path, entry in o.entries.items()}
        install(out, staging, previous, old, drawn, keys, state, project, as_of,
                 full=not units and not langs, result=result, keep_units=failed, jobs=jobs, start_method=start_method)
        result.installed = True
    finally:
        interrupts.stop_allowing()
        shutil.rmtree(staging, ignore_errors=True)


def _failed_units(outcomes: list[KitResult], keep_going: bool, result: BuildResult) -> set[str]:
    """The units a document of which failed. Without keep_going, any failure ends the build."""
    problems = unique_problems(p for o in outcomes for p in o.problems)
    failures = [f for o in outcomes for f in o.failures]
    if not keep_going:
        if problems:
            raise ContentError(problems)
        if failures:
            from ..report import grouped
            ok = sum(len(o.entries) for o in outcomes if not o.failed)
            raise BuildError(f"{len(failures)} document(s) could not be made; nothing was written "
                             f"({ok} others were fine; --keep-going writes the units whose documents all "
                             f"succeeded):\n  " + "\n  ".join(grouped(failures)))
        return set()
    failed = list(dict.fromkeys(o.unit for o in outcomes if o.failed))
    result.failed_units, result.failures, result.problems = failed, failures, problems
    return set(failed)


@dataclass
class Fitted:
    """What `fit_kits` found: documents that would fail, and what the others leave out."""

    drawn: int = 0  # documents drawn now
    kept: int = 0  # documents the last build into `out` drew from the same inputs: they fitted then
    problems: list[Problem] = field(default_factory=list)
    failures: list[Finding] = field(default_factory=list)  # "document/lang: field x: message", by unit
    notes: list[tuple[str, str, str, str]] = field(default_factory=list)  # (unit, document, lang, note)


def fit_kits(project: Project, out: Path | None, *, units: Iterable[str] = (), langs: Iterable[str] = (),
             as_of: dt.date, jobs: int = 1, progress: Callable[[int], None] | None = None,
             on_plan: Callable[[int], None] | None = None, start_method: str | None = None) -> Fitted:
    """What `check` runs: every document of every kit drawn exactly as `build` draws it (the same
    code, in as many processes), writing nothing — so `check` fails if and only if `build` would.
    A document whose inputs did not change since the last build into `out` fitted then: it is
    not drawn again, and what it left out is read from that build's manifest."""
    tasks = plan_kits(project, units, langs)
    fingerprint = layout_fingerprint(project.layouts)
    previous = read_manifest(out) if out is not None else {}
    old = {e["path"]: e for e in documents_in(previous)}
    state = read_state(out) if out is not None else {}
    planned, keys = plan_drawing(project, out, tasks, as_of, fingerprint, old, state)
    to_draw = [t for t in planned if t.render]
    if on_plan:
        on_plan(len(to_draw))
    workers = max(1, min(jobs, len(to_draw)))
    interrupts = Interrupts()  # never held: drawing into memory leaves nothing to undo
    if workers == 1:
        outcomes = []
        for task in to_draw:
            outcomes.append(run_kit(project, task, as_of, fingerprint, out, None, False))
            if progress:
                progress(1)
    else:
        outcomes = draw_in_workers(project, to_draw, workers, as_of, fingerprint, out, None, progress,
                                    interrupts, start_method)
    fitted = Fitted(problems=unique_problems(p for o in outcomes for p in o.problems),
                    failures=[f for o in outcomes for f in o.failures])
    entries = {path: entry for o in outcomes for path, entry in o.entries.items()}
    fitted.drawn = len(entries)
    for path in keys:
        entry = entries.get(path) or old.get(path)
        if entry is None:
            continue  # not drawn: its kit failed
        if path not in entries:
            fitted.kept += 1
        fitted.notes += [(entry["unit"], entry["document"], entry["lang"], note) for note in entry.get("notes", ())]
    return fitted
