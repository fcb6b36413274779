"""Pictures for the fake Gemini server: sniffing, drawing, editing, encoding.

Standard library + Pillow only.  Pillow is imported lazily (first use) so
that the server starts listening before paying for it.
"""

import base64
import hashlib
import io
import math
import random
import struct
import threading
import zlib

_pil = None
_pil_lock = threading.Lock()


def pil():
    """Imports Pillow once; returns a namespace with the modules we use."""
    global _pil
    with _pil_lock:
        if _pil is None:
            from PIL import Image, ImageChops, ImageDraw, ImageFont  # noqa

            class _NS:
                pass

            ns = _NS()
            ns.Image, ns.ImageChops, ns.ImageDraw, ns.ImageFont = Image, ImageChops, ImageDraw, ImageFont
            _pil = ns
    return _pil


# ---------------------------------------------------------------- sniffing

HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs",
               b"mif1", b"msf1", b"heif", b"avif"}


def sniff(data):
    """Returns png, jpeg, webp, heic, gif or unknown from the first bytes."""
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS:
        return "heic"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    return "unknown"


def dimensions(data, fmt=None):
    """(width, height) read from the header, without decoding; (None, None)."""
    fmt = fmt or sniff(data)
    try:
        if fmt == "png" and data[12:16] == b"IHDR":
            return struct.unpack(">II", data[16:24])
        if fmt == "jpeg":
            i = 2
            n = len(data)
            while i + 4 <= n:
                if data[i] != 0xFF:
                    i += 1
                    continue
                marker = data[i + 1]
                if marker == 0xFF:
                    i += 1
                    continue
                if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                    i += 2
                    continue
                seglen = struct.unpack(">H", data[i + 2:i + 4])[0]
                if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                    h, w = struct.unpack(">HH", data[i + 5:i + 9])
                    return w, h
                if marker == 0xDA:
                    break
                i += 2 + seglen
        if fmt == "webp":
            chunk = data[12:16]
            if chunk == b"VP8 ":
                w, h = struct.unpack("<HH", data[26:30])
                return w & 0x3FFF, h & 0x3FFF
            if chunk == b"VP8L":
                b = data[21:25]
                w = 1 + (((b[1] & 0x3F) << 8) | b[0])
                h = 1 + (((b[3] & 0xF) << 10) | (b[2] << 2) | ((b[1] & 0xC0) >> 6))
                return w, h
            if chunk == b"VP8X":
                w = 1 + int.from_bytes(data[24:27], "little")
                h = 1 + int.from_bytes(data[27:30], "little")
                return w, h
    except (struct.error, IndexError):
        pass
    return None, None


def summary(data):
    """What the request log shows instead of an image's base64."""
    fmt = sniff(data)
    w, h = dimensions(data, fmt)
    return {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
            "format": fmt if fmt in ("png", "jpeg", "webp") else ("heic" if fmt == "heic" else "unknown"),
            "width": w, "height": h}


# ---------------------------------------------------------------- drawing

_FONT_PATHS = ["/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
               "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"]
_noise_tile = None


def _font(size):
    P = pil()
    for path in _FONT_PATHS:
        try:
            return P.ImageFont.truetype(path, size)
        except OSError:
            continue
    return None


def _noise(size, amount):
    """Adds mild grain (real photos do not compress to nothing)."""
    global _noise_tile
    P = pil()
    if _noise_tile is None:
        _noise_tile = P.Image.effect_noise((509, 509), 6).convert("RGB")
    w, h = size
    layer = P.Image.new("RGB", size)
    for y in range(0, h, 509):
        for x in range(0, w, 509):
            layer.paste(_noise_tile, (x, y))
    return layer


