/* gg-mask.c: the mask of the layer that holds an edit.
 *
 * Growing and the morphology of the changed-pixels mask use an exact
 * Euclidean distance transform (the lower envelope of parabolas, two 1-D
 * passes), so a grow of 40 px costs what a grow of 1 px does and is a true
 * disc, not a square.  The feather is a true separable Gaussian, but a
 * pixel whose whole window is constant is copied instead of summed: masks
 * are flat almost everywhere, so the cost follows the length of the edge,
 * not the area times the kernel (an 8000 x 6000 selection stays fast).
 */
#include "gg-mask.h"
#include "gg-memory.h"
#include "gg-error.h"

#include <math.h>
#include <string.h>

#define RGBA 4

/* A distance larger than any raster's diagonal squared. */
#define FAR 1e20f

GgMask *
gg_mask_new (gint width, gint height, GError **error)
{
  GgMask *mask;
  guint8 *data;

  if (width <= 0 || height <= 0 || (gsize) width > G_MAXSIZE / (gsize) height)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                   "A mask of %d x %d pixels is not possible.", width, height);
      return NULL;
    }
  data = g_try_malloc0 ((gsize) width * height);
  if (data == NULL)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_TOO_LARGE,
                   "Not enough memory for a mask of %d x %d pixels.", width, height);
      return NULL;
    }
  mask = g_new (GgMask, 1);
  mask->width = width;
  mask->height = height;
  mask->data = data;
  return mask;
}

void
gg_mask_free (GgMask *mask)
{
  if (mask == NULL)
    return;
  g_free (mask->data);
  g_free (mask);
}

GgMask *
gg_mask_crop (const GgMask *mask, const GgRect *rect, GError **error)
{
  GgMask *dst;
  gint64  x0, y0, x1, y1;

  g_return_val_if_fail (mask != NULL && rect != NULL, NULL);
  dst = gg_mask_new (rect->width, rect->height, error);
  if (dst == NULL)
    return NULL;
  x0 = MAX ((gint64) rect->x, 0);
  y0 = MAX ((gint64) rect->y, 0);
  x1 = MIN ((gint64) rect->x + rect->width, mask->width);
  y1 = MIN ((gint64) rect->y + rect->height, mask->height);
  for (gint64 y = y0; y < y1 && x0 < x1; y++)
    memcpy (dst->data + (gsize) (y - rect->y) * rect->width + (gsize) (x0 - rect->x),
            mask->data + (gsize) y * mask->width + (gsize) x0, (gsize) (x1 - x0));
  return dst;
}

void
gg_mask_options_init (GgMaskOptions *options)
{
  g_return_if_fail (options != NULL);
  options->grow = 4.0;
  options->feather = GG_MASK_FEATHER_AUTO;
}

gdouble
gg_mask_feather_px (const GgMaskOptions *options, gint width, gint height)
{
  if (options == NULL || options->feather < 0)
    return CLAMP (0.1 * MIN (width, height), GG_MASK_FEATHER_MIN, GG_MASK_FEATHER_MAX);
  return options->feather;
}

gboolean
gg_mask_bounds (const GgMask *mask, GgRect *bounds)
{
  gint x0 = mask->width, y0 = mask->height, x1 = -1, y1 = -1;

  for (gint y = 0; y < mask->height; y++)
    {
      const guint8 *row = mask->data + (gsize) y * mask->width;

      for (gint x = 0; x < mask->width; x++)
        if (row[x] != 0)
          {
            x0 = MIN (x0, x);
            x1 = MAX (x1, x);
            y0 = MIN (y0, y);
            y1 = y;
          }
    }
  if (x1 < 0)
    return FALSE;
  *bounds = (GgRect) { x0, y0, x1 - x0 + 1, y1 - y0 + 1 };
  return TRUE;
}

/* Distance transform */

