/* gimp-gemini: the request on a worker thread, progress on the main one.
 *
 * Cancel: GIMP 3's progress bar has a cancel button, but it does not call
 * back into the plug-in: it ends the plug-in's process (app/plug-in/
 * gimpplugin-progress.c closes the plug-in on "cancel"), which ends the
 * transfer with it.  Since the image is only touched after the answer has
 * been decoded and placed, it stays exactly as it was.  A progress call that
 * fails (GIMP no longer shows our progress) cancels the transfer through
 * the GCancellable, which libcurl's transfer loop checks.
 */

#include <libgimp/gimp.h>

#include "gg-error.h"

#include "gemini.h"
#include "gemini-worker.h"


#define POLL_INTERVAL (100 * G_TIME_SPAN_MILLISECOND)

typedef struct _Shared Shared;

/* One request on its own thread, with its own client (a GgClient is not
 * shared between threads). */
typedef struct
{
  Shared          *shared;
  GgClient        *client;
  const GgRequest *request;
  GThread         *thread;

  /* Written by the worker under shared->mutex, read by the main thread. */
  GgProgress       progress;
  gboolean         has_progress;
  gboolean         done;

  GgResponse      *response;
  GError          *error;
} Job;

struct _Shared
{
  GMutex        mutex;
  GCond         cond;
  GCancellable *cancellable;
  guint         n_done;
};


static gpointer  worker_thread   (gpointer          data);
static gboolean  worker_progress (const GgProgress *progress,
                                  gpointer          data);
static gchar   * progress_text   (const gchar      *label,
                                  const GgProgress *progress,
                                  gboolean          has_progress,
                                  gdouble           elapsed);


GgResponse *
gemini_worker_generate (GgClient         *client,
                        const GgRequest  *request,
                        const gchar      *label,
                        GError          **error)
{
  GgResponse *response = NULL;
  GError     *job_error = NULL;

  gemini_worker_generate_many (&client, &request, 1, label,
                               &response, &job_error);
  if (! response)
    g_propagate_error (error, job_error);

  return response;
}

void
gemini_worker_generate_many (GgClient        **clients,
                             const GgRequest **requests,
                             guint             n,
                             const gchar      *label,
                             GgResponse      **responses,
                             GError          **errors)
{
  Shared            shared = { 0, };
  Job              *jobs;
  GTimer           *timer;
  g_autofree gchar *shown = NULL;
  guint             i;

  g_mutex_init (&shared.mutex);
  g_cond_init (&shared.cond);
  shared.cancellable = g_cancellable_new ();

  jobs = g_new0 (Job, n);

  if (n > 1)
    gimp_progress_init_printf ("%s: sending %u requests…", label, n);
  else
    gimp_progress_init_printf ("%s: sending the request…", label);
  timer = g_timer_new ();

  for (i = 0; i < n; i++)
    {
      jobs[i].shared  = &shared;
      jobs[i].client  = clients[i];
      jobs[i].request = requests[i];
      gg_client_set_progress (clients[i], worker_progress, &jobs[i]);
      jobs[i].thread  = g_thread_new ("gemini-request", worker_thread, &jobs[i]);
    }

  g_mutex_lock (&shared.mutex);
  while (shared.n_done < n)
    {
      gint64      deadline = g_get_monotonic_time () + POLL_INTERVAL;
      GgProgress  progress = { 0, };
      gboolean    has_progress = FALSE;
      guint       n_done;
      gchar      *text;

      g_cond_wait_until (&shared.cond, &shared.mutex, deadline);
      if (shared.n_done == n)
        break;

      /* The first request still running speaks for all of them. */
      for (i = 0; i < n; i++)
        if (! jobs[i].done)
          {
            progress     = jobs[i].progress;
            has_progress = jobs[i].has_progress;
            break;
          }
      n_done = shared.n_done;

      /* GIMP calls go over the wire: never hold the lock meanwhile. */
      g_mutex_unlock (&shared.mutex);

      text = progress_text (label, &progress, has_progress,
                            g_timer_elapsed (timer, NULL));
      if (n > 1)
        {
          gchar *more = g_strdup_printf ("%s (%u of %u done)", text, n_done, n);

          g_free (text);
          text = more;
        }

      if (g_strcmp0 (text, shown) != 0)
        {
          gimp_progress_set_text (text);
          g_free (shown);
          shown = text;
        }
      else
        {
          g_free (text);
        }

      if (! gimp_progress_pulse ())
        g_cancellable_cancel (shared.cancellable);

      g_mutex_lock (&shared.mutex);
    }
  g_mutex_unlock (&shared.mutex);

  for (i = 0; i < n; i++)
    {
      g_thread_join (jobs[i].thread);
      gg_client_set_progress (clients[i], NULL, NULL);

      responses[i] = jobs[i].response;
      errors[i]    = NULL;
      if (! jobs[i].response)
        {
          if (jobs[i].error)
            errors[i] = jobs[i].error;
          else
            g_set_error_literal (&errors[i], GG_ERROR, GG_ERROR_FAILED,
                                 "The request failed without saying why.");
        }
      else
        {
          g_clear_error (&jobs[i].error);
        }
    }

  g_timer_destroy (timer);
  gimp_progress_set_text_printf ("%s: placing the result…", label);

  g_mutex_clear (&shared.mutex);
  g_cond_clear (&shared.cond);
  g_object_unref (shared.cancellable);
  g_free (jobs);
}


