#!/usr/bin/python3
"""The answer bodies of the CLI benchmark (tests/bench/run.sh), generated
here so that nothing recorded is copied into the repository.  Each has the
shape of a real generateContent answer (../shared/real-answers, read once
to match it): pretty-printed JSON with 2-space indents and sorted keys as
the recordings have, usageMetadata, modelVersion, responseId.

  png4k   4096x4096 noisy RGB PNG (~30 MB), one image part, no signature
          (a PNG answer as the issue measured it)
  jpeg4k  4096x4096 JPEG (JFIF APP0 at 300 dpi, a C2PA-like APP11 JUMBF
          segment, quality 95, 4:2:0) with a 2.9 MB thoughtSignature on its
          text part and on its image part (gemini-3-pro-image)
  jpeg1k  1408x768 JPEG (the recordings' 16:9 1K) at quality 97, a 2.9 MB
          thoughtSignature on the image part (gemini-3-pro-image)

  bodies.py OUTDIR      writes OUTDIR/body-NAME.json and OUTDIR/answer-NAME.{png,jpg}
                        (skips the ones already there)
  bodies.py --picture OUT.png
                        the GIMP bench's 4096x4096 input picture (photo-like RGB)
Deterministic (fixed seeds): the same bytes on every machine with the same
Pillow/libjpeg.
"""

import base64
import io
import json
import os
import sys

import numpy as np
from PIL import Image

SIG_CHARS = 2909844          # the longest signature of the recordings


def signature(seed):
    rnd = np.random.default_rng(seed)
    raw = rnd.integers(0, 256, SIG_CHARS * 3 // 4, dtype=np.uint8).tobytes()
    return base64.b64encode(raw).decode("ascii")[:SIG_CHARS]


def scene(w, h, seed, noise):
    """Smooth colour fields plus sensor-like noise: compresses like a photo."""
    rnd = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.empty((h, w, 3), np.float32)
    for c in range(3):
        fx, fy, ph = rnd.uniform(1, 6), rnd.uniform(1, 6), rnd.uniform(0, 6.3)
        img[..., c] = 128 + 90 * np.sin(x / w * fx * 6.28 + ph) * np.cos(y / h * fy * 6.28)
    img += rnd.normal(0, noise, (h, w, 1)).astype(np.float32)
    return np.clip(img, 0, 255).astype(np.uint8)


def png_noisy(w, h, seed):
    """Low bits random: deflate keeps ~59 % of the raw size, as in the issue."""
    rnd = np.random.default_rng(seed)
    base = scene(w, h, seed, 0) & 0xF0
    img = base | rnd.integers(0, 16, (h, w, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(img, "RGB").save(out, "PNG", compress_level=6)
    return out.getvalue()


def app11_c2pa(seed, size=6025):
    """A JUMBF box in APP11 as C2PA writes it ("JP", box instance, 'jumb'
    'jumd' 'c2pa' ...); the manifest's bytes are filler."""
    rnd = np.random.default_rng(seed)
    payload = (b"JP\x00\x01\x00\x00\x00\x01" + (size - 10).to_bytes(4, "big") + b"jumb"
               + b"\x00\x00\x00\x1ejumdc2pa\x00\x11\x00\x10\x80\x00\x00\xaa\x008\x9bq\x03c2pa\x00")
    payload += rnd.integers(0, 256, size - 2 - len(payload), dtype=np.uint8).tobytes()
    return b"\xff\xeb" + (len(payload) + 2).to_bytes(2, "big") + payload


def jpeg(w, h, seed, quality, noise):
    img = scene(w, h, seed, noise)
    out = io.BytesIO()
    Image.fromarray(img, "RGB").save(out, "JPEG", quality=quality, subsampling="4:2:0",
                                     dpi=(300, 300))
    data = out.getvalue()
    # After SOI and the JFIF APP0 (2 + 2 + 16 bytes), as the recordings have it.
    assert data[2:4] == b"\xff\xe0"
    at = 4 + int.from_bytes(data[4:6], "big")
    return data[:at] + app11_c2pa(seed) + data[at:]


def body(model, parts, image_tokens):
    doc = {
        "candidates": [{
            "content": {"parts": parts, "role": "model"},
            "finishReason": "STOP",
            "index": 0,
        }],
        "modelVersion": model,
        "responseId": "bEnChMaRkAnSwErIdXyZ12",
        "usageMetadata": {
            "candidatesTokenCount": image_tokens + 96,
            "candidatesTokensDetails": [{"modality": "IMAGE", "tokenCount": image_tokens}],
            "promptTokenCount": 14,
            "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 14}],
            "thoughtsTokenCount": 174,
            "totalTokenCount": image_tokens + 284,
        },
    }
    return json.dumps(doc, indent=2, sort_keys=True).encode("utf-8")


def image_part(data, mime, sig=None):
    part = {"inlineData": {"data": base64.b64encode(data).decode("ascii"), "mimeType": mime}}
    if sig:
        part["thoughtSignature"] = sig
    return part


def main():
    if sys.argv[1] == "--picture":
        Image.fromarray(scene(4096, 4096, 17, 3.0), "RGB").save(sys.argv[2], "PNG", compress_level=1)
        return
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    text = {"text": "Here is the picture you asked for: a red bicycle against a wall."}
    made = {
        "png4k": lambda: (png_noisy(4096, 4096, 7), "png", "image/png", "gemini-3-pro-image",
                          lambda part: [part], 2000),
        "jpeg4k": lambda: (jpeg(4096, 4096, 11, 93, 1.5), "jpg", "image/jpeg", "gemini-3-pro-image",
                           lambda part: [dict(text, thoughtSignature=signature(2)), part], 2000),
        "jpeg1k": lambda: (jpeg(1408, 768, 13, 97, 5.0), "jpg", "image/jpeg", "gemini-3-pro-image",
                           lambda part: [part], 1120),
    }
    for name, make in made.items():
        path = os.path.join(out, "body-%s.json" % name)
        if os.path.exists(path):
            continue
        data, ext, mime, model, parts, tokens = make()
        sig = None if name == "png4k" else signature(3)
        with open(os.path.join(out, "answer-%s.%s" % (name, ext)), "wb") as f:
            f.write(data)
        with open(path + ".tmp", "wb") as f:
            f.write(body(model, parts(image_part(data, mime, sig)), tokens))
        os.replace(path + ".tmp", path)
        print("%s: image %.1f MB, body %.1f MB" % (name, len(data) / 1e6, os.path.getsize(path) / 1e6))


if __name__ == "__main__":
    main()