/* One line of the squared distance transform: d[i] = min_j (f[j] + (i-j)^2)
 * over n samples @stride apart, by the lower envelope of the parabolas
 * rooted at each j (Felzenszwalb and Huttenlocher's construction).  @v, @z
 * and @tmp are scratch of n, n + 1 and n entries. */
static void
edt_line (gfloat *f, gsize stride, gint n, gint *v, gfloat *z, gfloat *tmp)
{
  gint k = -1;

  for (gint q = 0; q < n; q++)
    {
      gfloat fq = f[(gsize) q * stride];
      gfloat s = 0;

      if (fq >= FAR)
        continue;
      while (k >= 0)
        {
          gint p = v[k];

          s = ((fq + (gfloat) q * q) - (f[(gsize) p * stride] + (gfloat) p * p)) / (2.0f * (q - p));
          if (s > z[k])
            break;
          k--;
        }
      k++;
      v[k] = q;
      z[k] = k == 0 ? -FAR : s;
      z[k + 1] = FAR;
    }
  if (k < 0)
    return;                         /* nothing here: stays FAR */
  for (gint q = 0, j = 0; q < n; q++)
    {
      gfloat d;

      while (z[j + 1] < q)
        j++;
      d = (gfloat) (q - v[j]);
      tmp[q] = d * d + f[(gsize) v[j] * stride];
    }
  for (gint q = 0; q < n; q++)
    f[(gsize) q * stride] = tmp[q];
}

/* Squared Euclidean distance from every pixel to the nearest pixel where
 * @in[i] == @want (FAR when there is none).  g_free. */
static gfloat *
edt (const guint8 *in, gint w, gint h, gboolean want)
{
  gsize   n = (gsize) w * h;
  gint    m = MAX (w, h);
  gfloat *f = g_new (gfloat, n);
  gint   *v = g_new (gint, m);
  gfloat *z = g_new (gfloat, m + 1);
  gfloat *tmp = g_new (gfloat, m);

  for (gsize i = 0; i < n; i++)
    f[i] = ((in[i] != 0) == want) ? 0.0f : FAR;
  for (gint x = 0; x < w; x++)
    edt_line (f + x, w, h, v, z, tmp);
  for (gint y = 0; y < h; y++)
    edt_line (f + (gsize) y * w, 1, w, v, z, tmp);
  g_free (v);
  g_free (z);
  g_free (tmp);
  return f;
}

/* Radii up to this go through dilate_window, larger ones through the
 * distance transform. */
#define WINDOW_MAX 16

/* Dilation of the pixels equal to @value (0 or 1) of a 0/1 map by a disc of
 * radius @r (0 < r, floor (r) <= WINDOW_MAX): afterwards a pixel is
 * @value when a pixel of @value lay within @r (Euclidean), exactly as the
 * distance transform says, else 1 - @value.  Squared distances along each
 * row first, then per row the minimum over the 2 floor (r) + 1 rows around
 * it of (row distance + dy^2): whole rows at a time, which the compiler
 * vectorises, where the transform's column pass strides through memory
 * (a 4 px grow of a 3444 x 2572 region: 0.44 s with the transform). */
