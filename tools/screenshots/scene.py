#!/usr/bin/python3
"""The picture the screenshots edit: a lake among mountains at dusk.

Drawn here from a fixed seed (nothing downloaded, nothing copyrighted), so
that every run of take.sh shows the same canvas.

    scene.py OUT.png [WIDTH HEIGHT]
"""
import sys

import numpy as np
from PIL import Image, ImageFilter


def ridge(rng, width, base, amplitude, roughness):
    """A mountain skyline: a few sines of rising frequency, random phases."""
    x = np.linspace(0.0, 1.0, width)
    y = np.zeros(width)
    for octave in range(6):
        freq = 1.3 * 2.0 ** octave
        y += np.sin(2 * np.pi * (freq * x + rng.random())) * amplitude / 2.0 ** (octave * roughness)
    return base - y


def lerp(a, b, t):
    t = np.clip(t, 0.0, 1.0)[..., None]
    return np.asarray(a, float) * (1 - t) + np.asarray(b, float) * t


def scene(width, height):
    rng = np.random.default_rng(20250611)
    yy, xx = np.mgrid[0:height, 0:width].astype(float)
    horizon = 0.62 * height

    # Sky: deep blue at the top to warm peach at the horizon, a sun glow.
    img = lerp((32, 52, 104), (250, 180, 130), (yy / horizon) ** 1.4)
    sun = np.array((0.68 * width, 0.40 * height))
    d = np.hypot(xx - sun[0], yy - sun[1]) / height
    img += np.exp(-(d / 0.16) ** 2)[..., None] * np.array((60, 40, 10))
    img = np.where((d < 0.045)[..., None], np.array((255, 236, 196), float), img)

    # Three ridges, paler with distance.
    layers = [(0.46, 0.07, 1.1, (164, 128, 152)),
              (0.54, 0.06, 1.2, (106, 88, 122)),
              (0.60, 0.03, 1.4, (56, 60, 84))]
    for base, amp, rough, colour in layers:
        top = ridge(rng, width, base * height, amp * height, rough)
        img = np.where((yy >= top[None, :])[..., None], np.array(colour, float), img)

    # The lake mirrors everything above the horizon, darker and rippled.
    below = yy >= horizon
    src_y = np.clip(2 * horizon - yy, 0, height - 1)
    ripple = 2.5 * np.sin(yy / 3.0 + xx / 40.0)
    src_x = np.clip(xx + ripple, 0, width - 1)
    mirror = img[src_y.astype(int), src_x.astype(int)] * 0.78 + np.array((4, 10, 22))
    img = np.where(below[..., None], mirror, img)

    # A shore of pines in the foreground, left.
    t = xx[0] / width
    shore = height - (0.16 - 0.30 * t ** 2) * height
    trees = np.zeros((height, width), bool)
    for cx in np.arange(10, 0.38 * width, 21):
        h = (0.14 + 0.10 * rng.random()) * height
        cx += 8 * rng.random()
        foot = shore[int(min(cx, width - 1))]
        half = 0.22 * h * (1 - (foot - yy) / h)
        trees |= (yy <= foot) & (yy >= foot - h) & (np.abs(xx - cx) <= half)
    trees |= yy >= shore[None, :]
    img = np.where(trees[..., None], np.array((20, 30, 36), float), img)

    out = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), 'RGB')
    return out.filter(ImageFilter.SMOOTH)


def main():
    width, height = (int(sys.argv[2]), int(sys.argv[3])) if len(sys.argv) > 3 else (960, 600)
    scene(width, height).save(sys.argv[1], optimize=True)


if __name__ == '__main__':
    main()
