/* test-region.c: planning the region, cropping, scaling, placing. */
#include "gg-test-util.h"
#include "gg-catalogue.h"
#include "gg-error.h"
#include "gg-region.h"

#include <math.h>
#include <string.h>

#define FLASH "gemini-2.5-flash-image"
#define PRO   "gemini-3-pro-image-preview"

static const GgModel *
model (const gchar *name)
{
  const GgModel *m = gg_catalogue_lookup (name);

  g_assert_nonnull (m);
  return m;
}

static gdouble
ratio_value (const gchar *ratio)
{
  gint n = 0, d = 0;

  g_assert_nonnull (ratio);
  n = atoi (ratio);
  d = atoi (strchr (ratio, ':') + 1);
  g_assert_cmpint (n, >, 0);
  g_assert_cmpint (d, >, 0);
  return (gdouble) n / d;
}

/* Everything every plan must satisfy. */
static void
check_plan (const GgModel *m, gint dw, gint dh, const GgRect *sel,
            const gchar *max_size, const GgRegionPlan *p)
{
  const GgModel *mm = m ? m : model (gg_catalogue_default_model ());
  gdouble        r = ratio_value (p->ratio);
  gint           ow, oh;

  g_assert_true (gg_model_has_ratio (mm, p->ratio));
  /* No distortion: the region has the ratio's aspect, within 1 %. */
  g_assert_cmpfloat (fabs ((gdouble) p->region.width / p->region.height / r - 1), <, 0.01);
  /* The selection is inside the region. */
  g_assert_cmpint (p->selection.x, >=, p->region.x);
  g_assert_cmpint (p->selection.y, >=, p->region.y);
  g_assert_cmpint (p->selection.x + p->selection.width, <=, p->region.x + p->region.width);
  g_assert_cmpint (p->selection.y + p->selection.height, <=, p->region.y + p->region.height);
  if (sel && sel->width > 0)
    {
      g_assert_cmpint (p->selection.x, >=, MAX (sel->x, 0));
      g_assert_cmpint (p->selection.x + p->selection.width, <=, sel->x + sel->width);
    }
  /* Inside the drawable, unless the drawable itself is too small on that
   * axis: then the region covers it whole, centred. */
  if (p->region.width <= dw)
    {
      g_assert_cmpint (p->region.x, >=, 0);
      g_assert_cmpint (p->region.x + p->region.width, <=, dw);
    }
  else
    {
      g_assert_cmpint (p->region.x, <=, 0);
      g_assert_cmpint (ABS (-p->region.x - (p->region.x + p->region.width - dw)), <=, 1);
    }
  if (p->region.height <= dh)
    {
      g_assert_cmpint (p->region.y, >=, 0);
      g_assert_cmpint (p->region.y + p->region.height, <=, dh);
    }
  else
    {
      g_assert_cmpint (p->region.y, <=, 0);
      g_assert_cmpint (ABS (-p->region.y - (p->region.y + p->region.height - dh)), <=, 1);
    }
  /* Output and send dimensions. */
  if (! gg_model_has_sizes (mm))
    g_assert_null (p->size);
  else
    g_assert_true (gg_model_has_size (mm, p->size));
  g_assert_true (gg_model_output_size (mm, p->size, p->ratio, &ow, &oh));
  g_assert_cmpint (p->out_width, ==, ow);
  g_assert_cmpint (p->out_height, ==, oh);
  g_assert_cmpint (p->send_width, <=, p->region.width);
  g_assert_cmpint (p->send_height, <=, p->region.height);
  g_assert_cmpint (p->send_width, <=, p->out_width);
  g_assert_cmpint (p->send_height, <=, p->out_height);
  g_assert_cmpfloat (fabs ((gdouble) p->send_width / p->send_height / r - 1), <, 0.01);
  /* The smallest size that holds the region (or the largest allowed). */
  if (p->size && (gdouble) ow * oh < (gdouble) p->region.width * p->region.height)
    g_assert_cmpstr (p->size, ==, max_size ? max_size
                     : mm->sizes[g_strv_length ((gchar **) mm->sizes) - 1]);
  if (p->size && p->size != mm->sizes[0])
    {
      gint i = 0, pw, ph;

      while (mm->sizes[i + 1] != NULL && g_strcmp0 (mm->sizes[i + 1], p->size) != 0)
        i++;
      g_assert_true (gg_model_output_size (mm, mm->sizes[i], p->ratio, &pw, &ph));
      g_assert_cmpfloat ((gdouble) pw * ph, <, (gdouble) p->region.width * p->region.height);
    }
}

