/* Fuzzes the answer parser: any bytes a server could send with HTTP 200. */
#include <stdint.h>
#include "gg-response.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GgResponseLimits limits = { .max_images = 8, .max_image_bytes = 1 << 20 };
  GError *error = NULL;
  GgResponse *response = gg_response_parse ((const gchar *) data, size, &limits, &error);

  if (response == NULL)
    {
      /* Every refusal must explain itself. */
      g_assert (error != NULL && error->message != NULL && error->message[0] != '\0');
      g_error_free (error);
      return 0;
    }
  if (!gg_response_check (response, &error))
    g_clear_error (&error);
  g_ptr_array_unref (gg_response_images (response));
  g_free (gg_response_text (response));
  (void) gg_response_cost (response, "gemini-3-pro-image-preview");
  gg_response_free (response);
  return 0;
}
