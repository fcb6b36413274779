/* gimp-gemini: a reference image read from a file (gg-reference-file.h). */

#include <gio/gio.h>

#include "gg-error.h"
#include "gg-front.h"
#include "gg-image.h"
#include "gg-intl.h"
#include "gg-reference-file.h"


GBytes *
gg_reference_file_read (const gchar  *name,
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

  /* A path or a URI, as GIMP's own procedures take lists of files. */
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
  if (g_file_info_get_size (info) > GG_REFERENCE_MAX_FILE)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_TOO_LARGE,
                   _("The reference file “%s” is larger than %d MB: use "
                     "a smaller image."), shown,
                   (gint) (GG_REFERENCE_MAX_FILE >> 20));
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
  if (length > (gsize) GG_REFERENCE_MAX_FILE)
    {
      /* It grew between the two looks. */
      g_set_error (error, GG_ERROR, GG_ERROR_TOO_LARGE,
                   _("The reference file “%s” is larger than %d MB: use "
                     "a smaller image."), shown,
                   (gint) (GG_REFERENCE_MAX_FILE >> 20));
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
