/* gimp2-host.h: what the GIMP 2.10 plug-in reads from GIMP: pixels, the
 * selection, the space an edit works in, the layers Compose combines,
 * the key; and the progress shown meanwhile. */
#pragma once

#include <libgimp/gimp.h>

#include "gg-image.h"
#include "gg-mask.h"

#include "gimp2.h"
#include "gimp2-plan.h"

G_BEGIN_DECLS

/* Pixels go through GEGL as this format both ways. */
#define GIMP2_RASTER_FORMAT "R'G'B'A u8"

/* GIMP's last error, or a sentence saying it gave none. */
const gchar    *gimp2_last_error          (void);
/* An 8-bit one-component format on @buffer's own tone curve. */
const Babl     *gimp2_coverage_format     (GeglBuffer         *buffer);

GgRaster       *gimp2_pixels_read         (gint32              drawable,
                                           const GgRect       *rect,
                                           GError            **error);
GgRaster       *gimp2_pixels_read_visible (gint32              image,
                                           const GgRect       *rect,
                                           GError            **error);
/* The selection's coverage over @rect (image coordinates; 0 outside). */
GgMask         *gimp2_selection_read      (gint32              image,
                                           const GgRect       *rect,
                                           GError            **error);
/* The selection's bounds; FALSE (and @selection empty) without one. */
gboolean        gimp2_selection_bounds    (gint32              image,
                                           GgRect             *selection);
/* The space an edit of @source works in (with @visible, or without a
 * layer, the canvas) and the selection; @canvas->name is left NULL. */
void            gimp2_canvas_read         (gint32              image,
                                           gint32              source,
                                           gboolean            visible,
                                           Gimp2Canvas        *canvas);

/* The layer an edit starts from (a mask's layer), or -1 with @error. */
gint32          gimp2_edit_source_layer   (gint32              drawable,
                                           GError            **error);
/* FALSE with @error for an indexed image. */
gboolean        gimp2_refuse_indexed      (gint32              image,
                                           GError            **error);
/* Compose's layers: @active first, then the layers linked to it; their
 * count, the IDs in *@out (g_free). */
gint            gimp2_compose_layers      (gint32              image,
                                           gint32              active,
                                           gint32            **out);

/* Progress from the network threads (@data: a gchar ** of the text shown);
 * FALSE when GIMP no longer shows it (cancelled). */
gboolean        gimp2_progress_tick       (const gchar        *text,
                                           gpointer            data);

G_END_DECLS
