/* Fuzzes the answer parser: any bytes a server could send with HTTP 200.
 * Both ways of reading the image data (through cJSON, and straight from
 * the body when the model turn is not kept) must agree on every input. */
#include <stdint.h>
#include <string.h>
#include "gg-response.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GgResponseLimits limits = { .max_images = 8, .max_image_bytes = 1 << 20 };
  GgResponseLimits fast_limits = limits;
  GError *error = NULL;
  GError *fast_error = NULL;
  GgResponse *response = gg_response_parse ((const gchar *) data, size, &limits, &error);
  GgResponse *fast;

  fast_limits.skip_model_turn = TRUE;
  fast = gg_response_parse ((const gchar *) data, size, &fast_limits, &fast_error);
  g_assert ((response == NULL) == (fast == NULL));
  if (response == NULL)
    {
      /* Every refusal must explain itself, the same way both times. */
      g_assert (error != NULL && error->message != NULL && error->message[0] != '\0');
      g_assert (fast_error != NULL && fast_error->code == error->code
                && strcmp (fast_error->message, error->message) == 0);
      g_error_free (error);
      g_error_free (fast_error);
      return 0;
    }
  g_assert (response->parts->len == fast->parts->len);
  for (guint i = 0; i < response->parts->len; i++)
    {
      const GgPart *a = g_ptr_array_index (response->parts, i);
      const GgPart *b = g_ptr_array_index (fast->parts, i);

      g_assert (a->kind == b->kind && a->format == b->format);
      g_assert ((a->data == NULL) == (b->data == NULL));
      g_assert (a->data == NULL || g_bytes_equal (a->data, b->data));
    }
  gg_response_free (fast);
  if (!gg_response_check (response, &error))
    g_clear_error (&error);
  g_ptr_array_unref (gg_response_images (response));
  g_free (gg_response_text (response));
  (void) gg_response_cost (response, "gemini-3-pro-image-preview");
  gg_response_free (response);
  return 0;
}