static GgRegionPlan
plan_ok (const gchar *name, gint dw, gint dh, GgRect sel, const gchar *max_size)
{
  g_autoptr(GError) error = NULL;
  GgRegionOptions   options;
  GgRegionPlan      plan;
  const GgModel    *m = name ? model (name) : NULL;

  gg_region_options_init (&options);
  options.max_size = max_size;
  g_assert_true (gg_region_plan (m, dw, dh, &sel, &options, &plan, &error));
  g_assert_no_error (error);
  check_plan (m, dw, dh, &sel, max_size, &plan);
  g_test_message ("%s %dx%d sel %d,%d %dx%d -> region %d,%d %dx%d ratio %s size %s out %dx%d send %dx%d",
                  name ? name : "(unknown)", dw, dh, sel.x, sel.y, sel.width, sel.height,
                  plan.region.x, plan.region.y, plan.region.width, plan.region.height,
                  plan.ratio, plan.size ? plan.size : "-", plan.out_width, plan.out_height,
                  plan.send_width, plan.send_height);
  return plan;
}

static void
test_options (void)
{
  GgRegionOptions o;

  memset (&o, 0xff, sizeof o);
  gg_region_options_init (&o);
  g_assert_cmpint (o.pad_px, ==, 32);
  g_assert_cmpfloat (o.pad_pct, ==, 0.15);
  g_assert_null (o.max_size);
}

static void
test_plan_middle (void)
{
  GgRegionPlan p;

  /* 400x300 + (32 + 60) each side = 584x484 (1.21) -> 5:4, width grows to 605. */
  p = plan_ok (FLASH, 4000, 3000, (GgRect) { 1800, 1300, 400, 300 }, NULL);
  g_assert_cmpstr (p.ratio, ==, "5:4");
  g_assert_cmpint (p.region.width, ==, 605);
  g_assert_cmpint (p.region.height, ==, 484);
  g_assert_cmpint (p.region.y, ==, 1300 - 92);
  /* Centred on the selection. */
  g_assert_cmpint (ABS (p.region.x + p.region.width / 2 - 2000), <=, 1);
  g_assert_null (p.size);
  g_assert_cmpint (p.send_width, ==, 605);

  p = plan_ok (PRO, 4000, 3000, (GgRect) { 1800, 1300, 400, 300 }, NULL);
  g_assert_cmpstr (p.ratio, ==, "5:4");
  g_assert_cmpstr (p.size, ==, "1K");

  /* A large selection needs 2K, then 4K on Pro; Flash stays at its one size
   * and sends fewer pixels than the region. */
  p = plan_ok (PRO, 6000, 4000, (GgRect) { 1000, 1000, 1800, 1200 }, NULL);
  g_assert_cmpstr (p.size, ==, "4K");
  p = plan_ok (PRO, 6000, 4000, (GgRect) { 1000, 1000, 1200, 800 }, NULL);
  g_assert_cmpstr (p.size, ==, "2K");
  p = plan_ok (FLASH, 6000, 4000, (GgRect) { 1000, 1000, 1800, 1200 }, NULL);
  g_assert_cmpint (p.send_width, <=, p.out_width);
  g_assert_cmpint (p.send_width, <, p.region.width);
}

static void
test_plan_edge (void)
{
  GgRegionPlan p;

  /* Touching the left edge: the region slides right, never past 0. */
  p = plan_ok (FLASH, 4000, 3000, (GgRect) { 0, 1000, 300, 800 }, NULL);
  g_assert_cmpint (p.region.x, ==, 0);
  p = plan_ok (PRO, 4000, 3000, (GgRect) { 0, 1000, 300, 800 }, NULL);
  g_assert_cmpint (p.region.x, ==, 0);
  /* A wide strip along the bottom. */
  p = plan_ok (PRO, 4000, 3000, (GgRect) { 500, 2900, 2000, 100 }, NULL);
  g_assert_cmpint (p.region.y + p.region.height, ==, 3000);
  p = plan_ok (FLASH, 4000, 3000, (GgRect) { 500, 2900, 2000, 100 }, NULL);
  g_assert_cmpint (p.region.y + p.region.height, ==, 3000);
}

