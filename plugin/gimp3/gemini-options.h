/* gemini-options.h: a procedure's arguments, read from its config.
 *
 * Every run reads its GeminiOptions (and, when it places its result over
 * a region, its GeminiPlaceOptions) here, whatever procedure it is: the
 * properties a procedure lacks stay 0/NULL.
 */
#pragma once

#include <libgimp/gimp.h>

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

/* How an edit's result is masked (the procedures' "grow", "feather",
 * "changed-only" and "hint"; the CLI's --grow, --feather and --hint). */
typedef struct
{
  gint     grow;          /* px the selection grows by (negative: shrinks) */
  gdouble  feather;       /* px; GG_MASK_FEATHER_AUTO (-1): 10 % of the
                           * selection's smaller side, 2..25 px */
  gboolean changed_only;  /* no selection: mask to the changed pixels */
  gboolean hint;          /* send the editable area as a second image */
} GeminiPlaceOptions;


/* Reads every option @config has (absent ones stay 0/NULL; variations 1).
 * Interactive runs take the dialog's one reference layer and one
 * reference file as the references.  Free with gemini_options_clear (). */
void         gemini_options_read  (GimpProcedureConfig      *config,
                                   GimpRunMode               run_mode,
                                   GeminiOptions            *options);
void         gemini_options_clear (GeminiOptions            *options);

/* The mask options of @config; the engine's defaults
 * (gg_mask_options_init ()) when the procedure has none. */
void         gemini_place_options_read (GimpProcedureConfig *config,
                                        GeminiPlaceOptions  *options);

G_END_DECLS
