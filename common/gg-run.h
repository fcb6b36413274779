/* gg-run.h: one run of each kind, for every front end.
 *
 * Generate, edit (style transfer is an edit with references and no words
 * of the user's own), compose and refine are each one function here.  A
 * front end (GIMP 3, GIMP 2.10, the command line) fills a GgRunOptions from
 * its arguments and implements a GgHost: the few things only it can do
 * (read pixels, the selection and references, add layers, keep the
 * conversation, show progress, find the key).  Everything else is decided
 * here, once:
 * - the plan (space, clip to it, grow, context ring, aspect fit) of the
 *   region sent (gg_run_plan_edit (), also what the dialogs' previews and
 *   estimates show);
 * - the wording sent (gg-prompt), the encoding policy of what is sent
 *   (gg_front_encode ()), the requests (variations, references, roles,
 *   hint), the uploads, the placement (gg_front_prepare ()), the layer
 *   mask, the recovery of paid answers, the conversation and the report.
 *
 * The host's functions are called on the caller's thread only; the engine
 * runs its own threads (mask while the model works, requests) and ticks
 * host->progress about every 100 ms, which may cancel.
 *
 * The result keeps what was paid for: every result piece holds the whole
 * placed answer over the region sent; its mask (not its alpha) limits what
 * shows.
 */
#pragma once

#include <glib.h>

#include "gg-conversation.h"
#include "gg-conversation-place.h"
#include "gg-front.h"
#include "gg-image.h"
#include "gg-mask.h"
#include "gg-region.h"
#include "gg-request.h"

G_BEGIN_DECLS

typedef struct _GgHost GgHost;

/* What the user asked for; the front end fills it from its arguments.
 * Strings are borrowed; NULL, "" and "auto" mean "let the model or the
 * planner decide" (gg_front_option ()). */
typedef struct
{
  const gchar *prompt;           /* the user's words (NULL: none) */
  const gchar *model;            /* NULL: the catalogue's default */
  const gchar *ratio;
  const gchar *size;             /* "1K", "2K", "4K" */
  const gchar *thinking;         /* "minimal", "medium", "high"; NULL or
                                  * "default": the model's own level */
  gboolean     store;            /* the request may be kept by Google */
  gboolean     image_only;
  gboolean     search;
  gboolean     thought_layers;   /* interim thought images as layers */
  gint         variations;       /* 1 .. GG_FRONT_MAX_VARIATIONS */

  /* Edit and refine: */
  gboolean     visible;          /* send what is visible, not the layer */
  gint         context_px;       /* the context ring, at least this many */
  gint         context_pct;      /* ... or this % of the selection */
  gint         grow;             /* the selection grown (negative: shrunk) */
  gdouble      feather;          /* and feathered, in pixels;
                                  * GG_MASK_FEATHER_AUTO (-1): auto */
  gboolean     hint;             /* send the area that may change as well */
  gboolean     changed_only;     /* no selection: mask to the changed pixels */
  gboolean     include_region;   /* refine: send the region as it is now */
  gboolean     style;            /* style transfer: an edit whose empty
                                  * prompt is GG_FRONT_STYLE_PROMPT */
  gboolean     mask_as_is;       /* the selection's coverage is the mask
                                  * itself: neither grown nor feathered,
                                  * any value above 0 may change (the
                                  * CLI's --mask without --grow/--feather);
                                  * the hint shows where it is above 0 */
} GgRunOptions;

/* The mask defaults of an edit (grow 4, feather auto) and one variation;
 * the rest zero.  Front ends start from this. */
void gg_run_options_init (GgRunOptions *options);

/* The place of the edited pixels. */
typedef struct
{
  GgRect       space;            /* the plan's space: x = y = 0, the layer's
                                  * size, or the canvas with "visible" */
  gint         origin_x;         /* the space's place in the image */
  gint         origin_y;
  gboolean     has_selection;
  GgRect       selection;        /* image coordinates: the selection's bounds */
  const gchar *name;             /* the source's name, for messages */
} GgHostCanvas;

/* One reference image, encoded (gg_front_encode_reference ()). */
typedef struct
{
  GBytes      *bytes;
  const gchar *mime;             /* static, or NULL: sniffed */
  GgImageRole  role;
} GgRunReference;

/* A reference holding a reference to @bytes; gg_run_reference_free (the
 * free function of the host's array). */
GgRunReference * gg_run_reference_new  (GBytes      *bytes,
                                        GgImageRole  role);
void             gg_run_reference_free (gpointer     reference);

/* What a run hands to the host to insert, in one undo step. */
typedef struct
{
  GgFrontPrepared *prepared;     /* the pieces, placed: layers and thoughts */
  const gchar     *prompt;       /* names the layers */
  const gchar     *model;
  gboolean         new_image;    /* no image yet: make one of the first
                                  * piece's size */
  /* Refine: the result refined (its id, 0: none); insert above it when
   * the user chose no layer.  mask_from_previous: the new pieces have no
   * mask of their own and take that result's mask when it covers the
   * same pixels (refine of a region with nothing selected). */
  guint32          previous_id;
  gboolean         mask_from_previous;
} GgRunInsert;

/* What the host inserted (the placed region is prepared->clip). */
typedef struct
{
  guint32 result_id;             /* the first result's id (a tattoo): the
                                  * conversation's place */
} GgRunInserted;

/* The host: what only a front end can do.  canvas, selection, read,
 * insert and key are needed (selection only with a selection, key not
 * when the host sends itself: GgHost.ask); the
 * others may be NULL (no references, no conversation kept, no undo step,
 * no report, no progress, no marks). */
