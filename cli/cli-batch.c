/* cli-batch.c: gemini-image batch: many prompts on Google's batch service.
 *
 *   gemini-image batch submit (--prompts FILE.jsonl | --dir FOLDER) [OPTION...]
 *   gemini-image batch status|wait|cancel JOB
 *   gemini-image batch fetch JOB --output DIR
 *   gemini-image batch list
 *
 * Each subcommand does its network work on a worker thread, so that the
 * main thread takes SIGINT and (wait) redraws the progress line.
 *
 * This file holds the run and the command line; submit reads its
 * requests in cli-batch-submit.c and fetch writes its results in
 * cli-batch-fetch.c (cli-batch.h is what they share).
 */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib-unix.h>

#include "cli-batch.h"
#include "gg-error.h"

static const gchar batch_help[] =
  "NAME\n"
  "  gemini-image batch - run many prompts on Google's batch service\n"
  "\n"
  "SYNOPSIS\n"
  "  gemini-image batch submit (--prompts FILE.jsonl | --dir FOLDER) [OPTION...]\n"
  "  gemini-image batch status JOB [--json]\n"
  "  gemini-image batch wait JOB [--interval SECONDS] [--timeout SECONDS]\n"
  "  gemini-image batch fetch JOB --output DIR\n"
  "  gemini-image batch cancel JOB\n"
  "  gemini-image batch list [--limit N] [--json]\n"
  "\n"
  "DESCRIPTION\n"
  "  Jobs too large for one machine run on Google's batch service at half the\n"
  "  normal price; a batch can take up to 24 hours.  submit sends the requests\n"
  "  and prints the job's name (batches/...) at once; the other commands take\n"
  "  that name (with or without the batches/ prefix).\n"
  "\n"
  "  submit     Sends one request per prompt: inline when the batch is small\n"
  "             (under --max-inline), otherwise as a JSONL file uploaded with\n"
  "             the Files API.  Prints the job name on stdout.\n"
  "  status     Prints the job's state (PENDING, RUNNING, SUCCEEDED, FAILED,\n"
  "             CANCELLED, EXPIRED) and how many requests are done.\n"
  "  wait       Polls until the job ends, with a progress line on a terminal;\n"
  "             prints the final state on stdout.\n"
  "  fetch      Writes every image of a finished job into DIR, named by its\n"
  "             key (KEY.png, KEY-2.png ... in the format the model answered),\n"
  "             and DIR/" REPORT_NAME ": one JSON line per key with its files,\n"
  "             texts, error and token usage.  Images are written whole or not\n"
  "             at all; run fetch again after an interruption and the keys\n"
  "             whose files are there are kept, not rewritten.  Per-request\n"
  "             errors are reported per key; the other keys are kept.\n"
  "  cancel     Asks the service to stop the job.\n"
  "  list       The project's jobs, newest first.\n"
  "\n"
  "INPUT\n"
  "  --prompts FILE.jsonl: one JSON object per line:\n"
  "      {\"key\": \"cat\", \"prompt\": \"a cat in a hat\"}\n"
  "      {\"key\": \"sky\", \"prompt\": \"make the sky stormy\", \"input\": \"photo.jpg\",\n"
  "       \"aspect\": \"16:9\", \"size\": \"2K\"}\n"
  "    \"prompt\" is required; \"key\" defaults to line-N; \"input\" (relative to\n"
  "    the file's folder) makes the request an edit of that image; \"aspect\"\n"
  "    and \"size\" override the options for that request.\n"
  "  --dir FOLDER: each NAME.txt holds a prompt (key NAME); an image NAME.png,\n"
  "    .jpg, .jpeg or .webp beside it is edited as the prompt says.  With\n"
  "    --prompt TEXT, every image of the folder without a .txt is edited with\n"
  "    that prompt.\n"
  "  Keys name the output files: letters, digits, '.', '_' and '-' only, at\n"
  "  most 100 characters, not starting with '.', unique (in --dir, other\n"
  "  characters of a file name become '-').\n"
  "\n"
  "OPTIONS\n"
  "  submit:\n"
  "  --prompts FILE.jsonl, --dir FOLDER   The requests (one of the two).\n"
  "  -p, --prompt TEXT     The prompt for the images of --dir without a .txt.\n"
  "  -m, --model NAME      The model (default: the catalogue's default).\n"
  "  -a, --aspect RATIO    Aspect ratio for every request (default: 1:1 when\n"
  "                        generating, the ratio nearest the input's for edits).\n"
  "  -s, --size SIZE       Image size for the models that take one (1K, 2K, 4K).\n"
  "  --name TEXT           The job's display name.\n"
  "  --max-inline MB       Largest batch sent inline (default 20, the API's\n"
  "                        limit); a larger one is uploaded as a JSONL file.\n"
  "  --via-file            Upload the requests as a JSONL file even when small.\n"
  "  --store               Allow Google to keep the requests (up to 55 days);\n"
  "                        without it every request says \"store\": false.\n"
  "  --upload-timeout SECONDS  How long the uploaded file may stay PROCESSING\n"
  "                        (default 300).\n"
  "  status, list:\n"
  "  -j, --json            One JSON object (list: an array) on stdout.\n"
  "  --limit N             list: at most N jobs (default 100).\n"
  "  wait:\n"
  "  --interval SECONDS    Between polls (default 10).\n"
  "  --timeout SECONDS     Give up waiting after this long (default: never).\n"
  "  fetch:\n"
  "  -o, --output DIR      Where the images and " REPORT_NAME " go (made if missing).\n"
  "  every command:\n"
  "  -q, --quiet           No progress or summary on stderr (errors still are).\n"
  "  -h, --help            This help.\n"
  "\n"
  "ENVIRONMENT\n"
  "  GEMINI_API_KEY, GOOGLE_API_KEY, GOOGLE_GEMINI_BASE_URL as for generate\n"
  "  (see 'gemini-image --help').  XDG_CACHE_HOME: where uploads are cached.\n"
  "\n"
  "EXIT STATUS\n"
  "  0    Success.  fetch: every key got an image.  wait: the job SUCCEEDED.\n"
  "  1    Failure: an error from the API or the network, a job that FAILED,\n"
  "       was CANCELLED or EXPIRED, or (fetch) no key got an image.  One\n"
  "       sentence on stderr says why.\n"
  "  2    Usage error: nothing was sent.\n"
  "  3    fetch: some keys got an image and some did not; the failed keys are\n"
  "       named on stderr and in " REPORT_NAME ".\n"
  "  130  Interrupted (SIGINT); fetch keeps what it finished.\n"
  "\n"
  "EXAMPLES\n"
  "  JOB=$(gemini-image batch submit --prompts posters.jsonl --aspect 3:4)\n"
  "  gemini-image batch wait \"$JOB\" &&\n"
  "      gemini-image batch fetch \"$JOB\" --output posters/\n"
  "  gemini-image batch submit --dir photos/ --prompt 'make it look like winter'\n"
  "  gemini-image batch list\n";

