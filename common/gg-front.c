/* gimp-gemini: the GIMP-independent steps of the GIMP front ends
 * (gg-front.h), shared by the GIMP 3 plug-in (plugin/) and the GIMP 2.10
 * one (plugin/gimp2/).
 */

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include <cjson/cJSON.h>

#include "gg-catalogue.h"
#include "gg-error.h"
#include "gg-files.h"
#include "gg-front.h"
#include "gg-usage.h"


/* The encoding policy of what every edit sends (the CLI and both
 * plug-ins, gg_front_encode ()): PNG when transparency must survive,
 * else JPEG of this quality.  Measured by tests/bench/encoding.sh
 * (README, placement): the residual shift stays at most 0.074 px (0.5
 * allowed) at every quality from 80 to 100 (PNG: 0.027), the ring error
 * under 1/255 from q96 up (q100 gains 0.1/255 for 1.8 times the bytes),
 * and PNG costs 4-7 times the bytes and 7-16 times the encode time: 21 MB
 * and 1 s for a 4K region, against 5.7 MB and 0.14 s. */
#define SEND_JPEG_QUALITY      96
#define REFERENCE_JPEG_QUALITY 90
/* Layer names longer than this are cut at a word. */
#define LAYER_NAME_MAX         40
#define POLL_INTERVAL          (100 * G_TIME_SPAN_MILLISECOND)

static const struct
{
  const gchar *name;
  GgImageRole  role;
}
roles_table[] =
{
  { "style",       GG_ROLE_STYLE       },
  { "subject",     GG_ROLE_SUBJECT     },
  { "object",      GG_ROLE_OBJECT      },
  { "person",      GG_ROLE_PERSON      },
  { "composition", GG_ROLE_COMPOSITION },
};


const gchar *
gg_front_option (const gchar *value)
{
  if (! value || ! *value || ! g_ascii_strcasecmp (value, "auto"))
    return NULL;

  return value;
}

gchar *
gg_front_model_label (const gchar *model)
{
  const GgModel *info  = gg_catalogue_lookup (model);
  const gchar   *label = info ? info->label : model;
  const gchar   *paren;

  if (! label)
    return g_strdup ("Gemini");
  paren = strstr (label, " (");

  return paren ? g_strndup (label, paren - label) : g_strdup (label);
}

#ifdef GG_TEST_HOOKS
/* The measurement's knob (tests/bench/encoding.sh), only in a build made
 * for the tests (cmake -DGG_TEST_HOOKS=ON): GG_TEST_ENCODING=png sends an
 * opaque region as PNG, =jpeg:Q as JPEG of quality Q (1-100); unset, the
 * policy holds.  *@quality: 0 for PNG, else the JPEG quality (left as it
 * was when unset).  Read at every call, so one process can compare. */
static gboolean
test_encoding (gint    *quality,
               GError **error)
{
  const gchar *value = g_getenv ("GG_TEST_ENCODING");
  gchar       *end   = NULL;
  gint64       q;

  if (! value || ! *value)
    return TRUE;
  if (! g_strcmp0 (value, "png"))
    {
      *quality = 0;
      return TRUE;
    }
  if (g_str_has_prefix (value, "jpeg:"))
    {
      q = g_ascii_strtoll (value + 5, &end, 10);
      if (end != value + 5 && *end == '\0' && q >= 1 && q <= 100)
        {
          *quality = (gint) q;
          return TRUE;
        }
    }
  g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
               "GG_TEST_ENCODING=%s is not understood: set it to png or "
               "jpeg:QUALITY (1-100), or unset it.", value);
  return FALSE;
}
#endif

GBytes *
gg_front_encode (const GgRaster  *raster,
                 gint             width,
                 gint             height,
                 GError         **error)
{
  g_autoptr (GgRaster) scaled = NULL;
  const GgRaster      *send   = raster;

  if (width != raster->width || height != raster->height)
    {
      scaled = gg_raster_scale (raster, width, height, error);
      if (! scaled)
        return NULL;
      send = scaled;
    }

  if (gg_raster_has_alpha (send))
    return gg_image_encode_png (send, 6, error);
#ifdef GG_TEST_HOOKS
  {
    gint quality = SEND_JPEG_QUALITY;

    if (! test_encoding (&quality, error))
      return NULL;
    if (quality == 0)
      return gg_image_encode_png (send, 6, error);
    return gg_image_encode_jpeg (send, quality, error);
  }
#endif

  return gg_image_encode_jpeg (send, SEND_JPEG_QUALITY, error);
}

