/* cli-job.c: one generate or edit run: the request built and checked on the
 * main thread (cli_job_prepare), then sent and its results written on the
 * worker thread (cli_job_run). */
#include <stdarg.h>
#include <stdio.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "gg-catalogue.h"
#include "gg-error.h"
#include "gg-files.h"
#include "gg-front.h"
#include "gg-prompt.h"

void
cli_job_init (CliJob *job)
{
  memset (job, 0, sizeof *job);
  job->temperature = -1.0;
  job->retries = -1;
  job->seed = G_MININT64;       /* GOption leaves it alone when not given */
  job->cancellable = g_cancellable_new ();
  g_mutex_init (&job->lock);
}

void
cli_job_clear (CliJob *job)
{
  g_free (job->prompt);
  g_free (job->output);
  g_free (job->input);
  g_free (job->mask);
  g_free (job->mask_options.patch);
  g_free (job->model);
  g_free (job->aspect);
  g_free (job->size);
  g_free (job->system);
  g_strfreev (job->references);
  g_free (job->save_thoughts);
  g_free (job->thinking);
  g_free (job->wait_reason);
  g_clear_pointer (&job->client, gg_client_free);
  if (job->key != NULL)
    {
      memset (job->key, 0, strlen (job->key));
      g_free (job->key);
    }
  g_clear_object (&job->cancellable);
  g_clear_pointer (&job->response, gg_response_free);
  g_clear_pointer (&job->files, g_ptr_array_unref);
  g_clear_pointer (&job->thought_files, g_ptr_array_unref);
  g_free (job->warning);
  g_free (job->note);
  g_free (job->conversation);
  cli_conversation_clear (&job->kept);
  g_free (job->stage);
  g_mutex_clear (&job->lock);
  g_free (job->message);
}

void
cli_job_fail (CliJob *job, gint status, const gchar *format, ...)
{
  va_list args;
  gchar  *text;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  job->exit_status = status;
  g_free (job->message);
  /* Belt and braces: no engine message should hold the key, but one that
   * quoted a server's echo of a header could. */
  job->message = gg_redact (text, job->key);
  g_free (text);
}

/* ---- preparing: everything that can be refused before sending --------- */

static const struct
{
  const gchar *prefix;
  GgImageRole  role;
} reference_roles[] =
{
  { "style:",       GG_ROLE_STYLE },
  { "subject:",     GG_ROLE_SUBJECT },
  { "object:",      GG_ROLE_OBJECT },
  { "person:",      GG_ROLE_PERSON },
  { "composition:", GG_ROLE_COMPOSITION },
};

/* Reads an image file to send as it is; HEIF too, which the API takes but
 * we cannot decode.  Anything else is converted to PNG.  Returns the bytes
 * (g_bytes_unref); @width and @height are 0 when unknown (HEIF). */
static GBytes *
read_image_file (const gchar *filename,
                 const gchar *what,
                 gint        *width,
                 gint        *height,
                 GError     **error)
{
  g_autofree gchar    *data = NULL;
  gsize                len = 0;
  GgFormat             format;
  g_autoptr (GgRaster) raster = NULL;
  GError              *local = NULL;

  *width = *height = 0;
  if (!g_file_get_contents (filename, &data, &len, &local))
    {
      g_set_error (error, GG_ERROR, GG_ERROR_IO, "Could not read the %s %s: %s.",
                   what, filename, local->message);
      g_error_free (local);
      return NULL;
    }
  format = gg_image_sniff ((const guint8 *) data, len);
  if (format == GG_FORMAT_HEIF && len <= CLI_MAX_INLINE_FILE)
    return g_bytes_new_take (g_steal_pointer (&data), len);
  if ((format == GG_FORMAT_PNG || format == GG_FORMAT_JPEG || format == GG_FORMAT_WEBP)
      && gg_image_probe ((const guint8 *) data, len, &format, width, height, NULL)
      && len <= CLI_MAX_INLINE_FILE)
    return g_bytes_new_take (g_steal_pointer (&data), len);

  /* Too big, or not a format the API takes as it is: decode, re-encode. */
  raster = gg_image_decode ((const guint8 *) data, len, 0, &local);
  if (raster == NULL)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_IMAGE, "The %s %s is not a PNG, JPEG or "
                   "WebP image this tool can read (%s).", what, filename,
                   local->message);
      g_error_free (local);
      return NULL;
    }
  *width = raster->width;
  *height = raster->height;
  if (len > CLI_MAX_INLINE_FILE && !gg_raster_has_alpha (raster))
    return gg_image_encode_jpeg (raster, 92, error);
  return gg_image_encode_png (raster, 6, error);
}

