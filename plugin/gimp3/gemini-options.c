/* gimp-gemini: a procedure's arguments, read from its config
 * (gemini-options.h). */

#include <string.h>

#include <libgimp/gimp.h>

#include "gg-front.h"
#include "gg-mask.h"
#include "gg-run.h"

#include "gemini.h"
#include "gemini-options.h"


static gboolean   has_property      (GimpProcedureConfig *config,
                                     const gchar         *name);


void
gemini_options_read (GimpProcedureConfig *config,
                     GimpRunMode          run_mode,
                     GeminiOptions       *options)
{
  memset (options, 0, sizeof *options);
  options->run_mode   = run_mode;
  options->variations = 1;

  g_object_get (config,
                "prompt",       &options->prompt,
                "model",        &options->model,
                "aspect-ratio", &options->ratio,
                "image-size",   &options->size,
                "image-only",   &options->image_only,
                NULL);

  if (has_property (config, "search"))
    g_object_get (config,
                  "search",         &options->search,
                  "thought-layers", &options->thought_layers,
                  "variations",     &options->variations,
                  NULL);
  if (has_property (config, "references"))
    g_object_get (config, "references", &options->references, NULL);
  if (has_property (config, "reference-roles"))
    g_object_get (config, "reference-roles", &options->roles, NULL);
  if (has_property (config, "reference-files"))
    g_object_get (config,
                  "reference-files",      &options->reference_files,
                  "reference-file-roles", &options->file_roles,
                  NULL);
  if (has_property (config, "context-px"))
    {
      g_object_get (config,
                    "context-px",  &options->context_px,
                    "context-pct", &options->context_pct,
                    NULL);
      options->visible =
        gimp_procedure_config_get_choice_id (config, "source") == 1;
    }
  /* In the dialog, its one reference layer stands for "references". */
  if (run_mode == GIMP_RUN_INTERACTIVE &&
      has_property (config, "dialog-reference"))
    {
      GimpDrawable *reference = NULL;

      g_clear_pointer (&options->references, g_free);
      g_clear_pointer (&options->roles, g_free);

      g_object_get (config, "dialog-reference", &reference, NULL);
      if (reference)
        {
          options->references    = g_new0 (GimpDrawable *, 2);
          options->references[0] = reference;
          g_object_get (config, "dialog-reference-role", &options->roles, NULL);
          /* The proxy is libgimp's: drop the reference g_object_get took. */
          g_object_unref (reference);
        }
    }
  /* ... and its one reference file for "reference-files" (none in a
   * dialog without it: a path remembered from a script is never resent
   * unseen). */
  if (run_mode == GIMP_RUN_INTERACTIVE)
    {
      GFile *file = NULL;

      g_clear_pointer (&options->reference_files, g_strfreev);
      g_clear_pointer (&options->file_roles, g_free);

      if (has_property (config, "dialog-reference-file"))
        g_object_get (config, "dialog-reference-file", &file, NULL);
      if (file)
        {
          options->reference_files    = g_new0 (gchar *, 2);
          options->reference_files[0] = g_file_get_uri (file);
          g_object_get (config, "dialog-reference-file-role",
                        &options->file_roles, NULL);
          g_object_unref (file);
        }
    }
  if (has_property (config, "include-region"))
    g_object_get (config, "include-region", &options->include_region, NULL);
  if (has_property (config, "as-layer"))
    g_object_get (config, "as-layer", &options->as_layer, NULL);
  if (has_property (config, "store"))
    g_object_get (config, "store", &options->store, NULL);
  if (has_property (config, "thinking-level"))
    {
      g_object_get (config, "thinking-level", &options->thinking, NULL);
      /* "default" is the model's own level: nothing is sent. */
      if (! g_strcmp0 (options->thinking, "default"))
        g_clear_pointer (&options->thinking, g_free);
    }

  options->variations = CLAMP (options->variations, 1, GG_FRONT_MAX_VARIATIONS);
  if (! options->prompt)
    options->prompt = g_strdup ("");
}

void
gemini_options_clear (GeminiOptions *options)
{
  g_clear_pointer (&options->prompt, g_free);
  g_clear_pointer (&options->model, g_free);
  g_clear_pointer (&options->ratio, g_free);
  g_clear_pointer (&options->size, g_free);
  g_clear_pointer (&options->roles, g_free);
  g_clear_pointer (&options->reference_files, g_strfreev);
  g_clear_pointer (&options->file_roles, g_free);
  g_clear_pointer (&options->thinking, g_free);
  /* A core object array: the objects are libgimp's, the array is ours. */
  g_clear_pointer (&options->references, g_free);
}

void
gemini_options_to_run (const GeminiOptions *options,
                       GimpProcedureConfig *config,
                       GgRunOptions        *run)
{
  /* The engine's defaults: grow 4 px, feather auto, one variation. */
  gg_run_options_init (run);

  run->prompt         = options->prompt;
  run->model          = options->model;
  run->ratio          = options->ratio;
  run->size           = options->size;
  run->thinking       = options->thinking;
  run->store          = options->store;
  run->image_only     = options->image_only;
  run->search         = options->search;
  run->thought_layers = options->thought_layers;
  run->variations     = options->variations;
  run->visible        = options->visible;
  run->context_px     = options->context_px;
  run->context_pct    = options->context_pct;
  run->include_region = options->include_region;

  /* Every procedure that places results has all four. */
  if (has_property (config, "grow"))
    g_object_get (config,
                  "grow",         &run->grow,
                  "feather",      &run->feather,
                  "changed-only", &run->changed_only,
                  "hint",         &run->hint,
                  NULL);
  if (run->feather < 0)
    run->feather = GG_MASK_FEATHER_AUTO;
}

static gboolean
has_property (GimpProcedureConfig *config,
              const gchar         *name)
{
  return g_object_class_find_property (G_OBJECT_GET_CLASS (config),
                                       name) != NULL;
}
