/* cli-batch.h: what the files of gemini-image batch share (private to
 * cli/).
 *
 *   cli-batch.c         the run: options, client, worker thread, progress,
 *                       the command line and its dispatch; status, wait,
 *                       cancel and list
 *   cli-batch-submit.c  submit: the requests from a prompts file or a folder
 *   cli-batch-fetch.c   fetch: the results to files and report.jsonl
 */
#pragma once

#include "cli.h"
#include "gg-batch.h"

G_BEGIN_DECLS

#define REPORT_NAME "report.jsonl"   /* fetch's report, named in the help */

typedef struct _Batch Batch;
typedef void (*BatchWork) (Batch *b);

struct _Batch
{
  /* Options. */
  const gchar  *command;
  gchar        *job;
  gchar        *prompts;
  gchar        *dir;
  gchar        *prompt;
  gchar        *model;
  gchar        *aspect;
  gchar        *size;
  gchar        *name;
  gchar        *output;
  gdouble       max_inline_mb;
  gdouble       upload_timeout;
  gboolean      via_file;
  gboolean      store;          /* --store: allow the project to keep the requests */
  gboolean      json;
  gboolean      quiet;
  gdouble       interval;
  gdouble       timeout;
  gint          limit;

  /* The run. */
  GgClient     *client;
  gchar        *key;
  GCancellable *cancellable;
  gint          interrupted;     /* atomic */
  gint          timed_out;       /* atomic */
  gboolean      progress_line;
  GMutex        lock;
  gchar        *line;            /* under lock: the progress line to draw */
  gint64        started;         /* g_get_monotonic_time () at the start */
  gint          status;
  gchar        *message;         /* the failure sentence, or NULL */
  GString      *out;             /* printed on stdout after the work */
  GString      *err;             /* printed on stderr after the work */
  GgBatchInput *input;           /* submit */
};

/* cli-batch.c */

/* Sets @b's exit status and failure sentence (the key redacted). */
void     cli_batch_fail              (Batch       *b,
                                      gint         status,
                                      const gchar *format,
                                      ...) G_GNUC_PRINTF (3, 4);
/* The outcome of an engine error (@error may be NULL), allowing for our
 * own reasons to stop: interrupted, or the --timeout. */
void     cli_batch_fail_error        (Batch *b, const GError *error);
/* Sets the progress line to draw; takes @line. */
void     cli_batch_set_line          (Batch *b, gchar *line);

/* cli-batch-submit.c */

/* Whether @key can name a file of the results. */
gboolean cli_batch_key_is_valid      (const gchar *key);
/* Fill b->input from --prompts or --dir; FALSE with a usage failure set. */
gboolean cli_batch_read_prompts_file (Batch *b);
gboolean cli_batch_read_folder       (Batch *b);
void     cli_batch_submit_work       (Batch *b);

/* cli-batch-fetch.c */

void     cli_batch_fetch_work        (Batch *b);

G_END_DECLS
