/* gemini-image.c: the command line front end of the engine.
 *
 *   gemini-image generate --prompt TEXT --output FILE [OPTION...]
 *   gemini-image edit --input FILE --prompt TEXT --output FILE [OPTION...]
 *   gemini-image refine --input FILE --conversation FILE --prompt TEXT
 *       --output FILE [OPTION...]
 *   gemini-image models [--json]
 *   gemini-image templates | template ID | history   (cli-templates.c)
 *
 * This file parses the command line (the man pages are in cli-help.c)
 * and owns the main loop: the request
 * runs on a worker thread so that the main thread can take SIGINT through
 * g_unix_signal_add (), redraw the progress line and enforce --timeout
 * across retries.
 */
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib-unix.h>

#include "cli.h"
#include "cli-templates.h"
#include "gg-catalogue.h"
#include "gg-region.h"

/* The options of generate, edit or refine, edit's own first: one table for the
 * parser and the help.  g_free the array (the strings are static). */
static GOptionEntry *
job_entries (CliJob *job, CliCommand command, gboolean *help)
{
  GOptionEntry common[] =
  {
    { "prompt", 'p', 0, G_OPTION_ARG_STRING, &job->prompt,
      "What to draw (generate) or what to change (edit).  Required unless "
      "--template is given; with it, added after the filled template as "
      "further instructions.", "TEXT" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &job->output,
      "Where to write the result; the extension picks the format: .png, .jpg, "
      ".jpeg or .webp.  More images: FILE-2, FILE-3 ...  Required.", "FILE" },
    { "model", 'm', 0, G_OPTION_ARG_STRING, &job->model,
      "The model (default: the catalogue's default; see 'gemini-image models').  "
      "Free text: new names are sent unchecked.", "NAME" },
    { "aspect", 'a', 0, G_OPTION_ARG_STRING, &job->aspect,
      "Aspect ratio such as 1:1, 16:9, 9:16, 4:3, 21:9 (default: generate 1:1, "
      "edit the ratio nearest to the input's, refine the conversation's).", "RATIO" },
    { "size", 's', 0, G_OPTION_ARG_STRING, &job->size,
      "Image size for the models that take one: 1K, 2K, 4K (uppercase K), "
      "512 on some.  Refused for models without sizes.", "SIZE" },
    { "reference", 'r', 0, G_OPTION_ARG_FILENAME_ARRAY, &job->references,
      "A reference image (repeatable), optionally with its role: style:FILE, "
      "subject:FILE, object:FILE, person:FILE, composition:FILE.", "[ROLE:]FILE" },
    { "search", 0, 0, G_OPTION_ARG_NONE, &job->search,
      "Let the model use Google Search (grounding); the sources are listed.", NULL },
    { "image-only", 0, 0, G_OPTION_ARG_NONE, &job->image_only,
      "Ask for an image without text (not together with --search, which then "
      "returns no image).", NULL },
    { "system", 0, 0, G_OPTION_ARG_STRING, &job->system,
      "A system instruction sent with the prompt.", "TEXT" },
    { "thinking", 0, 0, G_OPTION_ARG_STRING, &job->thinking,
      "How much the model thinks before drawing: minimal, medium or high, "
      "for the models that take a level (see 'gemini-image models'; "
      "refused before sending for the others).  Default: the model's.", "LEVEL" },
    { "store", 0, 0, G_OPTION_ARG_NONE, &job->store,
      "Allow Google to keep this request (prompt, images, answer) for up to "
      "55 days, as new paid projects do by default since 2026-10-26.  Without "
      "it every request says \"store\": false.", NULL },
    { "temperature", 't', 0, G_OPTION_ARG_DOUBLE, &job->temperature,
      "Sampling temperature, 0 to 2 (default: the model's).", "X" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &job->seed,
      "Sampling seed, for repeatable results where the model honours it.", "N" },
    { "thoughts", 0, 0, G_OPTION_ARG_NONE, &job->thoughts,
      "Ask for the model's thoughts (thinking models); their text goes to "
      "stderr, and in --json to \"thoughts\".", NULL },
    { "save-thoughts", 0, 0, G_OPTION_ARG_FILENAME, &job->save_thoughts,
      "Write the interim thought images into DIR (implies --thoughts).  They "
      "are never taken for the result.", "DIR" },
    { "timeout", 0, 0, G_OPTION_ARG_DOUBLE, &job->timeout,
      "Give up after this many seconds in all, retries included (default: "
      "the engine's, generous: the 3 Pro model often takes minutes).", "SECONDS" },
    { "stall-timeout", 0, 0, G_OPTION_ARG_DOUBLE, &job->stall_timeout,
      "Give up when the answer stops arriving for this long (default 60).", "SECONDS" },
    { "retries", 0, 0, G_OPTION_ARG_INT, &job->retries,
      "Further attempts after a retryable failure (429, 500, 502, 503, 504, "
      "network).  The server's RetryInfo delay is honoured once, with a "
      "countdown on stderr; no more than 2 minutes are waited in all, and a "
      "quota of 0 or a daily quota fails at once.  Default 4.", "N" },
    { "max-inline", 0, 0, G_OPTION_ARG_DOUBLE, &job->max_inline_mb,
      "The most the images may add up to inline, in MB once encoded (default "
      "100, the API's limit since 2026-01-08).  Beyond it the largest images "
      "are uploaded with the Files API and sent by reference; an upload of "
      "the same content is reused for 48 hours (cached in "
      "$XDG_CACHE_HOME/gimp-gemini).", "MB" },
    { "upload-timeout", 0, 0, G_OPTION_ARG_DOUBLE, &job->upload_timeout,
      "Give up when an uploaded image is still being processed by the server "
      "after this long (default 300).", "SECONDS" },
    { "no-upload-cache", 0, 0, G_OPTION_ARG_NONE, &job->no_upload_cache,
      "Neither reuse an earlier upload nor keep this run's: images uploaded "
      "with the Files API are deleted once the answer arrived.", NULL },
    { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &job->dry_run,
      "Check everything and print the request JSON (image data elided; the key "
      "is never in it) instead of sending it.  Needs no key; writes nothing.", NULL },
    { "json", 'j', 0, G_OPTION_ARG_NONE, &job->json,
      "Print a JSON summary on stdout instead of the text: texts, files, "
      "finish_reason, model_version, usage, cost_usd, sources.", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &job->quiet,
      "No progress and no cost line on stderr (errors are still reported).", NULL },
    G_OPTION_ENTRY_NULL
  };
  GOptionEntry edit_entries[] =
  {
    { "input", 'i', 0, G_OPTION_ARG_FILENAME, &job->input,
      "The image to edit (refine: as it is now, such as the edit's output): "
      "PNG, JPEG or WebP (HEIF is sent as it is).  Required.", "FILE" },
    { "mask", 0, 0, G_OPTION_ARG_FILENAME, &job->mask,
      "A mask of the input's size: white may change, black stays, grey "
      "blends.  The result keeps the input's size.", "MASK.png" },
    { "grow", 0, 0, G_OPTION_ARG_DOUBLE, &job->mask_options.grow,
      "With --mask: grow the masked area by PX pixels (negative: shrink) before "
      "feathering.  Default 0; the GIMP plug-in uses 4.", "PX" },
    { "feather", 0, 0, G_OPTION_ARG_DOUBLE, &job->mask_options.feather,
      "With --mask: feather the grown area's edge over PX pixels, inside it (it "
      "stays 0 outside).  Default 0: the mask as it is.", "PX" },
    { "patch", 0, 0, G_OPTION_ARG_FILENAME, &job->mask_options.patch,
      "With --mask: also write the patch: the placed answer over the area sent, "
      "on a transparent canvas of the input's size, with the mask as alpha "
      "(.png or .webp).", "FILE" },
    { "hint", 0, 0, G_OPTION_ARG_NONE, &job->mask_options.hint,
      "With --mask: send a second image, white where pixels may change and black "
      "elsewhere, with a sentence saying so.", NULL },
    G_OPTION_ENTRY_NULL
  };
  GOptionEntry conversation_entries[] =
  {
    { "conversation", 0, 0, G_OPTION_ARG_FILENAME, &job->conversation,
      "With --mask: keep the conversation (the prompt and pictures sent, the "
      "answer as received, where it went) in FILE, for 'gemini-image refine'.  "
      "A JSON file of mode 0600, replaced when there; never written unless "
      "asked for.", "FILE" },
    G_OPTION_ENTRY_NULL
  };
  GOptionEntry refine_entries[] =
  {
    { "conversation", 0, 0, G_OPTION_ARG_FILENAME, &job->conversation,
      "The conversation to continue, kept by 'gemini-image edit --mask MASK "
      "--conversation FILE' or an earlier refine; it then holds the new turn "
      "too.  Required.", "FILE" },
    { "include-region", 0, 0, G_OPTION_ARG_NONE, &job->include_region,
      "Send the region as it is now with the prompt (for when it was painted "
      "on since the edit).  Without it the prompt goes as text only.", NULL },
    G_OPTION_ENTRY_NULL
  };
  GOptionEntry help_entry[] =
  {
    { "help", 'h', 0, G_OPTION_ARG_NONE, help, "Show this help and exit.", NULL },
    G_OPTION_ENTRY_NULL
  };
  GArray *all = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));

  if (command != CLI_COMMAND_GENERATE)
    g_array_append_vals (all, edit_entries, G_N_ELEMENTS (edit_entries) - 1);
  if (command == CLI_COMMAND_EDIT)
    g_array_append_vals (all, conversation_entries, 1);
  if (command == CLI_COMMAND_REFINE)
    g_array_append_vals (all, refine_entries, G_N_ELEMENTS (refine_entries) - 1);
  g_array_append_vals (all, common, G_N_ELEMENTS (common) - 1);
  g_array_append_vals (all, help_entry, 1);
  return (GOptionEntry *) g_array_free (all, FALSE);
}

