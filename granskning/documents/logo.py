"""The partnership's logo on a document's cover: checked when it is set, and put in a
document's context as a picture with its alt text.

Every document's context takes it the same way: ``"logo": cover_logo(session, as_of)`` in
the context, :data:`LOGO_SCHEMA` under the same name in the template's schema, and in the
Word template a paragraph ``{{ doc.logo }}`` (or ``{{ logo }}``) between
``{%p if ... %}``/``{%p endif %}`` tags (``tools/_docxkit.py``: ``logo_paragraph``).
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from sqlmodel import Session

from granskning.documents.docxrender import IMAGE, TEXT, Image
from granskning.domain.errors import InputError
from granskning.domain.i18n import _
from granskning.storage.settings import read_logo

# How large a logo file may be, and how wide it is shown on a cover: the report's cover is a
# page of its own; the other documents start their content below the logo (on a landscape
# checklist the first item must still fit on the first page), so it is smaller there.
MAX_BYTES = 1024 * 1024
WIDTH_MM = 45.0
SMALL_WIDTH_MM = 18.0
_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpeg"}

# What a template may use: ``logo`` (the picture, or empty when none is set) and its alt text.
LOGO_SCHEMA = IMAGE
LOGO_ALT_SCHEMA = TEXT


def check_logo(data: bytes, name: str) -> str:
    """The image's format (``png`` or ``jpeg``), or an InputError in one line saying why
    ``data`` cannot be a logo."""
    if not data:
        raise InputError(_("{path}: the file is empty").format(path=name))
    if len(data) > MAX_BYTES:
        raise InputError(
            _("{path}: a logo may be at most {n} KB; this file is {size} KB").format(
                path=name, n=MAX_BYTES // 1024, size=(len(data) + 1023) // 1024
            )
        )
    kind = next((k for sig, k in _SIGNATURES.items() if data.startswith(sig)), None)
    if kind is None:
        raise InputError(_("{path}: a logo must be a PNG or JPEG image").format(path=name))
    from docx.image.image import Image as DocxImage

    try:
        image = DocxImage.from_blob(data)
        if image.px_width <= 0 or image.px_height <= 0:
            raise ValueError("no size")
    except Exception:  # a truncated or damaged file: whatever the parser raised
        raise InputError(
            _("{path}: the image cannot be read (damaged or incomplete)").format(path=name)
        ) from None
    return kind


def cover_logo(session: Session, as_of: datetime | None = None, width_mm: float = WIDTH_MM) -> Any:
    """The logo for a cover: an :class:`Image` with its alt text, or "" when none is set.

    :param as_of: the logo as it was then (a handed-over document rebuilt as it was made).
    :param width_mm: how wide it is shown (:data:`SMALL_WIDTH_MM` above a first page's text).
    """
    found = read_logo(session, as_of)
    if found is None:
        return ""
    data, alt = found
    return Image(data, width_mm=width_mm, alt=alt)


def alt_of(logo: Any) -> str:
    """The alt text of a logo from :func:`cover_logo` ("" for no logo): a context's
    ``logo_alt`` when the picture was read already."""
    return logo.alt if isinstance(logo, Image) else ""


def logo_alt(session: Session, as_of: datetime | None = None) -> str:
    """The logo's alt text, or "" when no logo is set."""
    found = read_logo(session, as_of)
    return found[1] if found is not None else ""


def image_size(data: bytes) -> tuple[int, int]:
    """A logo's size in pixels."""
    from docx.image.image import Image as DocxImage

    image = DocxImage.from_blob(io.BytesIO(data).getvalue())
    return image.px_width, image.px_height


__all__ = [
    "LOGO_ALT_SCHEMA",
    "LOGO_SCHEMA",
    "MAX_BYTES",
    "SMALL_WIDTH_MM",
    "WIDTH_MM",
    "alt_of",
    "check_logo",
    "cover_logo",
    "image_size",
    "logo_alt",
]
