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

#include <string.h>

#include <libgimp/gimp.h>

#include "gg-error.h"
#include "gg-files.h"

#include "gemini.h"
#include "gemini-worker.h"


#define POLL_INTERVAL (100 * G_TIME_SPAN_MILLISECOND)

#define MAX_REQUESTS  8

/* The requests of one run, on the worker thread; the fields under
 * "mutex" are what the main thread reads for the progress bar. */
typedef struct
{
  GgClient         *client;
  const GgRequest **requests;
  guint             n;
  GgResponse      **responses;
  GError          **errors;
  GCancellable     *cancellable;

  GMutex            mutex;
  GCond             cond;
  GgProgress        progress[MAX_REQUESTS];   /* the last report of each */
  gboolean          has_progress[MAX_REQUESTS];
  gboolean          finished[MAX_REQUESTS];   /* its outcome is known */
  gboolean          done;                     /* the worker has returned */
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
  GgResponse *response = NULL;
  GError     *job_error = NULL;

  gemini_worker_generate_many (&client, &request, 1, label,
                               &response, &job_error);
  if (! response)
    g_propagate_error (error, job_error);

  return response;
}

/* Every request on one worker thread and one libcurl multi handle
 * (gg_client_generate_many ()): each keeps its own retries, timeouts and
 * outcome; the main thread shows the first unfinished one's phase and how
 * many are done. */
void
gemini_worker_generate_many (GgClient        **clients,
                             const GgRequest **requests,
                             guint             n,
                             const gchar      *label,
                             GgResponse      **responses,
                             GError          **errors)
{
  Job               job;
  GThread          *thread;
  GTimer           *timer;
  g_autofree gchar *shown = NULL;
  guint             i;

  g_return_if_fail (n >= 1 && n <= MAX_REQUESTS);

  memset (&job, 0, sizeof job);
  job.client      = clients[0];
  job.requests    = requests;
  job.n           = n;
  job.responses   = responses;
  job.errors      = errors;
  job.cancellable = g_cancellable_new ();
  g_mutex_init (&job.mutex);
  g_cond_init (&job.cond);

  if (n > 1)
    gimp_progress_init_printf ("%s: sending %u requests…", label, n);
  else
    gimp_progress_init_printf ("%s: sending the request…", label);
  timer = g_timer_new ();

  gg_client_set_progress (job.client, worker_progress, &job);
  thread = g_thread_new ("gemini-requests", worker_thread, &job);

  g_mutex_lock (&job.mutex);
  while (! job.done)
    {
      gint64      deadline = g_get_monotonic_time () + POLL_INTERVAL;
      GgProgress  progress = { 0, };
      gboolean    has_progress = FALSE;
      guint       n_done = 0;
      gchar      *text;

      g_cond_wait_until (&job.cond, &job.mutex, deadline);
      if (job.done)
        break;

      /* The first request still running speaks for all of them. */
      for (i = n; i-- > 0; )
        if (! job.finished[i])
          {
            progress     = job.progress[i];
            has_progress = job.has_progress[i];
          }
      for (i = 0; i < n; i++)
        n_done += job.finished[i];

      /* GIMP calls go over the wire: never hold the lock meanwhile. */
      g_mutex_unlock (&job.mutex);

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
        g_cancellable_cancel (job.cancellable);

      g_mutex_lock (&job.mutex);
    }
  g_mutex_unlock (&job.mutex);

  g_thread_join (thread);
  gg_client_set_progress (job.client, NULL, NULL);

  for (i = 0; i < n; i++)
    if (! responses[i] && ! errors[i])
      g_set_error_literal (&errors[i], GG_ERROR, GG_ERROR_FAILED,
                           "The request failed without saying why.");

  g_timer_destroy (timer);
  gimp_progress_set_text_printf ("%s: placing the result…", label);

  g_mutex_clear (&job.mutex);
  g_cond_clear (&job.cond);
  g_object_unref (job.cancellable);
}


