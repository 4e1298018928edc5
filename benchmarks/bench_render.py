"""Benchmark: the render limits' overhead on the demo report.

The demo's handed-over review is rendered from its final context twice per round, in
alternation: in-process with no limits (the baseline: the checked, sandboxed renderer as
it ran before limits existed, the template check cached) and through
``docxrender.render``, which renders in a forked child under the time, memory and output
limits (the check cached in the parent as well). Both give the same bytes. Target: under
1.2 times the in-process rendering, in CPU time of the process and its child, best of the
rounds.

Why a fork per rendering and not limits for user templates only or a warm worker: a fork
starts in about a millisecond with the program and the context already in memory, the
operating system enforces the limits whatever the template does, and nothing leaks from
one rendering to the next. The one measurable cost was the child's garbage collector
walking (and so copying) the parent's pages; the child turns it off.

    python benchmarks/bench_render.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks._util import cpu_time, row, show

ROUNDS = 20


def run() -> list[dict[str, Any]]:
    from sqlmodel import select

    from granskning.documents import docxrender, reports
    from granskning.domain.i18n import set_language
    from granskning.storage.model import ReportVersion, Review
    from granskning.storage.store import Store

    set_language("sv")
    with tempfile.TemporaryDirectory() as folder:
        # the demo runs in a process of its own: what is measured here is a process like
        # ``granskning report build``, which holds one review, not a whole demo's leftovers
        subprocess.run(
            [sys.executable, "-m", "granskning", "demo", "--out", folder],
            check=True,
            capture_output=True,
        )
        store = Store(f"sqlite:///{Path(folder) / 'demo.db'}")
        with store.read() as s:
            version = s.exec(select(ReportVersion).order_by(ReportVersion.id)).first()  # type: ignore[arg-type]
            assert version is not None
            review = s.get(Review, version.review_id)
            assert review is not None and version is not None
            at = version.created_at
            context = reports.build_context(
                s, review, lang=version.language, at=at, final=True, report_version=1
            )
        store.dispose()
    template = reports.shipped_template().read_bytes()
    props = reports._properties(context)

    def limited() -> bytes:
        return docxrender.render(
            template,
            context,
            schema=reports.REPORT_SCHEMA,
            properties=props,
            at=at,
            name="granskningsrapport.docx",
        )

    def in_process() -> bytes:
        return docxrender._render(template, context, props, at, "granskningsrapport.docx")

    same = limited() == in_process()  # warm up both (imports, the cached check)
    baseline = value = float("inf")
    for _ in range(ROUNDS):
        t0 = cpu_time()
        in_process()
        baseline = min(baseline, cpu_time() - t0)
        t0 = cpu_time()
        limited()
        value = min(value, cpu_time() - t0)
    return [
        row(
            "demo report rendered under the limits (forked child)"
            + ("" if same else " - DIFFERENT BYTES"),
            value,
            "the same rendering in-process without limits",
            baseline,
            1.2,
            "s (CPU)",
            ok=same and value / baseline <= 1.2,
            digits=4,
        )
    ]


if __name__ == "__main__":
    show(run())
