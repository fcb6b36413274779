/* gg-front.h: what every GIMP front end does besides calling GIMP.
 *
 * plugin/ (GIMP 3) and plugin/gimp2/ (GIMP 2.10) are thin glue around
 * these steps, so that both behave the same:
 * - requests: the wording, the JPEG/PNG choice of what is sent, reference
 *   roles, the model's short label;
 * - uploads through the Files API and the requests on one multi handle, on
 *   worker threads, the caller's thread ticking every 100 ms with a
 *   progress sentence (it alone talks to GIMP);
 * - the answer decoded and placed before the image is touched
 *   (gg_front_prepare ()), the paid images saved to the recovery folder
 *   when anything fails, and the report (text, sources, usage and cost).
 * Nothing here calls libgimp: the profile folder is passed in.
 */
#pragma once

#include <glib.h>

#include "gg-client.h"
#include "gg-files.h"
#include "gg-image.h"
#include "gg-mask.h"
#include "gg-region.h"
#include "gg-request.h"
#include "gg-response.h"

G_BEGIN_DECLS

#define GG_FRONT_MAX_VARIATIONS   4
/* Inside the profile folder. */
#define GG_FRONT_RECOVERY_DIR     "gemini-recovery"
#define GG_FRONT_USAGE_FILE       "gemini-usage.ini"
#define GG_FRONT_UPLOAD_CACHE     "gemini-uploads"
#define GG_FRONT_SOURCES_PARASITE "gemini-sources"
#define GG_FRONT_THOUGHTS_GROUP   "Thoughts"
#define GG_FRONT_REFERENCE_MAX_SIDE 2048
/* Style transfer with no words of the user's own. */
#define GG_FRONT_STYLE_PROMPT \
  "Repaint this image in the style of the reference image, keeping its content"
#define GG_FRONT_INDEXED_MESSAGE \
  "Indexed images are not supported: convert to RGB (Image > Mode > RGB)."
#define GG_FRONT_NO_KEY_MESSAGE \
  "No Gemini API key: set GEMINI_API_KEY or use Filters > Gemini > API Key…"

/* NULL for "", NULL and "auto": let the model or the planner decide. */
const gchar * gg_front_option          (const gchar       *value);

/* "Gemini 3 Pro Image (Nano Banana Pro)" -> "Gemini 3 Pro Image" (g_free). */
gchar       * gg_front_model_label     (const gchar       *model);

/* @raster scaled to @width x @height, then PNG when transparency must
 * survive, JPEG q96 otherwise (what an edit sends). */
GBytes      * gg_front_encode          (const GgRaster    *raster,
                                        gint               width,
                                        gint               height,
                                        GError           **error);

/* A reference image: at most GG_FRONT_REFERENCE_MAX_SIDE on its longer
 * side, PNG with transparency, else JPEG q90. */
GBytes      * gg_front_encode_reference (const GgRaster   *raster,
                                         GError          **error);

/* "style,subject" for @n references into @roles (n entries): the last
 * given repeats, none means object.  FALSE with GG_ERROR_INVALID_REQUEST
 * for an unknown role or more roles than references. */
gboolean      gg_front_parse_roles     (const gchar       *roles,
                                        guint              n,
                                        GgImageRole       *out,
                                        GError           **error);
/* The same, the references named @what in the message ("3 roles were
 * given for 2 reference files"), for a front end with several lists. */
gboolean      gg_front_parse_roles_of  (const gchar       *roles,
                                        guint              n,
                                        const gchar       *what,
                                        GgImageRole       *out,
                                        GError           **error);

/* Where the selection lies in the region sent, in words for the edit
 * prompt ("the centre of the image, about 60 % of its width and …"). */
gchar       * gg_front_selection_area  (const GgRegionPlan *plan);

/* "add a red balloon" -> a layer name, cut at a word (g_free). */
gchar       * gg_front_layer_name      (const gchar       *prompt);

/* The progress sentence for @label after @elapsed seconds. */
gchar       * gg_front_progress_text   (const gchar       *label,
                                        const GgProgress  *progress,
                                        gboolean           has_progress,
                                        gdouble            elapsed);

/* Called on the caller's thread about every 100 ms while uploads or
 * requests run, with the sentence to show; return FALSE to cancel. */
typedef gboolean (*GgFrontTick) (const gchar *text,
                                 gpointer     user_data);
/* The same, also told how far along the work is: @fraction in [0, 1]
 * while an upload's share sent is known, -1 otherwise (a pulse). */
typedef gboolean (*GgFrontFractionTick) (const gchar *text,
                                         gdouble      fraction,
                                         gpointer     user_data);

/* Checks @requests before the key is even looked for; images beyond the
 * inline limit are left to the Files API (gg_front_ask ()). */
gboolean      gg_front_validate        (GgRequest        **requests,
                                        guint              n,
                                        GError           **error);

/* The progress sentence of an upload (gg_files_offload ()). */
gchar       * gg_front_upload_text     (const gchar       *label,
                                        const GgUploadProgress *progress,
                                        gboolean           has_progress,
                                        gdouble            elapsed);

