"""Every PDF of a build, read as a printer's preflight reads it (issue 13).

Written apart from the renderers: it reads the PDFs with pikepdf and knows only what the
content and layout files name (papers, copies), never nødkit's code. For every PDF:
- every resource a content stream uses (font, graphics state, XObject, …) is defined in the
  resources that stream can see, on pages and inside form XObjects;
- every font is embedded and subset, and no two different font programs share a name;
- printers are asked not to scale (/PrintScaling /None);
- page sizes are exactly the paper the layout names.
For a print pack, which must print as one double-sided job: one bookmark per document copy,
each document starts on an odd page (the front of a sheet) where its bookmark points, its pages
follow in order, and only backs (even pages) are left blank, saying so in the kit's language.

The same checks run on the example kit (`example: true`, watermarked) and on a unit without
`example`.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from pathlib import Path

import pikepdf
import pytest
import yaml
from pypdf import PdfReader

from conftest import CONTENT, LAYOUTS, build, copy_content, render_page

MM = 72 / 25.4
PAPER_MM = {"A4": (210, 297), "A3": (297, 420)}
BLANK = {"da": "Denne side er med vilje tom.", "en": "This page is intentionally left blank."}
PLAIN_UNIT = "bakkehuset"  # made a real (not example) unit for the second build

# operator -> the resource category its name operand is looked up in
USES = {"Tf": "/Font", "gs": "/ExtGState", "Do": "/XObject", "sh": "/Shading", "cs": "/ColorSpace",
        "CS": "/ColorSpace", "scn": "/Pattern", "SCN": "/Pattern", "BDC": "/Properties", "DP": "/Properties"}
DEVICE_SPACES = {"/DeviceGray", "/DeviceRGB", "/DeviceCMYK", "/Pattern"}
FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


# --- checks, each returning what it found wrong ------------------------------------------------

def undefined_resources(pdf: pikepdf.Pdf) -> list[str]:
    problems: list[str] = []
    done: set = set()

    def visit(where: str, stream, resources) -> None:
        for operands, operator in pikepdf.parse_content_stream(stream):
            op = str(operator)
            category = USES.get(op)
            if category is None or not operands:
                continue
            name = operands[1] if op in ("BDC", "DP") else operands[-1] if op in ("scn", "SCN") else operands[0]
            if not isinstance(name, pikepdf.Name) or (category == "/ColorSpace" and name in DEVICE_SPACES):
                continue  # an inline dictionary, a colour value, a device colour space
            defined = resources.get(category) if resources is not None else None
            if defined is None or name not in defined:
                problems.append(f"{where}: '{name} {op}' but {category} has no {name}")
            elif op == "Do" and defined[name].get("/Subtype") == "/Form":
                form = defined[name]
                # a form with no resources of its own sees its page's (PDF 1.1)
                seen = form.get("/Resources", resources)
                if (form.objgen, seen.objgen if seen.is_indirect else id(seen)) not in done:
                    done.add((form.objgen, seen.objgen if seen.is_indirect else id(seen)))
                    visit(f"{where} {name}", form, seen)

    for i, page in enumerate(pdf.pages, 1):
        resources = _inherited(page.obj, "/Resources")
        visit(f"page {i}", page.obj, resources)
        for annot in page.obj.get("/Annots", []):
            appearance = annot.get("/AP", {}).get("/N")
            if isinstance(appearance, pikepdf.Stream):
                visit(f"page {i} annotation", appearance, appearance.get("/Resources"))
    return list(dict.fromkeys(problems))  # a form drawn eight times on a page is one problem


def font_problems(pdf: pikepdf.Pdf) -> list[str]:
    problems, programs = [], defaultdict(set)
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary) or obj.get("/Type") != "/Font" or obj.get("/Subtype") == "/Type3":
            continue
        name = str(obj.get("/BaseFont"))
        described = obj.DescendantFonts[0] if obj.get("/Subtype") == "/Type0" else obj
        descriptor = described.get("/FontDescriptor")
        program = next((descriptor[k] for k in FONT_FILES if k in descriptor), None) if descriptor else None
        if program is None:
            problems.append(f"font {name} is not embedded")
            continue
        if not (len(name) > 8 and name[1:7].isalpha() and name[1:7].isupper() and name[7] == "+"):
            problems.append(f"font {name} is not a subset (no tag)")
        programs[name].add(hashlib.sha256(program.read_bytes()).hexdigest())
    problems += [f"{len(p)} different font programs are named {n}" for n, p in programs.items() if len(p) > 1]
    return problems


def page_mm(page: pikepdf.Page) -> tuple[float, float]:
    x0, y0, x1, y1 = (float(v) for v in page.mediabox)
    return round((x1 - x0) / MM, 1), round((y1 - y0) / MM, 1)


def named_paper(document: str) -> tuple[float, float]:
    """The page size the document's layout file names."""
    if document.startswith("sheet-"):
        layouts = [yaml.safe_load(p.read_text("utf-8")) for p in (LAYOUTS / "sheets").glob("*.yaml")]
        layout = next(data for data in layouts if f"sheet-{data['id']}" == document)
    else:
        layout = yaml.safe_load((LAYOUTS / f"{document}.yaml").read_text("utf-8"))
    w, h = PAPER_MM[layout["page"]["size"]]
    return (h, w) if layout["page"]["orientation"] == "landscape" else (w, h)


