/* gimp-gemini: what each procedure does when it runs (gemini-runs.h):
 * its arguments read (gemini-options.c), its dialog shown when it runs
 * interactively (gemini-dialog.c), the work done by the engine
 * (common/gg-run.h) over the GIMP 3 host (gemini-host.c), and its return
 * values or its failure.
 */

#include <string.h>

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include "gg-conversation.h"
#include "gg-conversation-place.h"
#include "gg-error.h"
#include "gg-front.h"
#include "gg-history.h"
#include "gg-procedures.h"
#include "gg-run.h"

#include "gemini.h"
#include "gemini-conversation.h"
#include "gemini-dialog.h"
#include "gemini-host.h"
#include "gemini-intl.h"
#include "gemini-key.h"
#include "gemini-options.h"
#include "gemini-pixels.h"
#include "gemini-runs.h"


static GimpValueArray * generate       (GimpProcedure        *procedure,
                                        GimpProcedureConfig  *config,
                                        GeminiOptions        *options,
                                        GimpImage            *image,
                                        gboolean              compose);
static GimpValueArray * run_placed     (GimpProcedure        *procedure,
                                        GimpProcedureConfig  *config,
                                        GeminiHost           *host,
                                        GeminiOptions        *options,
                                        gboolean              style,
                                        gboolean              refine);
static gboolean         edit_dialog    (GimpProcedure        *procedure,
                                        GimpProcedureConfig  *config,
                                        gboolean              style,
                                        GimpImage            *image,
                                        GimpLayer            *source,
                                        const gchar          *note);
static gboolean         style_options  (GimpProcedureConfig  *config,
                                        GeminiOptions        *options,
                                        GError              **error);
static gboolean         refine_dialog  (GimpProcedure        *procedure,
                                        GimpProcedureConfig  *config,
                                        GimpImage            *image,
                                        GError              **error);
static void             record_prompt  (GimpRunMode           run_mode,
                                        const gchar          *prompt);
static GimpValueArray * run_failed     (GimpProcedure        *procedure,
                                        GError               *error);


/* Generate: a new image, or a new layer of "image" with "as-layer". */
GimpValueArray *
gemini_run_generate (GimpProcedure       *procedure,
                     GimpProcedureConfig *config,
                     gpointer             run_data)
{
  GimpRunMode     run_mode;
  GimpImage      *image = NULL;
  GeminiOptions   options;
  GimpValueArray *return_vals;

  g_object_get (config,
                "run-mode", &run_mode,
                "image",    &image,
                NULL);

  if (run_mode == GIMP_RUN_INTERACTIVE)
    {
      gimp_ui_init (PLUG_IN_BINARY);

      /* A remembered "as-layer" means nothing when no image is open. */
      if (! image)
        g_object_set (config, "as-layer", FALSE, NULL);

      if (! gemini_generate_dialog (procedure, config, image != NULL))
        {
          g_clear_object (&image);
          return gimp_procedure_new_return_values (procedure, GIMP_PDB_CANCEL,
                                                   NULL);
        }
    }

  gemini_options_read (config, run_mode, &options);
  return_vals = generate (procedure, config, &options, image, FALSE);
  g_clear_object (&image);

  return return_vals;
}

/* Compose: a generation whose references are the selected layers. */
GimpValueArray *
gemini_run_compose (GimpProcedure        *procedure,
                    GimpRunMode           run_mode,
                    GimpImage            *image,
                    GimpDrawable        **drawables,
                    GimpProcedureConfig  *config,
                    gpointer              run_data)
{
  GeminiOptions  options;
  GError        *error = NULL;
  gint           n     = 0;

  while (drawables && drawables[n])
    n++;

  if (n == 0)
    {
      g_set_error_literal (&error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           _("Compose needs the layers to combine: select "
                             "them in the Layers dialog."));
      return run_failed (procedure, error);
    }

  if (run_mode == GIMP_RUN_INTERACTIVE)
    {
      g_autofree gchar *note =
        g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "%d selected layer will be sent as "
                                      "a reference.",
                                      "%d selected layers will be sent as "
                                      "references.", n),
                         n);

      gimp_ui_init (PLUG_IN_BINARY);

      if (! gemini_compose_dialog (procedure, config, note))
        return gimp_procedure_new_return_values (procedure, GIMP_PDB_CANCEL,
                                                 NULL);
    }

  gemini_options_read (config, run_mode, &options);

  /* The selected layers are the references. */
  g_free (options.references);
  options.references = g_memdup2 (drawables, (n + 1) * sizeof (GimpDrawable *));

  return generate (procedure, config, &options, image, TRUE);
}

