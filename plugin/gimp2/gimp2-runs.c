/* gimp-gemini for GIMP 2.10: the runs of the procedures (gimp2-runs.h).
 *
 * Behaviour mirrors the GIMP 3 plug-in: errors come back as the
 * procedure's error message (2.10's convention: status, then one
 * string), a cancel is not an error.
 */

#include <string.h>

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include "gg-conversation.h"
#include "gg-error.h"
#include "gg-keystore.h"

#include "gimp2-host.h"
#include "gimp2-key.h"
#include "gimp2-plan.h"
#include "gimp2-runs.h"


/* Takes @error: a cancel ends the run as cancelled, anything else as
 * failed with its message. */
static void
fail (Gimp2Outcome *outcome,
      GError       *error)
{
  if (g_error_matches (error, GG_ERROR, GG_ERROR_CANCELLED))
    {
      outcome->status = GIMP_PDB_CANCEL;
      g_clear_error (&error);
      return;
    }
  outcome->status = GIMP_PDB_EXECUTION_ERROR;
  g_clear_error (&outcome->error);
  outcome->error = error;
}

/* The engine's run of @kind over @host with its options; the result
 * layer (and image) as @outcome.  Generate and Compose make a new image
 * unless @host has one to add to. */
static void
engine_run (Gimp2Host    *host,
            Gimp2Kind     kind,
            Gimp2Outcome *outcome)
{
  GgRunOptions run;
  GError      *error     = NULL;
  gboolean     new_image = host->image < 0;
  gboolean     ok        = FALSE;

  gimp2_run_options (&host->options->values, host->options->prompt, &run);
  run.style = kind == GIMP2_KIND_STYLE;

  switch (kind)
    {
    case GIMP2_KIND_GENERATE:
      ok = gg_run_generate (&host->host, &run, new_image, &error);
      break;
    case GIMP2_KIND_COMPOSE:
      ok = gg_run_compose (&host->host, &run, new_image, &error);
      break;
    case GIMP2_KIND_EDIT:
    case GIMP2_KIND_STYLE:
      ok = gg_run_edit (&host->host, &run, &error);
      break;
    case GIMP2_KIND_REFINE:
      ok = gg_run_refine (&host->host, &run, &error);
      break;
    }

  if (! ok)
    {
      fail (outcome, error);
      return;
    }
  outcome->image = host->image;
  outcome->layer = host->result;
}

static void
cancelled (Gimp2Outcome *outcome)
{
  outcome->status = GIMP_PDB_CANCEL;
}


/* --- the key, the options, Start Over ------------------------------------- */

void
gimp2_run_set_key (const Gimp2Call *call,
                   Gimp2Outcome    *outcome)
{
  GError *error = NULL;
  gchar  *key;

  if (call->run_mode != GIMP_RUN_INTERACTIVE)
    {
      g_set_error_literal (&error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           _("The API key can only be entered "
                             "interactively: for scripts, set "
                             "GEMINI_API_KEY."));
      fail (outcome, error);
      return;
    }
  gimp_ui_init (PLUG_IN_BINARY, FALSE);
  key = gimp2_key_ask_and_store (&error);
  if (! key)
    fail (outcome, error);
  gimp2_key_free (key);
}

void
gimp2_run_forget_key (const Gimp2Call *call,
                      Gimp2Outcome    *outcome)
{
  GError *error = NULL;

  if (! gg_keystore_forget (gimp_directory (), &error))
    fail (outcome, error);
  else if (call->run_mode == GIMP_RUN_INTERACTIVE)
    gimp_message (_("The stored Gemini API key was removed."));
}

void
gimp2_run_set_request_options (const Gimp2Call *call,
                               Gimp2Outcome    *outcome)
{
  GError *error = NULL;

  if (! gimp2_request_options_set (gimp2_arg_int (call, GIMP2_ARG_STORE, 0) != 0,
                                   gimp2_arg_string (call, GIMP2_ARG_THINKING),
                                   &error))
    fail (outcome, error);
}

void
gimp2_run_start_over (const Gimp2Call *call,
                      Gimp2Outcome    *outcome)
{
  gint32   image = gimp2_arg_int (call, GIMP2_ARG_IMAGE, -1);
  gboolean had;

  gimp_image_undo_group_start (image);
  had = gimp2_conversation_forget (image);
  gimp_image_undo_group_end (image);

  if (call->run_mode == GIMP_RUN_INTERACTIVE)
    gimp_message (had ?
                  _("The image's Gemini conversation was forgotten: the "
                    "next edit starts afresh.") :
                  _("This image had no Gemini conversation."));
}


/* --- Generate and Compose ------------------------------------------------- */