static void
test_plan_corner (void)
{
  GgRegionPlan p;

  p = plan_ok (FLASH, 4000, 3000, (GgRect) { 3700, 2800, 300, 200 }, NULL);
  g_assert_cmpint (p.region.x + p.region.width, ==, 4000);
  g_assert_cmpint (p.region.y + p.region.height, ==, 3000);
  p = plan_ok (PRO, 4000, 3000, (GgRect) { 0, 0, 120, 500 }, NULL);
  g_assert_cmpint (p.region.x, ==, 0);
  g_assert_cmpint (p.region.y, ==, 0);
}

static void
test_plan_small_drawable (void)
{
  GgRegionPlan p;

  /* 400x100 is wider than 21:9: the region must extend past the top and
   * bottom, the layer centred in it. */
  p = plan_ok (FLASH, 400, 100, (GgRect) { 0, 0, 0, 0 }, NULL);
  g_assert_cmpstr (p.ratio, ==, "21:9");
  g_assert_cmpint (p.region.width, ==, 400);
  g_assert_cmpint (p.region.height, ==, 171);
  g_assert_cmpint (p.region.y, ==, -35);
  p = plan_ok (PRO, 400, 100, (GgRect) { 150, 20, 50, 50 }, NULL);
  g_assert_cmpstr (p.size, ==, "1K");
  /* A tall sliver. */
  p = plan_ok (PRO, 60, 900, (GgRect) { 10, 400, 30, 30 }, NULL);
  p = plan_ok (FLASH, 60, 900, (GgRect) { 10, 400, 30, 30 }, NULL);
  p = plan_ok (FLASH, 1, 1, (GgRect) { 0, 0, 1, 1 }, NULL);
  g_assert_cmpstr (p.ratio, ==, "1:1");
}

static void
test_plan_no_selection (void)
{
  GgRegionPlan p;

  p = plan_ok (FLASH, 1920, 1080, (GgRect) { 0, 0, 0, 0 }, NULL);
  g_assert_cmpstr (p.ratio, ==, "16:9");
  g_assert_cmpint (p.region.x, ==, 0);
  g_assert_cmpint (p.region.width, ==, 1920);
  g_assert_cmpint (p.region.height, ==, 1080);
  g_assert_cmpint (p.send_width, ==, 1344);
  g_assert_cmpint (p.send_height, ==, 756);
  p = plan_ok (PRO, 1920, 1080, (GgRect) { 0, 0, 0, 0 }, NULL);
  g_assert_cmpstr (p.size, ==, "2K");
  g_assert_cmpint (p.send_width, ==, 1920);
  p = plan_ok (PRO, 4000, 3000, (GgRect) { 0, 0, 0, 0 }, NULL);
  g_assert_cmpstr (p.ratio, ==, "4:3");
  g_assert_cmpstr (p.size, ==, "4K");
  g_assert_cmpint (p.send_width, ==, 4000);
  /* Capped. */
  p = plan_ok (PRO, 4000, 3000, (GgRect) { 0, 0, 0, 0 }, "1K");
  g_assert_cmpstr (p.size, ==, "1K");
  g_assert_cmpint (p.send_height, ==, 896);
  g_assert_cmpint (p.send_width, ==, 1195);
  /* An unknown model: the default model's ratios, no size. */
  p = plan_ok (NULL, 1000, 700, (GgRect) { 0, 0, 0, 0 }, NULL);
  g_assert_null (p.size);
  /* The newer model's smallest size. */
  p = plan_ok ("gemini-3.1-flash-image", 1000, 700, (GgRect) { 400, 300, 80, 80 }, NULL);
  g_assert_cmpstr (p.size, ==, "512");
}

