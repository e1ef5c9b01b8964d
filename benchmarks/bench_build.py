"""How fast is a municipality-sized build, against what reportlab itself costs?

    python benchmarks/bench_build.py                 # 300 units x 2 languages (several minutes)
    python benchmarks/bench_build.py --units 40      # quicker

It generates an organisation of N made-up units (the example plan, every unit in Danish
and English), then measures in one run:
  - a full build with all cores, its CPU time in all processes per unit kit, and a no-change
    rebuild; a no-change `check` after it; the rebuild after one unit's leader phone changes;
  - the speed-up from 1 to 2 processes (on a smaller set of units, --speedup-units);
  - the floor: bare reportlab writing as many files and pages, with as much text and a
    vector QR code per page, in as many processes;
  - peak memory (the build process and its workers), PDF sizes, `nødkit --help` start-up.
The last line is machine readable.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from multiprocessing import get_context
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2026, 11, 27)


def make_content(root: Path, units: int, langs: list[str]) -> Path:
    content = root / "content"
    shutil.copytree(REPO / "content", content)
    rng = random.Random(7)
    lines = ["units:"]
    ids = [f"enhed-{i:04d}" for i in range(units)]
    for i, uid in enumerate(ids):
        neighbours = [ids[(i + k) % units] for k in (1, 2) if units > 2]
        lines += [
            f"  - id: {uid}",
            f"    name: Botilbud nr. {i + 1} {rng.choice(['Bakken', 'Engen', 'Skoven', 'Åen', 'Fjorden'])}",
            "    plan: nexus",
            f"    address: Eksempelvej {i + 1}, 4300 Holbæk",
            f"    phone: 99 {90 + i % 10} {10 + i // 100 % 90} {10 + i % 90}",
            f"    leader: {{name: Leder {i + 1}, phone: 98 {90 + i % 10} {10 + i // 100 % 90} {10 + i % 90}}}",
            f"    neighbours: [{', '.join(neighbours)}]",
            f"    languages: [{', '.join(langs)}]",
            "    example: true",
        ]
    (content / "units.yaml").write_text("\n".join(lines) + "\n", "utf-8")
    return content


def run_build(content: Path, out: Path, jobs: int) -> tuple[float, dict]:
    from nødkit.build import build, load_project
    from nødkit.cli import _dirs
    start = time.perf_counter()
    project = load_project(content, _dirs(content, None)[1])
    result = build(project, out, as_of=AS_OF, jobs=jobs)
    return time.perf_counter() - start, {"written": len(result.written), "skipped": len(result.unchanged)}


def run_check(content: Path, out: Path, jobs: int) -> float:
    """`nødkit check` as the command runs it, after a build into `out` (in this process)."""
    from nødkit.build import load_project
    from nødkit.check import check_project
    from nødkit.cli import _dirs
    start = time.perf_counter()
    project = load_project(content, _dirs(content, None)[1])
    check_project(project, AS_OF, out=out, jobs=jobs)
    return time.perf_counter() - start


def cpu_seconds() -> float:
    """CPU time of this process and of its ended children (the build's workers), user and system."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def change_one_leader(content: Path) -> None:
    units = content / "units.yaml"
    text = units.read_text("utf-8")
    first = text.index("    leader: {name: Leder 1,")
    end = text.index("}", first)
    units.write_text(text[:first] + "    leader: {name: Leder 1, phone: 97 97 10 10" + text[end:], "utf-8")


# --- the floor: bare reportlab ---------------------------------------------------------------

def _floor_file(args) -> int:
    pages, chars, url, path = args
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen.canvas import Canvas
    import reportlab
    fonts = Path(reportlab.__file__).parent / "fonts"
    if "FloorVera" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("FloorVera", str(fonts / "Vera.ttf")))
        pdfmetrics.registerFont(TTFont("FloorVeraBd", str(fonts / "VeraBd.ttf")))
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=A4, invariant=1, initialFontName="FloorVera")
    text = ("Ring til NEXUS-teamet 72 36 14 77, hverdage 07.00–15.30. " * (chars // 50 + 1))[:chars]
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    qr.add_data(url)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    for _page in range(pages):
        y = 800
        for k, i in enumerate(range(0, len(text), 90)):
            c.setFont("FloorVeraBd" if k % 5 == 0 else "FloorVera", 10)
            c.drawString(40, y, text[i:i + 90])
            y -= 12
            if y < 60:
                y = 800
        module = 1.5
        for r, row in enumerate(matrix):
            for col, dark in enumerate(row):
                if dark:
                    c.rect(400 + col * module, 100 + r * module, module, module, stroke=0, fill=1)
        c.showPage()
    c.save()
    Path(path).write_bytes(buf.getvalue())
    return pages


def floor(files: list[tuple[int, int]], url: str, out: Path, jobs: int) -> float:
    out.mkdir(parents=True, exist_ok=True)
    work = [(pages, chars, url, str(out / f"{i}.pdf")) for i, (pages, chars) in enumerate(files)]
    start = time.perf_counter()
    with get_context("fork").Pool(jobs) as pool:
        list(pool.imap_unordered(_floor_file, work, chunksize=4))
    return time.perf_counter() - start


def text_per_page(out: Path, manifest: dict) -> dict[str, int]:
    """Characters of text per page, by document kind, read from one unit's built files."""
    from pypdf import PdfReader
    first_unit = manifest["files"][0]["unit"]
    per_doc = {}
    for entry in manifest["files"]:
        if entry["unit"] != first_unit or entry["lang"] != "da":
            continue
        reader = PdfReader(str(out / entry["path"]))
        chars = sum(len(p.extract_text() or "") for p in reader.pages)
        per_doc[entry["document"]] = max(1, chars // max(1, len(reader.pages)))
    return per_doc


def help_ms() -> float:
    exe = Path(sys.executable).parent / "nodkit"
    cmd = [str(exe), "--help"] if exe.exists() else [sys.executable, "-m", "nødkit", "--help"]
    times = []
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return min(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--langs", default="da,en")
    parser.add_argument("--speedup-units", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    langs = args.langs.split(",")
    with tempfile.TemporaryDirectory(prefix="nodkit-bench-") as tmp:
        tmp = Path(tmp)
        content = make_content(tmp / "org", args.units, langs)
        out = tmp / "output"
        cpu = cpu_seconds()
        full_s, full = run_build(content, out, args.jobs)
        cpu = cpu_seconds() - cpu
        rebuild_s, rebuild = run_build(content, out, args.jobs)
        check_s = run_check(content, out, args.jobs)
        change_one_leader(content)
        one_unit_s, one_unit = run_build(content, out, args.jobs)
        manifest = json.loads((out / "manifest.json").read_text("utf-8"))
        # every PDF the build writes: the units' documents and the print runs across them
        files = manifest["files"] + manifest.get("print_runs", [])
        documents = manifest["files"]
        pages = sum(e["pages"] for e in files)
        kits = len({(e["unit"], e["lang"]) for e in documents})

        small = make_content(tmp / "small", args.speedup_units, langs)
        one_s, _ = run_build(small, tmp / "s1", 1)
        two_s, _ = run_build(small, tmp / "s2", 2)

        chars = text_per_page(out, manifest)
        floor_files = [(e["pages"], chars.get(e.get("document"), 1500)) for e in files]
        floor_s = floor(floor_files, "http://holbaek.nexus.kmd.dk", tmp / "floor", args.jobs)

        self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        peak_mb = max(self_mb, child_mb)
        poster_kb = max(e["bytes"] for e in documents if e["document"] == "poster-a3") / 1024
        pack_kb = max(e["bytes"] for e in documents if e["document"] == "print-pack") / 1024
        startup_ms = help_ms()

    print(f"units {args.units} x languages {len(langs)} = {kits} kits, {len(documents)} documents and "
          f"{len(files) - len(documents)} print runs, {pages} pages, {args.jobs} processes")
    print(f"full build      {full_s:8.1f} s   {len(files) / full_s:7.1f} files/s   {pages / full_s:7.1f} pages/s"
          f"   {1000 * full_s / kits:6.0f} ms per unit kit   ({full['written']} written)")
    print(f"CPU             {cpu:8.1f} s   all processes, {1000 * cpu / kits:.0f} ms per unit kit")
    print(f"no-change build {rebuild_s:8.2f} s   ({rebuild['written']} written, {rebuild['skipped']} skipped)")
    print(f"no-change check {check_s:8.2f} s")
    print(f"one unit        {one_unit_s:8.2f} s   rebuild after one unit's leader phone changed "
          f"({one_unit['written']} written)")
    print(f"floor           {floor_s:8.1f} s   bare reportlab: same files, pages, text per page, a QR per page")
    print(f"speed-up        {one_s / two_s:8.2f} x   1 -> 2 processes on {args.speedup_units} units "
          f"({one_s:.1f} s -> {two_s:.1f} s)")
    print(f"peak memory     {peak_mb:8.0f} MB  (build process {self_mb:.0f} MB, largest worker {child_mb:.0f} MB)")
    print(f"sizes           poster-a3 {poster_kb:.0f} KB, print pack {pack_kb:.0f} KB; "
          f"median document {statistics.median(e['bytes'] for e in documents) / 1024:.0f} KB")
    print(f"start-up        nødkit --help {startup_ms:.0f} ms")
    print(f"ratio_to_floor={full_s / floor_s:.2f} kit_cpu_ms={1000 * cpu / kits:.0f} check_s={check_s:.2f} "
          f"one_unit_s={one_unit_s:.2f} speedup_2cores={one_s / two_s:.2f} rebuild_s={rebuild_s:.2f} "
          f"peak_rss_mb={peak_mb:.0f} poster_kb={poster_kb:.0f} pack_kb={pack_kb:.0f}")


if __name__ == "__main__":
    main()
