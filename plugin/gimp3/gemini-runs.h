/* gemini-runs.h: what each procedure does when it runs (the run functions
 * gemini-procedures.c gives GIMP): its arguments read from @config, its
 * dialog when it runs interactively, the work, and its return values.
 * Plain procedures (Generate, the key) get the run mode from @config;
 * image procedures get it, the image and the selected drawables from GIMP.
 */
#pragma once

#include <libgimp/gimp.h>

G_BEGIN_DECLS

GimpValueArray * gemini_run_generate   (GimpProcedure        *procedure,
                                        GimpProcedureConfig  *config,
                                        gpointer              run_data);
GimpValueArray * gemini_run_edit       (GimpProcedure        *procedure,
                                        GimpRunMode           run_mode,
                                        GimpImage            *image,
                                        GimpDrawable        **drawables,
                                        GimpProcedureConfig  *config,
                                        gpointer              run_data);
GimpValueArray * gemini_run_refine     (GimpProcedure        *procedure,
                                        GimpRunMode           run_mode,
                                        GimpImage            *image,
                                        GimpDrawable        **drawables,
                                        GimpProcedureConfig  *config,
                                        gpointer              run_data);
GimpValueArray * gemini_run_compose    (GimpProcedure        *procedure,
                                        GimpRunMode           run_mode,
                                        GimpImage            *image,
                                        GimpDrawable        **drawables,
                                        GimpProcedureConfig  *config,
                                        gpointer              run_data);
GimpValueArray * gemini_run_start_over (GimpProcedure        *procedure,
                                        GimpRunMode           run_mode,
                                        GimpImage            *image,
                                        GimpDrawable        **drawables,
                                        GimpProcedureConfig  *config,
                                        gpointer              run_data);
GimpValueArray * gemini_run_set_key    (GimpProcedure        *procedure,
                                        GimpProcedureConfig  *config,
                                        gpointer              run_data);
GimpValueArray * gemini_run_forget_key (GimpProcedure        *procedure,
                                        GimpProcedureConfig  *config,
                                        gpointer              run_data);

G_END_DECLS