static void
test_plan_invalid (void)
{
  g_autoptr(GError) error = NULL;
  GgRegionPlan      p;
  GgRegionOptions   o;
  GgRect            outside = { 5000, 10, 100, 100 };
  GgRect            negative = { 10, 10, -5, 100 };
  GgRect            partly = { -50, -50, 100, 100 };

  g_assert_false (gg_region_plan (model (PRO), 1000, 1000, &outside, NULL, &p, &error));
  g_assert_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST);
  g_assert_cmpstr (error->message, ==, "The selection does not overlap the layer.");
  g_clear_error (&error);
  g_assert_false (gg_region_plan (model (PRO), 1000, 1000, &negative, NULL, &p, &error));
  g_assert_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST);
  g_clear_error (&error);
  g_assert_false (gg_region_plan (model (PRO), 0, 1000, NULL, NULL, &p, &error));
  g_assert_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST);
  g_clear_error (&error);
  gg_region_options_init (&o);
  o.max_size = "8K";
  g_assert_false (gg_region_plan (model (PRO), 1000, 1000, NULL, &o, &p, &error));
  g_assert_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST);
  g_assert_nonnull (strstr (error->message, "8K"));
  g_clear_error (&error);
  o.max_size = NULL;
  o.pad_px = -1;
  g_assert_false (gg_region_plan (model (PRO), 1000, 1000, NULL, &o, &p, &error));
  g_assert_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST);
  g_clear_error (&error);

  /* Partly outside: intersected. */
  g_assert_true (gg_region_plan (model (PRO), 1000, 1000, &partly, NULL, &p, &error));
  g_assert_no_error (error);
  g_assert_cmpint (p.selection.x, ==, 0);
  g_assert_cmpint (p.selection.width, ==, 50);
  /* Huge coordinates do not overflow. */
  {
    GgRect huge = { G_MAXINT - 10, G_MAXINT - 10, G_MAXINT, G_MAXINT };

    g_assert_false (gg_region_plan (model (PRO), 1000, 1000, &huge, NULL, &p, &error));
    g_assert_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST);
  }
}

/* Crop and scale */

static void
test_crop (void)
{
  g_autoptr(GgRaster) src = gg_raster_new (10, 8, NULL);
  g_autoptr(GgRaster) out = NULL;
  GgRect              rect = { -2, 5, 6, 6 };

  memset (src->pixels, 200, 10 * 8 * 4);
  src->pixels[(5 * 10 + 0) * 4] = 7;
  out = gg_raster_crop (src, &rect, NULL);
  g_assert_cmpint (out->width, ==, 6);
  g_assert_cmpint (out->pixels[(0 * 6 + 0) * 4 + 3], ==, 0);    /* outside: clear */
  g_assert_cmpint (out->pixels[(0 * 6 + 2) * 4], ==, 7);        /* src (0,5) */
  g_assert_cmpint (out->pixels[(2 * 6 + 5) * 4 + 3], ==, 200);  /* src (3,7) */
  g_assert_cmpint (out->pixels[(3 * 6 + 5) * 4 + 3], ==, 0);    /* below src */
}

static void
test_scale (void)
{
  g_autoptr(GgRaster) flat = gg_raster_new (300, 200, NULL);
  gint                sizes[][2] = { { 37, 23 }, { 900, 700 }, { 300, 50 } };

  for (gsize i = 0; i < (gsize) 300 * 200; i++)
    {
      flat->pixels[i * 4] = 200;
      flat->pixels[i * 4 + 1] = 100;
      flat->pixels[i * 4 + 2] = 30;
      flat->pixels[i * 4 + 3] = 255;
    }
  /* Down and up: a flat colour stays flat, to the edges, opaque. */
  for (guint k = 0; k < G_N_ELEMENTS (sizes); k++)
    {
      g_autoptr(GError)   error = NULL;
      g_autoptr(GgRaster) out = gg_raster_scale (flat, sizes[k][0], sizes[k][1], &error);

      g_assert_no_error (error);
      g_assert_cmpint (out->width, ==, sizes[k][0]);
      for (gsize i = 0; i < (gsize) out->width * out->height; i++)
        {
          g_assert_cmpint (ABS (out->pixels[i * 4] - 200), <=, 1);
          g_assert_cmpint (ABS (out->pixels[i * 4 + 1] - 100), <=, 1);
          g_assert_cmpint (ABS (out->pixels[i * 4 + 2] - 30), <=, 1);
          g_assert_cmpint (out->pixels[i * 4 + 3], ==, 255);
        }
    }

  /* Geometry: reducing (area path) and enlarging (GEGL) keep a ramp centred,
   * pixel i of the output at source (i + 0.5) W / w - 0.5. */
  {
    g_autoptr(GgRaster) ramp = gg_raster_new (200, 150, NULL);
    gint                outs[][2] = { { 47, 37 }, { 65, 48 }, { 150, 110 }, { 450, 350 } };

    for (gint y = 0; y < 150; y++)
      for (gint x = 0; x < 200; x++)
        {
          guint8 *p = ramp->pixels + (y * 200 + x) * 4;

          p[0] = (guint8) (20 + x);
          p[1] = (guint8) (20 + y);
          p[3] = 255;
        }
    for (guint k = 0; k < G_N_ELEMENTS (outs); k++)
      {
        g_autoptr(GgRaster) out = gg_raster_scale (ramp, outs[k][0], outs[k][1], NULL);
        gdouble             ex = 0, ey = 0, n = 0;

        for (gint y = 8; y < out->height - 8; y++)
          for (gint x = 8; x < out->width - 8; x++)
            {
              guint8 *p = out->pixels + (y * out->width + x) * 4;
              gdouble sxp = (x + 0.5) * 200 / out->width - 0.5;
              gdouble syp = (y + 0.5) * 150 / out->height - 0.5;

              ex += p[0] - (20 + sxp);
              ey += p[1] - (20 + syp);
              n++;
            }
        g_test_message ("ramp to %dx%d: mean error %.3f %.3f levels", out->width,
                        out->height, ex / n, ey / n);
        g_assert_cmpfloat (fabs (ex / n), <, 0.2);   /* ties at .5 round one way */
        g_assert_cmpfloat (fabs (ey / n), <, 0.2);
      }
  }

  /* Premultiplied: a red pixel next to transparent black does not go dark. */
  {
    g_autoptr(GgRaster) half = gg_raster_new (64, 64, NULL);
    g_autoptr(GgRaster) out = NULL;

    for (gint y = 0; y < 64; y++)
      for (gint x = 0; x < 32; x++)
        {
          guint8 *p = half->pixels + (y * 64 + x) * 4;

          p[0] = 255;
          p[3] = 255;
        }
    out = gg_raster_scale (half, 21, 21, NULL);
    for (gint x = 0; x < 21; x++)
      {
        guint8 *p = out->pixels + (10 * 21 + x) * 4;

        if (p[3] > 16)
          g_assert_cmpint (p[0], >=, 245);
      }
  }
}

