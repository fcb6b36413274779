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

typedef struct
{
  GMutex           mutex;
  GCond            cond;

  GgClient        *client;
  const GgRequest *request;
  GCancellable    *cancellable;

  /* Written by the worker under the mutex, read by the main thread. */
  GgProgress       progress;
  gboolean         has_progress;
  gboolean         done;

  GgResponse      *response;
  GError          *error;
} Job;


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
  Job               job = { 0, };
  GThread          *thread;
  GTimer           *timer;
  g_autofree gchar *shown = NULL;

  g_mutex_init (&job.mutex);
  g_cond_init (&job.cond);
  job.client      = client;
  job.request     = request;
  job.cancellable = g_cancellable_new ();

  gg_client_set_progress (client, worker_progress, &job);

  gimp_progress_init_printf ("%s: sending the request…", label);
  timer  = g_timer_new ();
  thread = g_thread_new ("gemini-request", worker_thread, &job);

  g_mutex_lock (&job.mutex);
  while (! job.done)
    {
      gint64      deadline = g_get_monotonic_time () + POLL_INTERVAL;
      GgProgress  progress;
      gboolean    has_progress;
      gchar      *text;

      g_cond_wait_until (&job.cond, &job.mutex, deadline);
      if (job.done)
        break;

      progress     = job.progress;
      has_progress = job.has_progress;

      /* GIMP calls go over the wire: never hold the lock meanwhile. */
      g_mutex_unlock (&job.mutex);

      text = progress_text (label, &progress, has_progress,
                            g_timer_elapsed (timer, NULL));
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
        g_cancellable_cancel (job.cancellable);

      g_mutex_lock (&job.mutex);
    }
  g_mutex_unlock (&job.mutex);

  g_thread_join (thread);
  g_timer_destroy (timer);

  gg_client_set_progress (client, NULL, NULL);
  gimp_progress_set_text_printf ("%s: placing the result…", label);

  g_mutex_clear (&job.mutex);
  g_cond_clear (&job.cond);
  g_object_unref (job.cancellable);

  if (! job.response)
    {
      if (job.error)
        g_propagate_error (error, job.error);
      else
        g_set_error_literal (error, GG_ERROR, GG_ERROR_FAILED,
                             "The request failed without saying why.");
      return NULL;
    }

  g_clear_error (&job.error);

  return job.response;
}


static gpointer
worker_thread (gpointer data)
{
  Job        *job = data;
  GgResponse *response;
  GError     *error = NULL;

  response = gg_client_generate (job->client, job->request,
                                 job->cancellable, &error);

  g_mutex_lock (&job->mutex);
  job->response = response;
  job->error    = error;
  job->done     = TRUE;
  g_cond_signal (&job->cond);
  g_mutex_unlock (&job->mutex);

  return NULL;
}

/* Runs on the worker thread (gg-client.h): only copy, never call GIMP. */
static gboolean
worker_progress (const GgProgress *progress,
                 gpointer          data)
{
  Job *job = data;

  g_mutex_lock (&job->mutex);
  job->progress     = *progress;
  job->has_progress = TRUE;
  g_mutex_unlock (&job->mutex);

  return ! g_cancellable_is_cancelled (job->cancellable);
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
