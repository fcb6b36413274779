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

/* Variations: @n requests at once, one thread and one client each (the
 * clients must differ).  Each request ends on its own: responses[i] is
 * the answer or NULL with errors[i] set (the caller frees both).  A cancel
 * ends all of them.  Threads rather than one libcurl multi handle, because
 * GgClient has no multi interface yet; the clients' retries and timeouts
 * stay per request either way. */
void        gemini_worker_generate_many (GgClient        **clients,
                                         const GgRequest **requests,
                                         guint             n,
                                         const gchar      *label,
                                         GgResponse      **responses,
                                         GError          **errors);

G_END_DECLS