/* Placing */

/* A band-limited texture (periods 9 to 60 px) in [40, 200]. */
static gdouble
texture (gint c, gdouble x, gdouble y)
{
  return 120
    + 30 * sin (x * 0.31 + y * 0.12 + c)
    + 25 * cos (x * 0.07 - y * 0.23 + 2 * c)
    + 15 * sin (x * 0.5 + y * 0.45 + 0.5 * c)
    + 10 * cos (0.11 * hypot (x - 100, y - 70));
}

typedef struct
{
  gdouble gain[3], offset[3];
} Tint;

/* The original region, and the model's answer at out size: the original's
 * content moved by (sx, sy) region pixels and tinted, with the selection's
 * inside replaced by something else (the edit). */
static void
make_case_scaled (const GgRegionPlan *plan, gdouble sx, gdouble sy, gdouble scale,
                  const Tint *tint, GgRaster **original, GgRaster **answer)
{
  gint rw = plan->region.width, rh = plan->region.height;
  gint aw = plan->out_width, ah = plan->out_height;
  gint selx = plan->selection.x - plan->region.x, sely = plan->selection.y - plan->region.y;

  *original = gg_raster_new (rw, rh, NULL);
  *answer = gg_raster_new (aw, ah, NULL);
  for (gint y = 0; y < rh; y++)
    for (gint x = 0; x < rw; x++)
      for (gint c = 0; c < 4; c++)
        (*original)->pixels[((gsize) y * rw + x) * 4 + c] =
          c == 3 ? 255 : (guint8) floor (texture (c, x, y) + 0.5);
  for (gint v = 0; v < ah; v++)
    for (gint u = 0; u < aw; u++)
      {
        /* This answer pixel's centre, in region pixel coordinates. */
        gdouble x = (u + 0.5) * rw / aw - 0.5, y = (v + 0.5) * rh / ah - 0.5;
        /* Content at original p shows at C + scale (p - C) + shift. */
        gdouble ox = (rw - 1) / 2.0 + (x - (rw - 1) / 2.0 - sx) / scale;
        gdouble oy = (rh - 1) / 2.0 + (y - (rh - 1) / 2.0 - sy) / scale;
        gboolean edited = ox >= selx + 4 && ox < selx + plan->selection.width - 4 &&
                          oy >= sely + 4 && oy < sely + plan->selection.height - 4;
        guint8  *p = (*answer)->pixels + ((gsize) v * aw + u) * 4;

        for (gint c = 0; c < 3; c++)
          {
            gdouble val = edited ? 240 - 60 * (((gint) (ox / 12) + (gint) (oy / 12)) & 1)
                                 : texture (c, ox, oy);

            p[c] = (guint8) CLAMP (floor (tint->gain[c] * val + tint->offset[c] + 0.5), 0, 255);
          }
        p[3] = 255;
      }
}

