/* Fuzzes sniffing, probing and decoding with a pixel limit. */
#include <stdint.h>
#include "gg-image.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const gsize max_pixels = 2048 * 2048;
  GgFormat format = GG_FORMAT_UNKNOWN;
  gint width = 0, height = 0;
  GError *error = NULL;
  GgRaster *raster;

  (void) gg_image_sniff (data, size);
  if (gg_image_probe (data, size, &format, &width, &height, &error))
    g_assert (width > 0 && height > 0);
  else
    g_clear_error (&error);

  raster = gg_image_decode (data, size, max_pixels, &error);
  if (raster)
    {
      g_assert ((gsize) raster->width * raster->height <= max_pixels);
      gg_raster_free (raster);
    }
  else
    {
      g_assert (error != NULL);
      g_error_free (error);
    }
  return 0;
}