GBytes *
gg_front_encode_reference (const GgRaster  *raster,
                           GError         **error)
{
  g_autoptr (GgRaster) scaled  = NULL;
  const GgRaster      *send    = raster;
  gint                 longest = MAX (raster->width, raster->height);

  /* A reference guides; it need not be sent at full resolution. */
  if (longest > GG_FRONT_REFERENCE_MAX_SIDE)
    {
      gdouble factor = (gdouble) GG_FRONT_REFERENCE_MAX_SIDE / longest;

      scaled = gg_raster_scale (raster,
                                MAX (1, (gint) (raster->width * factor + 0.5)),
                                MAX (1, (gint) (raster->height * factor + 0.5)),
                                error);
      if (! scaled)
        return NULL;
      send = scaled;
    }

  if (gg_raster_has_alpha (send))
    return gg_image_encode_png (send, 6, error);

  return gg_image_encode_jpeg (send, REFERENCE_JPEG_QUALITY, error);
}

/* @what NULL: the wording gg_front_parse_roles () has always had. */
static gboolean
parse_roles (const gchar  *roles,
             guint         n,
             const gchar  *what,
             GgImageRole  *out,
             GError      **error)
{
  g_auto (GStrv) names   = NULL;
  guint          n_names = 0;
  GgImageRole    role    = GG_ROLE_OBJECT;
  guint          i, j;

  if (roles && *roles)
    {
      names   = g_strsplit (roles, ",", -1);
      n_names = g_strv_length (names);
    }

  if (n_names > n)
    {
      if (what)
        g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                     "%u roles were given for %u %s: give one role per "
                     "reference.", n_names, n, what);
      else
        g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                     "%u reference roles were given for %u reference images: "
                     "give one role per reference.", n_names, n);
      return FALSE;
    }

  for (i = 0; i < n; i++)
    {
      if (i < n_names)
        {
          g_autofree gchar *word = g_ascii_strdown (names[i], -1);

          g_strstrip (word);
          for (j = 0; j < G_N_ELEMENTS (roles_table); j++)
            if (! strcmp (word, roles_table[j].name))
              break;
          if (j == G_N_ELEMENTS (roles_table))
            {
              g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           "Unknown reference role “%s”: use style, subject, "
                           "object, person or composition.", word);
              return FALSE;
            }
          role = roles_table[j].role;
        }
      out[i] = role;
    }

  return TRUE;
}

gboolean
gg_front_parse_roles (const gchar  *roles,
                      guint         n,
                      GgImageRole  *out,
                      GError      **error)
{
  return parse_roles (roles, n, NULL, out, error);
}

gboolean
gg_front_parse_roles_of (const gchar  *roles,
                         guint         n,
                         const gchar  *what,
                         GgImageRole  *out,
                         GError      **error)
{
  return parse_roles (roles, n, what, out, error);
}

gchar *
gg_front_selection_area (const GgRegionPlan *plan)
{
  static const gchar *rows[] = { "top", "middle", "bottom" };
  static const gchar *cols[] = { "left", "centre", "right" };
  const GgRect       *r      = &plan->region;
  const GgRect       *s      = &plan->selection;
  gdouble             cx, cy;
  gint                col, row;
  gint                pct_w, pct_h;
  g_autofree gchar   *where  = NULL;

  if (r->width <= 0 || r->height <= 0)
    return NULL;

  cx  = (s->x - r->x + s->width  / 2.0) / r->width;
  cy  = (s->y - r->y + s->height / 2.0) / r->height;
  col = CLAMP ((gint) (cx * 3.0), 0, 2);
  row = CLAMP ((gint) (cy * 3.0), 0, 2);

  if (row == 1 && col == 1)
    where = g_strdup ("the centre");
  else if (row == 1)
    where = g_strdup_printf ("the %s side", cols[col]);
  else if (col == 1)
    where = g_strdup_printf ("the %s", rows[row]);
  else
    where = g_strdup_printf ("the %s %s", rows[row], cols[col]);

  pct_w = CLAMP ((gint) (100.0 * s->width  / r->width  + 0.5), 1, 100);
  pct_h = CLAMP ((gint) (100.0 * s->height / r->height + 0.5), 1, 100);

  return g_strdup_printf ("%s of the image, about %d %% of its width and "
                          "%d %% of its height", where, pct_w, pct_h);
}