GBytes *
cli_job_read_image (const gchar *filename, const gchar *what,
                    gint *width, gint *height, GError **error)
{
  return read_image_file (filename, what, width, height, error);
}

gchar *
cli_cache_dir (void)
{
  return g_build_filename (g_get_user_cache_dir (), "gimp-gemini", NULL);
}

GBytes *
cli_job_read_reference (const gchar *spec, GgImageRole *role, GError **error)
{
  const gchar *file = spec;
  gint         width, height;

  *role = GG_ROLE_SUBJECT;
  /* A prefix counts only when it names a role: "c:/x.png" or a file that
   * happens to hold a colon stays a file name. */
  for (guint r = 0; r < G_N_ELEMENTS (reference_roles); r++)
    if (g_str_has_prefix (spec, reference_roles[r].prefix)
        && !g_file_test (spec, G_FILE_TEST_EXISTS))
      {
        *role = reference_roles[r].role;
        file = spec + strlen (reference_roles[r].prefix);
        break;
      }
  return read_image_file (file, "reference image", &width, &height, error);
}

static gboolean
add_references (CliJob *job, GgRequest *request, GError **error)
{
  for (guint i = 0; job->references != NULL && job->references[i] != NULL; i++)
    {
      GgImageRole role;
      GBytes     *bytes = cli_job_read_reference (job->references[i], &role, error);

      if (bytes == NULL)
        return FALSE;
      gg_request_add_image (request, bytes, NULL, role);
      g_bytes_unref (bytes);
    }
  return TRUE;
}

/* Usage problems the engine would only find after a billed call. */
static gboolean
check_output (CliJob *job)
{
  g_autofree gchar *dir = g_path_get_dirname (job->output);

  if (gg_format_from_filename (job->output) == GG_FORMAT_UNKNOWN)
    {
      cli_job_fail (job, CLI_EXIT_USAGE, "The output %s has an unsupported extension: "
                    "use .png, .jpg, .jpeg or .webp.", job->output);
      return FALSE;
    }
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      cli_job_fail (job, CLI_EXIT_USAGE, "The folder %s of the output does not exist.", dir);
      return FALSE;
    }
  if (access (dir, W_OK) != 0)
    {
      cli_job_fail (job, CLI_EXIT_USAGE, "The folder %s of the output is not writable.", dir);
      return FALSE;
    }
  if (g_file_test (job->output, G_FILE_TEST_IS_DIR))
    {
      cli_job_fail (job, CLI_EXIT_USAGE, "The output %s is a folder: name a file.",
                    job->output);
      return FALSE;
    }
  return TRUE;
}

/* Adds the input image and sets the prompt.  FALSE with job's outcome
 * set. */
static gboolean
prepare_edit (CliJob *job, GgRequest *request)
{
  const GgModel    *model = gg_request_get_model_info (request);
  g_autofree gchar *prompt = NULL;
  GBytes           *bytes;
  GError           *error = NULL;
  gint              width, height;

  bytes = read_image_file (job->input, "input image", &width, &height, &error);
  if (bytes == NULL)
    {
      cli_job_fail (job, CLI_EXIT_USAGE, "%s", error->message);
      g_error_free (error);
      return FALSE;
    }
  gg_request_add_image (request, bytes, NULL, GG_ROLE_INPUT);
  g_bytes_unref (bytes);
  /* The nearest ratio keeps the picture from being cropped or padded; an
   * unknown model is left to match the input itself. */
  if (job->aspect == NULL && model != NULL && width > 0 && height > 0)
    gg_request_set_aspect_ratio (request, gg_model_nearest_ratio (model, width, height));
  prompt = gg_prompt_edit (job->prompt, FALSE, NULL);
  gg_request_set_prompt (request, prompt);
  return TRUE;
}

