/* gimp-gemini: the requests on worker threads, progress on the main one.
 *
 * The threads, the upload cache and the progress sentences are
 * common/gg-front.c's (shared with GIMP 2.10); this is the tick that shows
 * them.
 *
 * Cancel: GIMP 3's progress bar has a cancel button, but it does not call
 * back into the plug-in: it ends the plug-in's process (app/plug-in/
 * gimpplugin-progress.c closes the plug-in on "cancel"), which ends the
 * transfer with it.  Since the image is only touched after the answer has
 * been decoded and placed, it stays exactly as it was.  A progress call that
 * fails (GIMP no longer shows our progress) cancels the transfer through
 * the tick's FALSE, which libcurl's transfer loop checks.
 */

#include <libgimp/gimp.h>

#include "gg-front.h"

#include "gemini.h"
#include "gemini-intl.h"
#include "gemini-worker.h"


/* On the main thread every 100 ms.  GIMP calls go over the wire: the text
 * is only sent when it changed. */
static gboolean
progress_tick (const gchar *text,
               gdouble      fraction,
               gpointer     data)
{
  gchar **shown = data;

  if (g_strcmp0 (text, *shown) != 0)
    {
      gimp_progress_set_text (text);
      g_free (*shown);
      *shown = g_strdup (text);
    }

  /* An upload's share sent is a real bar; the rest only pulses. */
  if (fraction >= 0.0)
    return gimp_progress_update (fraction);

  return gimp_progress_pulse ();
}

GPtrArray *
gemini_worker_ask (const gchar  *key,
                   GgRequest   **requests,
                   guint         n,
                   GPtrArray   **failures,
                   GError      **error)
{
  g_autofree gchar *label     = gg_front_model_label (gg_request_get_model (requests[0]));
  g_autofree gchar *cache_dir = g_build_filename (gimp_directory (),
                                                  GG_FRONT_UPLOAD_CACHE, NULL);
  g_autofree gchar *shown     = NULL;
  GPtrArray        *responses;

  if (n > 1)
    gimp_progress_init_printf (_("%s: sending %u requests…"), label, n);
  else
    gimp_progress_init_printf (_("%s: sending the request…"), label);

  responses = gg_front_ask_fraction (key, requests, n, cache_dir,
                                     progress_tick, &shown, failures, error);

  gimp_progress_set_text_printf (_("%s: placing the result…"), label);

  return responses;
}
