/* encoding.c: what each encoding costs to send (tests/bench/encoding.sh).
 *
 *   encoding PICTURE.png ENCODING[,ENCODING...] WIDTHxHEIGHT[,...] [RUNS]
 *
 * For every size, PICTURE is cropped to that size from its top-left
 * corner (a region of that many pixels, sent at its own size, as an edit
 * of a 4K region is); for every encoding (png, jpeg:Q) the engine's own
 * gg_front_encode () is called with GG_TEST_ENCODING set to it (the build
 * must be configured with -DGG_TEST_HOOKS=ON, else every row is the
 * policy's), RUNS times (default 5).  One line per size and encoding:
 *
 *   SIZE ENCODING FORMAT BYTES MS PSNR
 *
 * FORMAT the bytes' own (png, jpeg: the knob was honoured), BYTES their
 * size, MS the median encode time, PSNR (dB, RGB) of the decoded bytes
 * against the crop (99 for lossless).  Exit 1 on any failure.
 */
#include "gg-front.h"
#include "gg-image.h"
#include "gg-region.h"
#include "psnr.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
compare_double (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* One size and encoding; FALSE (message on stderr) on failure. */
static gboolean
measure (const GgRaster *crop, const gchar *encoding, int runs)
{
  g_autoptr (GgRaster) decoded = NULL;
  g_autoptr (GError)   error = NULL;
  GBytes              *bytes = NULL;
  double               times[64];
  const guint8        *data;
  gsize                len;

  g_setenv ("GG_TEST_ENCODING", encoding, TRUE);
  for (int i = 0; i < runs; i++)
    {
      gint64 t0 = g_get_monotonic_time ();

      g_clear_pointer (&bytes, g_bytes_unref);
      bytes = gg_front_encode (crop, crop->width, crop->height, &error);
      times[i] = (g_get_monotonic_time () - t0) / 1000.0;
      if (bytes == NULL)
        {
          fprintf (stderr, "encoding: %s: %s\n", encoding, error->message);
          return FALSE;
        }
    }
  qsort (times, runs, sizeof times[0], compare_double);
  data = g_bytes_get_data (bytes, &len);
  decoded = gg_image_decode (data, len, 0, &error);
  if (decoded == NULL)
    {
      fprintf (stderr, "encoding: %s: the bytes do not decode: %s\n", encoding,
               error->message);
      g_bytes_unref (bytes);
      return FALSE;
    }
  printf ("%dx%d %s %s %" G_GSIZE_FORMAT " %.1f %.2f\n", crop->width, crop->height,
          encoding, len > 3 && data[0] == 0x89 && data[1] == 'P' ? "png"
          : len > 3 && data[0] == 0xff && data[1] == 0xd8 ? "jpeg" : "other",
          len, times[runs / 2], psnr_rgb (crop, decoded));
  fflush (stdout);
  g_bytes_unref (bytes);
  return TRUE;
}

int
main (int argc, char **argv)
{
  g_autoptr (GgRaster) picture = NULL;
  g_autoptr (GError)   error = NULL;
  g_auto (GStrv)       encodings = NULL;
  g_auto (GStrv)       sizes = NULL;
  int                  runs = argc > 4 ? atoi (argv[4]) : 5;

  if (argc < 4 || runs < 1 || runs > 64)
    {
      fprintf (stderr, "usage: encoding PICTURE.png ENCODING[,...] WxH[,...] [RUNS 1-64]\n");
      return 2;
    }
  picture = gg_image_load (argv[1], 0, &error);
  if (picture == NULL)
    {
      fprintf (stderr, "encoding: %s\n", error->message);
      return 1;
    }
  encodings = g_strsplit (argv[2], ",", -1);
  sizes = g_strsplit (argv[3], ",", -1);
  for (int s = 0; sizes[s] != NULL; s++)
    {
      g_autoptr (GgRaster) crop = NULL;
      GgRect               rect = { 0, 0, 0, 0 };

      if (sscanf (sizes[s], "%dx%d", &rect.width, &rect.height) != 2
          || rect.width < 1 || rect.height < 1
          || rect.width > picture->width || rect.height > picture->height)
        {
          fprintf (stderr, "encoding: %s is not a size within the %dx%d picture\n",
                   sizes[s], picture->width, picture->height);
          return 1;
        }
      crop = gg_raster_crop (picture, &rect, &error);
      if (crop == NULL)
        {
          fprintf (stderr, "encoding: %s\n", error->message);
          return 1;
        }
      for (int e = 0; encodings[e] != NULL; e++)
        if (! measure (crop, encodings[e], runs))
          return 1;
    }
  return 0;
}
