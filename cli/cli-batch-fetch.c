/* cli-batch-fetch.c: gemini-image batch fetch: the results of a batch
 * to files in --output DIR, with report.jsonl (one line a key).
 */
#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>

#include "cli-batch.h"
#include "gg-error.h"

/* ---- fetch ------------------------------------------------------------ */

static const gchar *
format_extension (GgFormat format)
{
  switch (format)
    {
    case GG_FORMAT_JPEG: return ".jpg";
    case GG_FORMAT_WEBP: return ".webp";
    default:             return ".png";
    }
}

/* Removes the temporary files an interrupted fetch left in @dir. */
static void
remove_stale_temps (const gchar *dir)
{
  GDir        *folder = g_dir_open (dir, 0, NULL);
  const gchar *name;

  if (folder == NULL)
    return;
  while ((name = g_dir_read_name (folder)) != NULL)
    if (name[0] == '.' && (strstr (name, ".tmp.") != NULL || g_str_has_suffix (name, ".tmp")))
      {
        g_autofree gchar *path = g_build_filename (dir, name, NULL);

        g_unlink (path);
      }
  g_dir_close (folder);
}

static void
add_usage (cJSON *line, const GgResponse *response)
{
  cJSON *usage = cJSON_AddObjectToObject (line, "usage");

  cJSON_AddNumberToObject (usage, "prompt_tokens", response->usage.prompt_tokens);
  cJSON_AddNumberToObject (usage, "candidates_tokens", response->usage.candidates_tokens);
  cJSON_AddNumberToObject (usage, "thoughts_tokens", response->usage.thoughts_tokens);
  cJSON_AddNumberToObject (usage, "total_tokens", response->usage.total_tokens);
}

/* Writes the images of one result (those not there yet); fills @line.
 * TRUE when the key has its images; @kept: they were all there before. */
