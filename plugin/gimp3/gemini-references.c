/* gimp-gemini: reference images read from drawables. */

#include <string.h>

#include <libgimp/gimp.h>

#include "gg-error.h"
#include "gg-front.h"
#include "gg-reference-file.h"
#include "gg-region.h"
#include "gg-run.h"

#include "gemini.h"
#include "gemini-intl.h"
#include "gemini-pixels.h"
#include "gemini-references.h"


static GBytes * read_drawable   (GimpDrawable        *drawable,
                                 GError             **error);
static void     add_reference   (GPtrArray           *references,
                                 GBytes              *bytes,
                                 GgImageRole          role);


GPtrArray *
gemini_references_read (const GeminiOptions  *options,
                        GError              **error)
{
  g_autoptr (GPtrArray) references = g_ptr_array_new_with_free_func (gg_run_reference_free);
  g_autofree GgImageRole *layer_roles = NULL;
  g_autofree GgImageRole *file_roles  = NULL;
  GimpDrawable          **drawables   = options->references;
  gchar                 **files       = options->reference_files;
  guint                   n           = 0;
  guint                   n_files     = files ? g_strv_length (files) : 0;
  guint                   i;

  while (drawables && drawables[n])
    n++;

  /* Roles first: a bad role is refused before any pixel is read. */
  layer_roles = g_new (GgImageRole, MAX (n, 1));
  file_roles  = g_new (GgImageRole, MAX (n_files, 1));
  if (! gg_front_parse_roles_of (options->roles, n, _("reference images"),
                                layer_roles, error) ||
      ! gg_front_parse_roles_of (options->file_roles, n_files,
                                 _("reference files"), file_roles, error))
    return NULL;

  for (i = 0; i < n; i++)
    {
      GBytes *bytes;

      if (! gimp_item_is_valid (GIMP_ITEM (drawables[i])))
        {
          g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                       _("Reference %u no longer exists."), i + 1);
          return NULL;
        }

      bytes = read_drawable (drawables[i], error);
      if (! bytes)
        return NULL;
      add_reference (references, bytes, layer_roles[i]);
    }

  for (i = 0; i < n_files; i++)
    {
      GBytes *bytes = gg_reference_file_read (files[i], error);

      if (! bytes)
        return NULL;
      add_reference (references, bytes, file_roles[i]);
    }

  return g_steal_pointer (&references);
}


/* Takes @bytes. */
static void
add_reference (GPtrArray   *references,
               GBytes      *bytes,
               GgImageRole  role)
{
  g_ptr_array_add (references, gg_run_reference_new (bytes, role));
  g_bytes_unref (bytes);
}

static GBytes *
read_drawable (GimpDrawable  *drawable,
               GError       **error)
{
  GgRect               rect   = { 0, 0,
                                  gimp_drawable_get_width (drawable),
                                  gimp_drawable_get_height (drawable) };
  g_autoptr (GgRaster) raster = NULL;

  raster = gemini_pixels_read (drawable, &rect, error);
  if (! raster)
    return NULL;

  return gg_front_encode_reference (raster, error);
}

