/* test-mask.c: selection masks (grow, feather), the changed-pixels mask,
 * the hint image and compositing. */
#include "gg-test-util.h"
#include "gg-catalogue.h"
#include "gg-error.h"
#include "gg-mask.h"
#include "gg-region.h"

#include <math.h>
#include <string.h>

#define PRO "gemini-3-pro-image"

static guint8
at (const GgMask *m, gint x, gint y)
{
  return m->data[(gsize) y * m->width + x];
}

static GgMask *
blank (gint w, gint h)
{
  g_autoptr(GError) error = NULL;
  GgMask *m = gg_mask_new (w, h, &error);

  g_assert_no_error (error);
  return m;
}

static void
fill_rect (GgMask *m, gint x0, gint y0, gint w, gint h, guint8 v)
{
  for (gint y = MAX (0, y0); y < MIN (m->height, y0 + h); y++)
    for (gint x = MAX (0, x0); x < MIN (m->width, x0 + w); x++)
      m->data[(gsize) y * m->width + x] = v;
}

/* An ellipse with an antialiased (soft) edge, as GIMP's ellipse select. */
static void
fill_ellipse (GgMask *m, gdouble cx, gdouble cy, gdouble rx, gdouble ry)
{
  for (gint y = 0; y < m->height; y++)
    for (gint x = 0; x < m->width; x++)
      {
        gdouble d = hypot ((x + 0.5 - cx) / rx, (y + 0.5 - cy) / ry);
        gdouble v = CLAMP ((1.0 - d) * MIN (rx, ry) + 0.5, 0.0, 1.0) * 255;
        guint8 *p = m->data + (gsize) y * m->width + x;

        *p = MAX (*p, (guint8) floor (v + 0.5));
      }
}

static void
test_new_and_crop (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GgMask) m = blank (10, 6);
  g_autoptr(GgMask) c = NULL;
  GgRect            b;

  g_assert_null (gg_mask_new (0, 5, &error));
  g_assert_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST);
  g_assert_false (gg_mask_bounds (m, &b));
  fill_rect (m, 2, 1, 3, 2, 200);
  g_assert_true (gg_mask_bounds (m, &b));
  g_assert_cmpint (b.x, ==, 2);
  g_assert_cmpint (b.y, ==, 1);
  g_assert_cmpint (b.width, ==, 3);
  g_assert_cmpint (b.height, ==, 2);
  c = gg_mask_crop (m, &(GgRect) { -1, 0, 5, 4 }, NULL);
  g_assert_cmpint (at (c, 0, 1), ==, 0);      /* outside the source */
  g_assert_cmpint (at (c, 3, 1), ==, 200);
  g_assert_cmpint (at (c, 3, 3), ==, 0);
}

static void
test_grow (void)
{
  g_autoptr(GgMask) m = blank (101, 101);
  g_autoptr(GgMask) g = NULL;
  g_autoptr(GgMask) s = NULL;
  gsize             n = 0;

  m->data[50 * 101 + 50] = 255;
  g = gg_mask_grow (m, 20, NULL);
  for (gint y = 0; y < 101; y++)
    for (gint x = 0; x < 101; x++)
      {
        gboolean in = (x - 50) * (x - 50) + (y - 50) * (y - 50) <= 400;

        /* A true Euclidean disc, pixel for pixel. */
        g_assert_cmpint (at (g, x, y), ==, in ? 255 : 0);
        n += in;
      }
  g_test_message ("disc of radius 20: %" G_GSIZE_FORMAT " px (pi r^2 = 1257)", n);
  /* Shrinking gives back less than was grown; below half coverage is out. */
  s = gg_mask_grow (g, -19, NULL);
  g_assert_cmpint (at (s, 50, 50), ==, 255);
  g_assert_cmpint (at (s, 50, 52), ==, 0);
  m->data[50 * 101 + 50] = 127;
  g_clear_pointer (&g, gg_mask_free);
  g = gg_mask_grow (m, 5, NULL);
  g_assert_cmpint (at (g, 50, 50), ==, 0);
}