/* Uploads what must be and sends @n requests with one client made from
 * @key; the answers that hold an image (gg_response_check ()), in order;
 * @failures gets one sentence per failed variation.  NULL with the first
 * failure's @error when none succeeded. */
GPtrArray   * gg_front_ask             (const gchar       *key,
                                        GgRequest        **requests,
                                        guint              n,
                                        const gchar       *cache_dir,
                                        GgFrontTick        tick,
                                        gpointer           user_data,
                                        GPtrArray        **failures,
                                        GError           **error);
/* gg_front_ask () with a tick that is told the upload's fraction. */
GPtrArray   * gg_front_ask_fraction    (const gchar       *key,
                                        GgRequest        **requests,
                                        guint              n,
                                        const gchar       *cache_dir,
                                        GgFrontFractionTick tick,
                                        gpointer           user_data,
                                        GPtrArray        **failures,
                                        GError           **error);

/* Where the answers go. */
typedef struct
{
  const gchar        *profile_dir;    /* for the recovery folder */
  const gchar        *prompt;         /* names files and layers */
  const GgRegionPlan *plan;           /* NULL: each answer whole at (x, y) */
  gint                origin_x;       /* the plan's space in the image */
  gint                origin_y;
  GgRect              space;          /* plan coordinates: what may be kept */
  const GgRaster     *original;       /* the region's pixels */
  gint                x, y;
  gboolean            thought_layers;
  /* Optional (0/NULL: none): */
  const GgPlacePrep  *prep;           /* of plan and original, computed
                                       * while the model worked */
  /* The results' masks (with a plan only), in this order: */
  const GgMask       *mask;           /* plan->region's size: every result's */
  gboolean            mask_changed;   /* else each result masked to the pixels
                                       * it changed (gg_mask_changed ()) */
  void              (*mark) (const gchar *step);  /* timing marks */
  /* The same with the caller's data (used when set): */
  void              (*mark_full) (const gchar *step, gpointer data);
  gpointer            mark_data;
} GgFrontTarget;

typedef struct
{
  GgRaster *raster;
  gint      x, y;                     /* image coordinates */
  GgMask   *mask;                     /* raster's size, or NULL */
} GgFrontPiece;

typedef struct
{
  GPtrArray *layers;    /* of GgFrontPiece*: the results */
  GPtrArray *thoughts;  /* of GgFrontPiece*: interim thought images */
  GPtrArray *bytes;     /* of GBytes*: the results as received */
  GPtrArray *sources;   /* of GgSource*, borrowed from the responses */
  GgRect     clip;      /* image coordinates of the placed region */
} GgFrontPrepared;

/* Decodes and places every image of @responses without touching any
 * image; NULL with @error (saying where the paid images were saved) when
 * one cannot be decoded or placed. */
GgFrontPrepared * gg_front_prepare     (const GgFrontTarget *target,
                                        GPtrArray           *responses,
                                        GError             **error);
void              gg_front_prepared_free (GgFrontPrepared   *prepared);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GgFrontPrepared, gg_front_prepared_free)

/* Writes @bytes, as received, to a new file in
 * @profile_dir/gemini-recovery/ (made 0700 when missing), named
 * "gemini-STAMP-HASH-N.EXT" with the first N free: created exclusively
 * (O_EXCL), so no save ever replaces another, even of another process in
 * the same second.  Returns the path (g_free), or NULL with @error. */
gchar       * gg_front_recovery_save   (const gchar       *profile_dir,
                                        GBytes            *bytes,
                                        const gchar       *prompt,
                                        GError           **error);

/* Saves every image of @prepared to the recovery folder and replaces
 * *@error with "WHY: DETAIL. The result was saved as PATH." */
void          gg_front_recovery_all    (GError           **error,
                                        GgFrontPrepared   *prepared,
                                        const gchar       *profile_dir,
                                        const gchar       *prompt,
                                        const gchar       *why);
/* The same for one image. */
void          gg_front_recovery_error  (GError           **error,
                                        const gchar       *profile_dir,
                                        GBytes            *bytes,
                                        const gchar       *prompt,
                                        const gchar       *why);

/* [{"title": "...", "uri": "..."}, ...] of @sources (GgSource*). */
gchar       * gg_front_sources_json    (GPtrArray         *sources);

/* What to tell the user after a run: the model's words, sources, usage
 * and cost (also added to the profile's running total), @note and the
 * failed variations.  @usage_line (may be NULL) gets the usage sentence
 * alone (for the progress bar).  g_free. */
gchar       * gg_front_report          (const gchar       *profile_dir,
                                        const gchar       *model,
                                        GPtrArray         *responses,
                                        GPtrArray         *failures,
                                        const gchar       *note,
                                        gchar            **usage_line);

/* TEST HOOK for the GIMP tests: GIMP_GEMINI_TEST_FAIL_PLACE=1 makes the
 * front ends fail after their first layer was added.  Honoured only in a
 * build configured with -DGG_TEST_HOOKS=ON (the test builds); always
 * FALSE otherwise. */
gboolean      gg_front_test_fail_place (void);

G_END_DECLS
