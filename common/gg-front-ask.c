/* gimp-gemini: the requests of a front end's run (gg-front.h): uploads
 * through the Files API and every variation on one multi handle, on
 * worker threads, the caller's thread ticking every 100 ms with a
 * progress sentence (it alone talks to GIMP), which may cancel.
 */

#include <string.h>

#include "gg-error.h"
#include "gg-files.h"
#include "gg-front.h"


#define POLL_INTERVAL          (100 * G_TIME_SPAN_MILLISECOND)


gchar *
gg_front_progress_text (const gchar      *label,
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
      /* The server's own wait (a per-minute limit's RetryInfo): a
       * countdown that Cancel stops at any second. */
      if (progress->server_asked)
        return g_strdup_printf ("%s: rate limit reached, the server asks to wait: "
                                "trying again in %d s (Cancel stops)…",
                                label, (gint) (progress->retry_in + 0.999));
      return g_strdup_printf ("%s: busy, trying again in %d s (attempt %d)…",
                              label, (gint) (progress->retry_in + 0.5),
                              progress->attempt + 1);
    }

  return g_strdup_printf ("%s: %d s", label, seconds);
}


/* --- requests on a worker thread ---------------------------------------- */

/* Whichever tick the caller gave. */
typedef struct
{
  GgFrontTick         tick;
  GgFrontFractionTick fraction_tick;
  gpointer            user_data;
} Ticker;

static gboolean
ticker_call (const Ticker *ticker,
             const gchar  *text,
             gdouble       fraction)
{
  if (ticker->fraction_tick)
    return ticker->fraction_tick (text, fraction, ticker->user_data);
  if (ticker->tick)
    return ticker->tick (text, ticker->user_data);

  return TRUE;
}

#define MAX_REQUESTS GG_FRONT_MAX_VARIATIONS

/* Every request of a run on one worker thread and one libcurl multi handle
 * (gg_client_generate_many ()); the fields under "mutex" are what the
 * caller's thread reads for its progress sentence. */
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

/* On the worker thread: only copy. */
static gboolean
worker_progress (const GgProgress *progress,
                 gpointer          data)
{
  Job *job = data;

  if (progress->index < job->n)
    {
      g_mutex_lock (&job->mutex);
      job->progress[progress->index]     = *progress;
      job->progress[progress->index].reason = NULL;   /* valid during the call only */
      job->has_progress[progress->index] = TRUE;
      job->finished[progress->index]     = progress->finished;
      g_mutex_unlock (&job->mutex);
    }

  return ! g_cancellable_is_cancelled (job->cancellable);
}

static void
generate_many (GgClient         *client,
               const GgRequest **requests,
               guint             n,
               const gchar      *label,
               const Ticker     *ticker,
               GgResponse      **responses,
               GError          **errors)
{
  Job      job;
  GThread *thread;
  GTimer  *timer;
  guint    i;

  g_return_if_fail (n >= 1 && n <= MAX_REQUESTS);

  memset (&job, 0, sizeof job);
  job.client      = client;
  job.requests    = requests;
  job.n           = n;
  job.responses   = responses;
  job.errors      = errors;
  job.cancellable = g_cancellable_new ();
  g_mutex_init (&job.mutex);
  g_cond_init (&job.cond);
  for (i = 0; i < n; i++)
    {
      responses[i] = NULL;
      errors[i]    = NULL;
    }

  timer = g_timer_new ();
  gg_client_set_progress (client, worker_progress, &job);
  thread = g_thread_new ("gemini-requests", worker_thread, &job);

  g_mutex_lock (&job.mutex);
  while (! job.done)
    {
      gint64      deadline     = g_get_monotonic_time () + POLL_INTERVAL;
      GgProgress  progress     = { 0, };
      gboolean    has_progress = FALSE;
      guint       n_done       = 0;
      gchar      *text;
      gboolean    go_on;

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

      /* The tick talks to GIMP: never hold the lock meanwhile. */
      g_mutex_unlock (&job.mutex);

      text = gg_front_progress_text (label, &progress, has_progress,
                                     g_timer_elapsed (timer, NULL));
      if (n > 1)
        {
          gchar *more = g_strdup_printf ("%s (%u of %u done)", text, n_done, n);

          g_free (text);
          text = more;
        }

      go_on = ticker_call (ticker, text, -1.0);
      g_free (text);
      if (! go_on)
        g_cancellable_cancel (job.cancellable);

      g_mutex_lock (&job.mutex);
    }
  g_mutex_unlock (&job.mutex);

  g_thread_join (thread);
  gg_client_set_progress (client, NULL, NULL);

  for (i = 0; i < n; i++)
    if (! responses[i] && ! errors[i])
      g_set_error_literal (&errors[i], GG_ERROR, GG_ERROR_FAILED,
                           "The request failed without saying why.");

  g_timer_destroy (timer);
  g_mutex_clear (&job.mutex);
  g_cond_clear (&job.cond);
  g_object_unref (job.cancellable);
}