/* ---- one run: options, client, worker --------------------------------- */

static void
batch_clear (Batch *b)
{
  g_free (b->job);
  g_free (b->prompts);
  g_free (b->dir);
  g_free (b->prompt);
  g_free (b->model);
  g_free (b->aspect);
  g_free (b->size);
  g_free (b->name);
  g_free (b->output);
  g_clear_pointer (&b->client, gg_client_free);
  if (b->key != NULL)
    {
      memset (b->key, 0, strlen (b->key));
      g_free (b->key);
    }
  g_clear_object (&b->cancellable);
  g_mutex_clear (&b->lock);
  g_free (b->line);
  g_free (b->message);
  g_string_free (b->out, TRUE);
  g_string_free (b->err, TRUE);
  g_clear_pointer (&b->input, gg_batch_input_free);
}

void
cli_batch_fail (Batch *b, gint status, const gchar *format, ...)
{
  va_list args;
  gchar  *text;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  b->status = status;
  g_free (b->message);
  b->message = gg_redact (text, b->key);
  g_free (text);
}

/* The outcome of an engine error, allowing for our own reasons to stop. */
void
cli_batch_fail_error (Batch *b, const GError *error)
{
  if (g_atomic_int_get (&b->interrupted))
    cli_batch_fail (b, CLI_EXIT_INTERRUPTED, "Interrupted.");
  else if (g_atomic_int_get (&b->timed_out))
    cli_batch_fail (b, CLI_EXIT_FAILED, "Gave up after the --timeout of %g seconds.", b->timeout);
  else
    cli_batch_fail (b, CLI_EXIT_FAILED, "%s", error ? error->message : "Cancelled.");
}