static gpointer
worker_thread (gpointer data)
{
  Job        *job = data;
  GgResponse *response;
  GError     *error = NULL;

  response = gg_client_generate (job->client, job->request,
                                 job->shared->cancellable, &error);

  g_mutex_lock (&job->shared->mutex);
  job->response = response;
  job->error    = error;
  job->done     = TRUE;
  job->shared->n_done++;
  g_cond_signal (&job->shared->cond);
  g_mutex_unlock (&job->shared->mutex);

  return NULL;
}

/* Runs on the worker thread (gg-client.h): only copy, never call GIMP. */
static gboolean
worker_progress (const GgProgress *progress,
                 gpointer          data)
{
  Job *job = data;

  g_mutex_lock (&job->shared->mutex);
  job->progress     = *progress;
  job->has_progress = TRUE;
  g_mutex_unlock (&job->shared->mutex);

  return ! g_cancellable_is_cancelled (job->shared->cancellable);
}

static gchar *
progress_text (const gchar      *label,
               const GgProgress *progress,
               gboolean          has_progress,
               gdouble           elapsed)
{
  gint seconds = (gint) elapsed;

  if (! has_progress)
    return g_strdup_printf ("%s: sending the request… %d s", label, seconds);

  switch (progress->phase)
    {
    case GG_PHASE_CONNECTING:
      return g_strdup_printf ("%s: connecting… %d s", label, seconds);

    case GG_PHASE_UPLOADING:
      if (progress->send_total > 0)
        return g_strdup_printf ("%s: sending the image… %d %%", label,
                                (gint) (100 * progress->sent /
                                        progress->send_total));
      return g_strdup_printf ("%s: sending the image… %d s", label, seconds);

    case GG_PHASE_WAITING:
      return g_strdup_printf ("%s: waiting for the model… %d s",
                              label, seconds);

    case GG_PHASE_DOWNLOADING:
      if (progress->receive_total > 0)
        return g_strdup_printf ("%s: receiving the result… %d %%", label,
                                (gint) (100 * progress->received /
                                        progress->receive_total));
      return g_strdup_printf ("%s: receiving the result… %d s",
                              label, seconds);

    case GG_PHASE_RETRY_WAIT:
      return g_strdup_printf ("%s: busy, trying again in %d s (attempt %d)…",
                              label, (gint) (progress->retry_in + 0.5),
                              progress->attempt + 1);
    }

  return g_strdup_printf ("%s: %d s", label, seconds);
}