/* Edit and Style Transfer: the layer (or the selection and some context)
 * edited, the result a new layer above it. */
GimpValueArray *
gemini_run_edit (GimpProcedure        *procedure,
                 GimpRunMode           run_mode,
                 GimpImage            *image,
                 GimpDrawable        **drawables,
                 GimpProcedureConfig  *config,
                 gpointer              run_data)
{
  gboolean          style = ! strcmp (gimp_procedure_get_name (procedure),
                                      GG_PROC_STYLE);
  GimpLayer        *source;
  g_autofree gchar *note  = NULL;
  GeminiOptions     options;
  GeminiHost        host;
  GError           *error = NULL;

  gemini_time_mark ("call");

  if (! gemini_host_refuse_indexed (image, &error))
    return run_failed (procedure, error);

  source = gemini_host_source_layer (image, drawables, &note, &error);
  if (! source)
    return run_failed (procedure, error);

  if (run_mode == GIMP_RUN_INTERACTIVE &&
      ! edit_dialog (procedure, config, style, image, source, note))
    return gimp_procedure_new_return_values (procedure, GIMP_PDB_CANCEL,
                                             NULL);

  gemini_options_read (config, run_mode, &options);
  if (style && ! style_options (config, &options, &error))
    {
      gemini_options_clear (&options);
      return run_failed (procedure, error);
    }

  gemini_host_init (&host, run_mode, image);
  host.source = source;

  return run_placed (procedure, config, &host, &options, style, FALSE);
}

/* Refine: the image's conversation continued. */
GimpValueArray *
gemini_run_refine (GimpProcedure        *procedure,
                   GimpRunMode           run_mode,
                   GimpImage            *image,
                   GimpDrawable        **drawables,
                   GimpProcedureConfig  *config,
                   gpointer              run_data)
{
  GeminiOptions   options = { 0, };
  GeminiHost      host;
  GError         *error   = NULL;

  if (! gemini_host_refuse_indexed (image, &error))
    return run_failed (procedure, error);

  if (run_mode == GIMP_RUN_INTERACTIVE &&
      ! refine_dialog (procedure, config, image, &error))
    {
      if (error)
        return run_failed (procedure, error);
      return gimp_procedure_new_return_values (procedure, GIMP_PDB_CANCEL,
                                               NULL);
    }

  gemini_host_init (&host, run_mode, image);
  gemini_options_read (config, run_mode, &options);
  host.drawables = drawables;

  return run_placed (procedure, config, &host, &options, FALSE, TRUE);
}

/* Start Over: the conversation kept with the image forgotten, undoably. */
GimpValueArray *
gemini_run_start_over (GimpProcedure        *procedure,
                       GimpRunMode           run_mode,
                       GimpImage            *image,
                       GimpDrawable        **drawables,
                       GimpProcedureConfig  *config,
                       gpointer              run_data)
{
  gboolean had;

  gimp_image_undo_group_start (image);
  had = gemini_conversation_forget (image);
  gimp_image_undo_group_end (image);

  if (run_mode == GIMP_RUN_INTERACTIVE)
    gimp_message (had ?
                  _("The image's Gemini conversation was forgotten: the "
                    "next edit starts afresh.") :
                  _("This image had no Gemini conversation."));

  return gimp_procedure_new_return_values (procedure, GIMP_PDB_SUCCESS, NULL);
}

GimpValueArray *
gemini_run_set_key (GimpProcedure       *procedure,
                    GimpProcedureConfig *config,
                    gpointer             run_data)
{
  GimpRunMode  run_mode;
  GError      *error = NULL;

  g_object_get (config, "run-mode", &run_mode, NULL);

  if (run_mode != GIMP_RUN_INTERACTIVE)
    {
      g_set_error_literal (&error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           _("The API key can only be entered "
                             "interactively: for scripts, set "
                             "GEMINI_API_KEY."));
      return run_failed (procedure, error);
    }

  gimp_ui_init (PLUG_IN_BINARY);

  if (! gemini_key_set (&error))
    return run_failed (procedure, error);

  return gimp_procedure_new_return_values (procedure, GIMP_PDB_SUCCESS, NULL);
}

