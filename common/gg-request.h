/* gg-request.h: one generateContent request, built and checked before sending.
 *
 * The request owns copies of everything given to it.  gg_request_validate ()
 * refuses what the API would reject, with one sentence saying why; the body
 * is produced by gg_request_to_json ().
 */
#pragma once

#include <glib.h>
#include "gg-catalogue.h"

G_BEGIN_DECLS

typedef enum
{
  GG_ROLE_INPUT,        /* the image being edited */
  GG_ROLE_STYLE,
  GG_ROLE_SUBJECT,
  GG_ROLE_OBJECT,
  GG_ROLE_PERSON,
  GG_ROLE_COMPOSITION,
  GG_ROLE_HINT,         /* e.g. a mask marking the editable area */
} GgImageRole;

typedef struct _GgRequest GgRequest;

/* @model: free text; NULL means the catalogue's default. */
GgRequest *gg_request_new  (const gchar *model);
void       gg_request_free (GgRequest *request);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GgRequest, gg_request_free)

const gchar   *gg_request_get_model       (const GgRequest *request);
const GgModel *gg_request_get_model_info  (const GgRequest *request); /* NULL if unknown */

void gg_request_set_prompt             (GgRequest *request, const gchar *prompt);
void gg_request_set_system_instruction (GgRequest *request, const gchar *text);
/* NULL: let the model choose (matches the input image, else 1:1). */
void gg_request_set_aspect_ratio       (GgRequest *request, const gchar *ratio);
/* NULL: not sent.  Never sent for models without sizes (refused instead). */
void gg_request_set_image_size         (GgRequest *request, const gchar *size);
/* TRUE: responseModalities ["IMAGE"]; FALSE (default): ["TEXT","IMAGE"]. */
void gg_request_set_image_only         (GgRequest *request, gboolean image_only);
void gg_request_set_search             (GgRequest *request, gboolean search);
/* Sent as generationConfig.thinkingConfig.includeThoughts when TRUE, except
 * for a catalogued model without thinking (it would be refused there). */
void gg_request_set_include_thoughts   (GgRequest *request, gboolean include);
/* "store" at the top of the body: FALSE (the default) sends "store": false,
 * so that a project that keeps requests (new paid projects since
 * 2026-10-26: prompts, images and answers for up to 55 days) keeps none of
 * this one; TRUE allows it. */
void     gg_request_set_store (GgRequest *request, gboolean store);
gboolean gg_request_get_store (const GgRequest *request);
/* generationConfig.thinkingConfig.thinkingLevel: "minimal", "medium" or
 * "high" (any case; sent in upper case); NULL or "": not sent.
 * gg_request_validate () refuses it for a model the catalogue says takes no
 * level (or not this one). */
void         gg_request_set_thinking_level (GgRequest *request, const gchar *level);
const gchar *gg_request_get_thinking_level (const GgRequest *request);
/* Negative: not sent. */
void gg_request_set_temperature        (GgRequest *request, gdouble temperature);
void gg_request_set_seed               (GgRequest *request, gint64 seed);
/* Appends a safety setting; category without the HARM_CATEGORY_ prefix is
 * accepted ("DANGEROUS_CONTENT"). */
void gg_request_add_safety             (GgRequest *request,
                                        const gchar *category,
                                        const gchar *threshold);

/* Adds an input image (the request keeps a reference to @bytes, which must
 * not change).  @mime_type NULL: sniffed from the bytes.  The image parts
 * follow the prompt text in the user turn, in the order added.  For every
 * image whose role is not GG_ROLE_INPUT the request appends the role's
 * sentence from prompts.json (gg_prompt_role_sentence (), numbered by the
 * image's 1-based position in this turn) to the prompt text: callers give
 * only the user's prompt and never add these sentences themselves. */
void gg_request_add_image (GgRequest   *request,
                           GBytes      *bytes,
                           const gchar *mime_type,
                           GgImageRole  role);
guint gg_request_n_images (const GgRequest *request);

/* Adds an input image (GG_ROLE_INPUT) that was uploaded with the Files API
 * (gg-files.h): sent as {"fileData":{"mimeType","fileUri"}}, like inline
 * data in every other respect.  @mime_type is required. */
void gg_request_add_file (GgRequest   *request,
                          const gchar *uri,
                          const gchar *mime_type);
/* The bytes of image @index (borrowed; NULL once it refers to a file),
 * and its MIME type (declared, else sniffed; may be NULL). */
GBytes *gg_request_get_image (const GgRequest *request,
                              guint            index,
                              const gchar    **mime_type);
/* Turns image @index into a reference to its uploaded copy: the bytes are
 * dropped, the role kept.  @mime_type NULL: the image's own. */
void gg_request_use_file (GgRequest   *request,
                          guint        index,
                          const gchar *uri,
                          const gchar *mime_type);

/* Earlier turns for a multi-turn conversation: a JSON array of Content
 * objects ({"role":..,"parts":[..]}) sent first, exactly as given (thought
 * signatures stay on their parts; the text inside the brackets is spliced
 * into the body byte for byte).  FALSE (GG_ERROR_INVALID_REQUEST) when
 * @contents_json is not a JSON array of objects with a "role" and "parts";
 * NULL or "[]" clears the history.  gg_conversation_contents_json () gives
 * this array. */
gboolean gg_request_set_history (GgRequest   *request,
                                 const gchar *contents_json,
                                 GError     **error);

/* The inline limit checked by gg_request_validate (): base64 of all images
 * plus the history, in bytes.  100 MB per generateContent request since
 * 2026-01-08 (20 MB before, and still for inline batch requests:
 * GG_BATCH_MAX_INLINE). */
#define GG_REQUEST_DEFAULT_MAX_INLINE ((gsize) 100 * 1000 * 1000)
void  gg_request_set_max_inline (GgRequest *request, gsize max_bytes);
gsize gg_request_get_max_inline (const GgRequest *request);
/* What the request sends inline, counted as gg_request_validate () does
 * (base64 of the images not given by file, plus the history), so that a
 * caller can upload the largest images before going over the limit. */
gsize gg_request_inline_size (const GgRequest *request);

/* Refuses what the API would reject: a retired model (GG_ERROR_MODEL_NOT_FOUND,
 * the sentence of gg_catalogue_retired_sentence ()), a thinking level the
 * model does not take, lowercase size, a size on a model
 * without sizes, an unknown size or ratio for a catalogued model, a ratio
 * not of the form W:H, IMAGE-only with search, too many images (in all, and
 * objects and people by role), an unsupported or lying MIME type, an empty
 * image, an empty prompt, an inline payload over the limit, an unknown
 * safety category or threshold, a temperature outside 0..2, a seed beyond
 * 32 bits.  For an unknown (free-text) model only the rules that hold for
 * every model are checked.  GG_ERROR_INVALID_REQUEST, one sentence. */
gboolean gg_request_validate (const GgRequest *request, GError **error);

/* The request body (camelCase JSON, unformatted).  @elide_data: each
 * image's data, in this turn and in the history, replaced by
 * "<N bytes elided>", N being the length of the base64 text left out (for
 * --dry-run and logs).  Built in one pass into a
 * buffer of the final size: the base64 is written once, straight into the
 * body.  @length (may be NULL): the body's length.  Free with g_free. */
gchar *gg_request_to_json (const GgRequest *request,
                           gboolean         elide_data,
                           gsize           *length);

/* The user turn this request adds, as a JSON Content object (for storing
 * the conversation).  Free with g_free. */
gchar *gg_request_user_turn_json (const GgRequest *request);

G_END_DECLS