GgRequest *
cli_job_prepare (CliJob *job)
{
  g_autoptr (GgRequest) request = NULL;
  GError               *error = NULL;

  if (!check_output (job))
    return NULL;

  /* The engine plans, words and encodes the request (cli_mask_run). */
  if (job->mask != NULL || job->refine)
    return cli_mask_prepare (job);
  request = gg_request_new (job->model);
  if (job->aspect != NULL)
    gg_request_set_aspect_ratio (request, job->aspect);
  if (job->size != NULL)
    gg_request_set_image_size (request, job->size);
  if (job->edit)
    {
      if (!prepare_edit (job, request))
        return NULL;
    }
  else
    gg_request_set_prompt (request, job->prompt);

  if (!add_references (job, request, &error))
    {
      cli_job_fail (job, CLI_EXIT_USAGE, "%s", error->message);
      g_error_free (error);
      return NULL;
    }
  if (!cli_job_ready (job, request))
    return NULL;
  return g_steal_pointer (&request);
}

gboolean
cli_job_ready (CliJob *job, GgRequest *request)
{
  g_autofree gchar *base_url = NULL;
  GError           *error = NULL;

  if (job->system != NULL)
    gg_request_set_system_instruction (request, job->system);
  gg_request_set_image_only (request, job->image_only);
  gg_request_set_search (request, job->search);
  gg_request_set_include_thoughts (request, job->thoughts);
  gg_request_set_thinking_level (request, job->thinking);
  gg_request_set_store (request, job->store);
  if (job->temperature >= 0.0)
    gg_request_set_temperature (request, job->temperature);
  if (job->seed != G_MININT64)
    gg_request_set_seed (request, job->seed);

  /* Beyond the inline limit the largest images go through the Files API
   * (cli_job_run): only the rest is checked here. */
  gg_request_set_max_inline (request, G_MAXSIZE);
  if (!gg_request_validate (request, &error))
    {
      cli_job_fail (job, CLI_EXIT_USAGE, "%s", error->message);
      g_error_free (error);
      return FALSE;
    }

  base_url = gg_base_url_from_environment ();
  if (job->dry_run)
    {
      gsize             length;
      g_autofree gchar *body = gg_request_to_json (request, TRUE, &length);

      fwrite (body, 1, length, stdout);
      fputc ('\n', stdout);
      fflush (stdout);
      {
        gsize limit = job->max_inline_mb > 0 ? (gsize) (job->max_inline_mb * 1e6)
                                             : GG_REQUEST_DEFAULT_MAX_INLINE;

        if (!job->quiet && gg_request_inline_size (request) > limit)
          fprintf (stderr, "%s: dry run: the images add up to %.1f MB inline, over the "
                   "%.1f MB limit: the largest would be uploaded with the Files API and "
                   "sent as fileData.\n", CLI_NAME, gg_request_inline_size (request) / 1e6,
                   limit / 1e6);
      }
      /* The URL only when it passed the check: a malformed one pasted
       * with a key in it must not be echoed. */
      if (!job->quiet && gg_base_url_check (base_url, NULL))
        fprintf (stderr, "%s: dry run: would POST %s/v1beta/models/%s:generateContent "
                 "(key in the x-goog-api-key header); nothing was sent.\n", CLI_NAME,
                 base_url, gg_request_get_model (request));
      else if (!job->quiet)
        fprintf (stderr, "%s: dry run: nothing was sent.\n", CLI_NAME);
      job->json_printed = TRUE;
      job->exit_status = CLI_EXIT_OK;
      return FALSE;
    }

  /* The URL first: a wrong endpoint is worth knowing about even without a
   * key, and a key must never go to an insecure one. */
  if (!gg_base_url_check (base_url, &error))
    {
      cli_job_fail (job, CLI_EXIT_USAGE, "%s", error->message);
      g_error_free (error);
      return FALSE;
    }
  job->key = gg_key_from_environment ();
  if (job->key == NULL || job->key[0] == '\0')
    {
      cli_job_fail (job, CLI_EXIT_USAGE, "No API key: set GEMINI_API_KEY (or GOOGLE_API_KEY) "
                    "in the environment; get a key at https://aistudio.google.com/apikey.");
      return FALSE;
    }
  job->client = gg_client_new (job->key, base_url, &error);
  if (job->client == NULL)
    {
      cli_job_fail (job, CLI_EXIT_USAGE, "%s", error->message);
      g_error_free (error);
      return FALSE;
    }
  return TRUE;
}

