/* gimp-gemini: the GIMP-independent steps of the GIMP front ends
 * (gg-front.h), shared by the GIMP 3 plug-in (plugin/) and the GIMP 2.10
 * one (plugin/gimp2/).
 */

#include <string.h>

#include "gg-catalogue.h"
#include "gg-error.h"
#include "gg-front.h"


/* The encoding policy of what every edit sends (the CLI and both
 * plug-ins, gg_front_encode ()): PNG when transparency must survive,
 * else JPEG of this quality.  Measured by tests/bench/encoding.sh
 * (README, placement): the residual shift stays at most 0.074 px (0.5
 * allowed) at every quality from 80 to 100 (PNG: 0.027), the ring error
 * under 1/255 from q96 up (q100 gains 0.1/255 for 1.8 times the bytes),
 * and PNG costs 4-7 times the bytes and 7-16 times the encode time: 21 MB
 * and 1 s for a 4K region, against 5.7 MB and 0.14 s. */
#define SEND_JPEG_QUALITY      96
#define REFERENCE_JPEG_QUALITY 90
/* Layer names longer than this are cut at a word. */
#define LAYER_NAME_MAX         40

static const struct
{
  const gchar *name;
  GgImageRole  role;
}
roles_table[] =
{
  { "style",       GG_ROLE_STYLE       },
  { "subject",     GG_ROLE_SUBJECT     },
  { "object",      GG_ROLE_OBJECT      },
  { "person",      GG_ROLE_PERSON      },
  { "composition", GG_ROLE_COMPOSITION },
};


const gchar *
gg_front_option (const gchar *value)
{
  if (! value || ! *value || ! g_ascii_strcasecmp (value, "auto"))
    return NULL;

  return value;
}

gchar *
gg_front_model_label (const gchar *model)
{
  const GgModel *info  = gg_catalogue_lookup (model);
  const gchar   *label = info ? info->label : model;
  const gchar   *paren;

  if (! label)
    return g_strdup ("Gemini");
  paren = strstr (label, " (");

  return paren ? g_strndup (label, paren - label) : g_strdup (label);
}

#ifdef GG_TEST_HOOKS
/* The measurement's knob (tests/bench/encoding.sh), only in a build made
 * for the tests (cmake -DGG_TEST_HOOKS=ON): GG_TEST_ENCODING=png sends an
 * opaque region as PNG, =jpeg:Q as JPEG of quality Q (1-100); unset, the
 * policy holds.  *@quality: 0 for PNG, else the JPEG quality (left as it
 * was when unset).  Read at every call, so one process can compare. */
static gboolean
test_encoding (gint    *quality,
               GError **error)
{
  const gchar *value = g_getenv ("GG_TEST_ENCODING");
  gchar       *end   = NULL;
  gint64       q;

  if (! value || ! *value)
    return TRUE;
  if (! g_strcmp0 (value, "png"))
    {
      *quality = 0;
      return TRUE;
    }
  if (g_str_has_prefix (value, "jpeg:"))
    {
      q = g_ascii_strtoll (value + 5, &end, 10);
      if (end != value + 5 && *end == '\0' && q >= 1 && q <= 100)
        {
          *quality = (gint) q;
          return TRUE;
        }
    }
  g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
               "GG_TEST_ENCODING=%s is not understood: set it to png or "
               "jpeg:QUALITY (1-100), or unset it.", value);
  return FALSE;
}
#endif

GBytes *
gg_front_encode (const GgRaster  *raster,
                 gint             width,
                 gint             height,
                 GError         **error)
{
  g_autoptr (GgRaster) scaled = NULL;
  const GgRaster      *send   = raster;

  if (width != raster->width || height != raster->height)
    {
      scaled = gg_raster_scale (raster, width, height, error);
      if (! scaled)
        return NULL;
      send = scaled;
    }

  if (gg_raster_has_alpha (send))
    return gg_image_encode_png (send, 6, error);
#ifdef GG_TEST_HOOKS
  {
    gint quality = SEND_JPEG_QUALITY;

    if (! test_encoding (&quality, error))
      return NULL;
    if (quality == 0)
      return gg_image_encode_png (send, 6, error);
    return gg_image_encode_jpeg (send, quality, error);
  }
#endif

  return gg_image_encode_jpeg (send, SEND_JPEG_QUALITY, error);
}

GBytes *
gg_front_encode_reference (const GgRaster  *raster,
                           GError         **error)
{
  g_autoptr (GgRaster) scaled  = NULL;
  const GgRaster      *send    = raster;
  gint                 longest = MAX (raster->width, raster->height);

  /* A reference guides; it need not be sent at full resolution. */
  if (longest > GG_FRONT_REFERENCE_MAX_SIDE)
    {
      gdouble factor = (gdouble) GG_FRONT_REFERENCE_MAX_SIDE / longest;

      scaled = gg_raster_scale (raster,
                                MAX (1, (gint) (raster->width * factor + 0.5)),
                                MAX (1, (gint) (raster->height * factor + 0.5)),
                                error);
      if (! scaled)
        return NULL;
      send = scaled;
    }

  if (gg_raster_has_alpha (send))
    return gg_image_encode_png (send, 6, error);

  return gg_image_encode_jpeg (send, REFERENCE_JPEG_QUALITY, error);
}