static void
make_case (const GgRegionPlan *plan, gdouble sx, gdouble sy, const Tint *tint,
           GgRaster **original, GgRaster **answer)
{
  make_case_scaled (plan, sx, sy, 1.0, tint, original, answer);
}

/* Mean signed and absolute differences on the ring, inside a margin. */
static void
ring_error (const GgRegionPlan *plan, const GgRaster *a, const GgRaster *b,
            gdouble bias[3], gdouble *mad)
{
  gint    rw = a->width, rh = a->height, m = 8;
  gint    sx0 = plan->selection.x - plan->region.x - 6, sy0 = plan->selection.y - plan->region.y - 6;
  gint    sx1 = sx0 + plan->selection.width + 12, sy1 = sy0 + plan->selection.height + 12;
  gdouble n = 0, sum[3] = { 0 }, abs_sum = 0;

  for (gint y = m; y < rh - m; y++)
    for (gint x = m; x < rw - m; x++)
      {
        if (x >= sx0 && x < sx1 && y >= sy0 && y < sy1)
          continue;
        n++;
        for (gint c = 0; c < 3; c++)
          {
            gdouble d = (gdouble) a->pixels[((gsize) y * rw + x) * 4 + c] -
                        b->pixels[((gsize) y * rw + x) * 4 + c];

            sum[c] += d;
            abs_sum += fabs (d);
          }
      }
  g_assert_cmpfloat (n, >, 1000);
  for (gint c = 0; c < 3; c++)
    bias[c] = sum[c] / n;
  *mad = abs_sum / (3 * n);
}

static void
check_place (const gchar *name, gint dw, gint dh, GgRect sel, gdouble sx, gdouble sy,
             gdouble scale)
{
  GgRegionPlan        plan = plan_ok (name, dw, dh, sel, NULL);
  Tint                tint = { { 1.08, 0.95, 1.03 }, { -6, 7, 3 } };
  g_autoptr(GgRaster) original = NULL;
  g_autoptr(GgRaster) answer = NULL;
  g_autoptr(GgRaster) placed = NULL;
  g_autoptr(GgRaster) naive = NULL;
  g_autoptr(GError)   error = NULL;
  GgPlaceReport       report;
  gdouble             bias[3], mad, naive_bias[3], naive_mad, err;
  gint64              t;

  make_case_scaled (&plan, sx, sy, scale, &tint, &original, &answer);
  t = g_get_monotonic_time ();
  placed = gg_region_place_full (&plan, original, answer, &report, &error);
  t = g_get_monotonic_time () - t;
  g_assert_no_error (error);
  g_assert_cmpint (placed->width, ==, plan.region.width);
  g_assert_cmpint (placed->height, ==, plan.region.height);

  err = hypot (report.dx - sx, report.dy - sy);
  ring_error (&plan, placed, original, bias, &mad);
  naive = gg_raster_scale (answer, plan.region.width, plan.region.height, NULL);
  ring_error (&plan, naive, original, naive_bias, &naive_mad);
  g_test_message ("%s region %dx%d answer %dx%d: shift (%.3f, %.3f) for (%.2f, %.2f), "
                  "error %.3f px, scale %.5f, residual %.2f, %s; ring bias %.2f %.2f %.2f, "
                  "mean |diff| %.2f (unaligned: %.2f); gains %.3f %.3f %.3f; %.0f ms",
                  name, plan.region.width, plan.region.height, plan.out_width, plan.out_height,
                  report.dx, report.dy, sx, sy, err, report.scale, report.residual,
                  report.whole_frame ? "whole frame" : "ring",
                  bias[0], bias[1], bias[2], mad, naive_mad,
                  report.gain[0], report.gain[1], report.gain[2], t / 1000.0);
  g_assert_true (report.realigned);
  g_assert_cmpfloat (err, <, 0.25);
  g_assert_cmpfloat (fabs (report.scale - scale), <, 0.001);
  for (gint c = 0; c < 3; c++)
    g_assert_cmpfloat (fabs (bias[c]), <, 2.0);
  g_assert_cmpfloat (mad, <, 2.5);
  g_assert_cmpfloat (mad, <, naive_mad / 2);
  /* Opaque original: opaque result. */
  g_assert_false (gg_raster_has_alpha (placed));
}