static gboolean
usage_error (const gchar *format, ...) G_GNUC_PRINTF (1, 2);

static gboolean
usage_error (const gchar *format, ...)
{
  va_list args;
  gchar  *text;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "%s: %s\n", CLI_NAME, text);
  g_free (text);
  return FALSE;
}

/* Checks what GOption cannot: required options and ranges. */
static gboolean
check_options (CliJob *job, gint argc, gchar **argv)
{
  const gchar *name = job->refine ? "refine" : job->edit ? "edit" : "generate";

  if (argc > 1)
    return usage_error ("Unexpected argument '%s': every value belongs to an option "
                        "(see '%s %s --help').", argv[1], CLI_NAME, name);
  if (job->edit && (job->input == NULL || job->input[0] == '\0'))
    return usage_error ("No input image: give the image to %s with --input FILE.", name);
  if (job->refine && (job->conversation == NULL || job->conversation[0] == '\0'))
    return usage_error ("No conversation: refine continues one kept in a file; %s, "
                        "then give it here with --conversation FILE.",
                        CLI_CONVERSATION_START);
  if (job->prompt == NULL || g_strstrip (job->prompt)[0] == '\0')
    return usage_error ("No prompt: say what to %s with --prompt TEXT, or fill a "
                        "template with --template ID (see '%s templates').",
                        job->edit ? "change" : "draw", CLI_NAME);
  if (job->output == NULL || job->output[0] == '\0')
    return usage_error ("No output file: name it with --output FILE (.png, .jpg, .jpeg or .webp).");
  if (job->temperature != -1.0 && (job->temperature < 0.0 || job->temperature > 2.0))
    return usage_error ("The temperature must be between 0 and 2, not %g.", job->temperature);
  if (job->timeout < 0.0 || job->stall_timeout < 0.0)
    return usage_error ("Timeouts are positive numbers of seconds.");
  if (job->max_inline_mb < 0.0 || job->upload_timeout < 0.0)
    return usage_error ("--max-inline and --upload-timeout take positive numbers.");
  if (job->thinking != NULL
      && g_ascii_strcasecmp (job->thinking, "minimal") != 0
      && g_ascii_strcasecmp (job->thinking, "medium") != 0
      && g_ascii_strcasecmp (job->thinking, "high") != 0)
    return usage_error ("--thinking takes minimal, medium or high, not '%s'.", job->thinking);
  if (job->retries < -1 || job->retries > 100)
    return usage_error ("--retries takes a number from 0 to 100.");
  if (job->mask != NULL && !job->edit)
    return usage_error ("--mask belongs to edit and refine.");
  if (job->conversation != NULL && !job->refine && job->mask == NULL)
    return usage_error ("--conversation keeps where an edit's answer went, so it goes "
                        "with --mask (all white for the whole image).");
  if (job->refine && job->mask_options.hint && !job->include_region)
    return usage_error ("--hint marks where the region sent may change: with refine "
                        "it goes with --include-region.");
  if (job->mask == NULL && (job->mask_options.grow != 0 || job->mask_options.feather != 0
                            || job->mask_options.hint || job->mask_options.patch != NULL))
    return usage_error ("--grow, --feather, --hint and --patch go with --mask.");
  if (!(fabs (job->mask_options.grow) <= 1000) || !(job->mask_options.feather >= 0)
      || job->mask_options.feather > 1000)
    return usage_error ("--grow takes -1000 to 1000 pixels and --feather 0 to 1000.");
  if (job->mask_options.patch != NULL
      && gg_format_from_filename (job->mask_options.patch) != GG_FORMAT_PNG
      && gg_format_from_filename (job->mask_options.patch) != GG_FORMAT_WEBP)
    return usage_error ("The patch keeps the mask as alpha: name it .png or .webp.");
  if (job->save_thoughts != NULL)
    job->thoughts = TRUE;
  return TRUE;
}

