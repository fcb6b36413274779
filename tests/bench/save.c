/* save.c: what the complete check of a PNG written as received costs
 * (issue 17).  Times, 9 times each, median and minimum:
 *   - the quick check (gg_image_check) and a plain write
 *     (g_file_set_contents): the write as it was;
 *   - gg_image_save_bytes: the quick check, then the write with the whole
 *     deflate stream inflated on a second thread beside it.
 *
 *   save ANSWER.png OUTDIR     (e.g. build-bench/bench/answer-png4k.png)
 *
 * Build: cc -O2 -Icommon tests/bench/save.c BUILD/common/libggcommon.a
 *        $(pkg-config --cflags --libs glib-2.0 gio-2.0 libcurl libcjson
 *        libpng libjpeg libwebp zlib libdeflate) -lm */

#include <stdio.h>
#include <stdlib.h>

#include <glib/gstdio.h>

#include "gg-image.h"

static int
cmp (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

int
main (int argc, char **argv)
{
  gchar            *data;
  gsize             n;
  GBytes           *bytes;
  double            before[9], after[9];
  g_autofree gchar *old_path = NULL, *new_path = NULL;

  if (argc != 3 || !g_file_get_contents (argv[1], &data, &n, NULL))
    {
      fprintf (stderr, "usage: save ANSWER.png OUTDIR\n");
      return 2;
    }
  old_path = g_build_filename (argv[2], "save-before.png", NULL);
  new_path = g_build_filename (argv[2], "save-after.png", NULL);
  bytes = g_bytes_new_take (data, n);
  for (int r = 0; r < 9; r++)
    {
      gint64 t0 = g_get_monotonic_time (), t1, t2;

      if (!gg_image_check ((const guint8 *) data, n, 0, NULL)
          || !g_file_set_contents (old_path, data, (gssize) n, NULL))
        return 1;
      t1 = g_get_monotonic_time ();
      if (!gg_image_save_bytes (bytes, new_path, 0, NULL))
        return 1;
      t2 = g_get_monotonic_time ();
      before[r] = (t1 - t0) / 1e6;
      after[r] = (t2 - t1) / 1e6;
    }
  qsort (before, 9, sizeof (double), cmp);
  qsort (after, 9, sizeof (double), cmp);
  printf ("%.1f MB PNG: quick check + write: median %.3f s (min %.3f); "
          "gg_image_save_bytes (the whole stream inflated beside the write): "
          "median %.3f s (min %.3f)\n",
          n / 1e6, before[4], before[0], after[4], after[0]);
  g_unlink (old_path);
  g_unlink (new_path);
  g_bytes_unref (bytes);
  return 0;
}
