"""Regenerate the pictures in README.md from the example kit.

    python scripts/readme_images.py

Builds the example content into a temporary folder (as of a fixed date, so the pictures
only change when the design or content does) and renders chosen pages to grey PNGs.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pypdfium2 as pdfium

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "images"
# (document file inside the unit folder, page index, picture name, dpi)
PICTURES = [
    ("poster-a3.da.pdf", 0, "poster-a3.png", 90),
    ("pocket-cards.da.pdf", 0, "pocket-cards-front.png", 110),
    ("pocket-cards.da.pdf", 1, "pocket-cards-back.png", 110),
    ("sheet-medicingivning.da.pdf", 0, "sheet-medicingivning.png", 110),
]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "nødkit", "build", "--content", str(REPO / "content"),
                        "--layouts", str(REPO / "layouts"), "--out", tmp, "--as-of", "2026-11-27",
                        "--unit", "bakkehuset"], check=True)
        OUT.mkdir(parents=True, exist_ok=True)
        for name, page, picture, dpi in PICTURES:
            pdf = Path(tmp) / "bakkehuset" / name
            if not pdf.is_file():
                print(f"skipped {picture}: {name} not built")
                continue
            doc = pdfium.PdfDocument(str(pdf))
            doc[page].render(scale=dpi / 72).to_pil().convert("L").save(OUT / picture, optimize=True)
            doc.close()
            print(OUT / picture)


if __name__ == "__main__":
    main()