/* ---- the main loop around the worker ---------------------------------- */

typedef struct
{
  CliJob      *job;
  GgRequest   *request;
  GMainLoop   *loop;
  gboolean     progress_line;   /* stderr is a terminal and not --quiet */
  gboolean     line_dirty;
  gchar       *last_line;       /* redrawn only when it changes */
} CliRun;

static gboolean
on_worker_done (gpointer data)
{
  CliRun *run = data;

  g_main_loop_quit (run->loop);
  return G_SOURCE_REMOVE;
}

static gpointer
worker (gpointer data)
{
  CliRun *run = data;

  cli_job_run (run->job, run->request);
  g_idle_add (on_worker_done, run);
  return NULL;
}

static gboolean
on_interrupt (gpointer data)
{
  CliRun *run = data;

  g_atomic_int_set (&run->job->interrupted, 1);
  g_cancellable_cancel (run->job->cancellable);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_timeout (gpointer data)
{
  CliRun *run = data;

  g_atomic_int_set (&run->job->timed_out, 1);
  g_cancellable_cancel (run->job->cancellable);
  return G_SOURCE_REMOVE;
}

static const gchar *
phase_name (GgPhase phase)
{
  switch (phase)
    {
    case GG_PHASE_CONNECTING:  return "connecting";
    case GG_PHASE_UPLOADING:   return "sending";
    case GG_PHASE_WAITING:     return "the model is working";
    case GG_PHASE_DOWNLOADING: return "receiving";
    case GG_PHASE_RETRY_WAIT:  return "waiting to retry";
    }
  return "working";
}

/* Redraws the progress line; the elapsed time comes from our own clock so
 * that it moves even while the engine has nothing to report. */
static gboolean
on_tick (gpointer data)
{
  CliRun    *run = data;
  CliJob    *job = run->job;
  GgProgress progress = { 0 };
  gboolean   have;
  gdouble    elapsed;
  GString   *line;
  gchar     *stage;

  g_mutex_lock (&job->lock);
  progress = job->progress;
  have = job->have_progress;
  stage = g_strdup (job->stage);
  if (have && progress.phase == GG_PHASE_RETRY_WAIT && job->wait_reason != NULL
      && !job->wait_announced)
    {
      /* The reason once, on a line of its own above the countdown. */
      fprintf (stderr, "\r\033[K%s: %s\n", CLI_NAME, job->wait_reason);
      job->wait_announced = TRUE;
      g_clear_pointer (&run->last_line, g_free);
    }
  g_mutex_unlock (&job->lock);

  elapsed = (g_get_monotonic_time () - job->started) / (gdouble) G_USEC_PER_SEC;
  line = g_string_new (NULL);
  if (stage != NULL)
    {
      g_string_append_printf (line, "\r%s", stage);
      if (have && progress.phase == GG_PHASE_UPLOADING && progress.send_total > 0)
        g_string_append_printf (line, ", %.0f%%", 100.0 * progress.sent / progress.send_total);
    }
  else
    g_string_append_printf (line, "\r%s: %s", gg_request_get_model (run->request),
                            have ? phase_name (progress.phase) : "starting");
  g_free (stage);
  if (have && progress.phase == GG_PHASE_RETRY_WAIT)
    g_string_append_printf (line, " in %.0f s (Ctrl+C to stop)", ceil (progress.retry_in));
  else if (have && progress.attempt > 1)
    g_string_append_printf (line, " (attempt %d)", progress.attempt);
  if (have && progress.phase == GG_PHASE_DOWNLOADING && progress.received > 0
      && !strchr (line->str, '%'))
    g_string_append_printf (line, ", %.1f MB", progress.received / 1e6);
  g_string_append_printf (line, ", %.0f s\033[K", floor (elapsed));
  if (g_strcmp0 (line->str, run->last_line) != 0)
    {
      fputs (line->str, stderr);
      fflush (stderr);
      run->line_dirty = TRUE;
      g_free (run->last_line);
      run->last_line = g_string_free (line, FALSE);
    }
  else
    g_string_free (line, TRUE);
  return G_SOURCE_CONTINUE;
}

static gint
run_job (CliJob *job)
{
  CliRun   run = { 0 };
  GThread *thread;
  guint    sigint_id, sigterm_id, tick_id = 0, timeout_id = 0;

  run.job = job;
  run.request = cli_job_prepare (job);
  if (run.request == NULL)
    return job->exit_status;
  /* With --mask the engine builds the request that a dry run prints, on
   * the worker as a real run does (the same memory: tests/e2e's
   * test_recovery calibrates with it). */
  if (job->dry_run && job->mask == NULL && !job->refine)
    {
      gg_request_free (run.request);
      return job->exit_status;
    }

  run.loop = g_main_loop_new (NULL, FALSE);
  sigint_id = g_unix_signal_add (SIGINT, on_interrupt, &run);
  sigterm_id = g_unix_signal_add (SIGTERM, on_interrupt, &run);
  run.progress_line = !job->quiet && !job->dry_run && isatty (STDERR_FILENO);
  job->progress_line = run.progress_line;
  if (run.progress_line)
    tick_id = g_timeout_add (250, on_tick, &run);
  /* The engine's total limit is per attempt; --timeout is for the whole
   * run, retry waits included. */
  if (job->timeout > 0.0)
    timeout_id = g_timeout_add ((guint) MIN (job->timeout * 1000.0, G_MAXUINT - 1),
                                on_timeout, &run);

  job->started = g_get_monotonic_time ();
  thread = g_thread_new ("gemini-request", worker, &run);
  g_main_loop_run (run.loop);
  g_thread_join (thread);

  if (tick_id != 0)
    g_source_remove (tick_id);
  if (timeout_id != 0 && !g_atomic_int_get (&job->timed_out))
    g_source_remove (timeout_id);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  if (run.line_dirty)
    fputs ("\r\033[K", stderr);
  g_free (run.last_line);
  cli_job_report (job, run.request);

  g_main_loop_unref (run.loop);
  gg_request_free (run.request);
  return job->exit_status;
}

static gint
job_main (CliCommand command, gint argc, gchar **argv)
{
  CliJob          job;
  CliTemplateArgs template_args = { 0 };
  GOptionContext *context;
  GOptionEntry   *entries;
  gboolean        help = FALSE;
  GError         *error = NULL;
  gint            status;

  cli_job_init (&job);
  job.edit = command != CLI_COMMAND_GENERATE;
  job.refine = command == CLI_COMMAND_REFINE;
  entries = cli_template_add_entries (job_entries (&job, command, &help), &template_args);
  /* Our own --help: GOption's does not wrap, and a man page has more
   * sections than it knows. */
  context = g_option_context_new (NULL);
  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      usage_error ("%s (see '%s --help').", error->message, g_get_prgname ());
      g_error_free (error);
      g_option_context_free (context);
      g_free (entries);
      cli_job_clear (&job);
      cli_template_args_clear (&template_args);
      return CLI_EXIT_USAGE;
    }
  g_option_context_free (context);
  if (help)
    {
      cli_help_command (command, entries);
      g_free (entries);
      cli_job_clear (&job);
      cli_template_args_clear (&template_args);
      return CLI_EXIT_OK;
    }
  g_free (entries);
  /* --template fills job.prompt (keeping --prompt as extra instructions)
   * before the checks, which then see a prompt like any other. */
  if (!cli_template_apply (&template_args, job.edit, &job.prompt)
      || !check_options (&job, argc, argv))
    {
      cli_job_clear (&job);
      cli_template_args_clear (&template_args);
      return CLI_EXIT_USAGE;
    }

  status = run_job (&job);
  if (status == CLI_EXIT_OK && !job.dry_run)
    cli_history_record (&template_args, job.prompt, job.quiet);
  cli_template_args_clear (&template_args);
  if (job.message != NULL)
    fprintf (stderr, "%s: %s\n", CLI_NAME, job.message);
  /* A script reading --json gets JSON whatever happened. */
  if (job.json && !job.json_printed)
    {
      cJSON *summary = cli_output_summary (NULL, job.model != NULL ? job.model
                                                   : gg_catalogue_default_model (),
                                           NULL, NULL);

      cJSON_AddStringToObject (summary, "error", job.message != NULL ? job.message : "");
      cJSON_AddNumberToObject (summary, "exit_status", status);
      cli_output_print_json (summary);
      cJSON_Delete (summary);
    }
  cli_job_clear (&job);
  return status;
}

