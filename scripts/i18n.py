"""Keep the gettext catalogs in step with the code.

    python scripts/i18n.py update    # add new messages (Swedish empty, to translate); drop gone ones
    python scripts/i18n.py update A.po B.po  # ... also taking translations from other .po files
    python scripts/i18n.py compile   # write the .mo files the program reads
    python scripts/i18n.py check     # exit 1 listing what is untranslated or stale

Messages come from granskning/ (keywords _, N_, ngettext) and from click's own messages
("Usage:", "Error: ..."), which granskning routes through its catalog. The English catalog
is filled automatically (msgstr = msgid). Catalogs are sorted by msgid, without source
locations, so that parallel changes merge cleanly.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_python
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "granskning"
LOCALE = PACKAGE / "locale"
DOMAIN = "granskning"
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}
CLICK_MODULES = ("core", "exceptions", "types", "parser", "decorators", "formatting", "termui")


def _extract_dir(folder: Path, only: tuple[str, ...] | None = None) -> dict[object, None]:
    """Messages in the Python files of ``folder`` (only the modules named in ``only``)."""
    found: dict[object, None] = {}
    for path in sorted(folder.rglob("*.py")):
        if only is not None and path.stem not in only:
            continue
        with open(path, "rb") as fh:
            for _line, _func, message, _comments in extract_python(
                fh, list(KEYWORDS), [], {"encoding": "utf-8"}
            ):
                found[message] = None
    return found


def extracted() -> list[object]:
    """Every message the program can show, ours and click's."""
    import click

    messages = dict(_extract_dir(PACKAGE))
    messages.update(_extract_dir(Path(click.__file__).parent, CLICK_MODULES))
    out = []
    for m in messages:
        if isinstance(m, tuple):
            m = tuple(x for x in m if x)
            if len(m) == 1:
                m = m[0]
        if m:
            out.append(m)
    return out


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def load(lang: str) -> Catalog:
    path = po_path(lang)
    if not path.exists():
        return Catalog(locale=lang, domain=DOMAIN, project="granskning")
    with open(path, "rb") as fh:
        return read_po(fh, locale=lang, domain=DOMAIN)


def save(lang: str, catalog: Catalog) -> None:
    path = po_path(lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    write_po(buf, catalog, sort_output=True, no_location=True, omit_header=False, width=0)
    path.write_bytes(buf.getvalue())


def _read(path: Path, lang: str) -> Catalog:
    with open(path, "rb") as fh:
        return read_po(fh, locale=lang, domain=DOMAIN)


def update(extra: list[Path] | None = None) -> None:
    """Re-extract; keep known translations (also those in ``extra`` Swedish .po files)."""
    messages = extracted()
    for lang in ("sv", "en"):
        old = load(lang)
        if lang == "sv":
            for path in extra or []:
                for m in _read(path, lang):
                    if m.id and m.string and (old.get(m.id) is None or not old.get(m.id).string):
                        old[m.id] = m
        new = Catalog(locale=lang, domain=DOMAIN, project="granskning", fuzzy=False)
        for msgid in messages:
            key = msgid[0] if isinstance(msgid, tuple) else msgid
            prev = old.get(key)
            if lang == "en":
                string = msgid if isinstance(msgid, tuple) else msgid
            elif prev is not None and prev.string:
                string = prev.string
            else:
                string = ("", "") if isinstance(msgid, tuple) else ""
            new.add(msgid, string)
        save(lang, new)
    print(f"{len(messages)} messages")


def compile_all() -> None:
    for lang in ("sv", "en"):
        catalog = load(lang)
        with open(po_path(lang).with_suffix(".mo"), "wb") as fh:
            write_mo(fh, catalog)


def problems() -> list[str]:
    out = []
    messages = extracted()
    keys = {m[0] if isinstance(m, tuple) else m for m in messages}
    for lang in ("sv", "en"):
        catalog = load(lang)
        have = {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalog if m.id}
        for key in sorted(keys - have):
            out.append(f"{lang}: missing {key!r}")
        for key in sorted(have - keys):
            out.append(f"{lang}: stale {key!r}")
        for m in catalog:
            if not m.id:
                continue
            strings = m.string if isinstance(m.string, tuple) else (m.string,)
            if not all(strings):
                out.append(f"{lang}: untranslated {m.id!r}")
        mo = po_path(lang).with_suffix(".mo")
        buf = io.BytesIO()
        write_mo(buf, catalog)
        if not mo.exists() or mo.read_bytes() != buf.getvalue():
            out.append(f"{lang}: {mo.name} is out of date (python scripts/i18n.py compile)")
    return out


def main(argv: list[str]) -> int:
    cmd = argv[1] if len(argv) > 1 else "check"
    if cmd == "update":
        # extra arguments: other Swedish .po files to take translations from (merging branches)
        update([Path(p) for p in argv[2:]])
    elif cmd == "compile":
        compile_all()
    elif cmd == "check":
        found = problems()
        for line in found:
            print(line)
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