void
cli_batch_set_line (Batch *b, gchar *line)
{
  g_mutex_lock (&b->lock);
  g_free (b->line);
  b->line = line;
  g_mutex_unlock (&b->lock);
}

/* The client, or FALSE with a usage failure set. */
static gboolean
batch_connect (Batch *b)
{
  g_autofree gchar *base_url = gg_base_url_from_environment ();
  GError           *error = NULL;

  if (!gg_base_url_check (base_url, &error))
    {
      cli_batch_fail (b, CLI_EXIT_USAGE, "%s", error->message);
      g_error_free (error);
      return FALSE;
    }
  b->key = gg_key_from_environment ();
  if (b->key == NULL || b->key[0] == '\0')
    {
      cli_batch_fail (b, CLI_EXIT_USAGE, "No API key: set GEMINI_API_KEY (or GOOGLE_API_KEY) "
                  "in the environment; get a key at https://aistudio.google.com/apikey.");
      return FALSE;
    }
  b->client = gg_client_new (b->key, base_url, &error);
  if (b->client == NULL)
    {
      cli_batch_fail (b, CLI_EXIT_USAGE, "%s", error->message);
      g_error_free (error);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  Batch     *b;
  BatchWork  work;
  GMainLoop *loop;
  gboolean   dirty;
  gchar     *drawn;
} Runner;

static gboolean
on_done (gpointer data)
{
  g_main_loop_quit (((Runner *) data)->loop);
  return G_SOURCE_REMOVE;
}

static gpointer
worker (gpointer data)
{
  Runner *r = data;

  r->work (r->b);
  g_idle_add (on_done, r);
  return NULL;
}

static gboolean
on_interrupt (gpointer data)
{
  Runner *r = data;

  g_atomic_int_set (&r->b->interrupted, 1);
  g_cancellable_cancel (r->b->cancellable);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_timeout (gpointer data)
{
  Runner *r = data;

  g_atomic_int_set (&r->b->timed_out, 1);
  g_cancellable_cancel (r->b->cancellable);
  return G_SOURCE_REMOVE;
}

static gboolean
on_tick (gpointer data)
{
  Runner *r = data;
  gchar  *line;

  g_mutex_lock (&r->b->lock);
  /* The time from our own clock: it moves between polls too. */
  line = r->b->line == NULL ? NULL
         : g_strdup_printf ("%s, %.0f s", r->b->line,
                            floor ((g_get_monotonic_time () - r->b->started)
                                   / (gdouble) G_USEC_PER_SEC));
  g_mutex_unlock (&r->b->lock);
  if (line != NULL && g_strcmp0 (line, r->drawn) != 0)
    {
      fprintf (stderr, "\r%s\033[K", line);
      fflush (stderr);
      r->dirty = TRUE;
      g_free (r->drawn);
      r->drawn = line;
    }
  else
    g_free (line);
  return G_SOURCE_CONTINUE;
}

/* Runs @work on a worker thread; SIGINT and SIGTERM cancel it. */
static void
batch_run (Batch *b, BatchWork work, gdouble timeout)
{
  Runner   r = { 0, };
  GThread *thread;
  guint    sigint_id, sigterm_id, tick_id = 0, timeout_id = 0;

  r.b = b;
  r.work = work;
  r.loop = g_main_loop_new (NULL, FALSE);
  b->progress_line = !b->quiet && isatty (STDERR_FILENO);
  sigint_id = g_unix_signal_add (SIGINT, on_interrupt, &r);
  sigterm_id = g_unix_signal_add (SIGTERM, on_interrupt, &r);
  if (b->progress_line)
    tick_id = g_timeout_add (250, on_tick, &r);
  if (timeout > 0)
    timeout_id = g_timeout_add ((guint) MIN (timeout * 1000.0, G_MAXUINT - 1), on_timeout, &r);
  b->started = g_get_monotonic_time ();
  thread = g_thread_new ("gemini-batch", worker, &r);
  g_main_loop_run (r.loop);
  g_thread_join (thread);
  if (tick_id)
    g_source_remove (tick_id);
  if (timeout_id && !g_atomic_int_get (&b->timed_out))
    g_source_remove (timeout_id);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  if (r.dirty)
    fputs ("\r\033[K", stderr);
  g_free (r.drawn);
  g_main_loop_unref (r.loop);
}

/* ---- status, wait, cancel, list --------------------------------------- */

static gchar *
describe_counts (const GgBatch *batch)
{
  if (batch->request_count < 0)
    return g_strdup ("");
  if (batch->failed_count > 0)
    return g_strdup_printf (", %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " done, %"
                            G_GINT64_FORMAT " failed",
                            MAX (batch->succeeded_count, 0) + batch->failed_count,
                            batch->request_count, batch->failed_count);
  return g_strdup_printf (", %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " done",
                          MAX (batch->succeeded_count, 0), batch->request_count);
}

static cJSON *
batch_json (const GgBatch *batch)
{
  cJSON *object = cJSON_CreateObject ();

  cJSON_AddStringToObject (object, "name", batch->name);
  cJSON_AddStringToObject (object, "state", gg_batch_state_to_string (batch->state));
  if (batch->display_name)
    cJSON_AddStringToObject (object, "display_name", batch->display_name);
  if (batch->model)
    cJSON_AddStringToObject (object, "model", batch->model);
  if (batch->create_time)
    cJSON_AddStringToObject (object, "create_time", batch->create_time);
  if (batch->end_time)
    cJSON_AddStringToObject (object, "end_time", batch->end_time);
  if (batch->request_count >= 0)
    {
      cJSON_AddNumberToObject (object, "requests", (gdouble) batch->request_count);
      cJSON_AddNumberToObject (object, "pending", (gdouble) MAX (batch->pending_count, 0));
      cJSON_AddNumberToObject (object, "succeeded", (gdouble) MAX (batch->succeeded_count, 0));
      cJSON_AddNumberToObject (object, "failed", (gdouble) MAX (batch->failed_count, 0));
    }
  if (batch->responses_file)
    cJSON_AddStringToObject (object, "responses_file", batch->responses_file);
  if (batch->error_message)
    cJSON_AddStringToObject (object, "error", batch->error_message);
  return object;
}

static void
append_json (GString *out, cJSON *json)
{
  gchar *text = cJSON_Print (json);

  g_string_append (out, text);
  g_string_append_c (out, '\n');
  cJSON_free (text);
  cJSON_Delete (json);
}

static void
status_work (Batch *b)
{
  g_autoptr(GgBatch) batch = NULL;
  g_autofree gchar  *counts = NULL;
  GError            *error = NULL;

  batch = gg_batch_get (b->client, b->job, b->cancellable, &error);
  if (batch == NULL)
    {
      cli_batch_fail_error (b, error);
      g_error_free (error);
      return;
    }
  if (b->json)
    append_json (b->out, batch_json (batch));
  else
    {
      counts = describe_counts (batch);
      g_string_append_printf (b->out, "%s: %s%s\n", batch->name,
                              gg_batch_state_to_string (batch->state), counts);
      if (batch->model)
        g_string_append_printf (b->out, "  model: %s\n", batch->model);
      if (batch->display_name)
        g_string_append_printf (b->out, "  name: %s\n", batch->display_name);
      if (batch->create_time)
        g_string_append_printf (b->out, "  created: %s\n", batch->create_time);
      if (batch->end_time)
        g_string_append_printf (b->out, "  ended: %s\n", batch->end_time);
      if (batch->error_message)
        g_string_append_printf (b->out, "  error: %s\n", batch->error_message);
    }
  b->status = CLI_EXIT_OK;
}

/* Sleeps @seconds unless cancelled; FALSE when cancelled. */
static gboolean
nap (Batch *b, gdouble seconds)
{
  gint64 end = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);

  while (g_get_monotonic_time () < end)
    {
      if (g_cancellable_is_cancelled (b->cancellable))
        return FALSE;
      g_usleep (MIN (50000, MAX (1, end - g_get_monotonic_time ())));
    }
  return !g_cancellable_is_cancelled (b->cancellable);
}

static void
wait_work (Batch *b)
{
  GgBatchState  last = GG_BATCH_STATE_UNKNOWN;

  while (TRUE)
    {
      g_autoptr(GgBatch) batch = NULL;
      g_autofree gchar  *counts = NULL;
      GError            *error = NULL;

      batch = gg_batch_get (b->client, b->job, b->cancellable, &error);
      if (batch == NULL)
        {
          cli_batch_fail_error (b, error);
          g_error_free (error);
          return;
        }
      counts = describe_counts (batch);
      cli_batch_set_line (b, g_strdup_printf ("%s: %s%s", batch->name,
                                    gg_batch_state_to_string (batch->state), counts));
      if (batch->state != last && !b->progress_line && !b->quiet)
        {
          fprintf (stderr, "%s: %s is %s%s\n", CLI_NAME, batch->name,
                   gg_batch_state_to_string (batch->state), counts);
          fflush (stderr);
        }
      last = batch->state;
      if (gg_batch_state_is_final (batch->state))
        {
          g_string_append_printf (b->out, "%s\n", gg_batch_state_to_string (batch->state));
          if (batch->state == GG_BATCH_STATE_SUCCEEDED)
            {
              b->status = CLI_EXIT_OK;
              if (!b->quiet)
                g_string_append_printf (b->err, "%s: %s succeeded%s; get the images with "
                                        "'%s batch fetch %s --output DIR'.\n", CLI_NAME,
                                        batch->name, counts, CLI_NAME, batch->name);
            }
          else if (batch->state == GG_BATCH_STATE_FAILED)
            cli_batch_fail (b, CLI_EXIT_FAILED, "The batch %s failed%s%s%s.", batch->name,
                        batch->error_message ? ": " : "",
                        batch->error_message ? batch->error_message : "",
                        batch->error_message ? "" : " without a reason given");
          else if (batch->state == GG_BATCH_STATE_CANCELLED)
            cli_batch_fail (b, CLI_EXIT_FAILED, "The batch %s was cancelled.", batch->name);
          else
            cli_batch_fail (b, CLI_EXIT_FAILED, "The batch %s expired: it did not finish "
                        "within the service's time limit (24 hours); submit it again, "
                        "perhaps in smaller parts.", batch->name);
          return;
        }
      if (!nap (b, b->interval > 0 ? b->interval : 10))
        {
          if (g_atomic_int_get (&b->timed_out))
            cli_batch_fail (b, CLI_EXIT_FAILED, "The batch %s is still %s after the --timeout of "
                        "%g seconds: wait again later.", batch->name,
                        gg_batch_state_to_string (batch->state), b->timeout);
          else
            cli_batch_fail_error (b, NULL);
          return;
        }
    }
}

static void
cancel_work (Batch *b)
{
  g_autofree gchar *name = gg_batch_name_normalize (b->job);
  GError           *error = NULL;

  if (!gg_batch_cancel (b->client, name, b->cancellable, &error))
    {
      cli_batch_fail_error (b, error);
      g_error_free (error);
      return;
    }
  if (!b->quiet)
    g_string_append_printf (b->err, "%s: asked the service to cancel %s; its results so "
                            "far are dropped ('%s batch status %s' shows when it stopped).\n",
                            CLI_NAME, name, CLI_NAME, name);
  b->status = CLI_EXIT_OK;
}

static void
list_work (Batch *b)
{
  g_autoptr(GPtrArray) batches = NULL;
  GError              *error = NULL;
  cJSON               *array;

  batches = gg_batch_list (b->client, b->limit > 0 ? (guint) b->limit : 100,
                           b->cancellable, &error);
  if (batches == NULL)
    {
      cli_batch_fail_error (b, error);
      g_error_free (error);
      return;
    }
  array = cJSON_CreateArray ();
  for (guint i = 0; i < batches->len; i++)
    {
      const GgBatch    *batch = g_ptr_array_index (batches, i);
      g_autofree gchar *counts = describe_counts (batch);

      if (b->json)
        cJSON_AddItemToArray (array, batch_json (batch));
      else
        g_string_append_printf (b->out, "%s\t%s\t%s\t%s%s\n", batch->name,
                                gg_batch_state_to_string (batch->state),
                                batch->create_time ? batch->create_time : "-",
                                batch->display_name ? batch->display_name : "",
                                counts);
    }
  if (b->json)
    append_json (b->out, array);
  else
    cJSON_Delete (array);
  if (batches->len == 0 && !b->json && !b->quiet)
    g_string_append_printf (b->err, "%s: no batches.\n", CLI_NAME);
  b->status = CLI_EXIT_OK;
}

/* ---- the command line ------------------------------------------------- */

static gint
usage (const gchar *format, ...) G_GNUC_PRINTF (1, 2);

static gint
usage (const gchar *format, ...)
{
  va_list args;
  gchar  *text;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "%s: %s\n", CLI_NAME, text);
  g_free (text);
  return CLI_EXIT_USAGE;
}

