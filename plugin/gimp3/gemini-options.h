/* gemini-options.h: a procedure's arguments, read from its config.
 *
 * Every run reads its GeminiOptions here, whatever procedure it is (the
 * properties a procedure lacks stay 0/NULL), and hands the engine the
 * GgRunOptions made of them (gemini_options_to_run ()).
 */
#pragma once

#include <libgimp/gimp.h>

#include "gg-run.h"

G_BEGIN_DECLS

/* Everything a run reads from its config; absent properties stay 0/NULL. */
typedef struct
{
  GimpRunMode    run_mode;
  gchar         *prompt;
  gchar         *model;
  gchar         *ratio;
  gchar         *size;
  gboolean       image_only;
  gboolean       search;
  gboolean       thought_layers;
  gint           variations;
  GimpDrawable **references;     /* NULL-terminated; the array is ours */
  gchar         *roles;
  gchar        **reference_files;  /* paths or URIs, or NULL; g_strfreev */
  gchar         *file_roles;
  gint           context_px;
  gint           context_pct;
  gboolean       visible;
  gboolean       include_region;
  gboolean       as_layer;
  gboolean       store;          /* the request may be kept by Google */
  gchar         *thinking;       /* "minimal", "medium", "high"; NULL: the model's */
} GeminiOptions;

/* Reads every option @config has (absent ones stay 0/NULL; variations 1).
 * Interactive runs take the dialog's one reference layer and one
 * reference file as the references.  Free with gemini_options_clear (). */
void         gemini_options_read  (GimpProcedureConfig      *config,
                                   GimpRunMode               run_mode,
                                   GeminiOptions            *options);
void         gemini_options_clear (GeminiOptions            *options);

/* The engine's options of a run of @config: @options' (its strings
 * borrowed: @options must outlive @run) and the mask options ("grow",
 * "feather", "changed-only", "hint"; the engine's defaults when the
 * procedure has none). */
void         gemini_options_to_run (const GeminiOptions      *options,
                                    GimpProcedureConfig      *config,
                                    GgRunOptions             *run);

G_END_DECLS