/* @what NULL: the wording gg_front_parse_roles () has always had. */
static gboolean
parse_roles (const gchar  *roles,
             guint         n,
             const gchar  *what,
             GgImageRole  *out,
             GError      **error)
{
  g_auto (GStrv) names   = NULL;
  guint          n_names = 0;
  GgImageRole    role    = GG_ROLE_OBJECT;
  guint          i, j;

  if (roles && *roles)
    {
      names   = g_strsplit (roles, ",", -1);
      n_names = g_strv_length (names);
    }

  if (n_names > n)
    {
      if (what)
        g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                     "%u roles were given for %u %s: give one role per "
                     "reference.", n_names, n, what);
      else
        g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                     "%u reference roles were given for %u reference images: "
                     "give one role per reference.", n_names, n);
      return FALSE;
    }

  for (i = 0; i < n; i++)
    {
      if (i < n_names)
        {
          g_autofree gchar *word = g_ascii_strdown (names[i], -1);

          g_strstrip (word);
          for (j = 0; j < G_N_ELEMENTS (roles_table); j++)
            if (! strcmp (word, roles_table[j].name))
              break;
          if (j == G_N_ELEMENTS (roles_table))
            {
              g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           "Unknown reference role “%s”: use style, subject, "
                           "object, person or composition.", word);
              return FALSE;
            }
          role = roles_table[j].role;
        }
      out[i] = role;
    }

  return TRUE;
}

gboolean
gg_front_parse_roles (const gchar  *roles,
                      guint         n,
                      GgImageRole  *out,
                      GError      **error)
{
  return parse_roles (roles, n, NULL, out, error);
}

gboolean
gg_front_parse_roles_of (const gchar  *roles,
                         guint         n,
                         const gchar  *what,
                         GgImageRole  *out,
                         GError      **error)
{
  return parse_roles (roles, n, what, out, error);
}

gchar *
gg_front_selection_area (const GgRegionPlan *plan)
{
  static const gchar *rows[] = { "top", "middle", "bottom" };
  static const gchar *cols[] = { "left", "centre", "right" };
  const GgRect       *r      = &plan->region;
  const GgRect       *s      = &plan->selection;
  gdouble             cx, cy;
  gint                col, row;
  gint                pct_w, pct_h;
  g_autofree gchar   *where  = NULL;

  if (r->width <= 0 || r->height <= 0)
    return NULL;

  cx  = (s->x - r->x + s->width  / 2.0) / r->width;
  cy  = (s->y - r->y + s->height / 2.0) / r->height;
  col = CLAMP ((gint) (cx * 3.0), 0, 2);
  row = CLAMP ((gint) (cy * 3.0), 0, 2);

  if (row == 1 && col == 1)
    where = g_strdup ("the centre");
  else if (row == 1)
    where = g_strdup_printf ("the %s side", cols[col]);
  else if (col == 1)
    where = g_strdup_printf ("the %s", rows[row]);
  else
    where = g_strdup_printf ("the %s %s", rows[row], cols[col]);

  pct_w = CLAMP ((gint) (100.0 * s->width  / r->width  + 0.5), 1, 100);
  pct_h = CLAMP ((gint) (100.0 * s->height / r->height + 0.5), 1, 100);

  return g_strdup_printf ("%s of the image, about %d %% of its width and "
                          "%d %% of its height", where, pct_w, pct_h);
}

gchar *
gg_front_layer_name (const gchar *prompt)
{
  g_autofree gchar *text = g_strdup (prompt ? prompt : "");
  gchar            *cut;
  gchar            *space;
  GString          *name;

  g_strdelimit (text, "\r\n\t", ' ');
  g_strstrip (text);

  if (! *text)
    return g_strdup ("Gemini");

  if (g_utf8_strlen (text, -1) <= LAYER_NAME_MAX)
    return g_steal_pointer (&text);

  cut  = g_utf8_offset_to_pointer (text, LAYER_NAME_MAX);
  name = g_string_new_len (text, cut - text);

  /* At a word when there is one in the second half. */
  space = strrchr (name->str, ' ');
  if (space && space - name->str > LAYER_NAME_MAX / 2)
    g_string_truncate (name, space - name->str);

  g_string_append (name, "…");

  return g_string_free (name, FALSE);
}

gboolean
gg_front_test_fail_place (void)
{
  static gint fail = -1;

  /* Only a build made for the tests (cmake -DGG_TEST_HOOKS=ON) listens:
   * in a user's build the variable can make no paid result fail. */
#ifdef GG_TEST_HOOKS
  if (fail < 0)
    fail = g_strcmp0 (g_getenv ("GIMP_GEMINI_TEST_FAIL_PLACE"), "1") == 0;
#else
  fail = 0;
#endif

  return fail;
}