gchar *
gg_front_layer_name (const gchar *prompt)
{
  g_autofree gchar *text = g_strdup (prompt ? prompt : "");
  gchar            *cut;
  gchar            *space;
  GString          *name;

  g_strdelimit (text, "\r\n\t", ' ');
  g_strstrip (text);

  if (! *text)
    return g_strdup ("Gemini");

  if (g_utf8_strlen (text, -1) <= LAYER_NAME_MAX)
    return g_steal_pointer (&text);

  cut  = g_utf8_offset_to_pointer (text, LAYER_NAME_MAX);
  name = g_string_new_len (text, cut - text);

  /* At a word when there is one in the second half. */
  space = strrchr (name->str, ' ');
  if (space && space - name->str > LAYER_NAME_MAX / 2)
    g_string_truncate (name, space - name->str);

  g_string_append (name, "…");

  return g_string_free (name, FALSE);
}

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

void
gg_front_generate_many (GgClient         *client,
                        const GgRequest **requests,
                        guint             n,
                        const gchar      *label,
                        GgFrontTick       tick,
                        gpointer          user_data,
                        GgResponse      **responses,
                        GError          **errors)
{
  Ticker ticker = { tick, NULL, user_data };

  generate_many (client, requests, n, label, &ticker, responses, errors);
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
   * (gg_front_upload ()): only the rest is checked here. */
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

gboolean
gg_front_upload (GgClient     *client,
                 GgRequest   **requests,
                 guint         n,
                 const gchar  *label,
                 const gchar  *cache_dir,
                 GgFrontTick   tick,
                 gpointer      user_data,
                 GError      **error)
{
  Ticker ticker = { tick, NULL, user_data };

  return upload_all (client, requests, n, label, cache_dir, &ticker, error);
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


/* --- answers -------------------------------------------------------------- */

static void
piece_free (gpointer data)
{
  GgFrontPiece *piece = data;

  g_clear_pointer (&piece->raster, gg_raster_free);
  g_clear_pointer (&piece->mask, gg_mask_free);
  g_free (piece);
}

static void
mark (const GgFrontTarget *target,
      const gchar         *step)
{
  if (target->mark)
    target->mark (step);
}

/* One answer fitted onto the region, cut to the part that is kept, with
 * its mask when the target asks for one.  FALSE (piece->raster NULL)
 * when it cannot be placed. */
static gboolean
place_one (const GgFrontTarget *target,
           const GgRaster      *answer,
           GgFrontPiece        *piece,
           GError             **error)
{
  const GgRegionPlan  *plan    = target->plan;
  g_autoptr (GgMask)   changed = NULL;
  g_autoptr (GgRaster) placed  = NULL;
  const GgMask        *mask    = target->mask;
  GgPlaceReport        report;
  GgRect               clip;
  GgRect               inside;

  if (target->prep)
    placed = gg_region_place_prepared (target->prep, answer, &report, error);
  else
    placed = gg_region_place_full (plan, target->original, answer, &report,
                                   error);
  if (! placed)
    return FALSE;
  mark (target, "placed");

  if (! mask && target->mask_changed)
    {
      /* What the model changed, against the realigned, colour-matched
       * answer: its drift and grain are not changes. */
      changed = gg_mask_changed (target->original, placed, &report, NULL,
                                 error);
      if (! changed)
        return FALSE;
      mask = changed;
      mark (target, "changed pixels");
    }

  if (! gg_rect_intersect (&plan->region, &target->space, &clip))
    clip = plan->region;

  inside.x      = clip.x - plan->region.x;
  inside.y      = clip.y - plan->region.y;
  inside.width  = clip.width;
  inside.height = clip.height;

  if (mask)
    {
      piece->mask = gg_mask_crop (mask, &inside, error);
      if (! piece->mask)
        return FALSE;
    }

  if (inside.x == 0 && inside.y == 0 &&
      inside.width == placed->width && inside.height == placed->height)
    piece->raster = g_steal_pointer (&placed);
  else
    piece->raster = gg_raster_crop (placed, &inside, error);

  return piece->raster != NULL;
}

GgFrontPrepared *
gg_front_prepare (const GgFrontTarget *target,
                  GPtrArray           *responses,
                  GError             **error)
{
  g_autoptr (GgFrontPrepared) prepared = g_new0 (GgFrontPrepared, 1);
  guint                       r, i;

  prepared->layers   = g_ptr_array_new_with_free_func (piece_free);
  prepared->thoughts = g_ptr_array_new_with_free_func (piece_free);
  prepared->bytes    = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  prepared->sources  = g_ptr_array_new ();

  if (target->plan)
    {
      /* Padding beyond the layer was context for the model, not a result. */
      if (! gg_rect_intersect (&target->plan->region, &target->space,
                               &prepared->clip))
        prepared->clip = target->plan->region;
      prepared->clip.x += target->origin_x;
      prepared->clip.y += target->origin_y;
    }

  /* All the paid images first, so that recovery can save every one. */
  for (r = 0; r < responses->len; r++)
    {
      GgResponse          *response = g_ptr_array_index (responses, r);
      g_autoptr (GPtrArray) images  = gg_response_images (response);

      for (i = 0; images && i < images->len; i++)
        {
          GgPart *part = g_ptr_array_index (images, i);

          g_ptr_array_add (prepared->bytes, g_bytes_ref (part->data));
        }
      for (i = 0; response->sources && i < response->sources->len; i++)
        g_ptr_array_add (prepared->sources,
                         g_ptr_array_index (response->sources, i));
    }

  if (prepared->bytes->len == 0)
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_NO_IMAGE,
                           "The model answered without an image: try "
                           "rephrasing the prompt.");
      return NULL;
    }

  for (i = 0; i < prepared->bytes->len; i++)
    {
      GBytes              *bytes  = g_ptr_array_index (prepared->bytes, i);
      gsize                length;
      const guint8        *data   = g_bytes_get_data (bytes, &length);
      g_autoptr (GgRaster) answer = gg_image_decode (data, length, 0, error);
      GgFrontPiece        *piece;

      if (! answer)
        {
          gg_front_recovery_all (error, prepared, target->profile_dir,
                                 target->prompt,
                                 "The answer could not be decoded");
          return NULL;
        }
      mark (target, "decoded");

      piece = g_new0 (GgFrontPiece, 1);
      if (target->plan)
        {
          place_one (target, answer, piece, error);
          piece->x      = prepared->clip.x;
          piece->y      = prepared->clip.y;
        }
      else
        {
          piece->raster = g_steal_pointer (&answer);
          piece->x      = target->x;
          piece->y      = target->y;
        }

      if (! piece->raster)
        {
          piece_free (piece);
          gg_front_recovery_all (error, prepared, target->profile_dir,
                                 target->prompt,
                                 "The result could not be fitted onto the region");
          return NULL;
        }
      g_ptr_array_add (prepared->layers, piece);
    }

  /* Thought images are interim sketches: stretched over where the first
   * result lies, never realigned; one that does not decode is left out. */
  for (r = 0; target->thought_layers && r < responses->len; r++)
    {
      GgResponse          *response = g_ptr_array_index (responses, r);
      g_autoptr (GPtrArray) thoughts = gg_response_thought_images (response);

      for (i = 0; thoughts && i < thoughts->len; i++)
        {
          GgPart       *part   = g_ptr_array_index (thoughts, i);
          gsize         length;
          const guint8 *data   = g_bytes_get_data (part->data, &length);
          GgFrontPiece *first  = g_ptr_array_index (prepared->layers, 0);
          GgRaster     *raster = gg_image_decode (data, length, 0, NULL);
          GgFrontPiece *piece;

          if (! raster)
            continue;

          if (raster->width  != first->raster->width ||
              raster->height != first->raster->height)
            {
              GgRaster *scaled = gg_raster_scale (raster,
                                                  first->raster->width,
                                                  first->raster->height,
                                                  NULL);

              gg_raster_free (raster);
              if (! scaled)
                continue;
              raster = scaled;
            }

          piece = g_new0 (GgFrontPiece, 1);
          piece->raster = raster;
          piece->x      = first->x;
          piece->y      = first->y;
          g_ptr_array_add (prepared->thoughts, piece);
        }
    }

  return g_steal_pointer (&prepared);
}

