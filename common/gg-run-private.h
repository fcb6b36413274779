/* gg-run-private.h: the steps the runs of gg-run.h share (gg-run.c),
 * used by gg-run-edit.c, gg-run-refine.c and gg-run-generate.c only. */
#pragma once

#include "gg-run.h"

G_BEGIN_DECLS

/* What every request of a run holds; strings and bytes borrowed. */
typedef struct
{
  const gchar *model;       /* NULL: the catalogue's default */
  const gchar *text;        /* the words sent */
  const gchar *ratio;
  const gchar *size;
  const gchar *history;     /* refine: the conversation so far, or NULL */
  GBytes      *input;       /* the picture edited, or NULL */
  GPtrArray   *references;  /* of GgRunReference*, or NULL */
  GBytes      *hint;        /* the area that may change (PNG), or NULL */
} GgRunSpec;

/* The end of every run, from the answers on. */
typedef struct
{
  GgHost              *host;
  const gchar         *prompt;       /* names layers and recovery files */
  GgFrontTarget        target;       /* where the answers go (plan, mask) */
  GPtrArray           *responses;
  GPtrArray           *failures;
  GgConversation      *conversation; /* continued (refine) or new */
  GgConversationPlace *place;        /* its place; result id set here */
  const GgRequest     *request;      /* the first: its user turn is kept */
  GgRunInsert          insert;       /* new_image, previous_id, ... */
} GgRunFinish;

/* 1 .. GG_FRONT_MAX_VARIATIONS. */
guint        gg_run_variations   (const GgRunOptions *options);
void         gg_run_mark         (GgHost             *host,
                                  const gchar        *step);
/* The host's progress; TRUE (go on) when it has none. */
gboolean     gg_run_progress     (GgHost             *host,
                                  const gchar        *text,
                                  gdouble             fraction);
/* The host's references; an empty array when it has none to give. */
GPtrArray  * gg_run_references   (GgHost             *host,
                                  GError            **error);
/* @n requests from @options and @spec into @requests (gg_request_free
 * each, also after a failure). */
gboolean     gg_run_requests     (const GgRunOptions *options,
                                  const GgRunSpec    *spec,
                                  GgRequest         **requests,
                                  guint               n,
                                  GError            **error);
/* Validates, gets the key, uploads and sends, ticking the host's
 * progress (which may cancel).  The answers with an image; @failures one
 * sentence per failed variation (g_ptr_array_unref, also set on error). */
GPtrArray  * gg_run_ask          (GgHost             *host,
                                  GgRequest         **requests,
                                  guint               n,
                                  GPtrArray         **failures,
                                  GError            **error);
/* Places the answers, inserts them (one undo step), keeps the
 * conversation and reports; on any failure the paid answers are saved
 * and @error says where. */
gboolean     gg_run_finish       (GgRunFinish        *finish,
                                  GError            **error);

/* The selection's coverage over @rect (image coordinates); NULL with
 * @error when no pixel of it is even half selected. */
GgMask     * gg_run_coverage     (GgHost             *host,
                                  const GgRect       *rect,
                                  GError            **error);
/* The layer mask over @rect from the selection (grown, feathered; with
 * mask_as_is its coverage as it is), and in @grown (may be NULL) the
 * grown selection alone; NULL with @error when nothing would show. */
GgMask     * gg_run_selection_mask (GgHost             *host,
                                    const GgRunOptions *options,
                                    const GgRect       *rect,
                                    GgMask            **grown,
                                    GError            **error);
/* The hint picture (PNG) of @grown at the size sent. */
GBytes     * gg_run_hint         (const GgRegionPlan *plan,
                                  const GgMask       *grown,
                                  GError            **error);
/* Saves the first answer's images when a step after payment fails. */
void         gg_run_recover      (GgHost             *host,
                                  GPtrArray          *responses,
                                  const gchar        *prompt,
                                  const gchar        *why,
                                  GError            **error);

G_END_DECLS
