"""What an admin looks at after a build: thumbnails, output/index.html and output/reprint.txt.

The index shows every unit's documents at a glance, marks what changed since the previous
build (in words, not only colour), and the reprint list names the documents to print and
laminate again — so one changed phone number does not mean reprinting fifty kits.
"""

from __future__ import annotations

import datetime as dt
import html
from io import BytesIO
from pathlib import Path

from .outfolder import INDEX, REPRINT, thumb_of

THUMB_WIDTH = 180  # pixels: enough to recognise a document at a glance


def thumb_path(entry: dict) -> str:
    return thumb_of(entry["path"])


def thumbnail(pdf: bytes) -> bytes:
    """A small grey PNG of a PDF's first page (rendered in the build's worker processes)."""
    import pypdfium2 as pdfium  # imported here: only a build that writes previews needs it

    doc = pdfium.PdfDocument(pdf)
    try:
        page = doc[0]
        image = page.render(scale=THUMB_WIDTH / page.get_width(), grayscale=True).to_pil()
    finally:
        doc.close()
    buf = BytesIO()
    image.convert("L").save(buf, format="PNG", compress_level=3)  # level 6 took a quarter longer for 4 % less
    return buf.getvalue()


def write_thumbnails(out: Path, entries: list[dict], atomic_write) -> dict[str, tuple[int, int]]:
    """Each document's thumbnail size (read from its header: the index gives it to the browser);
    a thumbnail missing or broken on disk (e.g. after an admin deleted _thumbs/) is made again.
    (One open per thumbnail: a build of 300 units has 9,000.)"""
    sizes = {}
    for entry in entries:
        target = out / thumb_path(entry)
        size = png_size(target)
        if size is None:
            made = thumbnail((out / entry["path"]).read_bytes())
            atomic_write(target, made)
            size = _png_header_size(made[:24])
        if size is not None:
            sizes[entry["path"]] = size
    return sizes


def remove_thumbnails(out: Path, paths: list[str]) -> None:
    for path in paths:
        (out / thumb_of(path)).unlink(missing_ok=True)


def reprint_text(reprint: list[dict], names: dict[str, str], as_of: str) -> str:
    if not reprint:
        return f"Nothing to reprint: no document shows anything new since the previous build (as of {as_of}).\n"
    lines = [f"Documents to reprint (new, or showing something that changed), build as of {as_of}:", ""]
    by_unit: dict[str, list[dict]] = {}
    for entry in reprint:
        by_unit.setdefault(entry["unit"], []).append(entry)
    for unit in sorted(by_unit):
        lines.append(f"{unit}  {names.get(unit, '')}".rstrip())
        lines += [f"    {e['path']}" for e in sorted(by_unit[unit], key=lambda e: e["path"])]
    return "\n".join(lines) + "\n"