/* ---- running: on the worker thread ------------------------------------ */

/* A wait before the next attempt, as a countdown: on a terminal the
 * progress line counts down (and prints the reason once); otherwise lines
 * of their own at its start, every 10 s and over the last 5 s. */
static void
countdown (CliJob *job, const GgProgress *progress, gboolean new_wait)
{
  gint seconds = (gint) ceil (progress->retry_in);

  if (new_wait)
    {
      g_free (job->wait_reason);
      job->wait_reason = g_strdup (progress->reason ? progress->reason
                                   : "The server asked to try again later.");
      job->wait_announced = FALSE;
      job->wait_last_second = -1;
    }
  if (job->progress_line || job->quiet || seconds == job->wait_last_second)
    return;
  if (new_wait)
    fprintf (stderr, "%s: %s\n%s: retrying in %d s (Ctrl+C to stop).\n", CLI_NAME,
             job->wait_reason, CLI_NAME, MAX (seconds, 1));
  else if (seconds > 0 && (seconds % 10 == 0 || seconds <= 5))
    fprintf (stderr, "%s: retrying in %d s.\n", CLI_NAME, seconds);
  fflush (stderr);
  job->wait_last_second = seconds;
}

static gboolean
on_progress (const GgProgress *progress, gpointer user_data)
{
  CliJob  *job = user_data;
  gboolean new_wait;

  g_mutex_lock (&job->lock);
  new_wait = progress->phase == GG_PHASE_RETRY_WAIT
             && (!job->have_progress || job->progress.phase != GG_PHASE_RETRY_WAIT
                 || job->progress.attempt != progress->attempt);
  if (progress->phase == GG_PHASE_RETRY_WAIT)
    countdown (job, progress, new_wait);
  job->progress = *progress;
  job->progress.reason = NULL;   /* valid only during this call */
  job->have_progress = TRUE;
  g_mutex_unlock (&job->lock);
  return !g_cancellable_is_cancelled (job->cancellable);
}

static void
set_stage (CliJob *job, gchar *stage)
{
  g_mutex_lock (&job->lock);
  g_free (job->stage);
  job->stage = stage;
  g_mutex_unlock (&job->lock);
  /* Without a progress line (not a terminal) the stage is a line of its own. */
  if (stage != NULL && !job->progress_line && !job->quiet)
    {
      fprintf (stderr, "%s: %s\n", CLI_NAME, stage);
      fflush (stderr);
    }
}

/* gg_files_offload: each upload's stage as a line (or in the progress
 * line), its bytes in the progress line. */
static gboolean
on_upload (const GgUploadProgress *progress, gpointer user_data)
{
  CliJob     *job = user_data;
  GgProgress  shown = { 0, };

  g_mutex_lock (&job->lock);
  if (g_strcmp0 (job->stage, progress->stage) != 0)
    {
      g_mutex_unlock (&job->lock);
      set_stage (job, g_strdup (progress->stage));
      g_mutex_lock (&job->lock);
    }
  shown.phase = GG_PHASE_UPLOADING;
  shown.attempt = 1;
  shown.sent = (gint64) progress->sent;
  shown.send_total = (gint64) progress->size;
  job->progress = shown;
  job->have_progress = TRUE;
  g_mutex_unlock (&job->lock);
  return !g_cancellable_is_cancelled (job->cancellable);
}

