/* upload.c: what the plug-in uploads for an opaque region, re-made on the
 * host (tests/bench/gimp-bench.sh).
 *
 *   upload SOURCE.png WIDTH HEIGHT [SHA256]
 *
 * Scales SOURCE to WIDTH x HEIGHT as plugin/gemini-run.c's gemini_encode
 * does (gg_raster_scale, only when the size differs), then encodes it as
 * JPEG at a range of qualities with the engine's encoder (4:2:0, no
 * Huffman optimisation) and prints, per quality: encode time, size, PSNR
 * (RGB, against the scaled source) and whether the bytes are those the
 * server received (SHA256 from its log): that names the quality the plug-in
 * used.  Then the smallest quality that reaches 40 dB, the same picture
 * at 4:4:4 chroma (qualities 88-94) for comparison, and, for regions
 * with alpha, the PNG encode time at levels 1 and 6 of the same picture
 * with an alpha ramp.
 */
#include "gg-image.h"
#include "gg-region.h"
#include "psnr.h"

#include <math.h>
#include <stdio.h>
#include <jpeglib.h>
#include <stdlib.h>
#include <string.h>

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

/* The engine's JPEG settings but 4:4:4 chroma (full-resolution colour):
 * libjpeg's in-memory destination, fine for a benchmark. */
static GBytes *
encode_jpeg_444 (const GgRaster *r, int quality)
{
  struct jpeg_compress_struct cinfo;
  struct jpeg_error_mgr       jerr;
  unsigned char              *out = NULL;
  unsigned long               size = 0;
  GBytes                     *bytes;

  cinfo.err = jpeg_std_error (&jerr);
  jpeg_create_compress (&cinfo);
  jpeg_mem_dest (&cinfo, &out, &size);
  cinfo.image_width = r->width;
  cinfo.image_height = r->height;
  cinfo.input_components = 4;
  cinfo.in_color_space = JCS_EXT_RGBX;
  jpeg_set_defaults (&cinfo);
  jpeg_set_quality (&cinfo, quality, TRUE);
  cinfo.optimize_coding = FALSE;
  cinfo.dct_method = JDCT_ISLOW;
  for (int c = 0; c < 3; c++)
    cinfo.comp_info[c].h_samp_factor = cinfo.comp_info[c].v_samp_factor = 1;
  jpeg_start_compress (&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height)
    {
      JSAMPROW row = r->pixels + (gsize) cinfo.next_scanline * r->width * 4;

      jpeg_write_scanlines (&cinfo, &row, 1);
    }
  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);
  bytes = g_bytes_new (out, size);
  free (out);
  return bytes;
}

int
main (int argc, char **argv)
{
  static const int qualities[] = { 75, 80, 85, 88, 90, 92, 94, 95, 96, 98, 100 };
  g_autoptr (GError)   error = NULL;
  g_autoptr (GgRaster) src = NULL;
  g_autoptr (GgRaster) scaled = NULL;
  const GgRaster      *send;
  const char          *want = argc > 4 ? argv[4] : NULL;
  int                  width, height, used = -1, need = -1;
  double               t;

  if (argc < 4)
    {
      fprintf (stderr, "usage: %s SOURCE.png WIDTH HEIGHT [SHA256]\n", argv[0]);
      return 2;
    }
  width = atoi (argv[2]);
  height = atoi (argv[3]);
  src = gg_image_load (argv[1], 0, &error);
  if (src == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }
  send = src;
  if (width != src->width || height != src->height)
    {
      t = now ();
      scaled = gg_raster_scale (src, width, height, &error);
      if (scaled == NULL)
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      printf ("scale %dx%d -> %dx%d: %.3f s\n", src->width, src->height, width, height,
              now () - t);
      send = scaled;
    }
  printf ("source %dx%d, sent %dx%d\n", src->width, src->height, width, height);
  printf ("%8s %9s %9s %9s %s\n", "quality", "encode s", "MB", "PSNR dB", "the bytes sent");
  for (guint i = 0; i < G_N_ELEMENTS (qualities); i++)
    {
      g_autoptr (GBytes)   jpeg = NULL;
      g_autoptr (GgRaster) back = NULL;
      g_autofree gchar    *sha = NULL;
      double               enc, psnr;
      gboolean             same;

      t = now ();
      jpeg = gg_image_encode_jpeg (send, qualities[i], &error);
      enc = now () - t;
      if (jpeg == NULL)
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      back = gg_image_decode (g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg), 0, &error);
      if (back == NULL)
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      psnr = psnr_rgb (send, back);
      sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, jpeg);
      same = want != NULL && g_ascii_strcasecmp (sha, want) == 0;
      if (same)
        used = qualities[i];
      if (need < 0 && psnr >= 40.0)
        need = qualities[i];
      printf ("%8d %9.3f %9.2f %9.2f %s\n", qualities[i], enc,
              g_bytes_get_size (jpeg) / 1e6, psnr, same ? "YES" : "");
    }
  if (want != NULL)
    printf ("the plug-in's quality: %s\n",
            used > 0 ? g_strdup_printf ("%d (identical bytes)", used)
                     : "not identified (no quality gave the same bytes)");
  printf ("smallest quality with PSNR >= 40 dB: %s\n",
          need > 0 ? g_strdup_printf ("%d", need) : "none");

  /* The alternative: 4:4:4 chroma, where 4:2:0 caps the PSNR of a
   * colourful picture. */
  printf ("4:4:4 chroma instead (not what the plug-in does):\n");
  for (int q = 88; q <= 94; q += 2)
    {
      g_autoptr (GBytes)   jpeg = NULL;
      g_autoptr (GgRaster) back = NULL;
      double               enc;

      t = now ();
      jpeg = encode_jpeg_444 (send, q);
      enc = now () - t;
      back = gg_image_decode (g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg), 0, &error);
      if (back == NULL)
        {
          fprintf (stderr, "%s\n", error->message);
          return 1;
        }
      printf ("%8d %9.3f %9.2f %9.2f 4:4:4\n", q, enc, g_bytes_get_size (jpeg) / 1e6,
              psnr_rgb (send, back));
    }

  /* Regions with alpha go as PNG: the same picture with an alpha ramp. */
  {
    g_autoptr (GgRaster) alpha = gg_raster_copy (send);

    for (gint y = 0; y < alpha->height; y++)
      for (gint x = 0; x < alpha->width; x++)
        alpha->pixels[((gsize) y * alpha->width + x) * 4 + 3] = (guint8) (128 + (x * 127) / alpha->width);
    for (int level = 1; level <= 6; level += 5)
      {
        g_autoptr (GBytes) png = NULL;

        t = now ();
        png = gg_image_encode_png (alpha, level, &error);
        printf ("PNG with alpha, level %d: %.3f s, %.2f MB%s\n", level, now () - t,
                png ? g_bytes_get_size (png) / 1e6 : 0.0, level == 6 ? " (the plug-in's level)" : "");
      }
  }
  return 0;
}