static void
test_place_shifted (void)
{
  /* The brief's case: (3.4, -2.2) px and a tint, for both models. */
  check_place (FLASH, 800, 600, (GgRect) { 300, 220, 200, 160 }, 3.4, -2.2, 1.0);
  check_place (PRO, 800, 600, (GgRect) { 300, 220, 200, 160 }, 3.4, -2.2, 1.0);
  /* The answer smaller than the region (Flash, large selection). */
  check_place (FLASH, 2400, 1800, (GgRect) { 600, 500, 1000, 700 }, -4.6, 1.3, 1.0);
  /* No shift at all must not invent one. */
  check_place (PRO, 800, 600, (GgRect) { 300, 220, 200, 160 }, 0.0, 0.0, 1.0);
  /* Slightly rescaled as well as shifted. */
  check_place (PRO, 800, 600, (GgRect) { 300, 220, 200, 160 }, 1.5, 2.0, 1.012);
}

static void
test_place_no_selection (void)
{
  /* No selection: measured on the whole frame, which here is all context
   * except the small edited square in the middle. */
  GgRegionPlan        plan = plan_ok (PRO, 640, 480, (GgRect) { 0, 0, 0, 0 }, NULL);
  Tint                tint = { { 1, 1, 1 }, { 0, 0, 0 } };
  g_autoptr(GgRaster) original = NULL;
  g_autoptr(GgRaster) answer = NULL;
  g_autoptr(GgRaster) placed = NULL;
  GgPlaceReport       report;
  GgRegionPlan        edit = plan;

  /* make_case edits inside plan.selection: use a small square for that. */
  edit.selection = (GgRect) { 300, 220, 40, 40 };
  make_case (&edit, 1.7, 2.6, &tint, &original, &answer);
  placed = gg_region_place_full (&plan, original, answer, &report, NULL);
  g_test_message ("whole frame: shift (%.3f, %.3f) for (1.7, 2.6)", report.dx, report.dy);
  g_assert_true (report.whole_frame);
  g_assert_true (report.realigned);
  g_assert_cmpfloat (hypot (report.dx - 1.7, report.dy - 2.6), <, 0.25);
}