/* The images too large to send inline go to the Files API (the decision
 * is gg_files_offload's); an upload of the same content within its
 * lifetime is reused (the cache in cli_cache_dir ()). */
static gboolean
upload_large_images (CliJob    *job,
                     GgRequest *request,
                     GPtrArray *uploaded,
                     GError   **error)
{
  g_autoptr(GgFileCache) cache = NULL;
  GgUploadOptions        options = { 0, };
  gboolean               ok;

  options.max_inline = job->max_inline_mb > 0 ? (gsize) (job->max_inline_mb * 1e6)
                                              : GG_REQUEST_DEFAULT_MAX_INLINE;
  /* Beyond the limit, or a large input that an earlier run uploaded. */
  if (!gg_files_offload_wanted (request, options.max_inline, 0, !job->no_upload_cache))
    {
      gg_request_set_max_inline (request, options.max_inline);
      return TRUE;
    }
  if (!job->no_upload_cache)
    {
      g_autofree gchar *dir = cli_cache_dir ();

      cache = gg_file_cache_open (dir);
      options.cache = cache;
    }
  options.wait_timeout = job->upload_timeout;
  options.poll_interval = 0.5;
  options.progress = on_upload;
  options.progress_data = job;
  ok = gg_files_offload (job->client, request, &options, uploaded, job->cancellable, error);
  gg_client_set_progress (job->client, on_progress, job);
  set_stage (job, NULL);
  if (cache != NULL)
    {
      GError *local = NULL;

      /* A cache that cannot be written costs a second upload, nothing more. */
      if (!gg_file_cache_save (cache, &local))
        {
          g_free (job->warning);
          job->warning = g_strdup (local->message);
          g_error_free (local);
        }
    }
  return ok;
}

/* --no-upload-cache: the uploads of this run are deleted, best effort (they
 * expire by themselves after 48 hours anyway). */
static void
delete_uploads (CliJob *job, GPtrArray *uploaded)
{
  for (guint i = 0; i < uploaded->len; i++)
    {
      const gchar *name = g_ptr_array_index (uploaded, i);
      GError      *error = NULL;

      if (!gg_files_delete (job->client, name, job->cancellable, &error))
        {
          if (g_cancellable_is_cancelled (job->cancellable))
            {
              g_error_free (error);
              break;
            }
          g_free (job->warning);
          job->warning = g_strdup_printf ("the uploaded file %s could not be deleted (%s); "
                                          "it expires by itself within 48 hours.",
                                          name, error->message);
          g_error_free (error);
        }
    }
}

/* The outcome of an engine error, allowing for our own reasons to cancel. */
static void
fail_with_error (CliJob *job, const GError *error)
{
  if (g_atomic_int_get (&job->interrupted))
    cli_job_fail (job, CLI_EXIT_INTERRUPTED, "Interrupted: nothing was written.");
  else if (g_atomic_int_get (&job->timed_out))
    cli_job_fail (job, CLI_EXIT_FAILED, "No answer within the --timeout of %g seconds, "
                  "so nothing was written: allow more time (the 3 Pro model often "
                  "takes minutes).", job->timeout);
  else
    cli_job_fail (job, CLI_EXIT_FAILED, "%s",
                  error != NULL ? error->message : "The request was cancelled.");
}

