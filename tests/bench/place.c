/* place.c: where the time of a 4K placement goes, step by step, with the
 * engine's own functions (what plugin/gemini-result.c's place_one runs
 * after the answer arrived).  Used by tests/bench/gimp-bench.sh.
 *
 *   place ORIGINAL.png ANSWER.png [X Y W H]
 *
 * Plans a 3 Pro 4K edit of ORIGINAL (the whole image, or the selection
 * X Y W H), times the decoding of ANSWER (any 4K PNG: the answer's decode
 * cost), makes the answer the model would give (the region, 3 and 2 pixels
 * off, warmer, at the planned answer size: realignment has work), and
 * prints the wall time and the process's peak RSS after
 * each step: decode, crop of the original region, gg_region_place (whole),
 * the same in the plug-in's two steps (gg_region_place_prepare while the
 * model works, gg_region_place_prepared after the answer),
 * then its parts measured apart: the two reductions to the 1536 px working
 * size (gg_raster_scale, area_reduce), and the final resample of the full
 * region as warp_answer runs it (gg_raster_warp with the (3, 2) shift;
 * the separable cubic), which was the GEGL graph before issue 7.
 */
#include "gg-image.h"
#include "gg-region.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

static double
peak_mib (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024.0;
}

static void
step (const char *what, double t)
{
  printf ("%-58s %7.3f s   peak RSS %7.1f MiB\n", what, now () - t, peak_mib ());
  fflush (stdout);
}

static void
die (GError *error)
{
  fprintf (stderr, "%s\n", error ? error->message : "failed");
  exit (1);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError)   error = NULL;
  g_autoptr (GgRaster) original = NULL;
  g_autoptr (GgRaster) answer = NULL;
  g_autoptr (GgRaster) region = NULL;
  g_autoptr (GgRaster) placed = NULL;
  GgRegionOptions      options;
  GgRegionPlan         plan;
  GgRect               sel;
  gboolean             has_sel = argc >= 7;
  double               t, decode_s, total;

  if (argc < 3)
    {
      fprintf (stderr, "usage: %s ORIGINAL.png ANSWER.png [X Y W H]\n", argv[0]);
      return 2;
    }
  original = gg_image_load (argv[1], 0, &error);
  if (original == NULL)
    die (error);
  if (has_sel)
    sel = (GgRect) { atoi (argv[3]), atoi (argv[4]), atoi (argv[5]), atoi (argv[6]) };
  gg_region_options_init (&options);
  options.max_size = "4K";
  if (! gg_region_plan (gg_catalogue_lookup ("gemini-3-pro-image"),
                        original->width, original->height, has_sel ? &sel : NULL,
                        &options, &plan, &error))
    die (error);
  printf ("plan: region %dx%d+%d+%d, ratio %s, size %s, answer %dx%d, sent %dx%d\n",
          plan.region.width, plan.region.height, plan.region.x, plan.region.y,
          plan.ratio, plan.size, plan.out_width, plan.out_height,
          plan.send_width, plan.send_height);

  t = now ();
  {
    g_autofree gchar *contents = NULL;
    gsize             len;

    if (! g_file_get_contents (argv[2], &contents, &len, &error))
      die (error);
    answer = gg_image_decode ((const guint8 *) contents, len, 0, &error);
    if (answer == NULL)
      die (error);
  }
  step ("decode a 4K PNG (the answer's cost)", t);
  decode_s = now () - t;
  {
    /* The answer: the region as a model returns it, a little off (3, 2)
     * pixels and warmer, at the planned answer size. */
    GgRect               off = plan.region;
    g_autoptr (GgRaster) moved = NULL;

    off.x += 3;
    off.y += 2;
    moved = gg_raster_crop (original, &off, &error);
    if (moved == NULL)
      die (error);
    gg_raster_free (answer);
    answer = gg_raster_scale (moved, plan.out_width, plan.out_height, &error);
    if (answer == NULL)
      die (error);
    for (gsize i = 0; i < (gsize) answer->width * answer->height; i++)
      answer->pixels[i * 4] = (guint8) (answer->pixels[i * 4] * 0.95);
  }

  total = t = now ();
  region = gg_raster_crop (original, &plan.region, &error);
  if (region == NULL)
    die (error);
  step ("crop the original region", t);

  t = now ();
  placed = gg_region_place (&plan, region, answer, &error);
  if (placed == NULL)
    die (error);
  step ("gg_region_place (whole)", t);
  printf ("%-58s %7.3f s\n", "decode + crop + place", decode_s + now () - total);

  /* The plug-in's way: what depends on the original alone is prepared
   * while the model works, the rest once the answer is there. */
  {
    g_autoptr (GgPlacePrep) prep = NULL;
    g_autoptr (GgRaster)    again = NULL;

    t = now ();
    prep = gg_region_place_prepare (&plan, region, &error);
    if (prep == NULL)
      die (error);
    step ("gg_region_place_prepare (the plug-in: during the wait)", t);
    t = now ();
    again = gg_region_place_prepared (prep, answer, NULL, &error);
    if (again == NULL)
      die (error);
    step ("gg_region_place_prepared (after the answer)", t);
  }

  printf ("-- parts of gg_region_place, measured apart:\n");
  {
    gint                 rw = plan.region.width, rh = plan.region.height;
    gdouble              f = MIN (1.0, 1536.0 / MAX (rw, rh));
    gint                 ww = MAX (1, (gint) (rw * f + 0.5)), wh = MAX (1, (gint) (rh * f + 0.5));
    gdouble              ax = (gdouble) answer->width / rw, ay = (gdouble) answer->height / rh;
    g_autoptr (GgRaster) a = NULL;
    g_autoptr (GgRaster) b = NULL;
    g_autoptr (GgRaster) c = NULL;
    g_autofree gchar    *what = NULL;

    t = now ();
    a = gg_raster_scale (region, ww, wh, &error);
    b = gg_raster_scale (answer, ww, wh, &error);
    what = g_strdup_printf ("2 x gg_raster_scale to %dx%d (working size)", ww, wh);
    step (what, t);
    g_free (what);
    t = now ();
    c = gg_raster_warp (answer, rw, rh, ax, (0.5 + 3) * ax - 0.5, ay, (0.5 + 2) * ay - 0.5,
                        &error);
    if (c == NULL)
      die (error);
    what = g_strdup_printf ("1 x gg_raster_warp %dx%d -> %dx%d, shifted (cubic)",
                            answer->width, answer->height, rw, rh);
    step (what, t);
  }
  return 0;
}