static void
dilate_window (guint8 *set, gint w, gint h, gdouble r, guint8 value)
{
  gint     R = (gint) floor (r);
  guint16  none = (guint16) ((R + 1) * (R + 1));   /* nothing within R */
  guint16  r2 = (guint16) floor (r * r + 1e-9);
  guint16 *g = g_new (guint16, (gsize) w * h);
  guint16 *best = g_new (guint16, w);
  gint    *near = g_new0 (gint, h + 1);    /* prefix counts of rows with @value */
  gint     x0 = w, x1 = -1;

  /* Only the columns and rows within R of a pixel of @value can become
   * @value: a selection's grow skips the rest of the region. */
  for (gint y = 0; y < h; y++)
    {
      const guint8 *row = set + (gsize) y * w;
      const guint8 *first = memchr (row, value, w);

      near[y + 1] = near[y] + (first != NULL);
      if (first != NULL)
        {
          gint last = w - 1;

          while (row[last] != value)
            last--;
          x0 = MIN (x0, (gint) (first - row));
          x1 = MAX (x1, last);
        }
    }
  x0 = MAX (0, x0 - R);
  x1 = MIN (w - 1, x1 + R);

  for (gint y = 0; y < h; y++)
    {
      const guint8 *row = set + (gsize) y * w;
      guint16      *gr = g + (gsize) y * w;
      gint          d = R + 1;

      if (near[MIN (h, y + R + 1)] == near[MAX (0, y - R)])
        continue;                 /* not read: no row of @value within R */

      for (gint x = 0; x < w; x++)
        {
          d = row[x] == value ? 0 : MIN (d + 1, R + 1);
          gr[x] = (guint16) d;
        }
      d = R + 1;
      for (gint x = w - 1; x >= 0; x--)
        {
          d = row[x] == value ? 0 : MIN (d + 1, R + 1);
          gr[x] = (guint16) MIN (gr[x], d);
        }
      for (gint x = 0; x < w; x++)
        gr[x] = gr[x] > R ? none : (guint16) (gr[x] * gr[x]);
    }
  for (gint y = 0; y < h; y++)
    {
      guint8 *row = set + (gsize) y * w;

      if (near[MIN (h, y + R + 1)] == near[MAX (0, y - R)])
        {
          memset (row, 1 - value, w);
          continue;
        }
      memset (row, 1 - value, x0);
      memset (row + x1 + 1, 1 - value, w - 1 - x1);
      if (x1 < x0)
        continue;
      memcpy (best + x0, g + (gsize) y * w + x0, sizeof (guint16) * (x1 - x0 + 1));
      for (gint dy = 1; dy <= R && dy * dy <= r2; dy++)
        {
          guint16 dd = (guint16) (dy * dy);

          /* A row with no pixel of @value within R holds "none" only:
           * it cannot lower anything. */
          if (y - dy >= 0 && near[MIN (h, y - dy + R + 1)] != near[MAX (0, y - dy - R)])
            {
              const guint16 *up = g + (gsize) (y - dy) * w;

              for (gint x = x0; x <= x1; x++)
                best[x] = MIN (best[x], (guint16) (up[x] + dd));
            }
          if (y + dy < h && near[MIN (h, y + dy + R + 1)] != near[MAX (0, y + dy - R)])
            {
              const guint16 *down = g + (gsize) (y + dy) * w;

              for (gint x = x0; x <= x1; x++)
                best[x] = MIN (best[x], (guint16) (down[x] + dd));
            }
        }
      for (gint x = x0; x <= x1; x++)
        row[x] = best[x] <= r2 ? value : (guint8) (1 - value);
    }
  g_free (g);
  g_free (best);
  g_free (near);
}

/* Binary morphology with a disc of radius @r on a 0/1 map, in place:
 * r > 0 dilates, r < 0 erodes (pixels outside the map are ignored). */
static void
morph (guint8 *set, gint w, gint h, gdouble r)
{
  gsize   n = (gsize) w * h;
  gfloat *d;
  gfloat  r2 = (gfloat) (r * r);

  if (r == 0)
    return;
  /* Eroding the set is dilating its complement (inside the map). */
  if (fabs (r) < WINDOW_MAX + 1)
    {
      if (fabs (r) >= 1)
        dilate_window (set, w, h, fabs (r), r > 0 ? 1 : 0);
      return;            /* below 1 px no other pixel is within reach */
    }
  if (r > 0)
    {
      d = edt (set, w, h, TRUE);
      for (gsize i = 0; i < n; i++)
        set[i] = d[i] <= r2;
    }
  else
    {
      d = edt (set, w, h, FALSE);
      for (gsize i = 0; i < n; i++)
        set[i] = set[i] && d[i] > r2;
    }
  g_free (d);
}