static void
print_texts (CliJob *job, const GgResponse *response)
{
  for (guint i = 0; i < response->parts->len; i++)
    {
      const GgPart *part = g_ptr_array_index (response->parts, i);

      if (part->kind != GG_PART_TEXT || part->text == NULL || part->text[0] == '\0')
        continue;
      if (!part->thought)
        {
          fputs (part->text, stdout);
          if (!g_str_has_suffix (part->text, "\n"))
            fputc ('\n', stdout);
        }
      else if (job->thoughts && !job->quiet)
        {
          /* stderr: stdout is the answer, which scripts read. */
          g_autofree gchar *indented = g_strstrip (g_strdup (part->text));
          fprintf (stderr, "thought: %s\n", indented);
        }
    }
  fflush (stdout);
}

/* One answer image to @filename.  Checked in full even when its bytes are
 * written as they are: exit status 0 promises an image, and a damaged one
 * (a PNG with a broken IDAT passes every header check) is not.  Written as
 * it is, gg_image_save_bytes checks its structure and checksums, then reads
 * it as far as a decode would on a second thread while the file is
 * written (no raster at all); re-encoded, it is decoded once and the
 * raster is kept for the encoder. */
gboolean
cli_job_save_image (const GgPart *part, const gchar *filename, GError **error)
{
  g_autoptr (GgRaster) raster = NULL;
  gsize                len;
  const guint8        *data = g_bytes_get_data (part->data, &len);
  GError              *local = NULL;
  gboolean             as_is;

  as_is = gg_image_sniff (data, len) == gg_format_from_filename (filename);
  if (as_is)
    {
      if (gg_image_save_bytes (part->data, filename, 0, &local))
        return TRUE;
      if (local->code == GG_ERROR_IO)
        {
          g_propagate_error (error, local);
          return FALSE;
        }
    }
  else
    raster = gg_image_decode (data, len, 0, &local);
  if (local != NULL)
    {
      g_autofree gchar *why = g_strdup (local->message);
      gsize             n = strlen (why);

      /* The decoder's sentence becomes a clause of ours. */
      if (n > 0 && why[n - 1] == '.')
        why[n - 1] = '\0';
      if (g_ascii_isupper (why[0]) && !g_ascii_isupper (why[1]))
        why[0] = g_ascii_tolower (why[0]);
      g_set_error (error, GG_ERROR, local->code,
                   "The model's image could not be decoded: %s.", why);
      g_error_free (local);
      return FALSE;
    }
  return gg_image_save (raster, filename, error);
}

/* Writes every result image to a temporary file beside its final name. */
static gboolean
write_results (CliJob      *job,
               GPtrArray   *images,
               GPtrArray   *temps,
               GPtrArray   *finals,
               GError     **error)
{
  for (guint i = 0; i < images->len; i++)
    {
      const GgPart *part = g_ptr_array_index (images, i);
      const gchar  *temp = cli_output_add (job->output, temps, finals);

      if (!cli_job_save_image (part, temp, error))
        return FALSE;
      if (g_cancellable_is_cancelled (job->cancellable))
        return FALSE;
    }
  return TRUE;
}

/* --json: the summary, with "error" when the run failed. */
static void
emit_json (CliJob *job, const GgRequest *request)
{
  cJSON *summary;

  summary = cli_output_summary (job->response, gg_request_get_model (request),
                                job->files, job->thought_files);
  if (job->message != NULL)
    cJSON_AddStringToObject (summary, "error", job->message);
  cJSON_AddNumberToObject (summary, "exit_status", job->exit_status);
  cli_output_print_json (summary);
  cJSON_Delete (summary);
  job->json_printed = TRUE;
}

