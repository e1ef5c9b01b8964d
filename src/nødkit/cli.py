"""Command line: thin click commands over build/check. Heavy imports happen inside commands."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from . import __version__
from .errors import NodkitError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _content_option(f):
    return click.option("--content", "content_dir", type=click.Path(file_okay=False, path_type=Path),
                        default=None, help="Content folder (default: ./content, else the built-in example).")(f)


def _layouts_option(f):
    return click.option("--layouts", "layouts_dir", type=click.Path(file_okay=False, path_type=Path),
                        default=None,
                        help="Layouts folder; its files override the default layouts one by one.")(f)


class _Folder(click.Path):
    """A folder to write into: an empty name (`--out ""`) would mean the current folder."""

    def __init__(self):
        super().__init__(file_okay=False, path_type=Path)

    def convert(self, value, param, ctx):
        if isinstance(value, str) and not value.strip():
            self.fail("an empty name; name the folder to write into, e.g. output", param, ctx)
        return super().convert(value, param, ctx)


def _as_of_option(f):
    return click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                        help="The date the kit is made for (YYYY-MM-DD; default: today). "
                             "Same input + same date = identical PDFs.")(f)


@dataclass(frozen=True)
class _Folders:
    content: Path
    layouts: list[Path]  # the first wins; the default layouts last
    out: Path
    project_file: Path | None  # the nodkit.toml they came from, if any


def _folders(content_dir: Path | None, layouts_dir: Path | None, out_dir: Path | None = None) -> _Folders:
    """The folders a command works on: its options, else the project file (nodkit.toml in this
    folder or a parent), else ./content (or the built-in example), ./layouts, ./output."""
    from .build import default_dir
    from .project import find_project_file, read_project_file
    found = find_project_file()
    project = read_project_file(found) if found else None
    if project is not None:
        content_dir = content_dir or project.content
        layouts_dir = layouts_dir or project.layouts
        out_dir = out_dir or project.out
    if content_dir is None:
        local = Path("content")
        content_dir = local if (local / "organisation.yaml").is_file() else default_dir("content")
    roots = []
    if layouts_dir is not None:
        if not layouts_dir.is_dir():
            hint = f" (named in {project.path})" if project and layouts_dir == project.layouts else ""
            raise click.BadParameter(f"folder not found: {layouts_dir}{hint}", param_hint="--layouts")
        roots.append(layouts_dir)
    elif (Path("layouts") / "theme.yaml").is_file():
        roots.append(Path("layouts"))
    default_layouts = default_dir("layouts")
    if not roots or roots[0].resolve() != default_layouts.resolve():
        roots.append(default_layouts)
    return _Folders(content_dir, roots, out_dir or Path("output"), project.path if project else None)


def _dirs(content_dir: Path | None, layouts_dir: Path | None) -> tuple[Path, list[Path]]:
    folders = _folders(content_dir, layouts_dir)
    return folders.content, folders.layouts


def _say_project_file(folders: _Folders) -> None:
    if folders.project_file is not None:
        click.echo(f"project file: {folders.project_file}", err=True)


def _as_of(value) -> dt.date:
    return value.date() if value is not None else dt.date.today()


def _fail(exc: NodkitError) -> None:
    from .errors import ContentError
    if isinstance(exc, ContentError):
        n = len(exc.problems)
        click.secho(f"error: {n} problem{'s' if n != 1 else ''} in content or layouts "
                    f"(nothing was written):", fg="red", err=True)
        for problem in exc.problems:
            click.echo(f"  {problem}", err=True)
    else:
        click.secho(f"error: {exc}", fg="red", err=True)
    sys.exit(exc.exit_code)


class _Terminated(KeyboardInterrupt):
    """SIGTERM (`kill`, a scheduler stopping the job): unwinds like Ctrl-C, so temporary files
    and the build lock are removed instead of left behind by an abrupt end."""


_FORK_HOOK = False


def _default_sigterm_in_child() -> None:
    import signal
    try:
        if getattr(signal.getsignal(signal.SIGTERM), "nodkit", False):
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
    except ValueError:  # forked from a thread other than the main one: nothing was set there
        pass


SIGTERM_GRACE = 10.0  # seconds to clean up after SIGTERM before the process ends regardless


def _end_after_grace(done) -> None:
    """Cleaning up can itself hang (a worker pool whose worker died waits for it forever): then
    SIGTERM would no longer end nødkit at all. After a grace period the process ends as SIGTERM
    ended it before nødkit cleaned up on it."""
    import os
    if not done.wait(SIGTERM_GRACE):
        os.write(2, b"nodkit: SIGTERM, and the build did not stop within 10 s; ending it without cleaning up "
                    b"(if the next build says another build is running, remove the lock file it names)\n")
        os._exit(143)


@contextlib.contextmanager
def _sigterm_unwinds():
    import os
    import signal
    import threading
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set signal handlers (e.g. a test running a build in a thread)
        return
    previous = signal.getsignal(signal.SIGTERM)
    if previous is signal.SIG_IGN or getattr(previous, "nodkit", False):
        yield  # ignored on purpose by the caller, or already set by an outer command group
        return
    main = os.getpid()
    done = threading.Event()  # set once the command has ended, cleanly or not

    def on_sigterm(signum, frame):
        if os.getpid() != main:  # a forked worker process: end quietly, as SIGTERM would
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        threading.Thread(target=_end_after_grace, args=(done,), daemon=True, name="nodkit-sigterm").start()
        raise _Terminated()
    on_sigterm.nodkit = True  # type: ignore[attr-defined]
    global _FORK_HOOK
    if not _FORK_HOOK and hasattr(os, "register_at_fork"):  # POSIX only; Windows never forks
        # worker processes forked by a build end on SIGTERM at once, as before
        os.register_at_fork(after_in_child=_default_sigterm_in_child)
        _FORK_HOOK = True
    signal.signal(signal.SIGTERM, on_sigterm)
    try:
        yield
    finally:
        done.set()
        signal.signal(signal.SIGTERM, previous)


_RUN: dict = {}  # what the message after an interrupt says: the output folder, the build's result


def interrupted_message() -> str:
    out, result = _RUN.get("out"), _RUN.get("result")
    if _RUN.get("written"):
        return f"interrupted after {_RUN['written']} was written"
    if out is None:
        return "interrupted: nothing was written"
    if result is not None and result.installed:
        return f"interrupted after the kit was written: {out}/ holds this build's kit"
    return f"interrupted: {out}/ is as it was before this build"


def _end_now(signum, frame) -> None:
    """Ctrl-C in a real `nødkit` process while it reads, checks or draws: nothing to undo outside a
    build's own steps (which hold the signal, see build._Interrupts), so it ends here. Raised as
    KeyboardInterrupt instead, it could land inside a library that turns it into an error of its
    own (reportlab's font reader into "cannot be used", pydantic's model building into a
    SchemaError) and be reported as that."""
    import os
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os.write(2, ("\n" + interrupted_message() + "\n").encode("utf-8", "replace"))
    os._exit(130)


_end_now.unwinds = True  # type: ignore[attr-defined]  # where a build must clean up, it raises KeyboardInterrupt


@contextlib.contextmanager
def _writing(what: str):
    """Ctrl-C waits while files are written (a fraction of a second), then ends the command, so
    that no half-written file or temporary file is left behind."""
    import signal
    import threading
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
        _RUN["written"] = what
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


class _Group(click.Group):
    def main(self, *args, handoff=None, standalone_mode=True, **kwargs):
        """Every way a command ends, Ctrl-C at any moment included: click itself turns a Ctrl-C
        while it reads the arguments into "Aborted!" and exit 1. `handoff` is the console entry
        point's pair of SIGINT handlers (see console.py): the first is replaced by
        KeyboardInterrupt here, the second takes over once the command has ended."""
        import signal
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        before, after = handoff or (None, None)
        _RUN.clear()
        try:
            if before is not None and signal.getsignal(signal.SIGINT) is before:
                signal.signal(signal.SIGINT, _end_now)
            try:
                code = super().main(*args, standalone_mode=False, **kwargs)
            except click.Abort as exc:
                if isinstance(exc.__cause__, KeyboardInterrupt):
                    raise exc.__cause__ from None
                click.echo("Aborted!", err=True)
                sys.exit(1)
            except click.ClickException as exc:
                exc.show()
                sys.exit(exc.exit_code)
            sys.exit(code if isinstance(code, int) else 0)
        except KeyboardInterrupt as exc:
            click.secho(interrupted_message(), fg="red", err=True)
            sys.exit(143 if isinstance(exc, _Terminated) else 130)  # 128 + SIGTERM / SIGINT
        finally:
            if after is not None and signal.getsignal(signal.SIGINT) in (_end_now, signal.default_int_handler):
                signal.signal(signal.SIGINT, after)

    def invoke(self, ctx):
        try:
            with _sigterm_unwinds():
                return super().invoke(ctx)
        except NodkitError as exc:
            _fail(exc)


@click.group(cls=_Group, context_settings=CONTEXT)
@click.version_option(__version__, prog_name="nødkit")
def main() -> None:
    """Make printable IT-outage emergency kits for every unit — wall posters, pocket
    cards, blank registration sheets, the plan, a binder cover and one print pack — from
    the plan and contacts in a content folder.

    \b
    Typical use:
      nødkit init DIR         start a content folder for a new organisation
      nødkit check            validate content and layouts, show warnings
      nødkit build            write every unit's kit into ./output (see output/index.html)
      nødkit list             what a build would write
    """


@main.command(context_settings=CONTEXT)
@_content_option
@_layouts_option
@click.option("--out", "out_dir", type=_Folder(), default=None,
              help="Where the PDFs and manifest.json go (default: the project file's out, else output).")
@click.option("--unit", "units", multiple=True, metavar="ID", help="Only this unit (repeatable).")
@click.option("--lang", "langs", multiple=True, metavar="CODE", help="Only this language (repeatable).")
@_as_of_option
@click.option("--jobs", "-j", "jobs", type=click.IntRange(min=1), default=None,
              help="Processes drawing in parallel (default: the machine's cores).")
@click.option("--force", is_flag=True, help="Draw every document again, even those whose inputs did not change.")
@click.option("--keep-going", "-k", "keep_going", is_flag=True,
              help="Write every unit whose documents all succeeded; a unit with a failed document keeps what "
                   "it had. The failures are listed at the end, and the exit status is 1.")
@click.option("--verbose", "-v", is_flag=True,
              help="List every unit and document in full: the reprint list, the units a message concerns.")
@click.option("--allow-other-files", "allow_other_files", is_flag=True,
              help="Build into a folder that holds files nødkit did not write: those at a name nødkit writes "
                   "are replaced, the others left alone (without it such a build is refused).")
def build(content_dir, layouts_dir, out_dir, units, langs, as_of, jobs, force, keep_going, verbose,
          allow_other_files) -> None:
    """Build the kit of every unit (or the ones named) into --out.

    Only documents whose inputs changed since the last build are drawn again; the rest are
    kept. Nothing is written unless every document succeeds (see --keep-going).
    """
    import os
    import time

    from .build import build as run_build
    from .build import load_project
    started = time.monotonic()
    if out_dir is not None:  # what an interrupt message names; the project file may name it below
        _RUN.update(out=out_dir)
    folders = _folders(content_dir, layouts_dir, out_dir)
    _say_project_file(folders)
    out_dir = folders.out
    _RUN.update(out=out_dir)
    day = _as_of(as_of)
    project = load_project(folders.content, folders.layouts)
    if units or langs:
        _refuse_unknown(project, units, langs)
    from .check import as_of_warnings
    for note in as_of_warnings(project, day):
        click.secho(f"warning: {note}", fg="yellow", err=True)
    jobs = jobs or os.cpu_count() or 1
    progress = _Progress(sys.stderr)

    def planned(draw: int, keep: int, kits: int) -> None:
        click.echo(f"content: {folders.content}  ·  {draw} to draw, {keep} unchanged  ·  as of {day.isoformat()}"
                   f"  ·  {jobs} process{'es' if jobs != 1 else ''}", err=True)
        progress.start(kits)

    from .build import BuildResult
    result = BuildResult()
    _RUN.update(result=result)
    try:
        run_build(project, out_dir, units=units, langs=langs, as_of=day, jobs=jobs, force=force,
                  progress=progress.advance, on_plan=planned, result=result, keep_going=keep_going,
                  allow_other_files=allow_other_files)
    finally:
        progress.stop()
    from .report import build_summary
    for line, to_err in build_summary(project, result, out_dir, time.monotonic() - started, verbose=verbose):
        if to_err:
            click.secho(line, fg="red" if line.startswith("error") else "yellow", err=True)
        else:
            click.echo(line)
    if result.failed_units:
        sys.exit(1)


class _Progress:
    """How far a build is, kit by kit as they finish: a bar on a terminal; elsewhere (a log, CI)
    a line every few seconds at most, and none for a build shorter than that."""

    EVERY = 5.0  # seconds between lines on a non-terminal

    def __init__(self, stream, clock=None):
        import time
        self.stream, self.clock = stream, clock or time.monotonic
        self.bar = None
        self.total = self.done = 0
        self.began = self.said = 0.0

    def start(self, kits: int) -> None:
        self.total, self.done = kits, 0
        self.began = self.said = self.clock()
        if kits > 1 and self.stream.isatty():
            # click's estimate divides the time so far by the kits done, which is honest now
            # that each kit is counted as it finishes
            self.bar = click.progressbar(length=kits, label="drawing kits", file=self.stream, show_pos=True)
            self.bar.__enter__()

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self.bar is not None:
            self.bar.update(n)
            return
        now = self.clock()
        if now - self.said >= self.EVERY and self.done < self.total:
            self.said = now
            rate = self.done / (now - self.began)
            left = (self.total - self.done) / rate if rate else 0
            click.echo(f"drawing: {self.done} of {self.total} kits ({100 * self.done // self.total} %), "
                       f"{rate:.1f} kits/s, about {left:.0f} s left", file=self.stream)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _refuse_unknown(project, units, langs) -> None:
    """--unit/--lang that name nothing: a did-you-mean, and the file the units really are in."""
    import difflib

    from .errors import ContentError, Location, Problem
    content = project.content
    source = content.docs["units.yaml"].file  # units.yaml, or units.xlsx / units.csv
    known_units = [u.id for u in content.units]
    known_langs = sorted({lang for u in content.units for lang in content.languages(u)})
    problems = []
    for option, given, known in (("--unit", units, known_units), ("--lang", langs, known_langs)):
        for value in given:
            if value in known:
                continue
            near = difflib.get_close_matches(value, known, n=1, cutoff=0.6)
            hint = f"did you mean '{near[0]}'? " if near else ""
            what = "unit" if option == "--unit" else "language of any unit"
            problems.append(Problem(Location(source), option,
                                    f"no {what} '{value}' in {source}; {hint}known: {', '.join(known)}"))
    if problems:
        raise ContentError(problems)


@main.command(context_settings=CONTEXT)
@_content_option
@_layouts_option
@click.option("--out", "out_dir", type=_Folder(), default=None,
              help="The output folder of the last build: documents whose inputs did not change since it fitted "
                   "then and are not drawn again (default: the project file's out, else output).")
@click.option("--unit", "units", multiple=True, metavar="ID", help="Only this unit (repeatable), as build --unit.")
@click.option("--lang", "langs", multiple=True, metavar="CODE", help="Only this language (repeatable).")
@_as_of_option
@click.option("--jobs", "-j", "jobs", type=click.IntRange(min=1), default=None,
              help="Processes drawing in parallel (default: the machine's cores).")
@click.option("--verbose", "-v", is_flag=True, help="Name every unit in warnings that many units share.")
def check(content_dir, layouts_dir, out_dir, units, langs, as_of, jobs, verbose) -> None:
    """Find everything a build would refuse, before it: the content and layouts are read and
    checked, and every document of every unit is drawn as `build` draws it, writing nothing.
    Exit 0 if and only if `build` would succeed (2: a problem in content or layouts, 1: a document
    that does not fit). Warnings name what posters and cards leave out to fit."""
    import os

    from .build import load_project
    from .check import check_project
    from .report import note_lines
    folders = _folders(content_dir, layouts_dir, out_dir)
    _say_project_file(folders)
    content_dir = folders.content
    project = load_project(content_dir, folders.layouts)
    if units or langs:
        _refuse_unknown(project, units, langs)
    progress = _Progress(sys.stderr)
    try:
        warned, fitted = check_project(project, _as_of(as_of), out=folders.out, jobs=jobs or os.cpu_count() or 1,
                                       units=units, langs=langs, progress=progress.advance,
                                       on_plan=progress.start)
    finally:
        progress.stop()
    for note in warned:
        click.secho(f"warning: {note}", fg="yellow", err=True)
    left_out = note_lines(fitted.notes, verbose=verbose)
    for line in left_out:
        click.secho(f"warning: {line}", fg="yellow", err=True)
    n = len(warned) + len(left_out)
    units = project.content.units
    reused = f", {fitted.kept} unchanged since the last build into {folders.out}" if fitted.kept else ""
    click.echo(f"ok: {len(units)} units, {len(project.content.plans)} plan(s), {fitted.drawn} documents drawn"
               f"{reused}, {n} warning{'s' if n != 1 else ''}  ({content_dir})")


@main.command("list", context_settings=CONTEXT)
@_content_option
@_layouts_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def list_(content_dir, layouts_dir, as_json) -> None:
    """Units, plans, languages and the documents a build would write."""
    from .build import PACK, documents, load_project, plan_jobs
    content_dir, roots = _dirs(content_dir, layouts_dir)
    project = load_project(content_dir, roots)
    content = project.content
    jobs = plan_jobs(project)
    data = {
        "content": str(content_dir),
        "plans": [{"id": p.id, "title": p.title} for p in content.plans.values()],
        # the ids `copies:` and the spreadsheet's "Copies …" columns take, and the print pack
        "documents": [*documents(project), PACK],
        "units": [{"id": u.id, "name": u.name, "plan": u.plan, "languages": content.languages(u),
                   "example": u.example,
                   "documents": list(dict.fromkeys(j.document for j in jobs if j.unit == u.id)),
                   "files": [j.path for j in jobs if j.unit == u.id]} for u in content.units],
    }
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(f"content: {content_dir}")
    for p in data["plans"]:
        click.echo(f"plan {p['id']}: {next(iter(p['title'].values()))}")
    click.echo(f"document ids: {', '.join(data['documents'])}")
    for u in data["units"]:
        flag = "  (example)" if u["example"] else ""
        click.echo(f"unit {u['id']}: {u['name']} · plan {u['plan']} · {', '.join(u['languages'])}{flag}")
        same = u["documents"] == data["documents"]
        click.echo(f"    documents: {'all of them' if same else ', '.join(u['documents'])}")
    click.echo(f"{len(jobs)} files (in each unit's folder: <document id>.<language>.pdf)")


@main.command(context_settings=CONTEXT)
@click.argument("kind", required=False,
                type=click.Choice(["organisation", "contacts", "plan", "units"]))
@click.option("--out", "out_dir", type=_Folder(), default=None,
              help="Write <kind>.schema.json for every kind into this folder.")
def schema(kind, out_dir) -> None:
    """JSON Schema of the content files, for validation and completion in an editor."""
    from .schema import schemas
    all_schemas = schemas()
    if out_dir is not None:
        from .build import atomic_write
        from .outfolder import refuse_root
        refuse_root(out_dir)
        files = {out_dir / f"{name}.schema.json": body for name, body in all_schemas.items()}
        # replaced only when it is an earlier nødkit's schema of the same file (its title says so)
        others = [str(path) for path, body in files.items()
                  if path.is_symlink() or (path.exists() and _title(path) != body.get("title"))]
        if others:
            raise _ExportError(f"{', '.join(others)} exist{'s' if len(others) == 1 else ''} and nødkit did not write "
                               f"{'it' if len(others) == 1 else 'them'}; nothing was written (move "
                               f"{'it' if len(others) == 1 else 'them'} away, or choose another --out)")
        try:
            with _writing(f"{out_dir}/*.schema.json"):
                for path, body in files.items():
                    atomic_write(path, (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
            for path in files:
                click.echo(path)
        except OSError as exc:
            raise NodkitError(f"cannot write {exc.filename or out_dir}: {exc.strerror or exc}") from None
        return
    body = all_schemas[kind] if kind else all_schemas
    click.echo(json.dumps(body, indent=2, ensure_ascii=False))


def _title(path: Path) -> str | None:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data.get("title") if isinstance(data, dict) else None


@main.command(context_settings=CONTEXT)
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--organisation", "organisation", metavar="NAME", default=None,
              help="The organisation's name (otherwise left as a placeholder).")
@click.option("--lang", "lang", metavar="CODE", default="da", show_default=True,
              help="Default language of the content texts.")
@click.option("--region", "region", metavar="CC", default="DK", show_default=True,
              help="Two-letter country of the phone numbers.")
@click.option("--system", "system", metavar="NAME", default="Nexus", show_default=True,
              help="The system whose outage the plan is for.")
def init(directory, organisation, lang, region, system) -> None:
    """Write a new content folder to fill in: every file, every field explained (in the
    language of --lang where nødkit has the words: da, en), the values only you know marked
    "<<FILL IN: …>>", and a nodkit.toml so that check and build in it need no options.
    Refuses a folder that is not empty."""
    import phonenumbers
    from babel import Locale, UnknownLocaleError

    from .i18n import has_catalogue
    from .init import init_content
    from .project import PROJECT_FILE
    try:
        Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        raise click.BadParameter(f"unknown language code {lang!r}; e.g. da or en", param_hint="--lang") from None
    region = region.upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise click.BadParameter(f"expected a two-letter country code such as DK, found {region!r}",
                                 param_hint="--region")
    with _writing(str(directory)):
        result = init_content(directory, organisation=organisation, lang=lang, region=region, system=system)
    for path in result.files:
        click.echo(path)
    if not has_catalogue(lang):
        click.secho(f"warning: nødkit has no translation of its own words into '{lang}' yet; "
                    f"see docs/languages.md", fg="yellow", err=True)
    click.echo(f"\nNext: replace the {result.placeholders} \"{result.marker}\" values, then, in {directory}\n"
               f"(its {PROJECT_FILE} names the folders):\n"
               f"  nødkit check\n"
               f"  nødkit build\n"
               f"The whole way: docs/adopt.md")


@main.group(cls=_Group, context_settings=CONTEXT)
def units() -> None:
    """The units as a spreadsheet: export them for editing; units.xlsx/units.csv in the
    content folder then replaces units.yaml."""


@units.command("export", context_settings=CONTEXT)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@_content_option
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
def units_export(file, content_dir, force) -> None:
    """Write the content's units to FILE (.xlsx or .csv), headed in the organisation's language."""
    from .build import atomic_write
    from .content.load import UNITS_SOURCES, load_units_only
    from .content.spreadsheet import export_units
    content_dir, _roots = _dirs(content_dir, None)
    if file.suffix.lower() not in (".xlsx", ".csv"):
        raise click.BadParameter(f"expected a file name ending in .xlsx or .csv, found {file.name!r}",
                                 param_hint="FILE")
    if file.exists() and not force:
        raise _ExportError(f"{file} exists; nothing was written (use --force to overwrite it)")
    # the units alone: in a folder fresh from `nødkit init` the plan is not written yet
    content = load_units_only(content_dir)
    data = export_units(content, file)
    try:
        with _writing(str(file)):
            atomic_write(file, data)
    except OSError as exc:
        raise NodkitError(f"cannot write {file}: {exc.strerror or exc}") from None
    click.echo(f"wrote {len(content.units)} unit{'s' if len(content.units) != 1 else ''} to {file}")
    others = [name for name in UNITS_SOURCES if (content_dir / name).exists()
              and (content_dir / name).resolve() != file.resolve()]
    if file.resolve().parent == content_dir.resolve() and file.name in UNITS_SOURCES and others:
        click.echo(f"the units are now in {file.name} and {', '.join(others)}: delete the one you will "
                   f"not keep (check and build refuse both)", err=True)


class _ExportError(NodkitError):
    exit_code = 2
