#!/usr/bin/python3
"""Writes the small decoder fixtures of tests/unit/test-image.c.

Run once with Debian's /usr/bin/python3 (Pillow); the outputs are committed.
Formats Pillow cannot write (16-bit RGB, interlaced PNG) are written by hand
with zlib, so every case libpng's transforms must handle is covered.
"""
import os
import struct
import zlib

from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def write_png(name, width, height, depth, color, rows, interlace=False):
    """rows: list of bytes without filter bytes, one per row."""
    bpp = {0: 1, 2: 3, 4: 2, 6: 4}[color] * depth // 8
    if interlace:
        passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4),
                  (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
        raw = b""
        for x0, y0, dx, dy in passes:
            for y in range(y0, height, dy):
                line = b"".join(rows[y][x * bpp:(x + 1) * bpp] for x in range(x0, width, dx))
                if line:
                    raw += b"\0" + line
    else:
        raw = b"".join(b"\0" + r for r in rows)
    ihdr = struct.pack(">IIBBBBB", width, height, depth, color, 0, 0, 1 if interlace else 0)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


# 16-bit RGB, 4x4: every pixel (0xFFFF, 0x8000, 0x0101 * y).
write_png("rgb16.png", 4, 4, 16, 2,
          [struct.pack(">HHH", 0xFFFF, 0x8000, 0x0101 * (y * 40)) * 4 for y in range(4)])
# 8-bit RGB, Adam7 interlaced, 16x16: (16 x, 16 y, 128).
write_png("interlaced.png", 16, 16, 8, 2,
          [b"".join(bytes((16 * x, 16 * y, 128)) for x in range(16)) for y in range(16)],
          interlace=True)

# 16-bit gray (Pillow I;16), 8x1: 0, 8191, ... 65535 clamp.
g16 = Image.new("I;16", (8, 1))
for x in range(8):
    g16.putpixel((x, 0), min(65535, x * 9362))
g16.save(os.path.join(HERE, "gray16.png"))

# Palette with a transparent entry: left half red, right half transparent blue.
pal = Image.new("P", (8, 4))
pal.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
for y in range(4):
    for x in range(8):
        pal.putpixel((x, y), 0 if x < 4 else 1)
pal.save(os.path.join(HERE, "palette-trns.png"), transparency=1)

# Gray + alpha.
Image.new("LA", (4, 4), (128, 64)).save(os.path.join(HERE, "gray-alpha.png"))

# Gray JPEG, uniform 100.
Image.new("L", (32, 32), 100).save(os.path.join(HERE, "gray.jpg"), quality=95)

# CMYK JPEG: pure red (C=0 M=255 Y=255 K=0) on the left, pure black (K=255) right.
cmyk = Image.new("CMYK", (32, 16), (0, 255, 255, 0))
cmyk.paste((0, 0, 0, 255), (16, 0, 32, 16))
cmyk.save(os.path.join(HERE, "cmyk.jpg"), quality=95)
