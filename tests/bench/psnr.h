/* psnr.h: the benchmarks' picture distance (upload.c, encoding.c). */
#pragma once

#include <math.h>

#include "gg-image.h"

/* PSNR in dB of @b against @a (RGB, same size); 99 when identical. */
static inline double
psnr_rgb (const GgRaster *a, const GgRaster *b)
{
  double se = 0;
  gsize  n = (gsize) a->width * a->height;

  for (gsize i = 0; i < n; i++)
    for (int c = 0; c < 3; c++)
      {
        double d = (double) a->pixels[i * 4 + c] - b->pixels[i * 4 + c];

        se += d * d;
      }
  return se == 0 ? 99.0 : 10 * log10 (255.0 * 255.0 / (se / (n * 3.0)));
}
