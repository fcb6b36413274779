/* gimp2-plan.h: the GIMP 2.10 plug-in's values as the engine's options
 * (common/gg-run.h), and the edit's plan made from them: the run and the
 * dialog's size-and-cost line both go through here, so that they cannot
 * disagree. */
#pragma once

#include "gg-run.h"

#include "gimp2.h"

G_BEGIN_DECLS

/* @values (and the whole @prompt, may be NULL) as @run, which borrows
 * their strings. */
void     gimp2_run_options (const Gimp2Values  *values,
                            const gchar        *prompt,
                            GgRunOptions       *run);

/* The plan the edit run makes of @canvas with @values (its model, size,
 * context and grow): gg_run_plan_edit ().  FALSE with @error when the
 * selection misses the space or no plan can be made.  Calls nothing of
 * libgimp. */
gboolean gimp2_plan_edit   (const Gimp2Values  *values,
                            const GgHostCanvas *canvas,
                            GgRegionPlan       *plan,
                            GError            **error);

G_END_DECLS
