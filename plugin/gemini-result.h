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
 */
#pragma once

#include <libgimp/gimp.h>

#include "gg-mask.h"
#include "gg-region.h"
#include "gg-response.h"

G_BEGIN_DECLS

#define GEMINI_SOURCES_PARASITE "gemini-sources"
#define GEMINI_THOUGHTS_GROUP   "Thoughts"
/* The running total, inside gimp_directory (). */
#define GEMINI_USAGE_FILE       "gemini-usage.ini"

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

typedef struct _GeminiPrepared GeminiPrepared;

/* @responses: GgResponse* of the answers that succeeded (at least one).
 * NULL with @error when an image cannot be decoded or placed; the paid
 * answers are then saved to the recovery folder and the message says where. */
GeminiPrepared *gemini_result_prepare (const GeminiTarget *target,
                                       GPtrArray          *responses,
                                       GError            **error);
void            gemini_result_free    (GeminiPrepared     *prepared);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GeminiPrepared, gemini_result_free)

/* The size of the first result layer (to make a new image for it). */
void            gemini_result_size    (GeminiPrepared     *prepared,
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
                                       GeminiPrepared     *prepared,
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

/* Replaces *error (may be NULL) with one that says where the paid result
 * went (gimp_directory ()/gemini-recovery), or why it could not be kept. */
void            gemini_result_recovery_error (GError     **error,
                                              GBytes      *bytes,
                                              const gchar *prompt,
                                              const gchar *why);

/* "add a red balloon" -> a layer name, cut at a word. g_free. */
gchar         * gemini_result_layer_name (const gchar *prompt);

G_END_DECLS
