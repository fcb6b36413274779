/* gg-response.h: a parsed generateContent answer, every field of the sheet.
 *
 * Unknown fields are ignored.  Image data is base64-decoded once and kept as
 * GBytes; the real format is sniffed from the bytes.
 */
#pragma once

#include <glib.h>
#include "gg-image.h"

G_BEGIN_DECLS

typedef enum
{
  GG_PART_TEXT,
  GG_PART_IMAGE,
  GG_PART_OTHER,      /* a part of a kind we do not use (function call, ...) */
} GgPartKind;

typedef struct
{
  GgPartKind  kind;
  gboolean    thought;            /* a thought (interim) part: never the result */
  gchar      *thought_signature;  /* opaque, kept verbatim; NULL when absent */
  gchar      *text;               /* GG_PART_TEXT */
  gchar      *declared_mime;      /* GG_PART_IMAGE: mimeType as declared */
  GgFormat    format;             /* GG_PART_IMAGE: sniffed from the bytes */
  GBytes     *data;               /* GG_PART_IMAGE: decoded bytes */
} GgPart;

typedef struct
{
  gchar *title;
  gchar *uri;
} GgSource;

typedef struct
{
  gint prompt_tokens;
  gint candidates_tokens;
  gint thoughts_tokens;
  gint total_tokens;
  gint image_output_tokens;   /* candidatesTokensDetails, modality IMAGE */
  gint text_output_tokens;    /* candidatesTokensDetails, modality TEXT */
} GgUsage;

typedef struct
{
  GPtrArray *parts;            /* of GgPart*, in order */
  gchar     *finish_reason;    /* NULL when absent */
  gchar     *finish_message;
  gchar     *block_reason;     /* promptFeedback.blockReason */
  gchar     *block_message;
  GgUsage    usage;
  gchar     *model_version;
  gchar     *response_id;
  gchar     *search_entry_html;  /* groundingMetadata.searchEntryPoint.renderedContent */
  GPtrArray *sources;            /* of GgSource* */
  GStrv      search_queries;
  gchar     *model_turn_json;    /* candidates[0].content verbatim, for history */
  guint      images_dropped;     /* result images past max_images, not decoded */
} GgResponse;

typedef struct
{
  guint max_images;       /* result images kept; later ones are dropped and
                           * counted in images_dropped.  0: 16 */
  gsize max_image_bytes;  /* per decoded image; 0: 64 MiB */
  gboolean skip_model_turn; /* TRUE: model_turn_json stays NULL.  One-shot
                             * callers set it: the turn is a second copy of
                             * every image's base64 (12 MB for a 4K answer). */
} GgResponseLimits;

/* Parses a 200 answer body.  GG_ERROR_BAD_RESPONSE for anything that is not
 * a JSON object of the expected shape (with a short excerpt of the body, or
 * the path of the member of the wrong type), and for image data that is not
 * strict base64 (standard or URL-safe alphabet, padding optional);
 * GG_ERROR_TOO_LARGE when a limit is hit (thought images count toward
 * max_images: they are decoded too).  A body of the error shape
 * ({"error":{...}}, sent with a 2xx by some gateways) fails with the error
 * gg_api_error_to_gerror () would give.  Only candidates[0] is read.
 * model_turn_json keeps the image data as received (base64); free the
 * whole answer with gg_response_free.  @limits NULL: defaults. */
GgResponse *gg_response_parse (const gchar            *body,
                               gsize                   length,
                               const GgResponseLimits *limits,
                               GError                **error);
void        gg_response_free  (GgResponse *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GgResponse, gg_response_free)

/* Result images (non-thought image parts), in order; a new GPtrArray of
 * borrowed GgPart* (free the array only). */
GPtrArray *gg_response_images   (const GgResponse *response);
/* Thought images only. */
GPtrArray *gg_response_thought_images (const GgResponse *response);
/* All non-thought text joined with newlines; NULL when none. g_free. */
gchar     *gg_response_text     (const GgResponse *response);

/* FALSE when the answer holds no result image, with the sentence that says
 * why: blocked prompt (GG_ERROR_BLOCKED), safety finish (GG_ERROR_SAFETY),
 * text only (GG_ERROR_NO_IMAGE, quoting the model's words, shortened). */
gboolean gg_response_check (const GgResponse *response, GError **error);

/* Estimated cost in USD with the catalogue's prices for @model (name or
 * alias); negative when the model or its prices are unknown.  Without candidatesTokensDetails
 * each result image counts the catalogue's image_tokens for the size whose
 * dimensions are nearest the image's, and the other candidate tokens as
 * text. */
gdouble gg_response_cost (const GgResponse *response, const gchar *model);

G_END_DECLS
