/* gg-usage.h: usage and estimated cost, per run and as a running total.
 *
 * The running total lives in a small key file (the plug-in keeps it in the
 * GIMP profile as gemini-usage.ini): a [total] group and one [model NAME]
 * group per model, each with requests, images, prompt-tokens,
 * output-tokens, thought-tokens and cost-usd.  The estimate uses the
 * catalogue's prices (gg_response_cost ()); answers of models without a
 * price count their tokens but add nothing to the cost, and the file
 * counts them as unpriced-requests.
 */
#pragma once

#include <glib.h>
#include "gg-response.h"

G_BEGIN_DECLS

typedef struct
{
  guint64 requests;
  guint64 unpriced_requests;
  guint64 images;
  guint64 prompt_tokens;
  guint64 output_tokens;
  guint64 thought_tokens;
  gdouble cost;               /* USD, estimated */
} GgUsageTotal;

/* Adds one answer of @model to @total (in memory).  @cost: as
 * gg_response_cost () gave it; negative: unknown. */
void gg_usage_total_add (GgUsageTotal     *total,
                         const GgResponse *response,
                         gdouble           cost);

/* Adds @run (what one run used) to the totals kept in the key file at
 * @path (created when missing, written atomically) under [total] and
 * [model @model].  @total (may be NULL) receives the new [total].  A
 * damaged file is started afresh rather than failing the run: the total
 * is an estimate, the image result is what matters.  FALSE with
 * GG_ERROR_IO only when the file cannot be written. */
gboolean gg_usage_record (const gchar        *path,
                          const gchar        *model,
                          const GgUsageTotal *run,
                          GgUsageTotal       *total,
                          GError            **error);

/* One line for the user: "Used 1290 output tokens (1 image), about
 * $0.039; total so far $1.20 for 31 requests."  @total may be NULL.
 * Free with g_free. */
gchar *gg_usage_describe (const GgUsageTotal *run,
                          const GgUsageTotal *total);

G_END_DECLS