static gint
batch_finish (Batch *b)
{
  gint status;

  fputs (b->out->str, stdout);
  fflush (stdout);
  fputs (b->err->str, stderr);
  if (b->message != NULL)
    fprintf (stderr, "%s: %s\n", CLI_NAME, b->message);
  status = b->status;
  batch_clear (b);
  return status;
}

gint
cli_batch_main (gint argc, gchar **argv)
{
  Batch           b = { 0, };
  gboolean        help = FALSE;
  GOptionEntry    entries[] =
  {
    { "prompts", 0, 0, G_OPTION_ARG_FILENAME, &b.prompts, NULL, NULL },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &b.dir, NULL, NULL },
    { "prompt", 'p', 0, G_OPTION_ARG_STRING, &b.prompt, NULL, NULL },
    { "model", 'm', 0, G_OPTION_ARG_STRING, &b.model, NULL, NULL },
    { "aspect", 'a', 0, G_OPTION_ARG_STRING, &b.aspect, NULL, NULL },
    { "size", 's', 0, G_OPTION_ARG_STRING, &b.size, NULL, NULL },
    { "name", 0, 0, G_OPTION_ARG_STRING, &b.name, NULL, NULL },
    { "max-inline", 0, 0, G_OPTION_ARG_DOUBLE, &b.max_inline_mb, NULL, NULL },
    { "via-file", 0, 0, G_OPTION_ARG_NONE, &b.via_file, NULL, NULL },
    { "store", 0, 0, G_OPTION_ARG_NONE, &b.store, NULL, NULL },
    { "upload-timeout", 0, 0, G_OPTION_ARG_DOUBLE, &b.upload_timeout, NULL, NULL },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &b.output, NULL, NULL },
    { "json", 'j', 0, G_OPTION_ARG_NONE, &b.json, NULL, NULL },
    { "limit", 0, 0, G_OPTION_ARG_INT, &b.limit, NULL, NULL },
    { "interval", 0, 0, G_OPTION_ARG_DOUBLE, &b.interval, NULL, NULL },
    { "timeout", 0, 0, G_OPTION_ARG_DOUBLE, &b.timeout, NULL, NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &b.quiet, NULL, NULL },
    { "help", 'h', 0, G_OPTION_ARG_NONE, &help, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };
  GOptionContext *context;
  GError         *error = NULL;
  const gchar    *command;
  BatchWork       work = NULL;
  gboolean        needs_job;

  b.cancellable = g_cancellable_new ();
  b.out = g_string_new (NULL);
  b.err = g_string_new (NULL);
  b.status = CLI_EXIT_FAILED;
  g_mutex_init (&b.lock);
  g_set_prgname (CLI_NAME " batch");

  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0
      || strcmp (argv[1], "help") == 0)
    {
      fputs (batch_help, argc < 2 ? stderr : stdout);
      batch_clear (&b);
      return argc < 2 ? CLI_EXIT_USAGE : CLI_EXIT_OK;
    }
  command = argv[1];
  b.command = command;
  if (strcmp (command, "submit") == 0)
    work = cli_batch_submit_work;
  else if (strcmp (command, "status") == 0)
    work = status_work;
  else if (strcmp (command, "wait") == 0)
    work = wait_work;
  else if (strcmp (command, "fetch") == 0)
    work = cli_batch_fetch_work;
  else if (strcmp (command, "cancel") == 0)
    work = cancel_work;
  else if (strcmp (command, "list") == 0)
    work = list_work;
  else
    {
      batch_clear (&b);
      return usage ("Unknown batch command '%s': use submit, status, wait, fetch, cancel "
                    "or list (see '%s batch --help').", command, CLI_NAME);
    }

  context = g_option_context_new (NULL);
  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_add_main_entries (context, entries, NULL);
  argc--;
  argv++;
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      gint status = usage ("%s (see '%s batch --help').", error->message, CLI_NAME);

      g_error_free (error);
      g_option_context_free (context);
      batch_clear (&b);
      return status;
    }
  g_option_context_free (context);
  if (help)
    {
      fputs (batch_help, stdout);
      batch_clear (&b);
      return CLI_EXIT_OK;
    }

  needs_job = work != cli_batch_submit_work && work != list_work;
  if (needs_job)
    {
      if (argc < 2)
        {
          batch_clear (&b);
          return usage ("No job: give the batch's name, as printed by 'batch submit' "
                        "(batches/...).");
        }
      b.job = g_strdup (argv[1]);
      argc--;
      argv++;
    }
  if (argc > 1)
    {
      gint status = usage ("Unexpected argument '%s' (see '%s batch --help').", argv[1], CLI_NAME);

      batch_clear (&b);
      return status;
    }
  if (work == cli_batch_submit_work && (b.prompts == NULL) == (b.dir == NULL))
    {
      batch_clear (&b);
      return usage ("Give the requests with either --prompts FILE.jsonl or --dir FOLDER.");
    }
  if (work == cli_batch_fetch_work && (b.output == NULL || b.output[0] == '\0'))
    {
      batch_clear (&b);
      return usage ("No output folder: name it with --output DIR.");
    }
  if (b.timeout < 0 || b.interval < 0 || b.max_inline_mb < 0 || b.upload_timeout < 0)
    {
      batch_clear (&b);
      return usage ("Times and sizes are positive numbers.");
    }

  if (work == cli_batch_submit_work)
    {
      b.input = gg_batch_input_new ();
      if (!(b.prompts ? cli_batch_read_prompts_file (&b) : cli_batch_read_folder (&b)))
        return batch_finish (&b);
    }
  if (!batch_connect (&b))
    return batch_finish (&b);
  batch_run (&b, work, work == wait_work ? b.timeout : 0);
  return batch_finish (&b);
}