/* --- the Files API, before the requests --------------------------------- */

typedef struct
{
  GgClient         *client;
  GgRequest       **requests;
  guint             n;
  const gchar      *cache_dir;
  GCancellable     *cancellable;

  GMutex            mutex;
  GgUploadProgress  progress;     /* its stage not kept (worded here) */
  gboolean          has_progress;
  gboolean          done;
  gboolean          ok;
  GError           *error;
} Upload;

/* On the upload thread: only copy. */
static gboolean
upload_progress (const GgUploadProgress *progress,
                 gpointer                data)
{
  Upload *upload = data;

  g_mutex_lock (&upload->mutex);
  upload->progress       = *progress;
  upload->progress.stage = NULL;
  upload->has_progress   = TRUE;
  g_mutex_unlock (&upload->mutex);

  return ! g_cancellable_is_cancelled (upload->cancellable);
}

static gpointer
upload_thread (gpointer data)
{
  Upload                 *upload  = data;
  g_autoptr (GgFileCache) cache   = gg_file_cache_open (upload->cache_dir);
  GgUploadOptions         options = { 0, };
  GError                 *error   = NULL;
  gboolean                ok      = TRUE;
  guint                   i;

  options.cache         = cache;
  options.poll_interval = 0.5;
  options.progress      = upload_progress;
  options.progress_data = upload;
  /* In GIMP a large input is one that is reused: the variations of a run
   * send it each, a refine or another edit of the same layer sends it
   * again.  Over GG_FILES_REUSE_ABOVE it is uploaded once and referred to
   * for 48 hours (the cache is in the profile). */
  options.shared        = TRUE;

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

gchar *
gg_front_upload_text (const gchar            *label,
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
gg_front_validate (GgRequest **requests,
                   guint       n,
                   GError    **error)
{
  guint i;

  /* Images beyond the inline limit go through the Files API
   * (upload_all ()): only the rest is checked here. */
  for (i = 0; i < n; i++)
    gg_request_set_max_inline (requests[i], G_MAXSIZE);

  return gg_request_validate (requests[0], error);
}

static gboolean
upload_all (GgClient      *client,
            GgRequest    **requests,
            guint          n,
            const gchar   *label,
            const gchar   *cache_dir,
            const Ticker  *ticker,
            GError       **error)
{
  Upload   upload;
  GThread *thread;
  GTimer  *timer;
  gboolean needed = FALSE;
  gboolean ok;
  guint    i;

  for (i = 0; i < n; i++)
    {
      if (gg_files_offload_wanted (requests[i], 0, 0, cache_dir != NULL))
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
  upload.cache_dir   = cache_dir;
  upload.cancellable = g_cancellable_new ();
  g_mutex_init (&upload.mutex);

  timer  = g_timer_new ();
  thread = g_thread_new ("gemini-upload", upload_thread, &upload);

  while (TRUE)
    {
      GgUploadProgress progress;
      gboolean         has_progress;
      gboolean         done;
      gchar           *text;
      gboolean         go_on;

      g_usleep (POLL_INTERVAL);

      g_mutex_lock (&upload.mutex);
      progress     = upload.progress;
      has_progress = upload.has_progress;
      done         = upload.done;
      g_mutex_unlock (&upload.mutex);
      if (done)
        break;

      text  = gg_front_upload_text (label, &progress, has_progress,
                                    g_timer_elapsed (timer, NULL));
      go_on = ticker_call (ticker, text,
                           has_progress && ! progress.waiting &&
                           progress.size > 0 ?
                           (gdouble) progress.sent / progress.size : -1.0);
      g_free (text);
      if (! go_on)
        g_cancellable_cancel (upload.cancellable);
    }

  g_thread_join (thread);
  g_timer_destroy (timer);

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

  g_mutex_clear (&upload.mutex);
  g_object_unref (upload.cancellable);

  return ok;
}

static GPtrArray *
ask (const gchar   *key,
     GgRequest    **requests,
     guint          n,
     const gchar   *cache_dir,
     const Ticker  *ticker,
     GPtrArray    **failures,
     GError       **error)
{
  g_autoptr (GgClient)  client    = NULL;
  GgResponse           *answers[GG_FRONT_MAX_VARIATIONS] = { NULL, };
  GError               *errors[GG_FRONT_MAX_VARIATIONS]  = { NULL, };
  g_autoptr (GPtrArray) responses = NULL;
  g_autofree gchar     *label     = NULL;
  GError               *first     = NULL;
  guint                 i;

  g_return_val_if_fail (n >= 1 && n <= GG_FRONT_MAX_VARIATIONS, NULL);

  *failures = g_ptr_array_new_with_free_func (g_free);

  /* One client: every variation goes out on its one multi handle. */
  client = gg_client_new (key, NULL, error);
  if (! client)
    return NULL;

  label = gg_front_model_label (gg_request_get_model (requests[0]));
  if (! upload_all (client, requests, n, label, cache_dir, ticker, error))
    return NULL;
  generate_many (client, (const GgRequest **) requests, n, label, ticker,
                 answers, errors);

  responses = g_ptr_array_new_with_free_func ((GDestroyNotify) gg_response_free);

  for (i = 0; i < n; i++)
    {
      if (answers[i] && ! gg_response_check (answers[i], &errors[i]))
        g_clear_pointer (&answers[i], gg_response_free);

      if (answers[i])
        {
          g_ptr_array_add (responses, answers[i]);
        }
      else
        {
          if (n > 1)
            g_ptr_array_add (*failures,
                             g_strdup_printf ("Variation %u: %s", i + 1,
                                              errors[i]->message));
          if (! first)
            first = g_steal_pointer (&errors[i]);
          g_clear_error (&errors[i]);
        }
    }

  if (responses->len == 0)
    {
      /* Cancelled, or every request failed: the first reason. */
      g_propagate_error (error, first);
      return NULL;
    }

  g_clear_error (&first);

  return g_steal_pointer (&responses);
}

GPtrArray *
gg_front_ask (const gchar  *key,
              GgRequest   **requests,
              guint         n,
              const gchar  *cache_dir,
              GgFrontTick   tick,
              gpointer      user_data,
              GPtrArray   **failures,
              GError      **error)
{
  Ticker ticker = { tick, NULL, user_data };

  return ask (key, requests, n, cache_dir, &ticker, failures, error);
}

GPtrArray *
gg_front_ask_fraction (const gchar          *key,
                       GgRequest           **requests,
                       guint                 n,
                       const gchar          *cache_dir,
                       GgFrontFractionTick   tick,
                       gpointer              user_data,
                       GPtrArray           **failures,
                       GError              **error)
{
  Ticker ticker = { NULL, tick, user_data };

  return ask (key, requests, n, cache_dir, &ticker, failures, error);
}
