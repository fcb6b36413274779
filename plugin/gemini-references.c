/* gimp-gemini: reference images read from drawables. */

#include <string.h>

#include <libgimp/gimp.h>

#include "gg-error.h"
#include "gg-front.h"
#include "gg-image.h"
#include "gg-region.h"

#include "gemini.h"
#include "gemini-intl.h"
#include "gemini-pixels.h"
#include "gemini-references.h"


static void     reference_free  (gpointer             data);
static GBytes * read_drawable   (GimpDrawable        *drawable,
                                 GError             **error);
static GBytes * read_file       (const gchar         *name,
                                 GError             **error);
static void     add_reference   (GPtrArray           *references,
                                 GBytes              *bytes,
                                 GgImageRole          role);


GPtrArray *
gemini_references_read (const GeminiOptions  *options,
                        GError              **error)
{
  g_autoptr (GPtrArray) references = g_ptr_array_new_with_free_func (reference_free);
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
      GBytes *bytes = read_file (files[i], error);

      if (! bytes)
        return NULL;
      add_reference (references, bytes, file_roles[i]);
    }

  return g_steal_pointer (&references);
}


static void
add_reference (GPtrArray   *references,
               GBytes      *bytes,
               GgImageRole  role)
{
  GeminiReference *reference = g_new0 (GeminiReference, 1);

  reference->bytes = bytes;
  reference->role  = role;
  g_ptr_array_add (references, reference);
}

static void
reference_free (gpointer data)
{
  GeminiReference *reference = data;

  g_bytes_unref (reference->bytes);
  g_free (reference);
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

/* A path or URI (as GIMP's own procedures take files: "file" arguments
 * are GFiles, lists of them strings).  Read with limits, probed, decoded
 * by the engine, never sent as it is. */
static GBytes *
read_file (const gchar  *name,
           GError      **error)
{
  g_autoptr (GFile)     file   = NULL;
  g_autoptr (GFileInfo) info   = NULL;
  g_autoptr (GgRaster)  raster = NULL;
  g_autofree gchar     *shown  = NULL;
  g_autofree gchar     *data   = NULL;
  gsize                 length = 0;
  GgFormat              format = GG_FORMAT_UNKNOWN;
  gint                  width  = 0;
  gint                  height = 0;
  GError               *local  = NULL;

  if (! name || ! *name)
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           _("A reference file has an empty name: give "
                             "the path of an image file."));
      return NULL;
    }

  file  = g_file_new_for_commandline_arg (name);
  shown = g_file_get_parse_name (file);

  info = g_file_query_info (file,
                            G_FILE_ATTRIBUTE_STANDARD_TYPE ","
                            G_FILE_ATTRIBUTE_STANDARD_SIZE,
                            G_FILE_QUERY_INFO_NONE, NULL, &local);
  if (! info)
    {
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_set_error (error, GG_ERROR, GG_ERROR_IO,
                     _("The reference file “%s” does not exist: check "
                       "the path."), shown);
      else
        g_set_error (error, GG_ERROR, GG_ERROR_IO,
                     _("The reference file “%s” cannot be read (%s)."),
                     shown, local->message);
      g_error_free (local);
      return NULL;
    }
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_IO,
                   _("The reference file “%s” is not a regular file: "
                     "give the path of an image file."), shown);
      return NULL;
    }
  /* Refused before reading: a huge file is never loaded into memory. */
  if (g_file_info_get_size (info) > GEMINI_REFERENCE_MAX_FILE)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_TOO_LARGE,
                   _("The reference file “%s” is larger than %d MB: use "
                     "a smaller image."), shown,
                   (gint) (GEMINI_REFERENCE_MAX_FILE >> 20));
      return NULL;
    }

  if (! g_file_load_contents (file, NULL, &data, &length, NULL, &local))
    {
      g_set_error (error, GG_ERROR, GG_ERROR_IO,
                   _("The reference file “%s” cannot be read (%s)."),
                   shown, local->message);
      g_error_free (local);
      return NULL;
    }
  if (length > (gsize) GEMINI_REFERENCE_MAX_FILE)
    {
      /* It grew between the two looks. */
      g_set_error (error, GG_ERROR, GG_ERROR_TOO_LARGE,
                   _("The reference file “%s” is larger than %d MB: use "
                     "a smaller image."), shown,
                   (gint) (GEMINI_REFERENCE_MAX_FILE >> 20));
      return NULL;
    }

  /* The header alone first: a decompression bomb is refused before a
   * single pixel is allocated. */
  if (! gg_image_probe ((const guint8 *) data, length, &format,
                        &width, &height, &local))
    {
      g_set_error (error, GG_ERROR, GG_ERROR_IMAGE,
                   _("The reference file “%s” is not a PNG, JPEG or "
                     "WebP image (%s)."), shown, local->message);
      g_error_free (local);
      return NULL;
    }
  if ((guint64) width * (guint64) height > GG_DEFAULT_MAX_PIXELS)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_TOO_LARGE,
                   _("The reference file “%s” is %d × %d pixels, more "
                     "than the %u million pixels a reference may have: "
                     "scale it down first."), shown, width, height,
                   (guint) (GG_DEFAULT_MAX_PIXELS / 1000000));
      return NULL;
    }

  raster = gg_image_decode ((const guint8 *) data, length,
                            GG_DEFAULT_MAX_PIXELS, &local);
  if (! raster)
    {
      g_set_error (error, GG_ERROR,
                   local->code == GG_ERROR_TOO_LARGE ? GG_ERROR_TOO_LARGE :
                                                       GG_ERROR_IMAGE,
                   _("The reference file “%s” could not be decoded (%s): "
                     "open it in GIMP to check it, or export it again."),
                   shown, local->message);
      g_error_free (local);
      return NULL;
    }
  g_clear_pointer (&data, g_free);   /* the pixels are what count now */

  return gg_front_encode_reference (raster, error);
}