GgMask *
gg_mask_grow (const GgMask *selection, gdouble grow, GError **error)
{
  GgMask *out;
  gsize   n;

  g_return_val_if_fail (selection != NULL, NULL);
  /* The distance transform: a float a pixel (gg-memory.h). */
  if (! gg_memory_check ((gsize) 4 * selection->width * selection->height,
                         selection->width, selection->height,
                         "grow the selection in", error))
    return NULL;
  out = gg_mask_new (selection->width, selection->height, error);
  if (out == NULL)
    return NULL;
  n = (gsize) out->width * out->height;
  {
    /* Local pointers: through the structs the compiler must assume they
     * alias, and the loops would not vectorise. */
    const guint8 *in = selection->data;
    guint8       *set = out->data;

    for (gsize i = 0; i < n; i++)
      set[i] = in[i] >= 128;
    morph (set, out->width, out->height, isfinite (grow) ? grow : 0);
    for (gsize i = 0; i < n; i++)
      set[i] = set[i] ? 255 : 0;
  }
  return out;
}

/* Gaussian blur */

/* One pass of a 1-D convolution with the symmetric @kernel (taps -r..r,
 * edges clamped) along lines of @n samples @stride apart, from @in to
 * @out.  Where the window holds one value only, that value is copied. */
static void
blur_line (const gfloat *in, gfloat *out, gsize stride, gint n,
           const gfloat *kernel, gint r, gint *last_change)
{
  /* last_change[i]: the largest j <= i with in[j] != in[j-1] (0 if none). */
  last_change[0] = 0;
  for (gint i = 1; i < n; i++)
    last_change[i] = in[(gsize) i * stride] != in[(gsize) (i - 1) * stride] ? i : last_change[i - 1];
  for (gint i = 0; i < n; i++)
    {
      gint hi = MIN (i + r, n - 1), lo = MAX (i - r, 0);
      gfloat s = 0;

      if (last_change[hi] <= lo)
        {
          out[(gsize) i * stride] = in[(gsize) i * stride];
          continue;
        }
      for (gint k = -r; k <= r; k++)
        s += kernel[k + r] * in[(gsize) CLAMP (i + k, 0, n - 1) * stride];
      out[(gsize) i * stride] = s;
    }
}

/* Separable Gaussian of standard deviation @sigma (taps to 3 sigma), in
 * place on a w x h float plane.  The vertical pass goes row by row (a
 * column walk strides through memory): a plane of where each column last
 * changed says which pixels have a constant window, and those are copied. */