def pack_problems(pack_path: Path, documents: dict[str, Path], copies: dict[str, int], lang: str) -> list[str]:
    """The print pack as one double-sided job. `documents`: the unit's other PDFs in this
    language by document id; `copies`: how many of each the pack should hold."""
    problems = []
    pdf = pikepdf.open(pack_path)
    pages = pdf.pages
    index = {page.obj.objgen: i for i, page in enumerate(pages)}
    with pdf.open_outline() as outline:
        marks = [(item.title, index[item.destination[0].objgen]) for item in outline.root]
    if not marks:
        return ["no bookmarks"]
    starts = [i for _title, i in marks]
    if starts[0] != 0 or starts != sorted(set(starts)):
        problems.append(f"bookmarks do not run from the first page forward: {starts}")
    problems += [f"bookmark {t!r} points to page {i + 1}, a back" for t, i in marks if i % 2]

    text = PdfReader(str(pack_path))

    def blank(i: int) -> bool:
        return (text.pages[i].extract_text() or "").strip() == BLANK[lang]

    opened = {doc: pikepdf.open(path) for doc, path in documents.items()}
    by_first_page = {_fingerprint(source.pages[0]): doc for doc, source in opened.items()}
    found = Counter()
    for n, ((title, start), end) in enumerate(zip(marks, [*starts[1:], len(pages)])):
        if (end - start) % 2:
            problems.append(f"{title!r} takes {end - start} pages: the next document starts on a back")
        doc = by_first_page.get(_fingerprint(pages[start]))
        if doc is None and n == 0:  # the print instructions, made for the pack alone
            expected = [_fingerprint(pages[start])]
        elif doc is None:
            problems.append(f"bookmark {title!r} (page {start + 1}) points to no document's first page")
            continue
        else:
            found[doc] += 1
            expected = [_fingerprint(p) for p in opened[doc].pages]
        at = 0  # walk the pages: the document's, in order, or a blank back
        for i in range(start, end):
            if at < len(expected) and _fingerprint(pages[i]) == expected[at]:
                at += 1
            elif i % 2 == 1 and blank(i) and page_mm(pages[i]) == page_mm(pages[i - 1]):
                continue
            else:
                problems.append(f"page {i + 1} under {title!r} is neither its next page nor a blank back of its size")
                break
        if at != len(expected):
            problems.append(f"{title!r}: {at} of its {len(expected)} pages follow its bookmark")
    want = Counter({doc: copies.get(doc, 1) for doc in documents})
    if +found != +want:
        problems.append(f"documents in the pack {dict(found)} != asked for {dict(want)}")
    titles = [t for t, _i in marks]
    if len(set(titles)) != len(titles):
        problems.append(f"bookmarks with the same title (no copy number?): {titles}")
    return problems


def _fingerprint(page: pikepdf.Page) -> str:
    contents = page.obj.Contents
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    data = b"".join(s.read_bytes() for s in streams)
    return hashlib.sha256(repr(page_mm(page)).encode() + data).hexdigest()


def _inherited(page: pikepdf.Dictionary, key: str):
    node = page
    while node is not None:
        if key in node:
            return node[key]
        node = node.get("/Parent")
    return None


