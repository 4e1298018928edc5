"""Write the demo partnership's logo, granskning/demo/logo.png (the same bytes every run).

    python tools/make_demo_logo.py granskning/demo/logo.png

A small PNG drawn with the standard library alone: a navy rounded square holding a white
figure of a child (head and body) under a green arc, the partnership's colours.
"""

from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path

SIZE = 160
NAVY = (0x1F, 0x38, 0x64)
GREEN = (0x5B, 0xA3, 0x5B)
WHITE = (0xFF, 0xFF, 0xFF)
CLEAR = (0xFF, 0xFF, 0xFF)


def _in_square(x: float, y: float) -> bool:
    """Inside the rounded square that fills the picture (corner radius 26 px)."""
    c, r = SIZE / 2, 26
    dx, dy = abs(x - c) - (c - r), abs(y - c) - (c - r)
    return dx <= 0 or dy <= 0 or dx * dx + dy * dy <= r * r


def _pixel(x: float, y: float) -> tuple[int, int, int]:
    if not _in_square(x, y):
        return CLEAR
    c = SIZE / 2
    head = (x - c) ** 2 + (y - 62) ** 2 <= 17**2
    body = 86 <= y <= 128 and abs(x - c) <= 10 + (y - 86) * 0.55
    arc = 44**2 <= (x - c) ** 2 + (y - 92) ** 2 <= 54**2 and y < 80
    if head or body:
        return WHITE
    return GREEN if arc else NAVY


def png() -> bytes:
    """The logo's bytes."""
    rows = b"".join(
        b"\x00" + bytes(v for x in range(SIZE) for v in _pixel(x + 0.5, y + 0.5))
        for y in range(SIZE)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 2, 0, 0, 0)
    # 72 dpi stated, so the picture's physical size does not depend on the reader's default
    dpi = struct.pack(">IIB", 2835, 2835, 1)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"pHYs", dpi)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


if __name__ == "__main__":
    Path(sys.argv[1]).write_bytes(png())
