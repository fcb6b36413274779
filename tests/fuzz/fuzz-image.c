/* Fuzzes sniffing, probing, the cheap structure check and decoding with a
 * pixel limit. */
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

  /* The structure check walks every chunk or marker of untrusted bytes:
   * a verdict, with a sentence when it refuses, and nothing else. */
  if (! gg_image_check (data, size, max_pixels, &error))
    {
      g_assert (error != NULL && error->message[0] != '\0');
      g_clear_error (&error);
    }
  else
    g_assert (error == NULL);

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
