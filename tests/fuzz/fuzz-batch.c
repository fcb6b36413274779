/* Fuzzes the Batch API answers: a batch (operation) description, a page of
 * batches.list, and the results inline and as a JSONL file.  A bad line is
 * an error result, never a failure of the whole or a crash. */
#include <stdint.h>
#include <string.h>
#include "gg-batch.h"
#include "gg-error.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_results (GPtrArray *results)
{
  for (guint i = 0; results != NULL && i < results->len; i++)
    {
      GgBatchResult *result = g_ptr_array_index (results, i);

      g_assert (result->key != NULL);
      g_assert ((result->response == NULL) == (result->error_message != NULL));
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GBytes           *body = g_bytes_new (data, size);
  const gchar      *text = (const gchar *) data;
  GError           *error = NULL;
  GgBatch          *batch = gg_batch_parse (body, &error);
  GPtrArray        *batches = g_ptr_array_new_with_free_func ((GDestroyNotify) gg_batch_free);
  GPtrArray        *results;
  GgResponseLimits  limits;
  gchar            *token;

  if (batch != NULL)
    {
      g_assert (batch->name != NULL);
      (void) gg_batch_state_to_string (batch->state);
      (void) gg_batch_state_is_final (batch->state);
      gg_batch_free (batch);
    }
  else
    {
      g_assert (error != NULL && g_utf8_validate (error->message, -1, NULL));
      g_clear_error (&error);
    }

  token = gg_batch_parse_page (text, size, batches, 3);
  g_assert (batches->len <= 3);
  g_free (token);
  g_ptr_array_unref (batches);

  /* Small limits, so that big images inside do not dominate the run. */
  limits = (GgResponseLimits) { 2, 1 << 20, TRUE };
  results = gg_batch_results_parse_inline (text, size, &limits, &error);
  g_assert ((results == NULL) == (error != NULL));
  check_results (results);
  g_clear_pointer (&results, g_ptr_array_unref);
  g_clear_error (&error);

  results = gg_batch_results_parse_jsonl (text, size, &limits);
  g_assert (results != NULL);
  check_results (results);
  g_ptr_array_unref (results);
  g_bytes_unref (body);
  return 0;
}
