/* gg-memory.c: room for a region's work, checked before the work starts. */
#include "gg-memory.h"

#include "gg-error.h"
#include "gg-image.h"

gboolean
gg_memory_check (gsize        bytes,
                 gint         width,
                 gint         height,
                 const gchar *what,
                 GError     **error)
{
  gsize    pixels = (gsize) MAX (width, 0) * (gsize) MAX (height, 0);
  gpointer probe;

  if (pixels > GG_DEFAULT_MAX_PIXELS)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_TOO_LARGE,
                   "A region of %d x %d pixels is over the limit of %" G_GSIZE_FORMAT
                   " pixels: select a smaller area.", width, height,
                   (gsize) GG_DEFAULT_MAX_PIXELS);
      return FALSE;
    }
  /* Only reserved, never touched: the pages are not even mapped in. */
  probe = bytes > G_MAXSIZE - GG_MEMORY_SLACK ? NULL : g_try_malloc (bytes + GG_MEMORY_SLACK);
  if (probe == NULL)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_TOO_LARGE,
                   "There is not enough memory to %s a region of %d x %d pixels "
                   "(%" G_GSIZE_FORMAT " MB): close other images, or select a "
                   "smaller area.", what, width, height, (bytes >> 20) + 1);
      return FALSE;
    }
  g_free (probe);
  return TRUE;
}