typedef struct
{
  /* The space edited and the selection; FALSE with @error. */
  gboolean   (*canvas)      (GgHost *host, gboolean visible,
                             GgHostCanvas *out, GError **error);
  /* The selection's coverage (0 .. 255) over @rect, image coordinates. */
  GgMask   * (*selection)   (GgHost *host, const GgRect *rect,
                             GError **error);
  /* The pixels of @rect: space coordinates of the source layer, or image
   * coordinates of what is visible when @visible. */
  GgRaster * (*read)        (GgHost *host, gboolean visible,
                             const GgRect *rect, GError **error);
  /* The references (GgRunReference*, the array frees them), an empty
   * array for none, NULL with @error (a bad role, a vanished layer). */
  GPtrArray * (*references) (GgHost *host, GError **error);
  /* The conversation kept with the image, or NULL (with @error on a
   * broken one, without when there is none). */
  GgConversation * (*conversation_load) (GgHost *host,
                                         GgConversationPlace *place,
                                         GError **error);
  /* Opens the one undo step (or makes the new image); FALSE with @error. */
  gboolean   (*begin)       (GgHost *host, const GgRunInsert *insert,
                             GError **error);
  /* Adds the pieces; on failure removes what it added (the engine then
   * saves the answers for recovery). */
  gboolean   (*insert)      (GgHost *host, const GgRunInsert *insert,
                             GgRunInserted *out, GError **error);
  /* Keeps @conversation (NULL: forgets the one kept, and *@note, when
   * @note is given, already says why) with its @place; may set *@note to
   * a sentence for the user (too large to keep). */
  void       (*conversation_store) (GgHost *host,
                                    GgConversation *conversation,
                                    const GgConversationPlace *place,
                                    gchar **note);
  /* Closes the undo step; @ok FALSE: the new image is thrown away. */
  void       (*end)         (GgHost *host, gboolean ok);
  /* The report (the model's words, sources, usage, cost, failures);
   * @partial: some variations failed (a GIMP script is told that too). */
  void       (*report)      (GgHost *host, const gchar *text,
                             const gchar *usage_line, gboolean partial);
  /* Progress: @fraction in [0, 1] or -1 (a pulse); FALSE cancels:
   * before sending, nothing is sent (GG_ERROR_CANCELLED); while the
   * requests run, they end; once the answer is there ("…: placing the
   * result…"), it is saved for recovery and nothing is inserted. */
  gboolean   (*progress)    (GgHost *host, const gchar *text,
                             gdouble fraction);
  /* The key (g_free), or NULL with @error saying how to set one. */
  gchar    * (*key)         (GgHost *host, GError **error);
  /* May be NULL: a timing mark ("planned", "read", "placed", ...). */
  void       (*mark)        (GgHost *host, const gchar *step);
} GgHostClass;

/* A host that sends the requests itself (the command line: its own
 * client, timeouts, retries, uploads and --dry-run): returns what
 * gg_front_ask () would (the array's free function says who frees the
 * responses), or NULL with @error. */
typedef GPtrArray * (*GgHostAsk) (GgHost *host, GgRequest **requests,
                                  guint n, GPtrArray **failures,
                                  GError **error);

struct _GgHost
{
  const GgHostClass *klass;
  const gchar       *profile_dir;  /* recovery, usage, upload cache */
  gpointer           data;         /* the front end's own */
  GgHostAsk          ask;          /* NULL: the engine sends, with key () */
};

/* The edit's plan over @canvas, as the run will make it: what the dialogs'
 * previews and estimates show.  The selection (image coordinates) is
 * taken into the space, grown by options->grow when that is positive (the
 * grown selection is what may change: the context ring lies outside it;
 * not with mask_as_is),
 * and planned with the options' context, size and model.  Plan
 * coordinates are the space's; add canvas->origin_x/y for the image's.
 * FALSE with @error (the selection misses the layer, a plan that cannot
 * be made). */
gboolean   gg_run_plan_edit (const GgRunOptions *options,
                             const GgHostCanvas *canvas,
                             GgRegionPlan       *plan,
                             GError            **error);

/* The dialogs' sentences (g_free): what an edit (@style: a style
 * transfer) of @layer sends over @canvas ("Editing “Background”: the
 * selection (80 × 60 px) and some context around it are sent."), and
 * what a refine continues. */
gchar    * gg_run_edit_note   (gboolean                   style,
                               const gchar               *layer,
                               const GgHostCanvas        *canvas);
gchar    * gg_run_refine_note (const GgConversation      *conversation,
                               const GgConversationPlace *place);

/* The runs.  Each returns TRUE when the result was inserted (the host's
 * insert () said so), FALSE with @error, the image as it was, and any
 * paid answer saved in the recovery folder (the message says where).
 * Generate and compose (whose references are the pictures to combine,
 * at least one) make a new image when @new_image, else layers of the
 * open one; edit needs canvas (), read () and, with a selection,
 * selection (); refine continues conversation_load ()'s conversation. */
gboolean   gg_run_generate  (GgHost *host, const GgRunOptions *options,
                             gboolean new_image, GError **error);
gboolean   gg_run_edit      (GgHost *host, const GgRunOptions *options,
                             GError **error);
gboolean   gg_run_compose   (GgHost *host, const GgRunOptions *options,
                             gboolean new_image, GError **error);
gboolean   gg_run_refine    (GgHost *host, const GgRunOptions *options,
                             GError **error);

G_END_DECLS