static gpointer
worker_thread (gpointer data)
{
  Job *job = data;

  gg_client_generate_many (job->client, job->requests, job->n,
                           job->cancellable, job->responses, job->errors);

  g_mutex_lock (&job->mutex);
  job->done = TRUE;
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

  if (progress->index < job->n)
    {
      g_mutex_lock (&job->mutex);
      job->progress[progress->index]     = *progress;
      job->has_progress[progress->index] = TRUE;
      job->finished[progress->index]     = progress->finished;
      g_mutex_unlock (&job->mutex);
    }

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


/* ---- the Files API, before the request ---------------------------------- */

/* The uploads of one run, on their own thread; the fields under "mutex"
 * are what the main thread reads for the progress bar. */
typedef struct
{
  GgClient         *client;
  GgRequest       **requests;
  guint             n;
  gchar            *cache_dir;
  GCancellable     *cancellable;

  GMutex            mutex;
  GgUploadProgress  progress;     /* its stage not kept (worded here) */
  gboolean          has_progress;
  gboolean          done;
  gboolean          ok;
  GError           *error;
} Upload;

/* Runs on the upload thread: only copy, never call GIMP. */
static gboolean
upload_progress (const GgUploadProgress *progress,
                 gpointer                data)
{
  Upload *upload = data;

  g_mutex_lock (&upload->mutex);
  upload->progress       = *progress;
  upload->progress.stage = NULL;
  upload->has_progress = TRUE;
  g_mutex_unlock (&upload->mutex);

  return ! g_cancellable_is_cancelled (upload->cancellable);
}

static gpointer
upload_thread (gpointer data)
{
  Upload                *upload = data;
  g_autoptr (GgFileCache) cache = gg_file_cache_open (upload->cache_dir);
  GgUploadOptions        options = { 0, };
  GError                *error = NULL;
  gboolean               ok = TRUE;
  guint                  i;

  options.cache         = cache;
  options.poll_interval = 0.5;
  options.progress      = upload_progress;
  options.progress_data = upload;

  /* Variations hold the same images: the later requests find the first
   * one's upload in the cache. */
  for (i = 0; ok && i < upload->n; i++)
    ok = gg_files_offload (upload->client, upload->requests[i], &options,
                           NULL, upload->cancellable, &error);

  /* A cache that cannot be written costs one more upload next time. */
  if (! gg_file_cache_save (cache, NULL))
    g_message ("The upload cache in %s could not be written.", upload->cache_dir);

  g_mutex_lock (&upload->mutex);
  upload->ok    = ok;
  upload->error = error;
  upload->done  = TRUE;
  g_mutex_unlock (&upload->mutex);

  return NULL;
}

static gchar *
upload_text (const gchar            *label,
             const GgUploadProgress *progress,
             gboolean                has_progress,
             gdouble                 elapsed)
{
  if (! has_progress)
    return g_strdup_printf ("%s: preparing the upload… %d s", label,
                            (gint) elapsed);
  if (progress->reused)
    return g_strdup_printf ("%s: reusing the earlier upload (%.1f MB)…",
                            label, progress->size / 1e6);
  if (progress->waiting)
    return g_strdup_printf ("%s: the server is processing the upload… %d s",
                            label, (gint) elapsed);

  return g_strdup_printf ("%s: uploading %.1f MB… %d %%", label,
                          progress->size / 1e6,
                          progress->size ?
                          (gint) (100.0 * progress->sent / progress->size) : 0);
}

gboolean
gemini_worker_upload (GgClient     *client,
                      GgRequest   **requests,
                      guint         n,
                      const gchar  *label,
                      GError      **error)
{
  Upload            upload;
  GThread          *thread;
  GTimer           *timer;
  g_autofree gchar *shown = NULL;
  gboolean          needed = FALSE;
  gboolean          ok;
  guint             i;

  for (i = 0; i < n; i++)
    {
      if (gg_request_inline_size (requests[i]) > GG_REQUEST_DEFAULT_MAX_INLINE)
        needed = TRUE;
      else
        gg_request_set_max_inline (requests[i], GG_REQUEST_DEFAULT_MAX_INLINE);
    }
  if (! needed)
    return TRUE;

  memset (&upload, 0, sizeof upload);
  upload.client      = client;
  upload.requests    = requests;
  upload.n           = n;
  upload.cache_dir   = g_build_filename (gimp_directory (), "gemini-uploads",
                                         NULL);
  upload.cancellable = g_cancellable_new ();
  g_mutex_init (&upload.mutex);

  gimp_progress_init_printf ("%s: uploading the image…", label);
  timer  = g_timer_new ();
  thread = g_thread_new ("gemini-upload", upload_thread, &upload);

  while (TRUE)
    {
      GgUploadProgress progress;
      gboolean         has_progress;
      gboolean         done;
      gchar           *text;
      gboolean         alive;

      g_usleep (POLL_INTERVAL);

      g_mutex_lock (&upload.mutex);
      progress     = upload.progress;
      has_progress = upload.has_progress;
      done         = upload.done;
      g_mutex_unlock (&upload.mutex);
      if (done)
        break;

      /* GIMP calls go over the wire: never with the lock held. */
      text = upload_text (label, &progress, has_progress,
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

      if (has_progress && ! progress.waiting && progress.size > 0)
        alive = gimp_progress_update ((gdouble) progress.sent / progress.size);
      else
        alive = gimp_progress_pulse ();
      if (! alive)
        g_cancellable_cancel (upload.cancellable);
    }

  g_thread_join (thread);
  g_timer_destroy (timer);
  gg_client_set_progress (client, NULL, NULL);

  ok = upload.ok;
  if (! ok)
    {
      if (upload.error)
        g_propagate_error (error, upload.error);
      else
        g_set_error_literal (error, GG_ERROR, GG_ERROR_FAILED,
                             "The upload failed without saying why.");
    }
  else
    {
      g_clear_error (&upload.error);
    }

  g_free (upload.cache_dir);
  g_mutex_clear (&upload.mutex);
  g_object_unref (upload.cancellable);

  return ok;
}
