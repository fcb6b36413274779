/* cli.h: what the pieces of gemini-image share.
 *
 * gemini-image.c parses the command line and runs the main loop (signals,
 * progress, the overall timeout), cli-help.c prints its man pages; cli-job.c
 * builds the request and does the work on a worker thread; cli-mask.c runs
 * edit --mask and refine on the engine (gg-run.h), cli-conversation.c keeps
 * their --conversation FILE; cli-output.c writes the results; cli-models.c
 * lists the catalogue.
 */
#pragma once

#include <stdio.h>
#include <gio/gio.h>
#include <cJSON.h>

#include "gg-client.h"
#include "gg-conversation.h"
#include "gg-conversation-place.h"
#include "gg-region.h"
#include "gg-request.h"
#include "gg-response.h"

G_BEGIN_DECLS

#define CLI_NAME "gemini-image"

/* Exit statuses (documented in --help). */
#define CLI_EXIT_OK          0
#define CLI_EXIT_FAILED      1    /* sent (or tried to) and got no image */
#define CLI_EXIT_USAGE       2    /* nothing was sent: fix the invocation */
#define CLI_EXIT_PARTIAL     3    /* batch fetch: some keys got no image */
#define CLI_EXIT_INTERRUPTED 130

/* Largest input file sent as it is; a bigger one is decoded and re-encoded
 * (the historic inline limit is 20 MB for the whole request, base64 adds a
 * third). */
#define CLI_MAX_INLINE_FILE ((gsize) 12 * 1024 * 1024)

/* edit --mask's options (cli-mask.c).  All zero: the mask file is used as
 * it is (grey blends); a grow or a feather treats it as a selection
 * (at least half white is selected) and makes the layer mask from it as
 * the plug-in does (gg_mask_from_selection). */
typedef struct
{
  gdouble       grow;           /* --grow PX */
  gdouble       feather;        /* --feather PX; < 0: auto */
  gboolean      hint;           /* --hint: send the editable area as a second image */
  gchar        *patch;          /* --patch FILE: the placed region, mask as alpha */
} CliMaskOptions;

/* A --conversation FILE as read (cli-conversation.c): the conversation,
 * its place (image coordinates) and the size of the image it belongs to. */
typedef struct
{
  GgConversation      *conversation;
  GgConversationPlace  place;
  gint                 width;
  gint                 height;
} CliConversation;

typedef struct
{
  /* The command line. */
  gboolean      edit;
  gboolean      refine;         /* the refine command (edit is TRUE too) */
  gchar        *conversation;   /* --conversation FILE: kept there */
  gboolean      include_region; /* refine --include-region */
  gchar        *prompt;
  gchar        *output;
  gchar        *input;
  gchar        *mask;
  CliMaskOptions mask_options;
  gchar        *model;
  gchar        *aspect;
  gchar        *size;
  gchar        *system;
  gchar       **references;
  gboolean      search;
  gboolean      image_only;
  gboolean      thoughts;
  gchar        *save_thoughts;
  gchar        *thinking;       /* --thinking LEVEL; NULL: not sent */
  gboolean      store;          /* --store: allow the project to keep the request */
  gdouble       temperature;    /* < 0: not sent */
  gint64        seed;
  gboolean      seed_set;
  gdouble       timeout;        /* s, total; 0: the engine's defaults */
  gdouble       stall_timeout;  /* s; 0: the engine's default */
  gint          retries;        /* < 0: the engine's default */
  gboolean      dry_run;
  gboolean      json;
  gboolean      quiet;
  gdouble       max_inline_mb;  /* inline limit in MB; 0: the API's 100 */
  gdouble       upload_timeout; /* s for an upload to become ACTIVE; 0: 300 */
  gboolean      no_upload_cache; /* upload afresh, delete after use */

  /* Made by cli_job_prepare (). */
  GgClient     *client;
  gchar        *key;            /* only to redact messages; never printed */

  /* Shared between the worker and the main loop. */
  GCancellable *cancellable;
  GMutex        lock;
  GgProgress    progress;       /* the last report, under lock */
  gboolean      have_progress;
  gchar        *stage;          /* under lock: "uploading 34 MB" while it lasts */
  gboolean      progress_line;  /* the main thread draws a progress line */
  gint          interrupted;    /* atomic: SIGINT or SIGTERM seen */
  gint          timed_out;      /* atomic: --timeout expired */
  gint64        started;        /* g_get_monotonic_time () at the start */
  gchar        *wait_reason;    /* under lock: why the engine waits before retrying */
  gboolean      wait_announced; /* under lock: the progress line printed it */
  gint          wait_last_second; /* the countdown's last printed second */

  /* The outcome, set by the worker. */
  gint          exit_status;
  gchar        *message;        /* one sentence for stderr; NULL on success */
  gboolean      json_printed;   /* --json: the summary is already out */
  GgResponse   *response;       /* NULL when none arrived */
  GPtrArray    *files;          /* the results written (gchar*), on success */
  GPtrArray    *thought_files;  /* the thought images written */
  gchar        *warning;        /* a problem that did not stop the run */
  gchar        *note;           /* why the conversation was not kept */
  CliConversation kept;         /* refine: FILE as read by cli_mask_prepare () */
} CliJob;

