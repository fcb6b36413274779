/* gemini-run.h: the steps every run shares, from its options to the
 * layers and messages.
 *
 * A run reads its GeminiOptions from the procedure's config, builds one
 * request per variation (gemini_request_build ()), sends them at once
 * (gemini_ask ()) and ends with gemini_finish (): the layers, the
 * conversation kept with the image and the messages, in one undo group.
 */
#pragma once

#include <libgimp/gimp.h>

#include "gg-conversation.h"
#include "gg-image.h"
#include "gg-request.h"

#include "gemini-conversation.h"
#include "gemini-result.h"

G_BEGIN_DECLS

/* Everything a run reads from its config; absent properties stay 0/NULL. */
typedef struct
{
  GimpRunMode    run_mode;
  gchar         *prompt;
  gchar         *model;
  gchar         *ratio;
  gchar         *size;
  gboolean       image_only;
  gboolean       search;
  gboolean       thought_layers;
  gint           variations;
  GimpDrawable **references;     /* NULL-terminated; the array is ours */
  gchar         *roles;
  gchar        **reference_files;  /* paths or URIs, or NULL; g_strfreev */
  gchar         *file_roles;
  gint           context_px;
  gint           context_pct;
  gboolean       visible;
  gboolean       include_region;
  gboolean       as_layer;
  gboolean       store;          /* the request may be kept by Google */
  gchar         *thinking;       /* "minimal", "medium", "high"; NULL: the model's */
} GeminiOptions;

/* What one request carries besides the options. */
typedef struct
{
  const gchar *model;            /* NULL: the catalogue's default */
  const gchar *text;             /* the prompt as sent */
  const gchar *ratio;
  const gchar *size;
  const gchar *history;          /* JSON array of earlier turns, or NULL */
  GBytes      *input;            /* the image edited, or NULL */
  GPtrArray   *references;       /* of GeminiReference*, or NULL */
} GeminiRequestSpec;


/* Reads every option @config has (absent ones stay 0/NULL; variations 1).
 * Interactive runs take the dialog's one reference layer and one
 * reference file as the references.  Free with gemini_options_clear (). */
void         gemini_options_read  (GimpProcedureConfig      *config,
                                   GimpRunMode               run_mode,
                                   GeminiOptions            *options);
void         gemini_options_clear (GeminiOptions            *options);

/* A request of @options and @spec (g_free with gg_request_free); NULL
 * when the history is refused. */
GgRequest  * gemini_request_build (const GeminiOptions      *options,
                                   const GeminiRequestSpec  *spec,
                                   GError                  **error);

/* Sends @n requests at once (variations), with the key of this run.  The
 * answers that hold an image, in order (the array frees them); @failures
 * receives one sentence per request that failed.  NULL with @error (the
 * first failure's) when none succeeded. */
GPtrArray  * gemini_ask           (const GeminiOptions      *options,
                                   GgRequest               **requests,
                                   guint                     n,
                                   GPtrArray               **failures,
                                   GError                  **error);

/* The common end of every run: layers, conversation and messages, in one
 * undo group.  @target->image NULL: a new image of the answer's size, set
 * there on success.  @conversation gets the exchange of @request and the
 * first answer and is stored with @place.  The result layer (a group when
 * there are several), or NULL with @error and the image as it was. */
GimpLayer  * gemini_finish        (const GeminiOptions      *options,
                                   GeminiTarget             *target,
                                   GPtrArray                *responses,
                                   GPtrArray                *failures,
                                   GgConversation           *conversation,
                                   GgConversationPlace      *place,
                                   const GgRequest          *request,
                                   GError                  **error);

G_END_DECLS
