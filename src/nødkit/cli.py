"""Command line: thin click commands over build/check. Heavy imports happen inside commands."""

from __future__ import annotations

import datetime as dt
import json
import sys
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


def _as_of_option(f):
    return click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
                        help="The date the kit is made for (YYYY-MM-DD; default: today). "
                             "Same input + same date = identical PDFs.")(f)


def _dirs(content_dir: Path | None, layouts_dir: Path | None) -> tuple[Path, list[Path]]:
    from .build import default_dir
    if content_dir is None:
        local = Path("content")
        content_dir = local if (local / "organisation.yaml").is_file() else default_dir("content")
    roots = []
    if layouts_dir is not None:
        if not layouts_dir.is_dir():
            raise click.BadParameter(f"folder not found: {layouts_dir}", param_hint="--layouts")
        roots.append(layouts_dir)
    elif (Path("layouts") / "theme.yaml").is_file():
        roots.append(Path("layouts"))
    default_layouts = default_dir("layouts")
    if not roots or roots[0].resolve() != default_layouts.resolve():
        roots.append(default_layouts)
    return content_dir, roots


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


class _Group(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except NodkitError as exc:
            _fail(exc)
        except KeyboardInterrupt:
            click.secho("interrupted: output/ is as it was before this build", fg="red", err=True)
            sys.exit(130)


@click.group(cls=_Group, context_settings=CONTEXT)
@click.version_option(__version__, prog_name="nødkit")
def main() -> None:
    """Make printable IT-outage emergency kits: wall posters for every unit, from the
    plan and contacts in a content folder.

    \b
    Typical use:
      nødkit check            validate content and layouts, show warnings
      nødkit build            write every unit's kit into ./output
      nødkit list             what a build would write
    """


@main.command(context_settings=CONTEXT)
@_content_option
@_layouts_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("output"),
              show_default=True, help="Where the PDFs and manifest.json go.")
@click.option("--unit", "units", multiple=True, metavar="ID", help="Only this unit (repeatable).")
@click.option("--lang", "langs", multiple=True, metavar="CODE", help="Only this language (repeatable).")
@_as_of_option
def build(content_dir, layouts_dir, out_dir, units, langs, as_of) -> None:
    """Build the kit of every unit (or the ones named) into --out."""
    from .build import load_project, plan_jobs, render_all, write_outputs
    content_dir, roots = _dirs(content_dir, layouts_dir)
    day = _as_of(as_of)
    project = load_project(content_dir, roots)
    jobs = plan_jobs(project, units, langs)
    click.echo(f"content: {content_dir}  ·  {len(jobs)} documents  ·  as of {day.isoformat()}", err=True)
    if len(jobs) > 5 and sys.stderr.isatty():
        with click.progressbar(length=len(jobs), label="rendering", file=sys.stderr) as bar:
            rendered = render_all(project, jobs, day, progress=lambda job: bar.update(1))
    else:
        rendered = render_all(project, jobs, day)
    result = write_outputs(out_dir, rendered, day, project, full=not units and not langs)
    click.echo(f"wrote {len(result.written)}, unchanged {len(result.unchanged)}"
               + (f", removed {len(result.removed)}" if result.removed else "")
               + f"  →  {out_dir}/ (manifest.json, index.html)")
    from .preview import REPRINT
    click.echo((out_dir / REPRINT).read_text("utf-8").rstrip())


@main.command(context_settings=CONTEXT)
@_content_option
@_layouts_option
@_as_of_option
def check(content_dir, layouts_dir, as_of) -> None:
    """Validate content and layouts; print warnings. Exit 2 on errors."""
    from .build import load_project
    from .check import check_project
    content_dir, roots = _dirs(content_dir, layouts_dir)
    project = load_project(content_dir, roots)
    notes = check_project(project, _as_of(as_of))
    for note in notes:
        click.secho(f"warning: {note}", fg="yellow", err=True)
    units = project.content.units
    click.echo(f"ok: {len(units)} units, {len(project.content.plans)} plan(s), "
               f"{len(notes)} warning{'s' if len(notes) != 1 else ''}  ({content_dir})")


@main.command("list", context_settings=CONTEXT)
@_content_option
@_layouts_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def list_(content_dir, layouts_dir, as_json) -> None:
    """Units, plans, languages and the documents a build would write."""
    from .build import documents, load_project, plan_jobs
    content_dir, roots = _dirs(content_dir, layouts_dir)
    project = load_project(content_dir, roots)
    content = project.content
    jobs = plan_jobs(project)
    data = {
        "content": str(content_dir),
        "plans": [{"id": p.id, "title": p.title} for p in content.plans.values()],
        "documents": documents(project),
        "units": [{"id": u.id, "name": u.name, "plan": u.plan, "languages": content.languages(u),
                   "example": u.example,
                   "files": [j.path for j in jobs if j.unit == u.id]} for u in content.units],
    }
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(f"content: {content_dir}")
    for p in data["plans"]:
        click.echo(f"plan {p['id']}: {next(iter(p['title'].values()))}")
    for u in data["units"]:
        flag = "  (example)" if u["example"] else ""
        click.echo(f"unit {u['id']}: {u['name']} · plan {u['plan']} · {', '.join(u['languages'])}{flag}")
        for f in u["files"]:
            click.echo(f"    {f}")
    click.echo(f"{len(jobs)} documents")


@main.command(context_settings=CONTEXT)
@click.argument("kind", required=False,
                type=click.Choice(["organisation", "contacts", "plan", "units"]))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write <kind>.schema.json for every kind into this folder.")
def schema(kind, out_dir) -> None:
    """JSON Schema of the content files, for validation and completion in an editor."""
    from .schema import schemas
    all_schemas = schemas()
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name, body in all_schemas.items():
            (out_dir / f"{name}.schema.json").write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n",
                                                         encoding="utf-8")
            click.echo(out_dir / f"{name}.schema.json")
        return
    body = all_schemas[kind] if kind else all_schemas
    click.echo(json.dumps(body, indent=2, ensure_ascii=False))
