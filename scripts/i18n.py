"""Keep the gettext catalogs in step with the code.

    python scripts/i18n.py update    # add new messages (Swedish empty, to translate); drop gone ones
    python scripts/i18n.py update A.po B.po  # ... also taking translations from other .po files
    python scripts/i18n.py compile   # write the .mo files the program reads
    python scripts/i18n.py check     # exit 1 listing what is untranslated or stale

Two catalogs per language:
- ``granskning.po``: the program's own messages (keywords _, N_, ngettext, and tr: a
  document's translator in its own language, in granskning/).
  Checked strictly: every message present and translated, nothing stale, compiled.
- ``click.po``: click's own messages ("Usage:", "Error: ..."), which granskning routes
  through gettext. A best effort: click changes its wording between releases, and a fresh
  install takes whichever click is newest, so a message click added is shown in English
  until translated, and one it dropped is kept for older clicks. ``check`` lists such
  differences as notes; they never fail.

The English catalogs are filled automatically (msgstr = msgid). Catalogs are sorted by
msgid, without source locations, so that parallel changes merge cleanly.
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
CLICK_DOMAIN = "click"
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2), "tr": None}
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


def _normalised(found: dict[object, None]) -> list[object]:
    out = []
    for m in found:
        if isinstance(m, tuple):
            m = tuple(x for x in m if x)
            if len(m) == 1:
                m = m[0]
        if m:
            out.append(m)
    return out


def _extract_templates(folder: Path) -> dict[object, None]:
    """Messages in the web application's Jinja2 templates (``_("...")`` and ``gettext``)."""
    from jinja2.ext import babel_extract

    found: dict[object, None] = {}
    for path in sorted(folder.rglob("*.html")):
        with open(path, "rb") as fh:
            options = {"extensions": "jinja2.ext.i18n", "trim_blocks": "yes"}
            for _line, _func, message, _comments in babel_extract(fh, list(KEYWORDS), [], options):
                found[message] = None
    return found


def extracted() -> list[object]:
    """Every message of the program itself: its Python modules and its page templates."""
    found = _extract_dir(PACKAGE)
    found.update(_extract_templates(PACKAGE / "web" / "templates"))
    return _normalised(found)


def extracted_click() -> list[object]:
    """The messages of the installed click that granskning shows."""
    import click

    return _normalised(_extract_dir(Path(click.__file__).parent, CLICK_MODULES))


def po_path(lang: str, domain: str = DOMAIN) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / f"{domain}.po"


def load(lang: str, domain: str = DOMAIN) -> Catalog:
    path = po_path(lang, domain)
    if not path.exists():
        return Catalog(locale=lang, domain=domain, project="granskning")
    with open(path, "rb") as fh:
        return read_po(fh, locale=lang, domain=domain)


def save(lang: str, catalog: Catalog, domain: str = DOMAIN) -> None:
    path = po_path(lang, domain)
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    write_po(buf, catalog, sort_output=True, no_location=True, omit_header=False, width=0)
    path.write_bytes(buf.getvalue())


def _read(path: Path, lang: str) -> Catalog:
    with open(path, "rb") as fh:
        return read_po(fh, locale=lang, domain=DOMAIN)


def _key(msgid: object) -> str:
    return msgid[0] if isinstance(msgid, tuple) else msgid  # type: ignore[return-value]


def _rebuild(lang: str, domain: str, messages: list[object], old: Catalog) -> Catalog:
    new = Catalog(locale=lang, domain=domain, project="granskning", fuzzy=False)
    for msgid in messages:
        prev = old.get(_key(msgid))
        if lang == "en":
            string = msgid
        elif prev is not None and prev.string:
            string = prev.string
        else:
            string = ("", "") if isinstance(msgid, tuple) else ""
        new.add(msgid, string)
    return new


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
        save(lang, _rebuild(lang, DOMAIN, messages, old))
        # click's catalog only grows: a message an older click still shows keeps its translation
        old_click = load(lang, CLICK_DOMAIN)
        click_messages = extracted_click()
        known = {_key(m) for m in click_messages}
        click_messages += [m.id for m in old_click if m.id and _key(m.id) not in known]
        save(lang, _rebuild(lang, CLICK_DOMAIN, click_messages, old_click), CLICK_DOMAIN)
    print(f"{len(messages)} messages")


def _mo_bytes(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_mo(buf, catalog)
    return buf.getvalue()


def compile_all() -> None:
    for lang in ("sv", "en"):
        for domain in (DOMAIN, CLICK_DOMAIN):
            po_path(lang, domain).with_suffix(".mo").write_bytes(_mo_bytes(load(lang, domain)))


def _mo_entries(data: bytes) -> dict[object, object]:
    """What a compiled catalog maps, whatever the byte layout of the babel that wrote it."""
    import gettext

    translations = gettext.GNUTranslations(io.BytesIO(data))
    return dict(translations._catalog)  # type: ignore[attr-defined]


def _compiled(lang: str, domain: str, catalog: Catalog) -> list[str]:
    mo = po_path(lang, domain).with_suffix(".mo")
    if not mo.exists() or _mo_entries(mo.read_bytes()) != _mo_entries(_mo_bytes(catalog)):
        return [f"{lang}: {mo.name} is out of date (python scripts/i18n.py compile)"]
    return []


def _untranslated(lang: str, catalog: Catalog) -> list[str]:
    out = []
    for m in catalog:
        if not m.id:
            continue
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        if not all(strings):
            out.append(f"{lang}: untranslated {m.id!r}")
    return out


def problems() -> list[str]:
    """What is wrong with the program's own catalogs (each fails the check)."""
    out = []
    keys = {_key(m) for m in extracted()}
    for lang in ("sv", "en"):
        catalog = load(lang)
        have = {_key(m.id) for m in catalog if m.id}
        out += [f"{lang}: missing {key!r}" for key in sorted(keys - have)]
        out += [f"{lang}: stale {key!r}" for key in sorted(have - keys)]
        out += _untranslated(lang, catalog)
        out += _compiled(lang, DOMAIN, catalog)
        out += _compiled(lang, CLICK_DOMAIN, load(lang, CLICK_DOMAIN))
    return out


def notes() -> list[str]:
    """Where the installed click differs from its catalog: shown, never a failure."""
    keys = {_key(m) for m in extracted_click()}
    catalog = load("sv", CLICK_DOMAIN)
    have = {_key(m.id) for m in catalog if m.id}
    out = [f"click: not in the catalog yet {key!r}" for key in sorted(keys - have)]
    return out + [f"note, click: {line}" for line in _untranslated("sv", catalog)]


def main(argv: list[str]) -> int:
    cmd = argv[1] if len(argv) > 1 else "check"
    if cmd == "update":
        # extra arguments: other Swedish .po files to take translations from (merging branches)
        update([Path(p) for p in argv[2:]])
    elif cmd == "compile":
        compile_all()
    elif cmd == "check":
        found = problems()
        for line in notes() + found:
            print(line)
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
