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

G_END_DECLS
