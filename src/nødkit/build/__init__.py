"""Build: decide what to draw, draw it in parallel into a staging folder, then install it.

Safety: everything is loaded, validated and checked before anything is drawn. Each unit and
language is drawn by one worker process into `<out>/.staging-*`; only when every document
succeeded are the files renamed into place (each rename atomic), then the manifest, then the
preview. A failed or interrupted build removes its staging folder and leaves `output/` exactly
as it was. Speed: a document whose inputs (see `jobs.document_key`) are unchanged, and whose
file is still the one this folder's state records, is not drawn again; `--force` draws all.

Where things are, in the order a build runs them:

    loading.py     the project (content + layouts) and the checks every unit must pass first
    jobs.py        what to draw: jobs, kits, and the keys that say what changed since last time
    lock.py        one build at a time into an output folder
    workers.py     the pool of worker processes
    drawing.py     one kit drawn: its documents through their renderers, then its print pack
    install.py     the drawn files moved into place; print runs, calendars, manifest, preview
    interrupts.py  Ctrl-C and SIGTERM held where an interrupt would leave a half-changed folder
    run.py         build() from start to end, and fit_kits(): the same drawing into memory (check)

Data flows one way: loading → jobs → drawing (in workers) → install.
"""

from ..outfolder import LOCK, MANIFEST, STATE
from .drawing import Rendered, count_pages, document_title, kit_documents, render_job, render_pack, run_kit
from .install import atomic_write, organisation_words, read_manifest
from .jobs import PACK, Job, KitTask, document_key, layout_fingerprint, plan_jobs, plan_kits
from .loading import RESERVED_UNIT_ID, Project, default_dir, documents, load_project
from .run import BuildResult, Fitted, build, fit_kits

__all__ = ["BuildResult", "Fitted", "Job", "KitTask", "LOCK", "MANIFEST", "PACK", "Project", "RESERVED_UNIT_ID",
           "Rendered", "STATE", "atomic_write", "build", "count_pages", "default_dir", "document_key",
           "document_title", "documents", "fit_kits", "kit_documents", "layout_fingerprint", "load_project",
           "organisation_words", "plan_jobs", "plan_kits", "read_manifest", "render_job", "render_pack", "run_kit"]