static void
gaussian (gfloat *plane, gint w, gint h, gdouble sigma)
{
  gint    r = MAX (1, (gint) ceil (3 * sigma));
  gfloat *kernel = g_new (gfloat, 2 * r + 1);
  gfloat *tmp = g_new (gfloat, (gsize) w * h);
  gint   *last = g_new (gint, MAX (w, h));
  gint   *changed = g_new (gint, (gsize) w * h);
  gint   *rows_changed = g_new (gint, h);
  gdouble sum = 0;

  for (gint k = -r; k <= r; k++)
    sum += kernel[k + r] = (gfloat) exp (-(k * k) / (2 * sigma * sigma));
  for (gint k = 0; k <= 2 * r; k++)
    kernel[k] = (gfloat) (kernel[k] / sum);
  /* A row like the one above it (most rows of a rectangle) blurs alike. */
  for (gint y = 0; y < h; y++)
    {
      const gfloat *row = plane + (gsize) y * w;

      if (y > 0 && memcmp (row, row - w, sizeof (gfloat) * w) == 0)
        memcpy (tmp + (gsize) y * w, tmp + (gsize) (y - 1) * w, sizeof (gfloat) * w);
      else
        blur_line (row, tmp + (gsize) y * w, 1, w, kernel, r, last);
    }

  /* changed[y][x]: the largest j <= y with tmp[j][x] != tmp[j-1][x] (0 if
   * none); rows_changed[y]: how many rows up to y differ from the one
   * above. */
  memset (changed, 0, sizeof (gint) * w);
  rows_changed[0] = 0;
  for (gint y = 1; y < h; y++)
    {
      const gfloat *row = tmp + (gsize) y * w, *above = row - w;
      const gint   *cprev = changed + (gsize) (y - 1) * w;
      gint         *crow = changed + (gsize) y * w;

      if (memcmp (row, above, sizeof (gfloat) * w) == 0)
        {
          rows_changed[y] = rows_changed[y - 1];
          memcpy (crow, cprev, sizeof (gint) * w);
          continue;
        }
      rows_changed[y] = rows_changed[y - 1] + 1;
      for (gint x = 0; x < w; x++)
        crow[x] = row[x] != above[x] ? y : cprev[x];
    }
  for (gint y = 0; y < h; y++)
    {
      gint          hi = MIN (y + r, h - 1), lo = MAX (y - r, 0);
      const gint   *chi = changed + (gsize) hi * w;
      const gfloat *mid = tmp + (gsize) y * w;
      gfloat       *out = plane + (gsize) y * w;

      /* The whole window is one row repeated: nothing to sum. */
      memcpy (out, mid, sizeof (gfloat) * w);
      if (rows_changed[hi] == rows_changed[lo])
        continue;
      for (gint x = 0; x < w; x++)
        {
          gfloat s = 0;

          if (chi[x] <= lo)
            continue;
          for (gint k = -r; k <= r; k++)
            s += kernel[k + r] * tmp[(gsize) CLAMP (y + k, 0, h - 1) * w + x];
          out[x] = s;
        }
    }
  g_free (kernel);
  g_free (tmp);
  g_free (last);
  g_free (changed);
  g_free (rows_changed);
}

/* The feather of a 0/255 grown mask, in place: 2 G(sigma) - 1, clamped,
 * and 0 wherever the grown mask is 0.  Only the grown mask's bounds and a
 * kernel's reach around them are blurred: outside them the mask stays 0
 * whatever the blur says, and the rest of the region is not even read. */
static void
feather (GgMask *grown, gdouble px)
{
  gint    reach = MAX (1, (gint) ceil (3 * px / 2.0));
  GgRect  b;
  gsize   n;
  gfloat *plane;

  if (! (px > 0) || ! gg_mask_bounds (grown, &b))
    return;
  b.x = MAX (0, b.x - reach);
  b.y = MAX (0, b.y - reach);
  b.width = MIN (grown->width, b.x + b.width + 2 * reach) - b.x;
  b.height = MIN (grown->height, b.y + b.height + 2 * reach) - b.y;
  n = (gsize) b.width * b.height;
  plane = g_new (gfloat, n);
  for (gint y = 0; y < b.height; y++)
    for (gint x = 0; x < b.width; x++)
      plane[(gsize) y * b.width + x] =
        grown->data[(gsize) (y + b.y) * grown->width + x + b.x] ? 1.0f : 0.0f;
  gaussian (plane, b.width, b.height, px / 2.0);
  for (gint y = 0; y < b.height; y++)
    {
      guint8       *m = grown->data + (gsize) (y + b.y) * grown->width + b.x;
      const gfloat *p = plane + (gsize) y * b.width;

      for (gint x = 0; x < b.width; x++)
        {
          /* Clamped first, so truncation rounds (floor (v 255 + 0.5)). */
          gfloat v = CLAMP (2.0f * p[x] - 1.0f, 0.0f, 1.0f);

          m[x] = m[x] == 0 ? 0 : (guint8) (gint) (v * 255.0f + 0.5f);
        }
    }
  g_free (plane);
}