/* With "as-layer", a new layer of @image; else a new image. */
static void
generate_run (const Gimp2Options *options,
              gint32              image,
              Gimp2Kind           kind,
              Gimp2Outcome       *outcome)
{
  Gimp2Host host;
  GError   *error    = NULL;
  gboolean  as_layer = options->values.as_layer;

  if (as_layer && (image <= 0 || ! gimp_image_is_valid (image)))
    {
      g_set_error_literal (&error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           _("\"as-layer\" needs an image to add the layer to."));
      fail (outcome, error);
      return;
    }
  if (as_layer && ! gimp2_refuse_indexed (image, &error))
    {
      fail (outcome, error);
      return;
    }

  gimp2_host_init (&host, options, as_layer ? image : -1);
  host.may_make_image = TRUE;
  engine_run (&host, kind, outcome);
  gimp2_host_clear (&host);
}

void
gimp2_run_generate (const Gimp2Call *call,
                    Gimp2Outcome    *outcome)
{
  Gimp2Options options = { 0, };
  gint32       image   = gimp2_arg_int (call, GIMP2_ARG_IMAGE, -1);

  if (call->run_mode == GIMP_RUN_INTERACTIVE && ! gimp_image_is_valid (image))
    image = -1;
  if (! gimp2_options_get (call, image, NULL, &options))
    cancelled (outcome);
  else
    generate_run (&options, image, GIMP2_KIND_GENERATE, outcome);
  gimp2_options_clear (&options);
}

static gchar *
compose_note (gint32 image,
              gint32 active)
{
  g_autofree gint32 *layers = NULL;
  gint               n      = gimp2_compose_layers (image, active, &layers);

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%d layer will be sent as a "
                                       "reference: the active one "
                                       "and those linked to it.",
                                       "%d layers will be sent as "
                                       "references: the active one "
                                       "and those linked to it.", n),
                          n);
}

void
gimp2_run_compose (const Gimp2Call *call,
                   Gimp2Outcome    *outcome)
{
  g_autofree gchar *note      = NULL;
  Gimp2Options      options   = { 0, };
  GError           *error     = NULL;
  gint32            image     = gimp2_arg_int (call, GIMP2_ARG_IMAGE, -1);
  gint32            active    = gimp2_arg_int (call, GIMP2_ARG_DRAWABLE, -1);
  gboolean          given;

  if (! gimp_image_is_valid (image))
    {
      g_set_error_literal (&error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           _("Compose needs an image whose layers to "
                             "combine."));
      fail (outcome, error);
      return;
    }
  if (active > 0 && gimp_item_is_valid (active) &&
      gimp_item_is_layer_mask (active))
    active = gimp_layer_from_mask (active);

  given = call->run_mode == GIMP_RUN_NONINTERACTIVE &&
          gimp2_arg_int (call, GIMP2_ARG_N_REFERENCES, 0) > 0;
  if (call->run_mode == GIMP_RUN_INTERACTIVE)
    note = compose_note (image, active);

  if (! gimp2_options_get (call, image, note, &options))
    {
      cancelled (outcome);
      return;
    }

  /* GIMP 2.10 gives a plug-in one layer: 2.10's way of picking several
   * is linking them, so those are the layers combined unless a script
   * names its own. */
  if (! given)
    {
      g_clear_pointer (&options.references, g_free);
      options.n_references = gimp2_compose_layers (image, active,
                                                   &options.references);
    }
  if (call->run_mode != GIMP_RUN_NONINTERACTIVE)
    {
      g_free (options.roles);
      options.roles = g_strdup (options.values.roles);
    }
  if (options.n_references == 0 && ! options.files)
    {
      g_set_error_literal (&error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           _("Compose needs the layers to combine: "
                             "select one and link the others to it "
                             "(the chain in the Layers dialog)."));
      fail (outcome, error);
    }
  else
    {
      generate_run (&options, image, GIMP2_KIND_COMPOSE, outcome);
    }
  gimp2_options_clear (&options);
}


/* --- Edit and Style Transfer ---------------------------------------------- */

/* The options of an edit of *@source; FALSE with @error, or with
 * *@cancelled. */
static gboolean
edit_options (const Gimp2Call *call,
              gint32           image,
              gint32          *source,
              Gimp2Options    *options,
              gboolean        *dialog_cancelled,
              GError         **error)
{
  g_autofree gchar *note = NULL;

  *dialog_cancelled = FALSE;
  if (! gimp2_refuse_indexed (image, error))
    return FALSE;
  *source = gimp2_edit_source_layer (gimp2_arg_int (call, GIMP2_ARG_DRAWABLE,
                                                    -1), error);
  if (*source < 0)
    return FALSE;

  if (call->run_mode == GIMP_RUN_INTERACTIVE)
    {
      g_autofree gchar *name = gimp_item_get_name (*source);
      GgHostCanvas      canvas;

      gimp2_canvas_read (image, *source, FALSE, &canvas);
      note = gg_run_edit_note (call->procedure->kind == GIMP2_KIND_STYLE,
                               name, &canvas);
    }

  *dialog_cancelled = ! gimp2_options_get (call, image, note, options);

  return ! *dialog_cancelled;
}