/* cli-job.c */
void     cli_job_init          (CliJob *job);
void     cli_job_clear         (CliJob *job);
/* What can be refused before anything is read or sent; on failure sets
 * job->exit_status and job->message and returns NULL.  The request is the
 * caller's (gg_request_free).  With --mask it only names the model (the
 * engine builds the request sent: cli_mask_run ()); otherwise it is the
 * request, made ready (cli_job_ready ()). */
GgRequest *cli_job_prepare     (CliJob *job);
/* The command line's options on @request, checked; then the dry run
 * (the request printed, exit status 0) or the URL, the key and the
 * client.  FALSE with the job's outcome set when nothing is to be sent. */
gboolean   cli_job_ready       (CliJob *job, GgRequest *request);
/* Sends @request (uploading what must be): job->response, checked.
 * FALSE with the job's outcome set. */
gboolean   cli_job_send        (CliJob *job, GgRequest *request);
/* Sends @request and writes the results (with --mask: cli_mask_run ());
 * the worker thread's body.  Prints nothing: the main thread owns the
 * terminal while the progress line may be on it. */
void       cli_job_run         (CliJob *job, GgRequest *request);
/* After the run, on the main thread: the model's text on stdout, and the
 * --json summary or the line saying what was written and what it cost. */
void       cli_job_report      (CliJob *job, const GgRequest *request);
/* Sets the outcome: @status and the message of @error, redacted. */
void       cli_job_fail        (CliJob *job, gint status, const gchar *format, ...) G_GNUC_PRINTF (3, 4);

/* Reads an image file to send (as it is, or re-encoded when too big or in
 * a format the API does not take); @width, @height 0 when unknown.
 * g_bytes_unref. */
GBytes    *cli_job_read_image  (const gchar *filename, const gchar *what,
                                gint *width, gint *height, GError **error);
/* A --reference: "[ROLE:]FILE" read (cli_job_read_image ()), its role in
 * @role (subject when none is named).  g_bytes_unref. */
GBytes    *cli_job_read_reference (const gchar *spec, GgImageRole *role, GError **error);
/* Writes one answer image to @filename after checking that it decodes
 * (converted when the extension asks for another format). */
gboolean   cli_job_save_image  (const GgPart *part, const gchar *filename, GError **error);
/* The folder of gemini-image's cache ($XDG_CACHE_HOME/gimp-gemini).  g_free. */
gchar     *cli_cache_dir       (void);
/* (cli-models.c) Merges the user's catalogue
 * ($XDG_CONFIG_HOME/gimp-gemini/catalogue.json) over the built-in one; a
 * problem with it is a warning on stderr and the built-in catalogue stays. */
void       cli_load_user_catalogue (void);
/* (cli-output.c) Where paid answers go when they cannot be written as
 * asked: the gemini-recovery folder in here ($XDG_DATA_HOME/gimp-gemini).
 * g_free. */
gchar     *cli_recovery_profile (void);

/* cli-mask.c: edit --mask and refine, the plug-ins' runs (gg_run_edit (),
 * gg_run_refine ()) over the command line's host.  cli_mask_prepare ():
 * what can be refused first (--aspect with --mask, the --conversation
 * FILE: refine reads it into job->kept, edit will not overwrite what is
 * not a conversation); the request returned only names the model (the
 * conversation's for refine), NULL with the job's outcome set.
 * cli_mask_run (): the run, its outcome in @job (with --dry-run the
 * request printed). */