GimpValueArray *
gemini_run_forget_key (GimpProcedure       *procedure,
                       GimpProcedureConfig *config,
                       gpointer             run_data)
{
  GimpRunMode  run_mode;
  GError      *error = NULL;

  g_object_get (config, "run-mode", &run_mode, NULL);

  if (! gemini_key_forget (&error))
    return run_failed (procedure, error);

  if (run_mode == GIMP_RUN_INTERACTIVE)
    gimp_message (_("The stored Gemini API key was removed."));

  return gimp_procedure_new_return_values (procedure, GIMP_PDB_SUCCESS, NULL);
}


/* Generate and Compose (whose references are the selected layers): a new
 * image, or with "as-layer" a new layer of @image.  Clears @options; the
 * procedure's return values (the image and the layer), or its failure. */
static GimpValueArray *
generate (GimpProcedure       *procedure,
          GimpProcedureConfig *config,
          GeminiOptions       *options,
          GimpImage           *image,
          gboolean             compose)
{
  GeminiHost      host;
  GgRunOptions    run;
  GimpValueArray *return_vals;
  GError         *error = NULL;
  gboolean        ok    = FALSE;

  /* libgimp owns its GimpImage proxies (transfer none): the image is
   * only borrowed.  Closed meanwhile, a new image: the result is paid. */
  gemini_host_init (&host, options->run_mode,
                    options->as_layer ? image : NULL);
  host.options       = options;
  host.new_if_closed = TRUE;
  gemini_options_to_run (options, config, &run);

  if (options->as_layer && ! image)
    g_set_error_literal (&error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                         _("\"as-layer\" needs an image to add the layer "
                           "to."));
  else if (! options->as_layer || gemini_host_refuse_indexed (image, &error))
    ok = compose ?
         gg_run_compose (&host.host, &run, ! options->as_layer, &error) :
         gg_run_generate (&host.host, &run, ! options->as_layer, &error);

  if (ok)
    record_prompt (options->run_mode, options->prompt);
  gemini_options_clear (options);

  if (! ok)
    {
      gemini_host_clear (&host);
      return run_failed (procedure, error);
    }

  return_vals = gimp_procedure_new_return_values (procedure, GIMP_PDB_SUCCESS,
                                                  NULL);
  GIMP_VALUES_SET_IMAGE (return_vals, 1, host.result_image);
  GIMP_VALUES_SET_LAYER (return_vals, 2, host.result);
  gemini_host_clear (&host);

  return return_vals;
}

/* Edit, Style Transfer and Refine over @host: the engine's run, the
 * prompt recorded, @host and @options cleared.  The procedure's return
 * value (the new layer), or its failure. */
static GimpValueArray *
run_placed (GimpProcedure       *procedure,
            GimpProcedureConfig *config,
            GeminiHost          *host,
            GeminiOptions       *options,
            gboolean             style,
            gboolean             refine)
{
  GgRunOptions    run;
  GimpLayer      *layer = NULL;
  GimpValueArray *return_vals;
  GError         *error = NULL;
  gboolean        ok;

  host->options = options;
  gemini_options_to_run (options, config, &run);
  run.style = style;

  ok = refine ? gg_run_refine (&host->host, &run, &error) :
                gg_run_edit (&host->host, &run, &error);
  if (ok)
    {
      layer = host->result;
      record_prompt (options->run_mode, options->prompt);
    }
  gemini_host_clear (host);
  gemini_options_clear (options);

  if (! layer)
    return run_failed (procedure, error);
  gemini_time_mark ("done");

  return_vals = gimp_procedure_new_return_values (procedure, GIMP_PDB_SUCCESS,
                                                  NULL);
  GIMP_VALUES_SET_LAYER (return_vals, 1, layer);

  return return_vals;
}

/* The dialog of an edit or a style transfer, saying what is sent
 * (@note: which layer when several are selected, may be NULL); FALSE:
 * cancelled. */
static gboolean
edit_dialog (GimpProcedure       *procedure,
             GimpProcedureConfig *config,
             gboolean             style,
             GimpImage           *image,
             GimpLayer           *source,
             const gchar         *note)
{
  g_autofree gchar *name = NULL;
  g_autofree gchar *what = NULL;
  g_autofree gchar *text = NULL;
  GgHostCanvas      canvas;

  gimp_ui_init (PLUG_IN_BINARY);

  gemini_host_canvas (image, source, FALSE, &canvas, &name);
  what = gg_run_edit_note (style, name, &canvas);
  text = note ? g_strconcat (note, "\n", what, NULL) : g_strdup (what);

  if (style)
    return gemini_style_dialog (procedure, config, text, image, source);

  return gemini_edit_dialog (procedure, config, text, image, source);
}