GgMask *
gg_mask_from_selection (const GgMask        *selection,
                        const GgMaskOptions *options,
                        GError             **error)
{
  GgMaskOptions defaults;
  GgMask       *out;
  GgRect        bounds;

  g_return_val_if_fail (selection != NULL, NULL);
  if (options == NULL)
    {
      gg_mask_options_init (&defaults);
      options = &defaults;
    }
  /* The feather's blur: three planes of 4 bytes a pixel (gg-memory.h). */
  if (! gg_memory_check ((gsize) 12 * selection->width * selection->height,
                         selection->width, selection->height,
                         "feather the selection in", error))
    return NULL;
  out = gg_mask_grow (selection, options->grow, error);
  if (out == NULL)
    return NULL;
  if (gg_mask_bounds (selection, &bounds))
    feather (out, gg_mask_feather_px (options, bounds.width, bounds.height));
  return out;
}

/* Changed pixels */

void
gg_changed_options_init (GgChangedOptions *options)
{
  g_return_if_fail (options != NULL);
  options->threshold = 10.0;
  options->clean = 2.0;
  options->min_area = 0.0005;
  options->hole_area = 0.01;
  options->grow = 4.0;
  options->feather = 8.0;
}

static gfloat lin_lut[256];

static gpointer
build_lin (gpointer data)
{
  for (gint i = 0; i < 256; i++)
    {
      gdouble v = i / 255.0;

      lin_lut[i] = (gfloat) (v <= 0.04045 ? v / 12.92 : pow ((v + 0.055) / 1.055, 2.4));
    }
  return NULL;
}

static inline gdouble
lab_f (gdouble t)
{
  return t > 0.008856 ? cbrt (t) : 7.787 * t + 16.0 / 116;
}