gboolean
cli_job_send (CliJob *job, GgRequest *request)
{
  GgClientOptions       options;
  g_autoptr (GPtrArray) uploaded = g_ptr_array_new_with_free_func (g_free);
  GError               *error = NULL;

  gg_client_options_init (&options);
  if (job->timeout > 0.0)
    {
      options.total_timeout = job->timeout;
      options.call_timeout = job->timeout;
      options.connect_timeout = MIN (options.connect_timeout, job->timeout);
      options.first_byte_timeout = MIN (options.first_byte_timeout, job->timeout);
    }
  if (job->stall_timeout > 0.0)
    options.stall_timeout = job->stall_timeout;
  if (job->retries >= 0)
    options.max_retries = job->retries;
  /* Without a conversation to keep, no second copy of the images. */
  options.limits.skip_model_turn = job->conversation == NULL;
  gg_client_set_options (job->client, &options);
  gg_client_set_progress (job->client, on_progress, job);

  if (!upload_large_images (job, request, uploaded, &error))
    {
      if (error->domain == GG_ERROR && error->code == GG_ERROR_CANCELLED)
        fail_with_error (job, error);
      else
        cli_job_fail (job, CLI_EXIT_FAILED, "%s", error->message);
      g_error_free (error);
      delete_uploads (job, uploaded);
      return FALSE;
    }

  job->response = gg_client_generate (job->client, request, job->cancellable, &error);
  delete_uploads (job, uploaded);
  if (job->response == NULL)
    {
      fail_with_error (job, error);
      g_error_free (error);
      return FALSE;
    }

  job->thought_files = g_ptr_array_new_with_free_func (g_free);
  if (job->save_thoughts != NULL
      && !cli_output_thoughts (job->response, job->save_thoughts, job->thought_files, &error))
    {
      /* Thought images are a glimpse, not the result: say so and go on. */
      job->warning = g_strdup (error->message);
      g_clear_error (&error);
    }

  if (job->response->images_dropped > 0 && job->warning == NULL)
    {
      g_autoptr(GPtrArray) kept = gg_response_images (job->response);

      job->warning = g_strdup_printf ("the answer held %u more images than the "
                                      "limit of %u; only the first ones were kept.",
                                      job->response->images_dropped, kept->len);
    }
  if (!gg_response_check (job->response, &error))
    {
      cli_job_fail (job, CLI_EXIT_FAILED, "%s", error->message);
      g_error_free (error);
      return FALSE;
    }
  return TRUE;
}

void
cli_job_run (CliJob *job, GgRequest *request)
{
  g_autoptr (GPtrArray) images = NULL;
  g_autoptr (GPtrArray) temps = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) finals = g_ptr_array_new_with_free_func (g_free);
  GError               *error = NULL;

  if (job->mask != NULL || job->refine)
    {
      cli_mask_run (job);
      return;
    }
  if (!cli_job_send (job, request))
    return;

  images = gg_response_images (job->response);
  if (!write_results (job, images, temps, finals, &error)
      || g_cancellable_is_cancelled (job->cancellable)
      || !cli_output_commit (temps, finals, &error))
    {
      cli_output_discard (temps);
      if (error == NULL)
        fail_with_error (job, NULL);
      else
        {
          cli_job_fail (job, CLI_EXIT_FAILED, "%s", error->message);
          g_error_free (error);
        }
      cli_output_recover (job, images);
      return;
    }
  job->files = g_steal_pointer (&finals);
  job->exit_status = CLI_EXIT_OK;
}

void
cli_job_report (CliJob *job, const GgRequest *request)
{
  /* A dry run printed the request: nothing was sent, nothing to say. */
  if (job->dry_run)
    return;
  if (job->response != NULL && !job->json)
    print_texts (job, job->response);
  if (job->warning != NULL && !job->quiet)
    fprintf (stderr, "%s: warning: %s\n", CLI_NAME, job->warning);
  /* Asked for with --conversation: said even with --quiet. */
  if (job->note != NULL)
    fprintf (stderr, "%s: %s\n", CLI_NAME, job->note);
  if (job->json)
    emit_json (job, request);
  else if (job->exit_status == CLI_EXIT_OK && !job->quiet)
    {
      g_autofree gchar *line = cli_output_cost_line (job->response,
                                                     gg_request_get_model (request),
                                                     job->files->len);

      fprintf (stderr, "%s: wrote ", CLI_NAME);
      for (guint i = 0; i < job->files->len; i++)
        fprintf (stderr, "%s%s", i > 0 ? ", " : "",
                 (const gchar *) g_ptr_array_index (job->files, i));
      fprintf (stderr, " (%s).\n", line);
    }
}
