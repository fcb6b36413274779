/* gimp-gemini: reference images read from drawables. */

#include <string.h>

#include <libgimp/gimp.h>

#include "gg-error.h"
#include "gg-image.h"
#include "gg-region.h"

#include "gemini.h"
#include "gemini-pixels.h"
#include "gemini-references.h"


#define REFERENCE_JPEG_QUALITY 90

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


static void     reference_free (gpointer      data);
static gboolean parse_role     (const gchar  *name,
                                GgImageRole  *role,
                                GError      **error);
static GBytes * read_drawable  (GimpDrawable *drawable,
                                GError      **error);


GPtrArray *
gemini_references_read (GimpDrawable **drawables,
                        const gchar   *roles,
                        GError       **error)
{
  g_autoptr (GPtrArray) references = g_ptr_array_new_with_free_func (reference_free);
  g_auto (GStrv)        names      = NULL;
  guint                 n_names    = 0;
  guint                 n          = 0;
  guint                 i;
  GgImageRole           role       = GG_ROLE_OBJECT;

  while (drawables && drawables[n])
    n++;

  if (roles && *roles)
    {
      names   = g_strsplit (roles, ",", -1);
      n_names = g_strv_length (names);
    }

  if (n_names > n)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                   "%u reference roles were given for %u reference images: "
                   "give one role per reference.", n_names, n);
      return NULL;
    }

  for (i = 0; i < n; i++)
    {
      GeminiReference *reference;
      GBytes          *bytes;

      if (i < n_names && ! parse_role (names[i], &role, error))
        return NULL;

      if (! gimp_item_is_valid (GIMP_ITEM (drawables[i])))
        {
          g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                       "Reference %u no longer exists.", i + 1);
          return NULL;
        }

      bytes = read_drawable (drawables[i], error);
      if (! bytes)
        return NULL;

      reference        = g_new0 (GeminiReference, 1);
      reference->bytes = bytes;
      reference->role  = role;
      g_ptr_array_add (references, reference);
    }

  return g_steal_pointer (&references);
}


static void
reference_free (gpointer data)
{
  GeminiReference *reference = data;

  g_bytes_unref (reference->bytes);
  g_free (reference);
}

static gboolean
parse_role (const gchar  *name,
            GgImageRole  *role,
            GError      **error)
{
  g_autofree gchar *word = g_ascii_strdown (name, -1);
  guint             i;

  g_strstrip (word);

  for (i = 0; i < G_N_ELEMENTS (roles_table); i++)
    if (! strcmp (word, roles_table[i].name))
      {
        *role = roles_table[i].role;
        return TRUE;
      }

  g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
               "Unknown reference role “%s”: use style, subject, object, "
               "person or composition.", word);
  return FALSE;
}

static GBytes *
read_drawable (GimpDrawable  *drawable,
               GError       **error)
{
  GgRect               rect   = { 0, 0,
                                  gimp_drawable_get_width (drawable),
                                  gimp_drawable_get_height (drawable) };
  g_autoptr (GgRaster) raster = NULL;
  g_autoptr (GgRaster) scaled = NULL;
  const GgRaster      *send;
  gint                 longest = MAX (rect.width, rect.height);

  raster = gemini_pixels_read (drawable, &rect, error);
  if (! raster)
    return NULL;

  send = raster;
  /* A reference guides; it need not be sent at full resolution. */
  if (longest > GEMINI_REFERENCE_MAX_SIDE)
    {
      gdouble factor = (gdouble) GEMINI_REFERENCE_MAX_SIDE / longest;

      scaled = gg_raster_scale (raster,
                                MAX (1, (gint) (rect.width * factor + 0.5)),
                                MAX (1, (gint) (rect.height * factor + 0.5)),
                                error);
      if (! scaled)
        return NULL;
      send = scaled;
    }

  if (gg_raster_has_alpha (send))
    return gg_image_encode_png (send, 6, error);

  return gg_image_encode_jpeg (send, REFERENCE_JPEG_QUALITY, error);
}