static gboolean
fetch_one (Batch *b, const GgBatchResult *result, cJSON *line, gboolean *kept, GError **error)
{
  g_autoptr(GPtrArray) images = NULL;
  g_autoptr(GPtrArray) temps = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) finals = g_ptr_array_new_with_free_func (g_free);
  cJSON               *files = cJSON_AddArrayToObject (line, "files");
  cJSON               *texts = cJSON_AddArrayToObject (line, "texts");
  gboolean             all_there = TRUE;

  *kept = FALSE;
  if (result->response == NULL)
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_FAILED, result->error_message);
      return FALSE;
    }
  for (guint i = 0; i < result->response->parts->len; i++)
    {
      const GgPart *part = g_ptr_array_index (result->response->parts, i);

      if (part->kind == GG_PART_TEXT && !part->thought && part->text && part->text[0])
        cJSON_AddItemToArray (texts, cJSON_CreateString (part->text));
    }
  if (result->response->finish_reason)
    cJSON_AddStringToObject (line, "finish_reason", result->response->finish_reason);
  add_usage (line, result->response);
  if (!gg_response_check (result->response, error))
    return FALSE;

  images = gg_response_images (result->response);
  for (guint i = 0; i < images->len; i++)
    {
      const GgPart     *part = g_ptr_array_index (images, i);
      g_autofree gchar *base = g_strconcat (result->key, format_extension (part->format), NULL);
      g_autofree gchar *first = g_build_filename (b->output, base, NULL);
      gchar            *final = cli_output_name (first, i);

      g_ptr_array_add (finals, final);
      cJSON_AddItemToArray (files, cJSON_CreateString (final));
      if (!g_file_test (final, G_FILE_TEST_IS_REGULAR))
        all_there = FALSE;
    }
  if (all_there)
    {
      /* Written whole by an earlier fetch (rename is atomic): keep it. */
      *kept = TRUE;
      return TRUE;
    }
  for (guint i = 0; i < images->len; i++)
    {
      const gchar *final = g_ptr_array_index (finals, i);
      gchar       *temp = cli_output_temp_name (final);

      g_ptr_array_add (temps, temp);
      if (!cli_job_save_image (g_ptr_array_index (images, i), temp, error))
        {
          cli_output_discard (temps);
          return FALSE;
        }
    }
  if (!cli_output_commit (temps, finals, error))
    {
      cli_output_discard (temps);
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_report (const gchar *path, GString *report, GError **error)
{
  return g_file_set_contents_full (path, report->str, report->len,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

void
cli_batch_fetch_work (Batch *b)
{
  g_autoptr(GgBatch)   batch = NULL;
  g_autoptr(GPtrArray) results = NULL;
  g_autofree gchar    *report_path = g_build_filename (b->output, REPORT_NAME, NULL);
  GString             *report = g_string_new (NULL);
  GgClientOptions      options;
  guint                n_ok = 0, n_failed = 0, n_kept = 0, n_interrupted = 0;
  GError              *error = NULL;

  gg_client_options_init (&options);
  options.limits.max_images = 64;
  gg_client_set_options (b->client, &options);

  batch = gg_batch_get (b->client, b->job, b->cancellable, &error);
  if (batch == NULL)
    goto fail;
  if (batch->state != GG_BATCH_STATE_SUCCEEDED)
    {
      if (gg_batch_state_is_final (batch->state) && batch->error_message != NULL)
        cli_batch_fail (b, CLI_EXIT_FAILED, "The batch %s has no results: it ended %s (%s).",
                    batch->name, gg_batch_state_to_string (batch->state),
                    batch->error_message);
      else if (gg_batch_state_is_final (batch->state))
        cli_batch_fail (b, CLI_EXIT_FAILED, "The batch %s has no results: it ended %s.",
                    batch->name, gg_batch_state_to_string (batch->state));
      else
        cli_batch_fail (b, CLI_EXIT_FAILED, "The batch %s is still %s: wait for it first "
                    "('%s batch wait %s').", batch->name,
                    gg_batch_state_to_string (batch->state), CLI_NAME, batch->name);
      g_string_free (report, TRUE);
      return;
    }
  if (batch->responses_file != NULL)
    cli_batch_set_line (b, g_strdup_printf ("%s: downloading the results", batch->name));
  results = gg_batch_results (b->client, batch, &options.limits, b->cancellable, &error);
  if (results == NULL)
    goto fail;
  if (g_mkdir_with_parents (b->output, 0755) != 0)
    {
      cli_batch_fail (b, CLI_EXIT_FAILED, "Could not create the folder %s: %s.", b->output,
                  g_strerror (errno));
      g_string_free (report, TRUE);
      return;
    }
  remove_stale_temps (b->output);

  for (guint i = 0; i < results->len; i++)
    {
      const GgBatchResult *result = g_ptr_array_index (results, i);
      cJSON               *line = cJSON_CreateObject ();
      gboolean             kept = FALSE;
      gchar               *text;

      cJSON_AddStringToObject (line, "key", result->key);
      cli_batch_set_line (b, g_strdup_printf ("%s: writing %u of %u", batch->name, i + 1, results->len));
      if (g_cancellable_is_cancelled (b->cancellable))
        {
          n_interrupted++;
          cJSON_Delete (line);
          continue;
        }
      if (!cli_batch_key_is_valid (result->key))
        {
          cJSON_AddStringToObject (line, "status", "error");
          cJSON_AddStringToObject (line, "error", "The key cannot name a file.");
          n_failed++;
        }
      else if (fetch_one (b, result, line, &kept, &error))
        {
          cJSON_AddStringToObject (line, "status", "ok");
          n_ok++;
          n_kept += kept;
        }
      else
        {
          g_autofree gchar *clean = gg_redact (error->message, b->key);

          cJSON_AddStringToObject (line, "status", "error");
          cJSON_AddStringToObject (line, "error", clean);
          if (result->error_code != 0)
            cJSON_AddNumberToObject (line, "error_code", result->error_code);
          g_string_append_printf (b->err, "%s: %s: %s\n", CLI_NAME, result->key, clean);
          g_clear_error (&error);
          n_failed++;
        }
      text = cJSON_PrintUnformatted (line);
      g_string_append (report, text);
      g_string_append_c (report, '\n');
      cJSON_free (text);
      cJSON_Delete (line);
    }

  if (!write_report (report_path, report, &error))
    {
      g_string_free (report, TRUE);
      goto fail;
    }
  g_string_free (report, TRUE);

  if (n_interrupted > 0)
    {
      cli_batch_fail (b, CLI_EXIT_INTERRUPTED, "Interrupted: %u of %u keys are written; run the "
                  "same fetch again to finish (finished keys are kept).", n_ok,
                  results->len);
      return;
    }
  if (!b->quiet)
    g_string_append_printf (b->err, "%s: %u of %u keys have their images in %s%s%s; "
                            "report in %s.\n", CLI_NAME, n_ok, results->len, b->output,
                            n_kept ? " (" : "", n_kept ? "some kept from an earlier fetch)" : "",
                            report_path);
  if (n_failed == 0 && n_ok > 0)
    b->status = CLI_EXIT_OK;
  else if (n_ok > 0)
    cli_batch_fail (b, CLI_EXIT_PARTIAL, "%u of %u keys got no image (named above and in %s); "
                "the others are written.", n_failed, results->len, report_path);
  else
    cli_batch_fail (b, CLI_EXIT_FAILED, "None of the %u keys got an image (see %s).",
                results->len, report_path);
  return;

fail:
  cli_batch_fail_error (b, error);
  g_clear_error (&error);
}
