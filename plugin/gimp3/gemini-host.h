/* gemini-host.h: the GIMP 3 host of the engine's runs (common/gg-run.h).
 *
 * A run fills a GeminiHost with what it works on (the image, the layer
 * edited, the selected drawables, its options) and hands &host->host to
 * gg_run_edit () and the others; the engine calls back for the pixels,
 * the selection, the references, the conversation kept with the image,
 * the key, progress, and to add the result in one undo step.  What the
 * engine added is in @result and @result_image afterwards.
 *
 * Also what a run checks of the image before it starts.
 */
#pragma once

#include <libgimp/gimp.h>

#include "gg-run.h"

#include "gemini-options.h"

G_BEGIN_DECLS

typedef struct
{
  GgHost               host;           /* the engine's view: first */

  GimpRunMode          run_mode;
  GimpImage           *image;          /* NULL: none (a generation) */
  GimpLayer           *source;         /* an edit: the layer edited */
  GimpDrawable       **drawables;      /* a refine: the selected ones, the
                                        * result goes above the first */
  const GeminiOptions *options;        /* the references */
  gboolean             new_if_closed;  /* a generation "as-layer": a new
                                        * image when @image was closed */

  /* After the run: */
  GimpImage           *result_image;   /* the image holding the result */
  GimpLayer           *result;         /* the result layer or group */

  /* Private: */
  gboolean             made_image;
  gboolean             progress_shown;
  gchar               *shown;
  gchar               *name;
} GeminiHost;

/* A host for a run of @run_mode on @image (may be NULL); the caller sets
 * the other fields it needs.  gemini_host_clear () frees what it holds. */
void        gemini_host_init               (GeminiHost                *host,
                                            GimpRunMode                run_mode,
                                            GimpImage                 *image);
void        gemini_host_clear              (GeminiHost                *host);

/* The space an edit of @source works in (@visible: the canvas) and the
 * selection's bounds, for gg_run_plan_edit (); @out->name is @name's
 * (g_free, the layer's name) and may be NULL. */
void        gemini_host_canvas             (GimpImage                 *image,
                                            GimpLayer                 *source,
                                            gboolean                   visible,
                                            GgHostCanvas              *out,
                                            gchar                    **name);

/* FALSE with a sentence when @image is indexed (GG_FRONT_INDEXED_MESSAGE). */
gboolean    gemini_host_refuse_indexed     (GimpImage                 *image,
                                            GError                   **error);

/* The layer an edit starts from: the first of @drawables (GIMP lists them
 * from the top), the layer of a selected mask; never a channel.  NULL
 * with @error when there is none; *@note (g_free) says so when several
 * are selected. */
GimpLayer * gemini_host_source_layer       (GimpImage                 *image,
                                            GimpDrawable             **drawables,
                                            gchar                    **note,
                                            GError                   **error);

G_END_DECLS