def kit_problems(out: Path) -> dict[str, list[str]]:
    """Every PDF of a build's manifest: path -> what is wrong with it (empty when right)."""
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    units = {u["id"]: u for u in yaml.safe_load((CONTENT / "units.yaml").read_text("utf-8"))["units"]}
    found = {}
    for entry in manifest["files"]:
        path = out / entry["path"]
        pdf = pikepdf.open(path)
        problems = undefined_resources(pdf) + font_problems(pdf)
        scaling = pdf.Root.get("/ViewerPreferences", {}).get("/PrintScaling")
        if scaling != pikepdf.Name("/None"):
            problems.append(f"/PrintScaling is {scaling}, not /None")
        if len(pdf.pages) != entry["pages"]:
            problems.append(f"{len(pdf.pages)} pages, the manifest says {entry['pages']}")
        papers = {tuple(float(v) for v in paper) for w, h in PAPER_MM.values() for paper in ((w, h), (h, w))}
        if entry["document"] == "print-pack":
            problems += [f"page {i} is {page_mm(p)} mm, not A4 or A3" for i, p in enumerate(pdf.pages, 1)
                         if page_mm(p) not in papers]
            documents = {e["document"]: out / e["path"] for e in manifest["files"]
                         if e["unit"] == entry["unit"] and e["lang"] == entry["lang"] and e["document"] != "print-pack"}
            copies = {doc: 1 if doc == "pocket-cards" else units[entry["unit"]].get("copies", {}).get(doc, 1)
                      for doc in documents}
            problems += pack_problems(path, documents, copies, entry["lang"])
        else:
            paper = tuple(float(v) for v in named_paper(entry["document"]))
            problems += [f"page {i} is {page_mm(p)} mm, the layout names {paper}" for i, p in enumerate(pdf.pages, 1)
                         if page_mm(p) != paper]
        found[entry["path"]] = problems
    return found


# --- the builds ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def plain_kit(tmp_path_factory) -> Path:
    """One unit without `example: true`: no watermark anywhere in its kit."""
    tmp = tmp_path_factory.mktemp("plain")
    content = copy_content(tmp)
    units = (content / "units.yaml").read_text("utf-8")
    start = units.index(f"id: {PLAIN_UNIT}")
    end = units.index("example: true\n", start) + len("example: true\n")
    assert units[start:end].count("example: true") == 1
    (content / "units.yaml").write_text(units[:start] + units[start:end].replace("    example: true\n", "")
                                        + units[end:], "utf-8")
    out = tmp / "out"
    result = build(out, "--unit", PLAIN_UNIT, content=content)
    assert result.exit_code == 0, result.output
    return out


def test_every_pdf_of_the_example_kit_passes_the_preflight(default_kit):
    found = kit_problems(default_kit)
    assert len(found) > 80  # every document of every unit, packs included
    assert {p: v for p, v in found.items() if v} == {}


def test_every_pdf_of_a_unit_without_example_passes_the_preflight(plain_kit):
    found = kit_problems(plain_kit)
    assert any(p.endswith("print-pack.da.pdf") for p in found)
    assert {p: v for p, v in found.items() if v} == {}


def test_the_example_card_watermark_is_light_and_leaves_the_digits_readable(default_kit, plain_kit):
    """The card fronts of the same unit with and without the watermark, at 300 dpi: where the card
    is white the watermark stays light grey; where it is ink (the phone numbers) it stays dark."""
    import numpy as np

    path = f"{PLAIN_UNIT}/pocket-cards.da.pdf"
    marked = np.asarray(render_page(default_kit / path, 0, dpi=300).convert("L"), dtype=int)
    plain = np.asarray(render_page(plain_kit / path, 0, dpi=300).convert("L"), dtype=int)
    watermark = marked != plain
    assert watermark.sum() > 20_000  # there is a watermark on the example's cards
    on_paper = watermark & (plain == 255)
    on_ink = watermark & (plain < 40)
    assert on_paper.sum() > 10_000 and on_ink.sum() > 1_000
    assert marked[on_paper].min() >= 200, "the watermark prints dark on the white of the card"
    assert marked[on_ink].max() <= 100, "the watermark lightens the text under it"
