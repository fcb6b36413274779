/* gemini-dialog.h: the plug-in's dialogs (UI only, no work). */
#pragma once

#include <libgimp/gimp.h>

G_BEGIN_DECLS

/* TRUE when the user pressed OK; the options are in @config.
 * @has_image: whether "as-layer" can apply. */
gboolean gemini_generate_dialog (GimpProcedure       *procedure,
                                 GimpProcedureConfig *config,
                                 gboolean             has_image);

/* @note: a line shown above the options (which layer, what is sent);
 * may be NULL.  @image and @source (the layer edited): for the preview of
 * the region sent and the answer's size; NULL: neither is shown. */
gboolean gemini_edit_dialog     (GimpProcedure       *procedure,
                                 GimpProcedureConfig *config,
                                 const gchar         *note,
                                 GimpImage           *image,
                                 GimpLayer           *source);

/* Refine, Style Transfer and Compose: the prompt, @note, their own
 * options and the model grid; Style Transfer, like Edit, with the region
 * preview of @source. */
gboolean gemini_refine_dialog   (GimpProcedure       *procedure,
                                 GimpProcedureConfig *config,
                                 const gchar         *note);
gboolean gemini_style_dialog    (GimpProcedure       *procedure,
                                 GimpProcedureConfig *config,
                                 const gchar         *note,
                                 GimpImage           *image,
                                 GimpLayer           *source);
gboolean gemini_compose_dialog  (GimpProcedure       *procedure,
                                 GimpProcedureConfig *config,
                                 const gchar         *note);

G_END_DECLS
