"""Where one unit's kit spends its time: milliseconds per document kind, drawn in one process.

    python benchmarks/bench_kit.py              # 20 units x da+en, one process
    python benchmarks/bench_kit.py --units 60

It builds the same made-up organisation as bench_build.py with one process and times each
document's drawing (the renderer, and what render_job adds around it), the print pack and the
thumbnails, per unit kit. What is drawn once per plan and shared (render/stamp.py) is spread
over the units, as in a real build: more units, less per kit.
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_build  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=20)
    args = parser.parse_args()

    import nødkit.build.drawing as drawing
    import nødkit.preview as preview

    spent: collections.Counter = collections.Counter()
    count: collections.Counter = collections.Counter()

    def timed(function, name_of):
        def wrapper(*a, **k):
            start = time.perf_counter()
            try:
                return function(*a, **k)
            finally:
                name = name_of(a)
                spent[name] += time.perf_counter() - start
                count[name] += 1
        return wrapper

    drawing.render_job = timed(drawing.render_job, lambda a: a[1].document)
    drawing.render_pack = timed(drawing.render_pack, lambda a: "print-pack")
    preview.thumbnail = timed(preview.thumbnail, lambda a: "thumbnails")

    with tempfile.TemporaryDirectory(prefix="nodkit-bench-") as tmp:
        content = bench_build.make_content(Path(tmp) / "org", args.units, ["da", "en"])
        wall, _ = bench_build.run_build(content, Path(tmp) / "out", 1)
    kits = 2 * args.units
    print(f"{args.units} units x da+en = {kits} kits in one process: {1000 * wall / kits:.0f} ms per kit "
          f"(the whole build: loading, drawing, print runs, install)")
    for name, seconds in spent.most_common():
        print(f"  {name:28s} {1000 * seconds / kits:6.1f} ms per kit   {1000 * seconds / count[name]:5.1f} ms each")
    print(f"  {'(all of the above)':28s} {1000 * sum(spent.values()) / kits:6.1f} ms per kit")


if __name__ == "__main__":
    main()
