"""Write granskning's shipped Word templates into a folder.

    python tools/make_templates.py reports      # regenerate the shipped templates
    python tools/make_templates.py /tmp/out     # or anywhere else, to compare

The .docx files are docxtpl templates: ordinary Word documents whose text holds Jinja tags
(``{{ review.host }}``, ``{%p for block in blocks %}``). They are generated here so that
they can be reviewed and rebuilt as code; a coordinator may also restyle them in Word (see
reports/GUIDE.md). Output is deterministic: fixed zip timestamps, order and core
properties, so running the script twice gives the same bytes.

Layout rules kept for accessibility: every heading uses a real heading style in order
(Title on the cover, then Heading 1-4), tables have a header row marked to repeat on each
page, page numbers are fields in the footer, and the page is A4.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import checklist_template
import compilation_template
import history_template
import minutes_template
import report_template
from _docxkit import save
from docx import Document

# Each shipped template and the function that builds it.
TEMPLATES: dict[str, Callable[[], Document]] = {
    "granskningsrapport.docx": report_template.build,
    "uppfoljningsseminarium.docx": checklist_template.build,
    "minnesanteckningar.docx": minutes_template.build,
    "sammanstallning.docx": compilation_template.build,
    "kommunhistorik.docx": history_template.build,
}


def render(name: str) -> bytes:
    """The bytes of the shipped template ``name``."""
    return save(TEMPLATES[name]())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write granskning's Word templates.")
    parser.add_argument("folder", type=Path, help="where to write them (reports/ to ship them)")
    out: Path = parser.parse_args(argv).folder
    out.mkdir(parents=True, exist_ok=True)
    for name in TEMPLATES:
        (out / name).write_bytes(render(name))
        print(out / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
