/* gemini-result.h: what an answer holds, turned into layers.
 *
 * Two steps, so that a failure leaves the image exactly as it was:
 * gemini_result_prepare () decodes and places every image of every answer
 * without touching the image; gemini_result_insert (), called inside the
 * run's undo group, adds the layers (one layer, or a group named after the
 * prompt holding one layer per image), the hidden "Thoughts" group when
 * asked, and the grounding sources as a "gemini-sources" parasite on the
 * result.  gemini_result_report () tells the user what came with the
 * images: text, sources, failures, usage and estimated cost.
 * gemini_finish () is the end of every run: the three steps and the
 * conversation kept with the image, in one undo group.
 *
 * Decoding, placing, recovery and the report's text are common/gg-front.c's
 * (shared with GIMP 2.10); this file adds the layers and talks to GIMP.
 */
#pragma once

#include <libgimp/gimp.h>

#include "gg-conversation.h"
#include "gg-conversation-place.h"
#include "gg-front.h"
#include "gg-mask.h"
#include "gg-region.h"
#include "gg-request.h"
#include "gg-response.h"

#include "gemini-options.h"

G_BEGIN_DECLS

typedef struct
{
  GimpImage          *image;
  GimpLayer          *above;          /* NULL: the top of the stack */
  const gchar        *prompt;         /* names the layers and the group */
  /* Edit-like placement; plan NULL: each answer whole at (x, y). */
  const GgRegionPlan *plan;           /* in the space below */
  gint                origin_x;       /* the plan's space in the image */
  gint                origin_y;
  GgRect              space;          /* plan coordinates: what may be kept */
  const GgRaster     *original;       /* the region's pixels (gg_region_place) */
  const GgPlacePrep  *prep;           /* of plan and original, or NULL */
  gint                x, y;           /* without plan */
  /* The new layers' masks (with a plan only), in this order: */
  const GgMask       *mask;           /* plan->region's size: every result's
                                       * mask (gg_mask_from_selection: the
                                       * selection grown and feathered) */
  gboolean            mask_changed;   /* else each result masked to the
                                       * pixels it changed (gg_mask_changed) */
  GimpLayer          *mask_from;      /* else copy this layer's mask, when its
                                       * geometry is the same */
  gboolean            thought_layers; /* add thought images, hidden */
} GeminiTarget;

/* gg_front_prepare () of @target: @responses are the GgResponse* of the
 * answers that succeeded (at least one).  NULL with @error when an image
 * cannot be decoded or placed; the paid answers are then saved to the
 * recovery folder (in gimp_directory ()) and the message says where. */
GgFrontPrepared *gemini_result_prepare (const GeminiTarget *target,
                                        GPtrArray          *responses,
                                        GError            **error);

/* The size of the first result layer (to make a new image for it). */
void            gemini_result_size    (GgFrontPrepared    *prepared,
                                       gint               *width,
                                       gint               *height);

typedef struct
{
  GimpLayer *item;      /* the result layer, or the group of several */
  GimpLayer *first;     /* the first result layer */
  guint      n_layers;
  GgRect     clip;      /* image coordinates of the placed region */
} GeminiResult;

/* Adds the prepared layers.  On failure removes what it added and saves
 * the answers for recovery. */
gboolean        gemini_result_insert  (const GeminiTarget *target,
                                       GgFrontPrepared    *prepared,
                                       GeminiResult       *result,
                                       GError            **error);

/* Text parts, sources, @failures (may be NULL: one sentence per failed
 * variation) and usage with the estimated cost of @responses; adds the
 * usage to the profile's running total.  Shown with gimp_message () in
 * interactive runs (failures always); the cost also as progress text.
 * @note: one more sentence (may be NULL). */
void            gemini_result_report  (GimpRunMode         run_mode,
                                       const gchar        *model,
                                       GPtrArray          *responses,
                                       GPtrArray          *failures,
                                       const gchar        *note);

/* The common end of every run: layers, conversation and messages, in one
 * undo group.  @target->image NULL: a new image of the answer's size, set
 * there on success.  @conversation gets the exchange of @request and the
 * first answer and is stored with @place.  The result layer (a group when
 * there are several), or NULL with @error and the image as it was. */
GimpLayer      *gemini_finish         (const GeminiOptions *options,
                                       GeminiTarget        *target,
                                       GPtrArray           *responses,
                                       GPtrArray           *failures,
                                       GgConversation      *conversation,
                                       GgConversationPlace *place,
                                       const GgRequest     *request,
                                       GError             **error);

G_END_DECLS
