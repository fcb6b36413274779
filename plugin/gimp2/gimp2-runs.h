/* gimp2-runs.h: one run function per procedure of the GIMP 2.10 plug-in:
 * its arguments (or dialog) to options, the checks a script needs, the
 * run, and what it gives back. */
#pragma once

#include "gimp2-procedures.h"

G_BEGIN_DECLS

void gimp2_run_generate            (const Gimp2Call *call,
                                    Gimp2Outcome    *outcome);
void gimp2_run_edit                (const Gimp2Call *call,
                                    Gimp2Outcome    *outcome);
void gimp2_run_style               (const Gimp2Call *call,
                                    Gimp2Outcome    *outcome);
void gimp2_run_refine              (const Gimp2Call *call,
                                    Gimp2Outcome    *outcome);
void gimp2_run_compose             (const Gimp2Call *call,
                                    Gimp2Outcome    *outcome);
void gimp2_run_start_over          (const Gimp2Call *call,
                                    Gimp2Outcome    *outcome);
void gimp2_run_set_key             (const Gimp2Call *call,
                                    Gimp2Outcome    *outcome);
void gimp2_run_forget_key          (const Gimp2Call *call,
                                    Gimp2Outcome    *outcome);
void gimp2_run_set_request_options (const Gimp2Call *call,
                                    Gimp2Outcome    *outcome);

G_END_DECLS