def draw_generated(width, height, seed, words="", noise=True):
    """A deterministic picture for seed (bytes): gradient, shapes, words."""
    P = pil()
    rnd = random.Random(hashlib.sha256(seed).digest())
    small = P.Image.new("RGB", (4, 4))
    small.putdata([tuple(rnd.randrange(256) for _ in range(3)) for _ in range(16)])
    img = small.resize((width, height), P.Image.BILINEAR)
    draw = P.ImageDraw.Draw(img)
    short = min(width, height)
    for _ in range(7):
        kind = rnd.randrange(3)
        cx, cy = rnd.randrange(width), rnd.randrange(height)
        r = rnd.randrange(short // 20 + 1, short // 4 + 2)
        colour = tuple(rnd.randrange(256) for _ in range(3))
        box = (cx - r, cy - r, cx + r, cy + r)
        if kind == 0:
            draw.ellipse(box, fill=colour)
        elif kind == 1:
            draw.rectangle(box, fill=colour)
        else:
            draw.polygon([(cx, cy - r), (cx + r, cy + r), (cx - r, cy + r)], fill=colour)
    if words:
        size = max(10, short // 14)
        font = _font(size)
        if font is not None:
            draw.text((short // 20 + 2, short // 20 + 2), words, fill=(0, 0, 0), font=font)
            draw.text((short // 20, short // 20), words, fill=(255, 255, 255), font=font)
        else:
            draw.text((10, 10), words, fill=(255, 255, 255))
    if noise:
        img = P.ImageChops.add(img, _noise(img.size, 6), 1.0, -128)
    return img


def decode(data):
    """A Pillow RGB image from bytes, or None when Pillow cannot read them."""
    P = pil()
    try:
        img = P.Image.open(io.BytesIO(data))
        img.load()
    except Exception:  # noqa: BLE001 - any decoder failure means "cannot read"
        return None
    if img.mode != "RGB":
        img = img.convert("RGBA").convert("RGB") if "A" in img.mode or img.mode == "P" else img.convert("RGB")
    return img


def edit(src, width, height, dx=3, dy=-2, scale=1.0, tint=(6, -4, 2), mark=(255, 0, 255),
         gain=None):
    """The first input image covered/cropped to the output ratio, resized,
    then drifted (shift, scale, gain and tint: v' = gain * v + tint per
    channel) and marked with a centred disc."""
    P = pil()
    sw, sh = src.size
    target = width / height
    if sw / sh > target:            # too wide: crop the sides
        cw = max(1, round(sh * target))
        x0 = (sw - cw) // 2
        box = (x0, 0, x0 + cw, sh)
    else:                           # too tall: crop top and bottom
        ch = max(1, round(sw / target))
        y0 = (sh - ch) // 2
        box = (0, y0, sw, y0 + ch)
    sw2, sh2 = max(1, round(width * scale)), max(1, round(height * scale))
    img = src.resize((sw2, sh2), P.Image.LANCZOS, box=box)
    # Scale about the centre, then shift: crop outside the picture is black.
    ox = (sw2 - width) // 2 - int(dx)
    oy = (sh2 - height) // 2 - int(dy)
    if (ox, oy, sw2, sh2) != (0, 0, width, height):
        img = img.crop((ox, oy, ox + width, oy + height))
    gains = [float(gain[c]) for c in range(3)] if gain else [1.0, 1.0, 1.0]
    if (tint and any(tint)) or gains != [1.0, 1.0, 1.0]:
        lut = []
        for c in range(3):
            t = int(tint[c]) if tint else 0
            lut.extend(min(255, max(0, int(math.floor(gains[c] * v + t + 0.5)))) for v in range(256))
        img = img.point(lut)
    if mark:
        r = min(width, height) // 8
        cx, cy = width // 2, height // 2
        P.ImageDraw.Draw(img).ellipse((cx - r, cy - r, cx + r, cy + r), fill=tuple(int(v) for v in mark))
    return img


def encode(img, fmt):
    """PNG (fast compression for big images), JPEG or WebP bytes."""
    buf = io.BytesIO()
    if fmt == "png":
        level = 1 if img.size[0] * img.size[1] > 1500000 else 6
        img.save(buf, "PNG", compress_level=level)
    elif fmt == "jpeg":
        img.save(buf, "JPEG", quality=90)
    elif fmt == "jpeg_c2pa":
        img.save(buf, "JPEG", quality=90)
        return with_c2pa(buf.getvalue())
    elif fmt == "webp":
        img.save(buf, "WEBP", quality=85, method=0)
    else:
        raise ValueError(fmt)
    return buf.getvalue()


def _box(kind, payload):
    return struct.pack(">I", 8 + len(payload)) + kind + payload


# The JUMBF description box type of a C2PA manifest store (ISO 19566-5).
_C2PA_UUID = b"c2pa\x00\x11\x00\x10\x80\x00\x00\xaa\x00\x38\x9b\x71"


def c2pa_segment(seed=b""):
    """One APP11 segment holding a JUMBF 'c2pa' manifest store, shaped as
    the gemini-3 family's answers carry it (one segment of about 6 KB right
    after the JFIF APP0); its content is opaque filler, not a signed manifest."""
    filler = b""
    block = hashlib.sha256(b"c2pa|" + seed).digest()
    while len(filler) < 5800:
        block = hashlib.sha256(block).digest()
        filler += block
    jumd = _box(b"jumd", _C2PA_UUID + b"\x03c2pa\x00")
    store = _box(b"jumb", jumd + _box(b"cbor", filler[:5800]))
    payload = b"JP" + b"\x00\x01" + b"\x00\x00\x00\x01" + store
    return b"\xff\xeb" + struct.pack(">H", 2 + len(payload)) + payload


def with_c2pa(jpeg):
    """The JPEG with a C2PA APP11 segment after its APP0 (or SOI)."""
    at = 2
    if jpeg[2:4] == b"\xff\xe0":
        at = 4 + struct.unpack(">H", jpeg[4:6])[0]
    return jpeg[:at] + c2pa_segment(jpeg[at:at + 64]) + jpeg[at:]


def app11_segments(jpeg):
    """How many APP11 segments a JPEG has before its first scan."""
    n, i = 0, 2
    while i + 4 <= len(jpeg) and jpeg[i] == 0xFF and jpeg[i + 1] != 0xDA:
        if jpeg[i + 1] == 0xEB:
            n += 1
        i += 2 + struct.unpack(">H", jpeg[i + 2:i + 4])[0]
    return n


# ---------------------------------------------------------------- broken files

def _png_chunk(kind, payload):
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)


def png_huge_dims(width=50000, height=50000):
    """A PNG whose IHDR claims width x height, with a tiny corrupt IDAT."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)[:20] + b"\xde\xad\xbe\xef"
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")


def png_corrupt(width=1024, height=1024):
    """Valid signature and IHDR, then an IDAT of garbage (with a right CRC)."""
    rnd = random.Random(1234)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    garbage = b"\x78\x9c" + bytes(rnd.randrange(256) for _ in range(4096))
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", garbage) + _png_chunk(b"IEND", b"")


def jpeg_corrupt():
    """SOI, a JFIF APP0, a frame header, then garbage where tables should be."""
    rnd = random.Random(4321)
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, 1024, 1024, 3) + b"\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    sos = b"\xff\xda" + struct.pack(">HB", 12, 3) + b"\x01\x00\x02\x11\x03\x11" + b"\x00\x3f\x00"
    garbage = bytes(rnd.randrange(255) for _ in range(4096))
    return b"\xff\xd8" + app0 + sof + sos + garbage + b"\xff\xd9"


def b64(data):
    return base64.b64encode(data)