/* Each subcommand parses its own arguments (@argv[0] is its name), under
 * the program name "gemini-image generate" so that --help reads right. */
static gint
subcommand_main (const gchar *command, gint argc, gchar **argv)
{
  gchar *program = g_strdup_printf ("%s %s", CLI_NAME, command);
  gint   status;

  g_set_prgname (program);
  status = job_main (strcmp (command, "refine") == 0 ? CLI_COMMAND_REFINE
                     : strcmp (command, "edit") == 0 ? CLI_COMMAND_EDIT
                     : CLI_COMMAND_GENERATE, argc, argv);
  g_free (program);
  return status;
}

int
main (int argc, char **argv)
{
  const gchar *command;

  setlocale (LC_ALL, "");
  /* Numbers are for scripts too: "0.039", never "0,039". */
  setlocale (LC_NUMERIC, "C");

  if (argc < 2)
    {
      cli_help_overview (stderr);
      return CLI_EXIT_USAGE;
    }
  command = argv[1];
  cli_load_user_catalogue ();
  if (strcmp (command, "generate") == 0 || strcmp (command, "edit") == 0
      || strcmp (command, "refine") == 0)
    return subcommand_main (command, argc - 1, argv + 1);
  if (strcmp (command, "models") == 0)
    return cli_models_main (argc - 1, argv + 1);
  if (strcmp (command, "batch") == 0)
    return cli_batch_main (argc - 1, argv + 1);
  if (strcmp (command, "templates") == 0)
    return cli_templates_main (argc - 1, argv + 1);
  if (strcmp (command, "template") == 0)
    return cli_template_main (argc - 1, argv + 1);
  if (strcmp (command, "history") == 0)
    return cli_history_main (argc - 1, argv + 1);
  if (strcmp (command, "--help") == 0 || strcmp (command, "-h") == 0
      || strcmp (command, "help") == 0)
    {
      if (argc > 2 && (strcmp (argv[2], "generate") == 0 || strcmp (argv[2], "edit") == 0
                       || strcmp (argv[2], "refine") == 0))
        {
          gchar *args[] = { argv[2], (gchar *) "--help", NULL };
          return subcommand_main (argv[2], 2, args);
        }
      if (argc > 2 && (strcmp (argv[2], "templates") == 0 || strcmp (argv[2], "template") == 0
                       || strcmp (argv[2], "history") == 0))
        {
          gchar *args[] = { argv[2], (gchar *) "--help", NULL };

          return strcmp (argv[2], "templates") == 0 ? cli_templates_main (2, args)
               : strcmp (argv[2], "template") == 0 ? cli_template_main (2, args)
               : cli_history_main (2, args);
        }
      cli_help_overview (stdout);
      return CLI_EXIT_OK;
    }
  if (strcmp (command, "--version") == 0)
    {
      printf ("%s %s\n", CLI_NAME, GG_VERSION);
      return CLI_EXIT_OK;
    }
  fprintf (stderr, "%s: Unknown command '%s': use generate, edit, refine, models, templates, "
           "template, history or batch "
           "(see '%s --help').\n", CLI_NAME, command, CLI_NAME);
  return CLI_EXIT_USAGE;
}