/* CIE L*a*b* (D65) of an sRGB pixel. */
static void
to_lab (const guint8 *px, gfloat lab[3])
{
  gdouble r = lin_lut[px[0]], g = lin_lut[px[1]], b = lin_lut[px[2]];
  gdouble fx = lab_f ((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047);
  gdouble fy = lab_f (0.2126 * r + 0.7152 * g + 0.0722 * b);
  gdouble fz = lab_f ((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883);

  lab[0] = (gfloat) (116 * fy - 16);
  lab[1] = (gfloat) (500 * (fx - fy));
  lab[2] = (gfloat) (200 * (fy - fz));
}

/* Labels the 4-connected components of pixels equal to @value; those
 * smaller than @min_size pixels (and, with @skip_border, not touching the
 * border) are set to 1 - @value.  4 bytes a pixel of labels, and a stack
 * that grows only as far as the largest component's front. */
static void
drop_small (guint8 *set, gint w, gint h, guint8 value, gsize min_size, gboolean skip_border)
{
  gsize    n = (gsize) w * h;
  guint32 *label = g_new0 (guint32, n);
  GArray  *small = g_array_new (FALSE, FALSE, sizeof (guint8));
  GArray  *stack = g_array_new (FALSE, FALSE, sizeof (guint32));
  guint8   zero = 0;

  /* Labels and indices are 32-bit: far beyond the decoder's pixel limit. */
  if (n > G_MAXUINT32)
    {
      g_free (label);
      g_array_unref (small);
      g_array_unref (stack);
      return;
    }
  g_array_append_val (small, zero);            /* label 0: not of @value */
  for (gsize start = 0; start < n; start++)
    {
      guint32  id = small->len;
      gsize    count = 0;
      gboolean border = FALSE;
      guint8   drop;

      guint32  first = (guint32) start;

      if (label[start] || set[start] != value)
        continue;
      label[start] = id;
      g_array_append_val (stack, first);
      while (stack->len > 0)
        {
          guint32 i = g_array_index (stack, guint32, stack->len - 1);
          gint    x = (gint) (i % w), y = (gint) (i / w);
          guint32 nb[4];
          gint    k = 0;

          g_array_set_size (stack, stack->len - 1);
          count++;
          if (x == 0 || y == 0 || x == w - 1 || y == h - 1)
            border = TRUE;
          if (x > 0) nb[k++] = i - 1;
          if (x < w - 1) nb[k++] = i + 1;
          if (y > 0) nb[k++] = i - w;
          if (y < h - 1) nb[k++] = i + w;
          for (gint j = 0; j < k; j++)
            if (! label[nb[j]] && set[nb[j]] == value)
              {
                label[nb[j]] = id;
                g_array_append_val (stack, nb[j]);
              }
        }
      drop = count < min_size && ! (skip_border && border);
      g_array_append_val (small, drop);
    }
  for (gsize i = 0; i < n; i++)
    if (g_array_index (small, guint8, label[i]))
      set[i] = 1 - value;
  g_free (label);
  g_array_unref (small);
  g_array_unref (stack);
}

/* Whether region pixel (x, y) shows answer content after the warp of
 * @report (see warp_answer in gg-region.c), with a pixel to spare. */
static gboolean
covered (const GgPlaceReport *report, gint x, gint y, gint w, gint h)
{
  gdouble u, v;

  if (report == NULL || ! report->realigned)
    return TRUE;
  u = w / 2.0 + report->scale * (x + 0.5 - w / 2.0) + report->dx;
  v = h / 2.0 + report->scale * (y + 0.5 - h / 2.0) + report->dy;
  return u >= 1.0 && u <= w - 1.0 && v >= 1.0 && v <= h - 1.0;
}

GgMask *
gg_mask_changed (const GgRaster         *original,
                 const GgRaster         *placed,
                 const GgPlaceReport    *report,
                 const GgChangedOptions *options,
                 GError                **error)
{
  static GOnce     once = G_ONCE_INIT;
  GgChangedOptions defaults;
  GgMask          *out;
  gint             w, h;
  gsize            n;
  gfloat          *de, lab_o[3], lab_p[3];

  g_return_val_if_fail (original != NULL && placed != NULL, NULL);
  if (options == NULL)
    {
      gg_changed_options_init (&defaults);
      options = &defaults;
    }
  if (original->width != placed->width || original->height != placed->height)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_FAILED,
                   "The placed answer (%d x %d) does not match the original (%d x %d).",
                   placed->width, placed->height, original->width, original->height);
      return NULL;
    }
  w = original->width;
  h = original->height;
  n = (gsize) w * h;
  /* After payment: too little memory must be a sentence, never an abort.
   * The feather's blur needs the most, three planes of 4 bytes a pixel. */
  if (! gg_memory_check (12 * n, w, h, "find the changed pixels in", error))
    return NULL;
  out = gg_mask_new (w, h, error);
  if (out == NULL)
    return NULL;
  g_once (&once, build_lin, NULL);

  /* Delta E per pixel, then a 3x3 mean: resampling and grain leave
   * isolated differences, a real change is a patch. */
  de = g_try_new (gfloat, n);
  if (de == NULL)
    {
      gg_mask_free (out);
      g_set_error (error, GG_ERROR, GG_ERROR_TOO_LARGE,
                   "There is not enough memory to find the changed pixels in a "
                   "region of %d x %d pixels: close other images, or select a "
                   "smaller area.", w, h);
      return NULL;
    }
  for (gsize i = 0; i < n; i++)
    {
      const guint8 *o = original->pixels + i * RGBA;

      if (o[3] < 128 || ! covered (report, (gint) (i % w), (gint) (i / w), w, h))
        {
          de[i] = 0;
          continue;
        }
      to_lab (o, lab_o);
      to_lab (placed->pixels + i * RGBA, lab_p);
      de[i] = sqrtf ((lab_o[0] - lab_p[0]) * (lab_o[0] - lab_p[0]) +
                     (lab_o[1] - lab_p[1]) * (lab_o[1] - lab_p[1]) +
                     (lab_o[2] - lab_p[2]) * (lab_o[2] - lab_p[2]));
    }
  for (gint y = 0; y < h; y++)
    for (gint x = 0; x < w; x++)
      {
        gfloat s = 0;
        gint   c = 0;

        for (gint j = MAX (0, y - 1); j <= MIN (h - 1, y + 1); j++)
          for (gint i = MAX (0, x - 1); i <= MIN (w - 1, x + 1); i++, c++)
            s += de[(gsize) j * w + i];
        out->data[(gsize) y * w + x] = s / c > options->threshold;
      }
  g_free (de);

  /* Open (drop noise and hairlines), close (join near parts), then drop
   * specks and fill the holes that remain inside a change. */
  morph (out->data, w, h, -options->clean);
  morph (out->data, w, h, options->clean);
  morph (out->data, w, h, options->clean);
  morph (out->data, w, h, -options->clean);
  drop_small (out->data, w, h, 1, (gsize) ceil (options->min_area * n), FALSE);
  drop_small (out->data, w, h, 0, (gsize) ceil (options->hole_area * n), TRUE);

  morph (out->data, w, h, options->grow);
  for (gsize i = 0; i < n; i++)
    out->data[i] = out->data[i] ? 255 : 0;
  feather (out, options->feather);
  return out;
}