/* Style transfer's one reference: the "style" layer or, failing that, the
 * "style-file", with the role "style" (the engine words an empty prompt:
 * GgRunOptions.style).  FALSE with @error when there is neither. */
static gboolean
style_options (GimpProcedureConfig  *config,
               GeminiOptions        *options,
               GError              **error)
{
  GimpDrawable *style_drawable = NULL;
  GFile        *style_file     = NULL;

  g_object_get (config,
                "style",      &style_drawable,
                "style-file", &style_file,
                NULL);
  if (! style_drawable && ! style_file)
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           _("Style transfer needs a layer or an image "
                             "file to take the style from (\"style\" or "
                             "\"style-file\")."));
      return FALSE;
    }

  g_clear_pointer (&options->references, g_free);
  g_clear_pointer (&options->reference_files, g_strfreev);
  g_clear_pointer (&options->roles, g_free);
  g_clear_pointer (&options->file_roles, g_free);
  if (style_drawable)
    {
      options->references    = g_new0 (GimpDrawable *, 2);
      options->references[0] = style_drawable;
      options->roles         = g_strdup ("style");
      /* The proxy is owned by libgimp: drop the reference g_object_get took. */
      g_object_unref (style_drawable);
    }
  else
    {
      options->reference_files    = g_new0 (gchar *, 2);
      options->reference_files[0] = g_file_get_uri (style_file);
      options->file_roles         = g_strdup ("style");
    }
  g_clear_object (&style_file);

  return TRUE;
}

/* Refine's dialog, saying which conversation goes on; FALSE: cancelled,
 * or with @error a damaged conversation.  Without one, no dialog: the
 * engine's run says how to start one. */
static gboolean
refine_dialog (GimpProcedure        *procedure,
               GimpProcedureConfig  *config,
               GimpImage            *image,
               GError              **error)
{
  g_autoptr (GgConversation) conversation = NULL;
  g_autofree gchar          *note         = NULL;
  GgConversationPlace        place        = { 0, };

  conversation = gemini_conversation_load (image, &place, error);
  if (! conversation)
    return ! *error;

  note = gg_run_refine_note (conversation, &place);
  gg_conversation_place_clear (&place);
  gimp_ui_init (PLUG_IN_BINARY);

  return gemini_refine_dialog (procedure, config, note);
}

/* The dialogs' recent prompts: what the user ran, not what scripts send
 * (a script's prompts are its own business).  @prompt goes first in the
 * history in the GIMP profile, never when it holds the API key in use; a
 * failure is only logged: the run's result matters more. */
static void
record_prompt (GimpRunMode  run_mode,
               const gchar *prompt)
{
  g_autoptr (GgHistory) history = NULL;
  g_autoptr (GError)    error   = NULL;
  gchar                *key;

  if (run_mode == GIMP_RUN_NONINTERACTIVE || ! prompt || ! *prompt)
    return;

  history = gg_history_open (gimp_directory (), &error);
  /* The key of this run, to refuse a prompt that holds it: looked up the
   * way the run did, without asking. */
  key = gemini_key_get (GIMP_RUN_NONINTERACTIVE, NULL);

  if (! history ||
      ! gg_history_add_except (history, prompt, key, &error))
    g_printerr ("gimp-gemini: the prompt was not kept in the history: %s\n",
                error->message);

  gemini_key_free (key);
}

/* Every failure ends here.  GIMP itself shows the error of an interactive
 * run ("Execution error for …"), so it is not shown twice; a cancel is not
 * an error. */
static GimpValueArray *
run_failed (GimpProcedure *procedure,
            GError        *error)
{
  if (g_error_matches (error, GG_ERROR, GG_ERROR_CANCELLED))
    {
      g_error_free (error);
      return gimp_procedure_new_return_values (procedure, GIMP_PDB_CANCEL,
                                               NULL);
    }

  /* The last stop before GIMP shows it: no key, whole or in part. */
  gg_error_redact (error, NULL);
  return gimp_procedure_new_return_values (procedure,
                                           GIMP_PDB_EXECUTION_ERROR, error);
}
