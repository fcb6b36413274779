/* gemini-models.h: the dialogs' model grid. */
#pragma once

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

G_BEGIN_DECLS

/* Model, aspect ratio and size of @config ("model", "aspect-ratio",
 * "image-size"; @size_label names the size): free text with the
 * catalogue's values as suggestions, so that a model newer than the
 * catalogue can still be used, and the models the key can use appended
 * when the remote list arrives.  Under them, the answer's size and cost
 * (gemini_estimate_new () of @image, @source and @conversation).  The
 * thinking level of @dialog follows the model. */
GtkWidget * gemini_model_grid_new (GimpProcedureDialog *dialog,
                                   GimpProcedureConfig *config,
                                   const gchar         *size_label,
                                   GimpImage           *image,
                                   GimpLayer           *source,
                                   gboolean             conversation);

G_END_DECLS