def index_html(manifest: dict, units: list[dict], changed: set[str], reprint: set[str], words,
               thumb_sizes: dict[str, tuple[int, int]] | None = None) -> str:
    """units: [{id, name, example, plan, languages}] in content order. In the organisation's
    language (`words`): opened by a list of the units, each linking to its section; the
    thumbnails load as they are scrolled to, with their size known beforehand so the page does
    not jump while they come in."""
    _ = words.gettext
    esc = html.escape
    thumb_sizes = thumb_sizes or {}
    files_by_unit: dict[str, list[dict]] = {}
    for entry in manifest["files"]:
        files_by_unit.setdefault(entry["unit"], []).append(entry)
    shown = [u for u in units if files_by_unit.get(u["id"])]
    runs = manifest.get("print_runs", [])
    as_of = words.date_long(dt.date.fromisoformat(manifest["as_of"]))
    # (the words are looked up outside the f-strings, where pybabel's extraction finds them)
    title = esc(_("Kits as of {date}").format(date=as_of))
    units_w, unit_w, plan_w, langs_w = esc(_("Units")), esc(_("Unit")), esc(_("Plan")), esc(_("Languages"))
    docs_w, again_w, runs_w, pages_w = esc(_("Documents")), esc(_("To reprint")), esc(_("Print runs")), esc(_("Pages"))
    example_w, reprint_w, changed_w = esc(_("EXAMPLE – not for use")), esc(_("REPRINT")), esc(
        _("(file changed, nothing new shown)"))
    parts = [
        "<!doctype html>",
        f'<html lang="{esc(words.lang)}"><head><meta charset="utf-8">',
        f"<title>nødkit – {title}</title>",
        "<style>body{font-family:sans-serif;margin:2em;color:#000}"
        "table{border-collapse:collapse}th,td{border:1px solid #000;padding:.2em .5em;text-align:left}"
        "td.n{text-align:right}"
        ".unit{border-top:2px solid #000;padding:1em 0}"
        ".docs{display:flex;flex-wrap:wrap;gap:1.2em}"
        "figure{margin:0;width:" + str(THUMB_WIDTH) + "px}"
        "img{border:1px solid #000;max-width:100%;height:auto}"
        ".flag{font-weight:bold;background:#000;color:#fff;padding:0 .3em}"
        "figcaption{font-size:.85em}</style></head><body>",
        f"<h1>{title}</h1>",
        f"<p>{units_w}: {len(shown)} · {docs_w}: {len(manifest['files'])} · "
        f"{again_w}: {len(reprint)} (<a href=\"{REPRINT}\">{REPRINT}</a>) · "
        f"<a href=\"manifest.json\">manifest.json</a></p>",
    ]
    if runs:
        parts.append(f"<h2>{runs_w}</h2><ul>")
        for run in runs:
            paper = _("Sheets of {paper} paper").format(paper=run["paper"])
            parts.append(f'<li><a href="{esc(run["path"])}">{esc(run["path"])}</a> · {esc(paper)}: {run["sheets"]}'
                         "</li>")
        parts.append(f'<li><a href="print/README.txt">print/README.txt</a></li></ul>')
    parts.append(f"<h2>{units_w}</h2>")
    parts.append(f"<table><thead><tr><th>{unit_w}</th><th>{plan_w}</th>"
                 f"<th>{langs_w}</th><th>{docs_w}</th><th>{again_w}</th>"
                 "</tr></thead><tbody>")
    for unit in shown:
        entries = files_by_unit[unit["id"]]
        again = sum(e["path"] in reprint for e in entries)
        langs = sorted({e["lang"] for e in entries}, key=lambda lang: (unit.get("languages") or []).index(lang)
                       if lang in (unit.get("languages") or []) else 99)
        parts.append(f'<tr><td><a href="#{esc(unit["id"])}">{esc(unit["name"])}</a></td>'
                     f"<td>{esc(unit.get('plan', ''))}</td><td>{esc(', '.join(langs))}</td>"
                     f'<td class="n">{len(entries)}</td><td class="n">{again or "–"}</td></tr>')
    parts.append("</tbody></table>")
    for unit in shown:
        entries = sorted(files_by_unit[unit["id"]], key=lambda e: e["path"])
        version = entries[0].get("kit_version", "")
        example = f' <span class="flag">{example_w}</span>' if unit["example"] else ""
        parts.append(f'<section class="unit" id="{esc(unit["id"])}"><h2>{esc(unit["name"])}{example}</h2>')
        kit_version = esc(_("Kit version {version}").format(version=version))
        parts.append(f"<p><code>{esc(unit['id'])}</code> · {kit_version}</p>")
        parts.append('<div class="docs">')
        for e in entries:
            marks = []
            if e["path"] in reprint:
                marks.append(f'<span class="flag">{reprint_w}</span>')
            elif e["path"] in changed:
                marks.append(changed_w)
            width, height = thumb_sizes.get(e["path"], (THUMB_WIDTH, 0))
            size = f' width="{width}" height="{height}"' if height else ""
            parts.append(
                f'<figure><a href="{esc(e["path"])}"><img src="{esc(thumb_path(e))}"{size} '
                f'alt="{esc(e["document"])} ({esc(e["lang"])})" loading="lazy" decoding="async"></a>'
                f'<figcaption><a href="{esc(e["path"])}">{esc(e["document"])} · {esc(e["lang"])}</a>'
                f' · {pages_w}: {e["pages"]} {" ".join(marks)}</figcaption></figure>')
        parts.append("</div></section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def png_size(path: Path) -> tuple[int, int] | None:
    """Width and height from a PNG's header (its first 24 bytes), without decoding the image."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(24)
    except OSError:
        return None
    return _png_header_size(head)


def _png_header_size(head: bytes) -> tuple[int, int] | None:
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def write_preview(out: Path, manifest: dict, units: list[dict], changed: set[str], reprint: list[dict],
                  removed: list[str], atomic_write, words) -> None:
    sizes = write_thumbnails(out, manifest["files"], atomic_write)
    remove_thumbnails(out, removed)
    names = {u["id"]: u["name"] for u in units}
    atomic_write(out / REPRINT, reprint_text(reprint, names, manifest["as_of"]).encode("utf-8"))
    reprint_paths = {e["path"] for e in reprint}
    atomic_write(out / INDEX, index_html(manifest, units, changed, reprint_paths, words, sizes).encode("utf-8"))

