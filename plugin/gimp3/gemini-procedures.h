/* gemini-procedures.h: the plug-in's procedures, one function each.
 *
 * Each makes the procedure @name (one of common/gg-procedures.h's names)
 * of @plug_in with its menu entry, documentation, arguments and return
 * values, and points it at its run function (gemini-runs.h).
 * gemini-main.c calls them by name from GimpPlugIn::create_procedure.
 */
#pragma once

#include <libgimp/gimp.h>

G_BEGIN_DECLS

GimpProcedure * gemini_procedure_generate   (GimpPlugIn    *plug_in,
                                             const gchar   *name);
GimpProcedure * gemini_procedure_edit       (GimpPlugIn    *plug_in,
                                             const gchar   *name);
GimpProcedure * gemini_procedure_style      (GimpPlugIn    *plug_in,
                                             const gchar   *name);
GimpProcedure * gemini_procedure_refine     (GimpPlugIn    *plug_in,
                                             const gchar   *name);
GimpProcedure * gemini_procedure_compose    (GimpPlugIn    *plug_in,
                                             const gchar   *name);
GimpProcedure * gemini_procedure_start_over (GimpPlugIn    *plug_in,
                                             const gchar   *name);
GimpProcedure * gemini_procedure_set_key    (GimpPlugIn    *plug_in,
                                             const gchar   *name);
GimpProcedure * gemini_procedure_forget_key (GimpPlugIn    *plug_in,
                                             const gchar   *name);

/* The plug-in's icon beside the binary, when it is there. */
void            gemini_procedure_set_icon   (GimpProcedure *procedure);

G_END_DECLS
