/* gemini-worker.h: the network call off the plug-in's main thread.
 *
 * gg_client_generate () blocks for up to minutes (3 Pro thinks for 60-120 s),
 * so it runs on a GThread while the main thread, the only one that may talk
 * to GIMP, shows progress every 100 ms.
 */
#pragma once

#include <libgimp/gimp.h>

#include "gg-client.h"

G_BEGIN_DECLS

/* Sends @request with @client and waits for the answer, showing progress
 * headed by @label ("Gemini 3 Pro Image").  The answer as
 * gg_client_generate () returns it (free with gg_response_free); NULL with
 * @error on failure or cancel. */
GgResponse *gemini_worker_generate (GgClient        *client,
                                    const GgRequest *request,
                                    const gchar     *label,
                                    GError         **error);

/* Before the requests go: while a request would send more than the inline
 * limit, its largest images are uploaded with the Files API and sent by
 * reference (gg_files_offload (), on a worker thread, with "uploading 34.0
 * MB… 45 %" in the progress bar; cancellable like the request).  An upload
 * of the same bytes within its 48 hours is reused (the cache in
 * gemini-uploads/ in the GIMP profile), so variations, refinements and
 * repeated edits of one source upload it once.  Does nothing (no thread)
 * when every request fits.  FALSE with @error on failure or cancel. */
gboolean    gemini_worker_upload        (GgClient         *client,
                                         GgRequest       **requests,
                                         guint             n,
                                         const gchar      *label,
                                         GError          **error);

/* Variations: @n requests (at most 8) at once, all sent by clients[0] on
 * its one libcurl multi handle from one worker thread
 * (gg_client_generate_many ()); pass one client (the array form lets
 * gemini_worker_generate () pass its own).  Each request keeps its own
 * retries, timeouts and outcome: responses[i] is the answer or NULL with
 * errors[i] set (the caller frees both); a failure leaves the others
 * running.  A cancel ends all of them.  The progress bar shows the first
 * unfinished request's phase and how many are done. */
void        gemini_worker_generate_many (GgClient        **clients,
                                         const GgRequest **requests,
                                         guint             n,
                                         const gchar      *label,
                                         GgResponse      **responses,
                                         GError          **errors);

G_END_DECLS