/* Hint and composite */

GgRaster *
gg_mask_hint (const GgRegionPlan *plan, const GgMask *grown, GError **error)
{
  GgRaster *hint;
  gint      sw, sh, rw, rh;

  g_return_val_if_fail (plan != NULL, NULL);
  sw = plan->send_width;
  sh = plan->send_height;
  rw = plan->region.width;
  rh = plan->region.height;
  if (grown != NULL && (grown->width != rw || grown->height != rh))
    {
      g_set_error (error, GG_ERROR, GG_ERROR_FAILED,
                   "The mask (%d x %d) does not match the planned region (%d x %d).",
                   grown->width, grown->height, rw, rh);
      return NULL;
    }
  hint = gg_raster_new (sw, sh, error);
  if (hint == NULL)
    return NULL;
  for (gint y = 0; y < sh; y++)
    for (gint x = 0; x < sw; x++)
      {
        /* The region pixel under the sent pixel's centre. */
        gint     rx = MIN (rw - 1, (gint) ((x + 0.5) * rw / sw));
        gint     ry = MIN (rh - 1, (gint) ((y + 0.5) * rh / sh));
        gboolean in;
        guint8  *px = hint->pixels + ((gsize) y * sw + x) * RGBA;

        if (grown != NULL)
          in = grown->data[(gsize) ry * rw + rx] != 0;
        else
          in = rx >= plan->selection.x - plan->region.x
               && rx < plan->selection.x - plan->region.x + plan->selection.width
               && ry >= plan->selection.y - plan->region.y
               && ry < plan->selection.y - plan->region.y + plan->selection.height;
        px[0] = px[1] = px[2] = in ? 255 : 0;
        px[3] = 255;
      }
  return hint;
}

void
gg_mask_composite (GgRaster       *dst,
                   const GgRaster *placed,
                   const GgMask   *mask,
                   gint            x,
                   gint            y)
{
  g_return_if_fail (dst != NULL && placed != NULL && mask != NULL);
  g_return_if_fail (placed->width == mask->width && placed->height == mask->height);

  for (gint j = MAX (0, -y); j < mask->height && j + y < dst->height; j++)
    for (gint i = MAX (0, -x); i < mask->width && i + x < dst->width; i++)
      {
        guint         m = mask->data[(gsize) j * mask->width + i];
        guint8       *d;
        const guint8 *s;

        if (m == 0)
          continue;
        d = dst->pixels + ((gsize) (j + y) * dst->width + (i + x)) * RGBA;
        s = placed->pixels + ((gsize) j * placed->width + i) * RGBA;
        for (gint c = 0; c < RGBA; c++)
          d[c] = (guint8) ((d[c] * (255u - m) + s[c] * m + 127u) / 255u);
      }
}