/* Style Transfer is an edit with one reference of role "style": the
 * style layer or, failing that, the style file. */
static gboolean
style_references (Gimp2Options  *options,
                  GError       **error)
{
  gboolean has_layer = options->style > 0 &&
                       gimp_item_is_valid (options->style) &&
                       gimp_item_is_drawable (options->style);
  gboolean has_file  = options->style_file && *options->style_file;

  gimp2_options_clear_references (options);
  if (has_layer)
    {
      options->references    = g_new (gint32, 1);
      options->references[0] = options->style;
      options->n_references  = 1;
      options->roles         = g_strdup ("style");
    }
  else if (has_file)
    {
      options->files      = g_new0 (gchar *, 2);
      options->files[0]   = g_strdup (options->style_file);
      options->file_roles = g_strdup ("style");
    }
  else
    g_set_error_literal (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                         _("Style transfer needs a layer or an "
                           "image file to take the style from "
                           "(\"style\" or \"style-file\")."));

  return has_layer || has_file;
}

static void
edit_or_style (const Gimp2Call *call,
               Gimp2Outcome    *outcome,
               gboolean         style)
{
  Gimp2Options options = { 0, };
  GError      *error   = NULL;
  gint32       image   = gimp2_arg_int (call, GIMP2_ARG_IMAGE, -1);
  gint32       source  = -1;
  gboolean     dialog_cancelled;

  if (! edit_options (call, image, &source, &options, &dialog_cancelled,
                      &error))
    {
      if (dialog_cancelled)
        cancelled (outcome);
      else
        fail (outcome, error);
    }
  else if (style && ! style_references (&options, &error))
    {
      fail (outcome, error);
    }
  else
    {
      Gimp2Host host;

      gimp2_host_init (&host, &options, image);
      host.source = source;
      host.above  = source;
      engine_run (&host, style ? GIMP2_KIND_STYLE : GIMP2_KIND_EDIT, outcome);
      gimp2_host_clear (&host);
    }
  gimp2_options_clear (&options);
}

void
gimp2_run_edit (const Gimp2Call *call,
                Gimp2Outcome    *outcome)
{
  edit_or_style (call, outcome, FALSE);
}

void
gimp2_run_style (const Gimp2Call *call,
                 Gimp2Outcome    *outcome)
{
  edit_or_style (call, outcome, TRUE);
}


/* --- Refine --------------------------------------------------------------- */

/* The layer a refine's result goes above: @drawable when it is a layer
 * (or a layer's mask), else -1 (above the result refined). */
static gint32
refine_above (gint32 drawable)
{
  if (drawable > 0 && gimp_item_is_valid (drawable) &&
      gimp_item_is_layer_mask (drawable))
    drawable = gimp_layer_from_mask (drawable);
  if (drawable > 0 && gimp_item_is_valid (drawable) &&
      gimp_item_is_layer (drawable))
    return drawable;

  return -1;
}

void
gimp2_run_refine (const Gimp2Call *call,
                  Gimp2Outcome    *outcome)
{
  g_autofree gchar *note    = NULL;
  Gimp2Options      options = { 0, };
  Gimp2Host         host;
  GError           *error   = NULL;
  gint32            image   = gimp2_arg_int (call, GIMP2_ARG_IMAGE, -1);

  if (! gimp2_refuse_indexed (image, &error))
    {
      fail (outcome, error);
      return;
    }

  /* Read before the dialog, which tells of it; the engine gets it. */
  gimp2_host_init (&host, &options, image);
  host.conversation = gimp2_conversation_load (image, &host.place, &error);
  if (! host.conversation)
    {
      if (! error)
        g_set_error_literal (&error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                             _("This image has no Gemini conversation to "
                               "refine: start one with Filters > Gemini > "
                               "Edit… or Generate…."));
      fail (outcome, error);
    }
  else
    {
      if (call->run_mode == GIMP_RUN_INTERACTIVE)
        note = gg_run_refine_note (host.conversation, &host.place);

      if (! gimp2_options_get (call, image, note, &options))
        {
          cancelled (outcome);
        }
      else
        {
          host.above = refine_above (gimp2_arg_int (call, GIMP2_ARG_DRAWABLE,
                                                    -1));
          engine_run (&host, GIMP2_KIND_REFINE, outcome);
        }
    }
  gimp2_host_clear (&host);
  gimp2_options_clear (&options);
}