/* Small radii (the windowed dilation) against a brute-force disc, growing
 * and shrinking random specks and a shape touching the borders, with
 * whole and fractional radii. */
static void
test_grow_small_exact (void)
{
  static const gdouble radii[] = { 0.5, 1, 1.5, 2, 2.9, 4, 4.5, 7, 12.3, 16, 16.9, 17.5 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (4);
  g_autoptr(GgMask) m = blank (67, 45);

  for (gsize i = 0; i < (gsize) m->width * m->height; i++)
    m->data[i] = g_rand_int_range (rand, 0, 100) < 3 ? 255 : 0;
  fill_rect (m, 40, 0, 27, 20, 255);                   /* touches two borders */
  for (guint k = 0; k < G_N_ELEMENTS (radii); k++)
    for (gint sign = -1; sign <= 1; sign += 2)
      {
        gdouble           r = sign * radii[k];
        g_autoptr(GgMask) g = gg_mask_grow (m, r, NULL);

        for (gint y = 0; y < m->height; y++)
          for (gint x = 0; x < m->width; x++)
            {
              /* Growing: a selected pixel within |r|; shrinking: no
               * unselected pixel of the map within |r|. */
              gboolean hit = FALSE;

              for (gint j = 0; j < m->height && ! hit; j++)
                for (gint i = 0; i < m->width && ! hit; i++)
                  hit = (at (m, i, j) >= 128) == (sign > 0) &&
                        (gdouble) ((i - x) * (i - x) + (j - y) * (j - y)) <= r * r;
              if (at (g, x, y) != ((sign > 0) == hit ? 255 : 0))
                g_error ("grow %.1f: pixel (%d, %d) is %d", r, x, y, at (g, x, y));
            }
      }
}

/* Shapes and options for the "zero outside the grown selection" rule. */
static void
check_zero_outside (const GgMask *sel, const GgMaskOptions *o, const gchar *what)
{
  g_autoptr(GgMask) grown = gg_mask_grow (sel, o->grow, NULL);
  g_autoptr(GgMask) mask = gg_mask_from_selection (sel, o, NULL);
  gsize             n = (gsize) sel->width * sel->height, outside = 0, full = 0;

  g_assert_nonnull (mask);
  for (gsize i = 0; i < n; i++)
    {
      if (grown->data[i] == 0)
        {
          g_assert_cmpint (mask->data[i], ==, 0);
          outside++;
        }
      full += mask->data[i] == 255;
    }
  g_test_message ("%s (grow %.0f, feather %.0f): %" G_GSIZE_FORMAT " px outside, all 0; "
                  "%" G_GSIZE_FORMAT " px at 255", what, o->grow, o->feather, outside, full);
  g_assert_cmpuint (outside, >, 0);
  /* 255 somewhere, unless the feather is wider than the shape. */
  if (o->feather <= 20)
    g_assert_cmpuint (full, >, 0);
}

static void
test_zero_outside (void)
{
  GgMaskOptions opts[5];
  const gchar  *names[] = { "rectangle", "border", "ellipse", "disjoint", "L shape" };
  GgMask       *shapes[5];

  for (gint i = 0; i < 5; i++)
    shapes[i] = blank (300, 200);
  fill_rect (shapes[0], 100, 60, 90, 70, 255);
  fill_rect (shapes[1], 0, 0, 120, 200, 255);                 /* touches three borders */
  fill_ellipse (shapes[2], 150, 100, 80, 50);
  fill_ellipse (shapes[3], 60, 60, 30, 30);                    /* two parts */
  fill_rect (shapes[3], 200, 120, 60, 50, 255);
  fill_rect (shapes[4], 50, 40, 40, 120, 255);
  fill_rect (shapes[4], 50, 120, 180, 40, 255);

  gg_mask_options_init (&opts[0]);
  opts[1] = (GgMaskOptions) { 0, 0 };
  opts[2] = (GgMaskOptions) { 10, 20 };
  opts[3] = (GgMaskOptions) { -3, 6 };
  opts[4] = (GgMaskOptions) { 4, 60 };
  for (gint i = 0; i < 5; i++)
    for (gint k = 0; k < 5; k++)
      check_zero_outside (shapes[i], &opts[k], names[i]);
  for (gint i = 0; i < 5; i++)
    gg_mask_free (shapes[i]);
}

static void
test_defaults (void)
{
  GgMaskOptions o;

  memset (&o, 0xff, sizeof o);
  gg_mask_options_init (&o);
  g_assert_cmpfloat (o.grow, ==, 4);
  g_assert_cmpfloat (o.feather, ==, GG_MASK_FEATHER_AUTO);
  g_assert_cmpfloat (gg_mask_feather_px (&o, 400, 300), ==, 25);
  g_assert_cmpfloat (gg_mask_feather_px (&o, 150, 120), ==, 12);
  g_assert_cmpfloat (gg_mask_feather_px (&o, 8, 8), ==, 2);
  o.feather = 7;
  g_assert_cmpfloat (gg_mask_feather_px (&o, 8, 8), ==, 7);
}

/* Across a straight edge the mask never decreases going inwards, starts
 * from 0 on the grown edge, reaches ~95 % feather px inside it, and a wider
 * feather is never above a narrower one. */
static void
test_feather_monotonic (void)
{
  g_autoptr(GgMask) sel = blank (400, 40);
  gdouble           feathers[] = { 0, 4, 10, 25, 40 };
  guint8            prev[400];

  fill_rect (sel, 0, 0, 200, 40, 255);
  memset (prev, 255, sizeof prev);
  for (guint k = 0; k < G_N_ELEMENTS (feathers); k++)
    {
      GgMaskOptions     o = { 6, feathers[k] };
      g_autoptr(GgMask) m = gg_mask_from_selection (sel, &o, NULL);
      gint              edge = 206;           /* grown edge: x < 206 */

      for (gint x = 399; x > 0; x--)
        g_assert_cmpint (at (m, x - 1, 20), >=, at (m, x, 20));
      g_assert_cmpint (at (m, edge, 20), ==, 0);
      g_assert_cmpint (at (m, 0, 20), ==, 255);
      if (feathers[k] > 0)
        {
          g_assert_cmpint (at (m, edge - 1, 20), <, 64);
          g_assert_cmpint (at (m, edge - (gint) feathers[k], 20), >=, 235);
        }
      for (gint x = 0; x < 400; x++)
        {
          g_assert_cmpint (at (m, x, 20), <=, prev[x]);
          prev[x] = at (m, x, 20);
        }
      {
        gint half = 0;

        while (half < 400 && prev[half] >= 128)
          half++;
        g_test_message ("feather %.0f: 50 %% up to x = %d (grown edge 206), 25 px in: %d",
                        feathers[k], half, at (m, edge - 25, 20));
      }
    }
}

static void
test_huge (void)
{
  /* 12 MP: an 8000 x 6000 one takes ~9 s here (RelWithDebInfo), too long
   * for every run under the sanitizers. */
  g_autoptr(GgMask) sel = blank (4000, 3000);
  g_autoptr(GgMask) m = NULL;
  GgMaskOptions     o;
  gint64            t;

  fill_rect (sel, 100, 100, 3800, 2800, 255);
  gg_mask_options_init (&o);
  t = g_get_monotonic_time ();
  m = gg_mask_from_selection (sel, &o, NULL);
  t = g_get_monotonic_time () - t;
  g_test_message ("4000x3000 selection, grow 4, feather 25: %.0f ms", t / 1000.0);
  g_assert_cmpint (at (m, 2000, 1500), ==, 255);
  g_assert_cmpint (at (m, 95, 1500), ==, 0);
  g_assert_cmpint (at (m, 96, 1500), >, 0);
  g_assert_cmpint (at (m, 120, 1500), <, 255);
}

/* The fake server's edit, in C: the region covered to the answer's size,
 * its content shifted by (dx, dy) answer pixels and scaled about the
 * centre, with gain and offset, and a disc of (255, 0, 255) of radius
 * min(w, h) / 8 at the centre. */
static gdouble
texture (gint c, gdouble x, gdouble y)
{
  return 128 + 45 * sin (x * 0.071 + 0.9 * c) * cos (y * 0.053 - 0.4 * c)
             + 30 * sin ((x + 2 * y) * 0.031 + c)
             + 18 * sin (x * 0.23 + y * 0.17);
}

static void
fake_edit (gint rw, gint rh, gint aw, gint ah, gdouble dx, gdouble dy, gdouble scale,
           gboolean mark, GgRaster **original, GgRaster **answer)
{
  const gdouble gain[3] = { 1.04, 0.97, 1.02 }, offset[3] = { 6, -4, 2 };

  *original = gg_raster_new (rw, rh, NULL);
  *answer = gg_raster_new (aw, ah, NULL);
  for (gint y = 0; y < rh; y++)
    for (gint x = 0; x < rw; x++)
      for (gint c = 0; c < 4; c++)
        (*original)->pixels[((gsize) y * rw + x) * 4 + c] =
          c == 3 ? 255 : (guint8) floor (texture (c, x + 0.5, y + 0.5) + 0.5);
  for (gint v = 0; v < ah; v++)
    for (gint u = 0; u < aw; u++)
      {
        gdouble  cu = aw / 2.0 + (u + 0.5 - aw / 2.0 - dx) / scale;
        gdouble  cv = ah / 2.0 + (v + 0.5 - ah / 2.0 - dy) / scale;
        gdouble  r = MIN (aw, ah) / 8.0;
        gboolean disc = mark && hypot (u + 0.5 - aw / 2.0, v + 0.5 - ah / 2.0) <= r;
        guint8  *p = (*answer)->pixels + ((gsize) v * aw + u) * 4;

        for (gint c = 0; c < 3; c++)
          {
            gdouble val = texture (c, cu * rw / aw, cv * rh / ah);

            p[c] = disc ? (c == 1 ? 0 : 255)
                        : (guint8) CLAMP (floor (gain[c] * val + offset[c] + 0.5), 0, 255);
          }
        p[3] = 255;
      }
}

static void
check_changed (gdouble dx, gdouble dy, gdouble scale, gboolean mark)
{
  const GgModel      *m = gg_catalogue_lookup (PRO);
  GgRegionPlan        plan;
  g_autoptr(GgRaster) original = NULL;
  g_autoptr(GgRaster) answer = NULL;
  g_autoptr(GgRaster) placed = NULL;
  g_autoptr(GgMask)   mask = NULL;
  g_autoptr(GError)   error = NULL;
  GgPlaceReport       report;
  gint                rw, rh;
  gdouble             cx, cy, r, fx;
  gsize               disc = 0, disc_full = 0, bg = 0, bg_zero = 0;

  /* No selection: the whole 900x600 picture is the region. */
  g_assert_true (gg_region_plan (m, 900, 600, NULL, NULL, &plan, &error));
  rw = plan.region.width;
  rh = plan.region.height;
  fake_edit (rw, rh, plan.out_width, plan.out_height, dx, dy, scale, mark,
             &original, &answer);
  placed = gg_region_place_full (&plan, original, answer, &report, &error);
  g_assert_no_error (error);
  mask = gg_mask_changed (original, placed, &report, NULL, &error);
  if (g_getenv ("GG_TEST_DUMP"))
    {
      gg_image_save (original, "/tmp/mask-orig.png", NULL);
      gg_image_save (placed, "/tmp/mask-placed.png", NULL);
      {
        g_autoptr(GgRaster) mr = gg_raster_new (rw, rh, NULL);

        for (gsize i = 0; i < (gsize) rw * rh; i++)
          mr->pixels[i * 4] = mr->pixels[i * 4 + 1] = mr->pixels[i * 4 + 2] = mask->data[i],
          mr->pixels[i * 4 + 3] = 255;
        gg_image_save (mr, "/tmp/mask-mask.png", NULL);
      }
    }
  g_assert_no_error (error);

  /* The disc is drawn on the answer after the drift: in region pixels,
   * realigned back by the placement's estimate. */
  fx = (gdouble) rw / plan.out_width;
  r = MIN (plan.out_width, plan.out_height) / 8.0 * fx / report.scale;
  cx = rw / 2.0 + (rw / 2.0 - rw / 2.0 - report.dx) / report.scale;
  cy = rh / 2.0 - report.dy / report.scale;
  for (gint y = 0; y < rh; y++)
    for (gint x = 0; x < rw; x++)
      {
        gdouble d = hypot (x + 0.5 - cx, y + 0.5 - cy);

        if (d <= r - 5)
          {
            disc++;
            disc_full += at (mask, x, y) >= 240;
          }
        else if (d > r + 4 + 2)
          {
            bg++;
            bg_zero += at (mask, x, y) == 0;
          }
      }
  g_test_message ("changed mask, drift (%.1f, %.1f) x%.3f, mark %s: realigned (%.2f, %.2f) "
                  "x%.4f; disc %" G_GSIZE_FORMAT "/%" G_GSIZE_FORMAT " covered, background "
                  "%" G_GSIZE_FORMAT "/%" G_GSIZE_FORMAT " untouched",
                  dx, dy, scale, mark ? "yes" : "no", report.dx, report.dy, report.scale,
                  disc_full, disc, bg_zero, bg);
  g_assert_true (report.realigned);
  if (mark)
    g_assert_cmpuint (disc_full, ==, disc);
  g_assert_cmpuint (bg_zero, ==, bg);
}

static void
test_changed (void)
{
  check_changed (3, -2, 1.0, TRUE);
  check_changed (-8, 8, 1.02, TRUE);
  check_changed (5, 0, 0.985, TRUE);
  /* Nothing changed: nothing in the mask. */
  check_changed (4, 3, 1.0, FALSE);
}


/* Clean-up: a speck is dropped, a hole inside a change is filled, and the
 * changed pixels' surroundings stay 0 beyond the grow. */
static void
test_changed_cleanup (void)
{
  g_autoptr(GgRaster) original = gg_raster_new (300, 200, NULL);
  g_autoptr(GgRaster) placed = NULL;
  g_autoptr(GgMask)   mask = NULL;
  GgChangedOptions    o;

  for (gint y = 0; y < 200; y++)
    for (gint x = 0; x < 300; x++)
      for (gint c = 0; c < 4; c++)
        original->pixels[((gsize) y * 300 + x) * 4 + c] =
          c == 3 ? 255 : (guint8) floor (texture (c, x, y) + 0.5);
  placed = gg_raster_copy (original);
  for (gint y = 0; y < 200; y++)
    for (gint x = 0; x < 300; x++)
      {
        gboolean speck = x >= 40 && x < 43 && y >= 40 && y < 43;
        gboolean square = x >= 150 && x < 230 && y >= 60 && y < 140
                          && ! (x >= 185 && x < 195 && y >= 95 && y < 105);
        guint8  *p = placed->pixels + ((gsize) y * 300 + x) * 4;

        if (speck || square)
          {
            p[0] = 255;
            p[1] = 0;
            p[2] = 255;
          }
      }
  gg_changed_options_init (&o);
  mask = gg_mask_changed (original, placed, NULL, &o, NULL);
  g_assert_cmpint (at (mask, 41, 41), ==, 0);          /* the speck: dropped */
  g_assert_cmpint (at (mask, 190, 100), ==, 255);      /* the hole: filled */
  g_assert_cmpint (at (mask, 170, 80), ==, 255);
  /* Past the grow (4 px) and the 3x3 mean (1 px): 0. */
  g_assert_cmpint (at (mask, 150 - 4 - 2, 100), ==, 0);
  g_assert_cmpint (at (mask, 150 - 1, 100), >, 0);
  g_assert_cmpint (at (mask, 10, 190), ==, 0);
}

static void
test_hint (void)
{
  const GgModel      *m = gg_catalogue_lookup (PRO);
  GgRegionPlan        plan;
  g_autoptr(GgRaster) hint = NULL;
  g_autoptr(GgRaster) by_mask = NULL;
  g_autoptr(GgMask)   sel = NULL;
  g_autoptr(GgMask)   grown = NULL;
  gint                white = 0;

  GgRegionOptions     o;

  gg_region_options_init (&o);
  o.max_size = "1K";
  g_assert_true (gg_region_plan (m, 5000, 4000, &(GgRect) { 1000, 1000, 2400, 1800 },
                                 &o, &plan, NULL));
  /* A large region: the hint is the size of the image sent, not the region. */
  g_assert_cmpint (plan.send_width, <, plan.region.width);
  hint = gg_mask_hint (&plan, NULL, NULL);
  g_assert_cmpint (hint->width, ==, plan.send_width);
  g_assert_cmpint (hint->height, ==, plan.send_height);
  for (gsize i = 0; i < (gsize) hint->width * hint->height; i++)
    {
      const guint8 *p = hint->pixels + i * 4;

      g_assert_true (p[0] == 0 || p[0] == 255);
      g_assert_true (p[0] == p[1] && p[1] == p[2]);
      g_assert_cmpint (p[3], ==, 255);
      white += p[0] == 255;
    }
  /* About the selection's share of the region. */
  g_assert_cmpfloat (fabs ((gdouble) white / (hint->width * hint->height)
                           - 2400.0 * 1800 / ((gdouble) plan.region.width * plan.region.height)),
                     <, 0.01);
  /* With a shape: white only where the grown shape is. */
  sel = blank (plan.region.width, plan.region.height);
  fill_ellipse (sel, plan.region.width / 2.0, plan.region.height / 2.0, 600, 400);
  grown = gg_mask_grow (sel, 4, NULL);
  by_mask = gg_mask_hint (&plan, grown, NULL);
  g_assert_cmpint (by_mask->pixels[0], ==, 0);
  g_assert_cmpint (by_mask->pixels[((gsize) (by_mask->height / 2) * by_mask->width
                                    + by_mask->width / 2) * 4], ==, 255);
  {
    g_autoptr(GgMask) wrong = blank (2, 2);
    g_autoptr(GError) error = NULL;

    g_assert_null (gg_mask_hint (&plan, wrong, &error));
    g_assert_error (error, GG_ERROR, GG_ERROR_FAILED);
  }
}

static void
test_composite (void)
{
  g_autoptr(GgRaster) dst = gg_raster_new (20, 10, NULL);
  g_autoptr(GgRaster) before = NULL;
  g_autoptr(GgRaster) patch = gg_raster_new (8, 8, NULL);
  g_autoptr(GgMask)   mask = blank (8, 8);

  for (gsize i = 0; i < 20 * 10 * 4; i++)
    dst->pixels[i] = (guint8) (i * 7);
  memset (patch->pixels, 200, 8 * 8 * 4);
  before = gg_raster_copy (dst);
  mask->data[0] = 255;          /* at (-3, 5): outside dst */
  mask->data[3 * 8 + 5] = 255;  /* at (2, 8) */
  mask->data[4 * 8 + 6] = 128;  /* at (3, 9) */
  gg_mask_composite (dst, patch, mask, -3, 5);
  for (gint y = 0; y < 10; y++)
    for (gint x = 0; x < 20; x++)
      for (gint c = 0; c < 4; c++)
        {
          gsize  i = ((gsize) y * 20 + x) * 4 + c;
          guint8 want = before->pixels[i];

          if (x == 2 && y == 8)
            want = 200;
          else if (x == 3 && y == 9)
            want = (guint8) ((before->pixels[i] * 127u + 200u * 128u + 127u) / 255u);
          g_assert_cmpint (dst->pixels[i], ==, want);
        }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/mask/new-and-crop", test_new_and_crop);
  g_test_add_func ("/mask/grow", test_grow);
  g_test_add_func ("/mask/grow-small-exact", test_grow_small_exact);
  g_test_add_func ("/mask/defaults", test_defaults);
  g_test_add_func ("/mask/selection/zero-outside", test_zero_outside);
  g_test_add_func ("/mask/selection/feather-monotonic", test_feather_monotonic);
  g_test_add_func ("/mask/selection/huge", test_huge);
  g_test_add_func ("/mask/changed", test_changed);
  g_test_add_func ("/mask/changed-cleanup", test_changed_cleanup);
  g_test_add_func ("/mask/hint", test_hint);
  g_test_add_func ("/mask/composite", test_composite);
  return g_test_run ();
}