void
gg_front_prepared_free (GgFrontPrepared *prepared)
{
  if (! prepared)
    return;

  g_clear_pointer (&prepared->layers, g_ptr_array_unref);
  g_clear_pointer (&prepared->thoughts, g_ptr_array_unref);
  g_clear_pointer (&prepared->bytes, g_ptr_array_unref);
  g_clear_pointer (&prepared->sources, g_ptr_array_unref);
  g_free (prepared);
}

/* Writes all of @data to @fd; FALSE with errno set when it cannot. */
static gboolean
write_all (int fd, const guint8 *data, gsize length)
{
  while (length > 0)
    {
      gssize n = write (fd, data, MIN (length, (gsize) G_MAXSSIZE));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      length -= (gsize) n;
    }
  return TRUE;
}

gchar *
gg_front_recovery_save (const gchar  *profile_dir,
                        GBytes       *bytes,
                        const gchar  *prompt,
                        GError      **error)
{
  g_autofree gchar     *dir    = g_build_filename (profile_dir,
                                                   GG_FRONT_RECOVERY_DIR, NULL);
  g_autoptr (GDateTime) now    = g_date_time_new_now_local ();
  g_autofree gchar     *stamp  = g_date_time_format (now, "%Y%m%d-%H%M%S");
  gsize                 length;
  const guint8         *data   = g_bytes_get_data (bytes, &length);
  const gchar          *ext;
  gchar                *path   = NULL;
  int                   fd     = -1;
  int                   saved_errno;

  switch (gg_image_sniff (data, length))
    {
    case GG_FORMAT_JPEG: ext = "jpg";  break;
    case GG_FORMAT_WEBP: ext = "webp"; break;
    case GG_FORMAT_PNG:  ext = "png";  break;
    default:             ext = "bin";  break;
    }

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_IO,
                   "The folder %s could not be created (%s).", dir,
                   g_strerror (errno));
      return NULL;
    }

  /* Created exclusively: another answer of this run, or of another run in
   * the same second (another process), takes the next number, and no
   * file is ever replaced. */
  for (guint serial = 1; fd < 0 && serial <= 100000; serial++)
    {
      g_autofree gchar *base = g_strdup_printf ("gemini-%s-%u-%u.%s", stamp,
                                                g_str_hash (prompt ? prompt : "") % 10000,
                                                serial, ext);

      g_free (path);
      path = g_build_filename (dir, base, NULL);
      fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
      if (fd < 0 && errno != EEXIST)
        break;
    }
  if (fd < 0)
    {
      saved_errno = errno;
      g_set_error (error, GG_ERROR, GG_ERROR_IO,
                   "No file could be created in %s (%s).", dir, g_strerror (saved_errno));
      g_free (path);
      return NULL;
    }

  /* Written as received: whatever went wrong here, the bytes are intact. */
  if (! write_all (fd, data, length) || fsync (fd) != 0)
    {
      saved_errno = errno;
      close (fd);
      g_unlink (path);
      g_set_error (error, GG_ERROR, GG_ERROR_IO, "%s could not be written (%s).",
                   path, g_strerror (saved_errno));
      g_free (path);
      return NULL;
    }
  if (close (fd) != 0)
    {
      saved_errno = errno;
      g_unlink (path);
      g_set_error (error, GG_ERROR, GG_ERROR_IO, "%s could not be written (%s).",
                   path, g_strerror (saved_errno));
      g_free (path);
      return NULL;
    }

  return path;
}