static void
test_place_alpha_and_flat (void)
{
  GgRegionPlan        plan = plan_ok (FLASH, 512, 512, (GgRect) { 200, 200, 100, 100 }, NULL);
  g_autoptr(GgRaster) original = gg_raster_new (plan.region.width, plan.region.height, NULL);
  g_autoptr(GgRaster) answer = gg_raster_new (plan.out_width, plan.out_height, NULL);
  g_autoptr(GgRaster) placed = NULL;
  g_autoptr(GError)   error = NULL;
  GgPlaceReport       report;
  gsize               n = (gsize) original->width * original->height;

  /* A flat grey original with a transparent left third, a flat answer a
   * little darker: nothing to align on, so no shift; colour matched;
   * alpha comes back from the original. */
  for (gsize i = 0; i < n; i++)
    {
      original->pixels[i * 4] = original->pixels[i * 4 + 1] = original->pixels[i * 4 + 2] = 128;
      original->pixels[i * 4 + 3] = (i % original->width) < (gsize) original->width / 3 ? 0 : 255;
    }
  for (gsize i = 0; i < (gsize) answer->width * answer->height; i++)
    {
      answer->pixels[i * 4] = answer->pixels[i * 4 + 1] = answer->pixels[i * 4 + 2] = 120;
      answer->pixels[i * 4 + 3] = 255;
    }
  placed = gg_region_place_full (&plan, original, answer, &report, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (fabs (report.dx), <, 1e-9);
  g_assert_cmpfloat (fabs (report.dy), <, 1e-9);
  for (gsize i = 0; i < n; i++)
    {
      g_assert_cmpint (placed->pixels[i * 4 + 3], ==, original->pixels[i * 4 + 3]);
      g_assert_cmpint (ABS (placed->pixels[i * 4] - 128), <=, 1);
    }

  /* Mismatched sizes are an error, not a crash. */
  {
    g_autoptr(GgRaster) wrong = gg_raster_new (10, 10, NULL);
    g_autoptr(GgRaster) r = gg_region_place (&plan, wrong, answer, &error);

    g_assert_null (r);
    g_assert_error (error, GG_ERROR, GG_ERROR_FAILED);
  }
}

/* 4K scale timing (-m perf or GG_PERF=1). */
static void
test_perf_scale (void)
{
  g_autoptr(GgRaster) big = NULL;
  g_autoptr(GgRaster) out = NULL;
  gint64              t;

  if (! g_test_perf () && g_getenv ("GG_PERF") == NULL)
    {
      g_test_skip ("timings run with -m perf or GG_PERF=1");
      return;
    }
  big = gg_raster_new (4096, 4096, NULL);
  for (gsize i = 0; i < (gsize) 4096 * 4096 * 4; i++)
    big->pixels[i] = (guint8) (i * 2654435761u >> 24);
  t = g_get_monotonic_time ();
  out = gg_raster_scale (big, 1024, 1024, NULL);
  g_printerr ("scale 4096^2 -> 1024^2 (area): %.0f ms\n", (g_get_monotonic_time () - t) / 1000.0);
  g_clear_pointer (&out, gg_raster_free);
  t = g_get_monotonic_time ();
  out = gg_raster_scale (big, 3000, 3000, NULL);
  g_printerr ("scale 4096^2 -> 3000^2 (cubic): %.0f ms\n", (g_get_monotonic_time () - t) / 1000.0);
  g_clear_pointer (&out, gg_raster_free);
  g_clear_pointer (&big, gg_raster_free);
  big = gg_raster_new (1024, 1024, NULL);
  t = g_get_monotonic_time ();
  out = gg_raster_scale (big, 4096, 4096, NULL);
  g_printerr ("scale 1024^2 -> 4096^2 (cubic): %.0f ms\n", (g_get_monotonic_time () - t) / 1000.0);
  g_clear_pointer (&out, gg_raster_free);

  /* A whole 4K placement. */
  {
    GgRegionPlan        plan = plan_ok (PRO, 5000, 4000, (GgRect) { 1000, 1000, 3000, 2000 }, NULL);
    Tint                tint = { { 1, 1, 1 }, { 0, 0, 0 } };
    g_autoptr(GgRaster) original = NULL;
    g_autoptr(GgRaster) answer = NULL;
    GgPlaceReport       report;

    make_case (&plan, 2.5, 1.5, &tint, &original, &answer);
    t = g_get_monotonic_time ();
    out = gg_region_place_full (&plan, original, answer, &report, NULL);
    g_printerr ("place %dx%d from %dx%d: %.0f ms, shift (%.3f, %.3f) for (2.5, 1.5)\n",
                plan.region.width, plan.region.height, plan.out_width, plan.out_height,
                (g_get_monotonic_time () - t) / 1000.0, report.dx, report.dy);
  }
}

/* Under -DGG_SANITIZE=ON: GEGL and babl, and the libraries GEGL's modules
 * pull in when it loads them, keep allocations for the life of the process
 * that gegl_exit () does not return.  Full stacks make the suppressions
 * below match those, and only those; our own leaks still fail the test.
 * Without the sanitizers nothing calls these. */
const char *__asan_default_options (void);
const char *__lsan_default_suppressions (void);

G_GNUC_UNUSED const char *
__asan_default_options (void)
{
  return "fast_unwind_on_malloc=0:malloc_context_size=40";
}

G_GNUC_UNUSED const char *
__lsan_default_suppressions (void)
{
  return "leak:libbabl-0.1.so\n"
         "leak:libgegl-0.4.so\n"
         "leak:/gegl-0.4/\n"
         "leak:_dl_init\n"
         "leak:_dl_open\n";
}

int
main (int argc, char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/region/options", test_options);
  g_test_add_func ("/region/plan/middle", test_plan_middle);
  g_test_add_func ("/region/plan/edge", test_plan_edge);
  g_test_add_func ("/region/plan/corner", test_plan_corner);
  g_test_add_func ("/region/plan/small-drawable", test_plan_small_drawable);
  g_test_add_func ("/region/plan/no-selection", test_plan_no_selection);
  g_test_add_func ("/region/plan/invalid", test_plan_invalid);
  g_test_add_func ("/region/crop", test_crop);
  g_test_add_func ("/region/scale", test_scale);
  g_test_add_func ("/region/place/shifted", test_place_shifted);
  g_test_add_func ("/region/place/no-selection", test_place_no_selection);
  g_test_add_func ("/region/place/alpha-and-flat", test_place_alpha_and_flat);
  g_test_add_func ("/region/perf", test_perf_scale);
  rc = g_test_run ();
  gg_pixels_shutdown ();
  return rc;
}
