/* Fuzzes the error-body parser: the first byte picks the HTTP status. */
#include <stdint.h>
#include "gg-api-error.h"
#include "gg-error.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static const gint statuses[] = { 400, 401, 402, 403, 404, 408, 429, 500, 502, 503, 504, 302 };

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  gint status = size ? statuses[data[0] % G_N_ELEMENTS (statuses)] : 500;
  GgApiError *api = gg_api_error_parse (status, size ? (const gchar *) data + 1 : "",
                                        size ? size - 1 : 0);
  GError *error = gg_api_error_to_gerror (api, "gemini-2.5-flash-image");

  g_assert (error != NULL && error->domain == GG_ERROR);
  g_assert (g_utf8_validate (error->message, -1, NULL));
  (void) gg_error_is_retryable (error);
  g_error_free (error);
  gg_api_error_free (api);
  return 0;
}
