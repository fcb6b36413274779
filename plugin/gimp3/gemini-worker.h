/* gemini-worker.h: the network calls off the plug-in's main thread.
 *
 * gg_front_ask () uploads what must go through the Files API and sends
 * the requests on worker threads (3 Pro thinks for 60-120 s) while the
 * main thread, the only one that may talk to GIMP, shows its progress
 * sentence every 100 ms.
 */
#pragma once

#include <libgimp/gimp.h>

#include "gg-request.h"

G_BEGIN_DECLS

/* Sends @n requests (variations) with @key, in GIMP's progress bar: the
 * uploads of images beyond the inline limit first ("uploading 34.0 MB…
 * 45 %", an upload reused from the cache in gemini-uploads/ of the GIMP
 * profile), then every request at once on one libcurl multi handle, the
 * first unfinished one's phase and how many are done.  A progress call
 * that fails (GIMP no longer shows it) cancels.  What gg_front_ask ()
 * returns: the answers that hold an image, in order; @failures one
 * sentence per failed variation; NULL with @error when none succeeded. */
GPtrArray * gemini_worker_ask (const gchar  *key,
                               GgRequest   **requests,
                               guint         n,
                               GPtrArray   **failures,
                               GError      **error);

G_END_DECLS