void
gg_front_recovery_error (GError      **error,
                         const gchar  *profile_dir,
                         GBytes       *bytes,
                         const gchar  *prompt,
                         const gchar  *why)
{
  g_autofree gchar *detail     = NULL;
  g_autofree gchar *path       = NULL;
  GError           *save_error = NULL;
  gint              code       = GG_ERROR_FAILED;

  if (error && *error)
    {
      gsize n;

      detail = g_strdup ((*error)->message);
      code   = (*error)->code;
      g_clear_error (error);
      /* Its sentence becomes a clause of ours: one full stop. */
      n = strlen (detail);
      while (n > 0 && detail[n - 1] == '.')
        detail[--n] = '\0';
    }

  path = bytes ? gg_front_recovery_save (profile_dir, bytes, prompt, &save_error)
               : NULL;

  if (path)
    g_set_error (error, GG_ERROR, code,
                 "%s%s%s. The result was saved as %s.",
                 why, detail ? ": " : "", detail ? detail : "", path);
  else
    g_set_error (error, GG_ERROR, code,
                 "%s%s%s, and it could not be saved either: %s",
                 why, detail ? ": " : "", detail ? detail : "",
                 save_error ? save_error->message : "no data");

  g_clear_error (&save_error);
}

void
gg_front_recovery_all (GError          **error,
                       GgFrontPrepared  *prepared,
                       const gchar      *profile_dir,
                       const gchar      *prompt,
                       const gchar      *why)
{
  guint i;

  for (i = 1; i < prepared->bytes->len; i++)
    {
      /* The first image's path goes into the message below; the others
       * are saved beside it, in the same folder. */
      g_free (gg_front_recovery_save (profile_dir, g_ptr_array_index (prepared->bytes, i),
                                 prompt, NULL));
    }

  gg_front_recovery_error (error, profile_dir,
                           prepared->bytes->len ?
                           g_ptr_array_index (prepared->bytes, 0) : NULL,
                           prompt, why);
}