GgRequest *cli_mask_prepare    (CliJob *job);
void       cli_mask_run        (CliJob *job);

/* How to start a conversation that refine continues. */
#define CLI_CONVERSATION_START \
  "start one with 'gemini-image edit --input IMAGE --mask MASK --prompt TEXT " \
  "--output OUT --conversation FILE'"

/* cli-conversation.c: the --conversation FILE, a JSON document holding
 * the conversation (gg_conversation_to_json ()) and its place
 * (gg_conversation_place_to_text ()): what the GIMP plug-ins keep as
 * parasites.  Load: NULL-safe clear; FALSE with a sentence (missing,
 * unreadable, damaged, newer, without a region).  Check: FALSE when FILE
 * exists and is not a conversation (edit would overwrite it).  Save:
 * trimmed by the size rule, written atomically with mode 0600; FALSE
 * with a sentence in @note when nothing could be kept (FILE is then
 * removed: never an older conversation beside a newer result). */
void     cli_conversation_clear  (CliConversation *kept);
gboolean cli_conversation_load   (const gchar *filename, CliConversation *kept,
                                  GError **error);
gboolean cli_conversation_check  (const gchar *filename, GError **error);
gboolean cli_conversation_save   (const gchar *filename, GgConversation *conversation,
                                  const GgConversationPlace *place, gint width,
                                  gint height, gchar **note);
void     cli_conversation_forget (const gchar *filename);

/* cli-help.c: the overview (gemini-image --help) on @stream, and the man
 * page of @command with the options of @entries on stdout. */
typedef enum
{
  CLI_COMMAND_GENERATE,
  CLI_COMMAND_EDIT,
  CLI_COMMAND_REFINE
} CliCommand;

void     cli_help_overview     (FILE *stream);
void     cli_help_command      (CliCommand command, const GOptionEntry *entries);
/* Appends @text to @out wrapped at 79 columns, every line indented by
 * @indent spaces, with a newline at the end. */
void     cli_help_wrap         (GString *out, const gchar *text, gint indent);

/* cli-output.c */
/* The images were paid for but not written as asked: each is saved in
 * the recovery folder (cli_recovery_profile ()), and job->message then
 * says where. */
void     cli_output_recover    (CliJob *job, GPtrArray *images);
/* The name of the @index-th result (0-based): FILE, FILE-2, FILE-3 ...
 * g_free. */
gchar   *cli_output_name       (const gchar *output, guint index);
/* A temporary name beside @final, keeping its extension so that the
 * writers pick the same format.  g_free. */
gchar   *cli_output_temp_name  (const gchar *final);
/* The next result of @output: its name (cli_output_name (), the
 * finals->len-th) appended to @finals, a temporary name beside it
 * (cli_output_temp_name ()) to @temps, which is returned (borrowed). */
const gchar *cli_output_add    (const gchar *output, GPtrArray *temps, GPtrArray *finals);
/* Moves every temp[i] onto final[i]; on failure removes what it can of
 * both lists' temporaries and the finals it already moved.  */
gboolean cli_output_commit     (GPtrArray *temps, GPtrArray *finals, GError **error);
void     cli_output_discard    (GPtrArray *temps);
/* Writes the thought images of @response into @dir; the names written are
 * appended to @written. */
gboolean cli_output_thoughts   (const GgResponse *response, const gchar *dir,
                                GPtrArray *written, GError **error);
/* The --json summary (cJSON_Delete). @files, @thought_files may be NULL. */
cJSON   *cli_output_summary    (const GgResponse *response, const gchar *model,
                                GPtrArray *files, GPtrArray *thought_files);
/* Prints @json on stdout, followed by a newline. */
void     cli_output_print_json (cJSON *json);
/* "1 image, 1290 output tokens, about $0.039". g_free. */
gchar   *cli_output_cost_line  (const GgResponse *response, const gchar *model,
                                guint n_images);

/* cli-models.c */
gint     cli_models_main       (gint argc, gchar **argv);

/* cli-batch.c: gemini-image batch SUBCOMMAND ... */
gint     cli_batch_main        (gint argc, gchar **argv);

G_END_DECLS