gchar *
gg_front_sources_json (GPtrArray *sources)
{
  cJSON *array = cJSON_CreateArray ();
  gchar *text;
  gchar *copy;
  guint  i;

  for (i = 0; sources && i < sources->len; i++)
    {
      GgSource *source = g_ptr_array_index (sources, i);
      cJSON    *item   = cJSON_CreateObject ();

      cJSON_AddStringToObject (item, "title", source->title ? source->title : "");
      cJSON_AddStringToObject (item, "uri", source->uri ? source->uri : "");
      cJSON_AddItemToArray (array, item);
    }

  text = cJSON_PrintUnformatted (array);
  cJSON_Delete (array);

  /* cJSON's allocator is not GLib's. */
  copy = g_strdup (text ? text : "[]");
  cJSON_free (text);

  return copy;
}

gchar *
gg_front_report (const gchar  *profile_dir,
                 const gchar  *model,
                 GPtrArray    *responses,
                 GPtrArray    *failures,
                 const gchar  *note,
                 gchar       **usage_line)
{
  GString          *text  = g_string_new (NULL);
  GgUsageTotal      run   = { 0, };
  GgUsageTotal      total = { 0, };
  gboolean          have_total;
  g_autofree gchar *path  = g_build_filename (profile_dir,
                                              GG_FRONT_USAGE_FILE, NULL);
  gchar            *usage;
  guint             r, i, n_sources = 0;

  for (r = 0; r < responses->len; r++)
    {
      GgResponse       *response = g_ptr_array_index (responses, r);
      g_autofree gchar *words    = gg_response_text (response);

      gg_usage_total_add (&run, response, gg_response_cost (response, model));

      if (words && *g_strstrip (words))
        {
          /* Named like the layers of the group (#1, #2...). */
          if (responses->len > 1)
            g_string_append_printf (text, "#%u: ", r + 1);
          g_string_append_printf (text, "Gemini says: %s\n", words);
        }

      for (i = 0; response->sources && i < response->sources->len; i++)
        {
          GgSource *source = g_ptr_array_index (response->sources, i);

          if (n_sources++ == 0)
            g_string_append (text, "Sources:\n");
          g_string_append_printf (text, "  %s: %s\n",
                                  source->title ? source->title : "(untitled)",
                                  source->uri ? source->uri : "");
        }
    }

  have_total = gg_usage_record (path, model, &run, &total, NULL);
  usage      = gg_usage_describe (&run, have_total ? &total : NULL);
  g_string_append_printf (text, "%s\n", usage);

  if (note)
    g_string_append_printf (text, "%s\n", note);

  if (failures && failures->len > 0)
    {
      g_string_append_printf (text, "%u of %u variations failed:\n",
                              failures->len, failures->len + responses->len);
      for (i = 0; i < failures->len; i++)
        g_string_append_printf (text, "  %s\n",
                                (const gchar *) g_ptr_array_index (failures, i));
    }

  if (text->len && text->str[text->len - 1] == '\n')
    g_string_truncate (text, text->len - 1);

  if (usage_line)
    *usage_line = usage;
  else
    g_free (usage);

  /* The model's words, the sources and the failures came from a server. */
  {
    g_autofree gchar *raw = g_string_free (text, FALSE);

    return gg_redact (raw, NULL);
  }
}

gboolean
gg_front_test_fail_place (void)
{
  static gint fail = -1;

  /* Only a build made for the tests (cmake -DGG_TEST_HOOKS=ON) listens:
   * in a user's build the variable can make no paid result fail. */
#ifdef GG_TEST_HOOKS
  if (fail < 0)
    fail = g_strcmp0 (g_getenv ("GIMP_GEMINI_TEST_FAIL_PLACE"), "1") == 0;
#else
  fail = 0;
#endif

  return fail;
}
