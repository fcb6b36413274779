/* gimp-gemini: Gemini image models ("Nano Banana") in GIMP 3.
 *
 * gemini.c: registration of the procedures and their run functions.  The
 * dialogs live in gemini-dialog.c, pixel I/O in gemini-pixels.c, the key in
 * gemini-key.c and the network call in gemini-worker.c; the engine (request,
 * region planning, placement) is common/.
 *
 * The image is only touched once a paid answer has been decoded and placed,
 * inside one undo group, so that a failure or a cancel leaves it exactly as
 * it was.
 */

#include <string.h>

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include "gg-catalogue.h"
#include "gg-client.h"
#include "gg-error.h"
#include "gg-image.h"
#include "gg-prompt.h"
#include "gg-region.h"
#include "gg-request.h"
#include "gg-response.h"

#include "gemini.h"
#include "gemini-dialog.h"
#include "gemini-key.h"
#include "gemini-pixels.h"
#include "gemini-worker.h"


/* Layer names longer than this are cut at a word. */
#define LAYER_NAME_MAX 40

/* Quality of the JPEG sent for regions without transparency. */
#define SEND_JPEG_QUALITY 92


typedef struct _Gemini      Gemini;
typedef struct _GeminiClass GeminiClass;

struct _Gemini
{
  GimpPlugIn parent_instance;
};

struct _GeminiClass
{
  GimpPlugInClass parent_class;
};

#define GEMINI_TYPE (gemini_get_type ())

GType                   gemini_get_type         (void) G_GNUC_CONST;

static GList          * gemini_query_procedures (GimpPlugIn           *plug_in);
static GimpProcedure  * gemini_create_procedure (GimpPlugIn           *plug_in,
                                                 const gchar          *name);
static gboolean         gemini_set_i18n         (GimpPlugIn           *plug_in,
                                                 const gchar          *procedure_name,
                                                 gchar               **gettext_domain,
                                                 gchar               **catalog_dir);

static GimpValueArray * generate_run            (GimpProcedure        *procedure,
                                                 GimpProcedureConfig  *config,
                                                 gpointer              run_data);
static GimpValueArray * edit_run                (GimpProcedure        *procedure,
                                                 GimpRunMode           run_mode,
                                                 GimpImage            *image,
                                                 GimpDrawable        **drawables,
                                                 GimpProcedureConfig  *config,
                                                 gpointer              run_data);
static GimpValueArray * set_key_run             (GimpProcedure        *procedure,
                                                 GimpProcedureConfig  *config,
                                                 gpointer              run_data);
static GimpValueArray * forget_key_run          (GimpProcedure        *procedure,
                                                 GimpProcedureConfig  *config,
                                                 gpointer              run_data);

static void             add_model_arguments     (GimpProcedure        *procedure);
static void             set_icon                (GimpProcedure        *procedure);
static GimpValueArray * run_failed              (GimpProcedure        *procedure,
                                                 GError               *error);
static gchar          * model_short_label       (const gchar          *model);
static const gchar    * option_or_null          (const gchar          *value);
static gchar          * layer_name_from_prompt  (const gchar          *prompt);
static GgResponse     * ask_model               (GimpRunMode           run_mode,
                                                 GgRequest            *request,
                                                 GError              **error);
static GgRaster       * answer_image            (GgResponse           *response,
                                                 GBytes              **bytes,
                                                 GError              **error);
static gchar          * save_for_recovery       (GBytes               *bytes,
                                                 const gchar          *prompt,
                                                 GError              **error);
static void             recovery_error          (GError              **error,
                                                 GBytes               *bytes,
                                                 const gchar          *prompt,
                                                 const gchar          *why);
static GimpLayer      * edit_source_layer       (GimpImage            *image,
                                                 GimpDrawable        **drawables,
                                                 gchar               **note,
                                                 GError              **error);
static gchar          * selection_area          (const GgRegionPlan   *plan);
static gboolean         rect_intersect          (const GgRect         *a,
                                                 const GgRect         *b,
                                                 GgRect               *out);


G_DEFINE_TYPE (Gemini, gemini, GIMP_TYPE_PLUG_IN)

GIMP_MAIN (GEMINI_TYPE)


static void
gemini_class_init (GeminiClass *klass)
{
  GimpPlugInClass *plug_in_class = GIMP_PLUG_IN_CLASS (klass);

  plug_in_class->query_procedures = gemini_query_procedures;
  plug_in_class->create_procedure = gemini_create_procedure;
  plug_in_class->set_i18n         = gemini_set_i18n;
}

static void
gemini_init (Gemini *gemini)
{
}

static GList *
gemini_query_procedures (GimpPlugIn *plug_in)
{
  GList *list = NULL;

  list = g_list_append (list, g_strdup (PLUG_IN_PROC_GENERATE));
  list = g_list_append (list, g_strdup (PLUG_IN_PROC_EDIT));
  list = g_list_append (list, g_strdup (PLUG_IN_PROC_SET_KEY));
  list = g_list_append (list, g_strdup (PLUG_IN_PROC_FORGET));

  return list;
}

/* No translations yet: without this GIMP looks for a catalog that does not
 * exist and logs it on every start. */
static gboolean
gemini_set_i18n (GimpPlugIn   *plug_in,
                 const gchar  *procedure_name,
                 gchar       **gettext_domain,
                 gchar       **catalog_dir)
{
  return FALSE;
}

static GimpProcedure *
gemini_create_procedure (GimpPlugIn  *plug_in,
                         const gchar *name)
{
  GimpProcedure *procedure = NULL;

  if (! strcmp (name, PLUG_IN_PROC_GENERATE))
    {
      /* A plain procedure, so that it also runs with no image open; GIMP
       * still fills "image" from the active display when there is one. */
      procedure = gimp_procedure_new (plug_in, name,
                                      GIMP_PDB_PROC_TYPE_PLUGIN,
                                      generate_run, NULL, NULL);

      gimp_procedure_set_sensitivity_mask (procedure,
                                           GIMP_PROCEDURE_SENSITIVE_ALWAYS);
      gimp_procedure_set_menu_label (procedure, "_Generate…");
      gimp_procedure_add_menu_path (procedure, PLUG_IN_MENU);
      gimp_procedure_set_documentation
        (procedure,
         "Create an image from a text prompt with Gemini",
         "Sends the prompt to a Gemini image model (\"Nano Banana\") and "
         "opens the answer as a new image of the model's dimensions; with "
         "\"as-layer\" and an image, adds it to that image as a new layer "
         "instead. The API key comes from GEMINI_API_KEY / GOOGLE_API_KEY, "
         "the desktop keyring or Filters > Gemini > API Key…; it is never an "
         "argument.",
         name);
      gimp_procedure_set_attribution (procedure, "gimp-gemini authors",
                                      "gimp-gemini authors", "2025");

      gimp_procedure_add_enum_argument (procedure, "run-mode",
                                        "Run mode", "The run mode",
                                        GIMP_TYPE_RUN_MODE,
                                        GIMP_RUN_INTERACTIVE,
                                        G_PARAM_READWRITE);
      gimp_procedure_add_image_argument (procedure, "image",
                                         "Image",
                                         "With as-layer: the image that "
                                         "receives the result (may be none)",
                                         TRUE, G_PARAM_READWRITE);
      gimp_procedure_add_string_argument (procedure, "prompt",
                                          "_Prompt",
                                          "What to create",
                                          "", G_PARAM_READWRITE);
      add_model_arguments (procedure);
      gimp_procedure_add_boolean_argument (procedure, "search",
                                           "Ground with Google _Search",
                                           "Let the model look things up "
                                           "(not with image-only)",
                                           FALSE, G_PARAM_READWRITE);
      gimp_procedure_add_boolean_argument (procedure, "as-layer",
                                           "Add as a _layer to this image",
                                           "Add the result to \"image\" as a "
                                           "new layer instead of opening a "
                                           "new image",
                                           FALSE, G_PARAM_READWRITE);

      gimp_procedure_add_image_return_value (procedure, "new-image",
                                             "New image",
                                             "The new image (or \"image\" "
                                             "with as-layer)",
                                             FALSE, G_PARAM_READWRITE);
      gimp_procedure_add_layer_return_value (procedure, "new-layer",
                                             "New layer",
                                             "The layer holding the result",
                                             FALSE, G_PARAM_READWRITE);
    }
  else if (! strcmp (name, PLUG_IN_PROC_EDIT))
    {
      GgRegionOptions region;

      gg_region_options_init (&region);

      procedure = gimp_image_procedure_new (plug_in, name,
                                            GIMP_PDB_PROC_TYPE_PLUGIN,
                                            edit_run, NULL, NULL);

      /* Indexed too, so that the user gets a reason instead of a grey item. */
      gimp_procedure_set_image_types (procedure, "*");
      gimp_procedure_set_sensitivity_mask (procedure,
                                           GIMP_PROCEDURE_SENSITIVE_DRAWABLE |
                                           GIMP_PROCEDURE_SENSITIVE_DRAWABLES);
      gimp_procedure_set_menu_label (procedure, "_Edit…");
      gimp_procedure_add_menu_path (procedure, PLUG_IN_MENU);
      gimp_procedure_set_documentation
        (procedure,
         "Edit the layer or the selection with a Gemini prompt",
         "Sends the layer (or what is visible), cropped to the selection's "
         "bounds plus some context, to a Gemini image model and adds the "
         "answer as a new layer above it, aligned, colour-matched and masked "
         "by the selection. The layer itself is never changed. "
         "aspect-ratio \"\" (recommended) picks the supported ratio nearest "
         "the region; another ratio is sent as given and the answer is "
         "fitted back onto the region. image-size \"\" picks the size from "
         "the region; otherwise it caps the size asked for.",
         name);
      gimp_procedure_set_attribution (procedure, "gimp-gemini authors",
                                      "gimp-gemini authors", "2025");

      gimp_procedure_add_string_argument (procedure, "prompt",
                                          "_Prompt",
                                          "What should change",
                                          "", G_PARAM_READWRITE);
      add_model_arguments (procedure);
      gimp_procedure_add_int_argument (procedure, "context-px",
                                       "Context (_pixels)",
                                       "Pixels of context sent around the "
                                       "selection",
                                       0, 4096, region.pad_px,
                                       G_PARAM_READWRITE);
      gimp_procedure_add_int_argument (procedure, "context-pct",
                                       "Context (% of selection si_ze)",
                                       "Further context, as a percentage of "
                                       "the selection's size",
                                       0, 200,
                                       (gint) (region.pad_pct * 100.0 + 0.5),
                                       G_PARAM_READWRITE);
      gimp_procedure_add_choice_argument (procedure, "source",
                                          "So_urce",
                                          "What is sent: the layer's own "
                                          "pixels or everything visible",
                                          gimp_choice_new_with_values
                                            ("layer",   0, "Layer",   NULL,
                                             "visible", 1, "Visible", NULL,
                                             NULL),
                                          "layer", G_PARAM_READWRITE);

      gimp_procedure_add_layer_return_value (procedure, "new-layer",
                                             "New layer",
                                             "The layer holding the result",
                                             FALSE, G_PARAM_READWRITE);
    }
  else if (! strcmp (name, PLUG_IN_PROC_SET_KEY))
    {
      procedure = gimp_procedure_new (plug_in, name,
                                      GIMP_PDB_PROC_TYPE_PLUGIN,
                                      set_key_run, NULL, NULL);

      gimp_procedure_set_sensitivity_mask (procedure,
                                           GIMP_PROCEDURE_SENSITIVE_ALWAYS);
      gimp_procedure_set_menu_label (procedure, "API _Key…");
      gimp_procedure_add_menu_path (procedure, PLUG_IN_MENU);
      gimp_procedure_set_documentation
        (procedure,
         "Enter the Gemini API key",
         "Asks for the key in a masked entry and stores it in the desktop "
         "keyring, else in a private file in the GIMP profile. Interactive "
         "only: the key is never a procedure argument.",
         name);
      gimp_procedure_set_attribution (procedure, "gimp-gemini authors",
                                      "gimp-gemini authors", "2025");

      gimp_procedure_add_enum_argument (procedure, "run-mode",
                                        "Run mode", "The run mode",
                                        GIMP_TYPE_RUN_MODE,
                                        GIMP_RUN_INTERACTIVE,
                                        G_PARAM_READWRITE);
    }
  else if (! strcmp (name, PLUG_IN_PROC_FORGET))
    {
      procedure = gimp_procedure_new (plug_in, name,
                                      GIMP_PDB_PROC_TYPE_PLUGIN,
                                      forget_key_run, NULL, NULL);

      gimp_procedure_set_sensitivity_mask (procedure,
                                           GIMP_PROCEDURE_SENSITIVE_ALWAYS);
      gimp_procedure_set_menu_label (procedure, "_Forget API Key");
      gimp_procedure_add_menu_path (procedure, PLUG_IN_MENU);
      gimp_procedure_set_documentation
        (procedure,
         "Forget the stored Gemini API key",
         "Removes the key from the desktop keyring and from the GIMP "
         "profile. A key in GEMINI_API_KEY / GOOGLE_API_KEY stays in use.",
         name);
      gimp_procedure_set_attribution (procedure, "gimp-gemini authors",
                                      "gimp-gemini authors", "2025");

      gimp_procedure_add_enum_argument (procedure, "run-mode",
                                        "Run mode", "The run mode",
                                        GIMP_TYPE_RUN_MODE,
                                        GIMP_RUN_INTERACTIVE,
                                        G_PARAM_READWRITE);
    }

  if (procedure)
    set_icon (procedure);

  return procedure;
}


static GimpValueArray *
generate_run (GimpProcedure       *procedure,
              GimpProcedureConfig *config,
              gpointer             run_data)
{
  GimpRunMode          run_mode;
  GimpImage           *image      = NULL;
  GimpImage           *target     = NULL;
  GimpLayer           *layer      = NULL;
  g_autofree gchar    *prompt     = NULL;
  g_autofree gchar    *model      = NULL;
  g_autofree gchar    *ratio      = NULL;
  g_autofree gchar    *size       = NULL;
  g_autofree gchar    *name       = NULL;
  gboolean             image_only = FALSE;
  gboolean             search     = FALSE;
  gboolean             as_layer   = FALSE;
  g_autoptr (GgRequest)  request  = NULL;
  g_autoptr (GgResponse) response = NULL;
  g_autoptr (GgRaster)   raster   = NULL;
  GBytes              *bytes      = NULL;
  GimpValueArray      *return_vals;
  GError              *error      = NULL;

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

  g_object_get (config,
                "prompt",       &prompt,
                "model",        &model,
                "aspect-ratio", &ratio,
                "image-size",   &size,
                "image-only",   &image_only,
                "search",       &search,
                "as-layer",     &as_layer,
                NULL);

  if (as_layer && ! image)
    {
      g_set_error_literal (&error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           "\"as-layer\" needs an image to add the layer to.");
      goto out;
    }
  if (as_layer && gimp_image_get_base_type (image) == GIMP_INDEXED)
    {
      g_set_error_literal (&error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           "Indexed images are not supported: convert to RGB "
                           "(Image > Mode > RGB).");
      goto out;
    }

  request = gg_request_new (option_or_null (model));
  gg_request_set_prompt (request, prompt);
  gg_request_set_aspect_ratio (request, option_or_null (ratio));
  gg_request_set_image_size (request, option_or_null (size));
  gg_request_set_image_only (request, image_only);
  gg_request_set_search (request, search);

  response = ask_model (run_mode, request, &error);
  if (! response)
    goto out;

  raster = answer_image (response, &bytes, &error);
  if (! raster)
    goto out;

  name = layer_name_from_prompt (prompt);

  /* libgimp owns its GimpImage proxies (transfer none): target is only
   * borrowed, never unreferenced. */
  if (as_layer && gimp_image_is_valid (image))
    {
      target = image;

      gimp_image_undo_group_start (target);
      layer = gemini_pixels_insert_layer (target, NULL, name, raster,
                                          0, 0, &error);
      gimp_image_undo_group_end (target);
    }
  else
    {
      /* Also when the image was closed meanwhile: the result is paid for. */
      target = gimp_image_new (raster->width, raster->height, GIMP_RGB);
      if (target)
        {
          /* A new image starts with no history, as if it had been opened. */
          gimp_image_undo_disable (target);
          layer = gemini_pixels_insert_layer (target, NULL, name, raster,
                                              0, 0, &error);
          gimp_image_undo_enable (target);

          if (! layer)
            {
              gimp_image_delete (target);
              target = NULL;
            }
        }
    }

  if (! layer)
    {
      recovery_error (&error, bytes, prompt,
                      "The result could not be added to an image");
      goto out;
    }

  if (run_mode == GIMP_RUN_INTERACTIVE)
    {
      if (target != image)
        gimp_display_new (target);
      gimp_displays_flush ();
    }

out:
  g_clear_pointer (&bytes, g_bytes_unref);

  if (error)
    {
      g_clear_object (&image);
      return run_failed (procedure, error);
    }

  return_vals = gimp_procedure_new_return_values (procedure, GIMP_PDB_SUCCESS,
                                                  NULL);
  GIMP_VALUES_SET_IMAGE (return_vals, 1, target);
  GIMP_VALUES_SET_LAYER (return_vals, 2, layer);
  g_clear_object (&image);

  return return_vals;
}

static GimpValueArray *
edit_run (GimpProcedure        *procedure,
          GimpRunMode           run_mode,
          GimpImage            *image,
          GimpDrawable        **drawables,
          GimpProcedureConfig  *config,
          gpointer              run_data)
{
  GimpLayer           *source;
  GimpLayer           *layer        = NULL;
  g_autofree gchar    *note         = NULL;
  g_autofree gchar    *prompt       = NULL;
  g_autofree gchar    *model        = NULL;
  g_autofree gchar    *ratio        = NULL;
  g_autofree gchar    *size         = NULL;
  g_autofree gchar    *name         = NULL;
  gboolean             image_only   = FALSE;
  gint                 context_px   = 0;
  gint                 context_pct  = 0;
  gboolean             visible;
  gboolean             has_selection = FALSE;
  GgRect               space;
  GgRect               selection    = { 0, 0, 0, 0 };
  GgRect               clip;
  gint                 origin_x     = 0;
  gint                 origin_y     = 0;
  GgRegionOptions      options;
  GgRegionPlan         plan;
  g_autoptr (GgRaster)   original     = NULL;
  g_autoptr (GgRaster)   scaled       = NULL;
  g_autoptr (GgRaster)   answer       = NULL;
  g_autoptr (GgRaster)   placed       = NULL;
  g_autoptr (GgRaster)   cropped      = NULL;
  g_autoptr (GgRequest)  request      = NULL;
  g_autoptr (GgResponse) response     = NULL;
  const GgRaster      *send;
  const GgRaster      *result;
  GBytes              *encoded      = NULL;
  GBytes              *bytes        = NULL;
  GimpValueArray      *return_vals;
  GError              *error        = NULL;

  if (gimp_image_get_base_type (image) == GIMP_INDEXED)
    {
      g_set_error_literal (&error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           "Indexed images are not supported: convert to RGB "
                           "(Image > Mode > RGB).");
      return run_failed (procedure, error);
    }

  source = edit_source_layer (image, drawables, &note, &error);
  if (! source)
    return run_failed (procedure, error);

  /* Where the selection is, for the dialog's note and for the plan. */
  {
    gint x1, y1, x2, y2;

    gimp_selection_bounds (image, &has_selection, &x1, &y1, &x2, &y2);
    if (has_selection)
      {
        selection.x      = x1;
        selection.y      = y1;
        selection.width  = x2 - x1;
        selection.height = y2 - y1;
      }
  }

  if (run_mode == GIMP_RUN_INTERACTIVE)
    {
      g_autofree gchar *what = NULL;
      g_autofree gchar *item_name = gimp_item_get_name (GIMP_ITEM (source));

      gimp_ui_init (PLUG_IN_BINARY);

      if (has_selection)
        what = g_strdup_printf ("Editing “%s”: the selection (%d × %d px) "
                                "and some context around it are sent.",
                                item_name, selection.width, selection.height);
      else
        what = g_strdup_printf ("Editing “%s”: nothing is selected, so the "
                                "whole layer is sent.", item_name);

      if (note)
        {
          gchar *both = g_strconcat (note, "\n", what, NULL);

          g_free (note);
          note = both;
        }
      else
        {
          note = g_steal_pointer (&what);
        }

      if (! gemini_edit_dialog (procedure, config, note))
        return gimp_procedure_new_return_values (procedure, GIMP_PDB_CANCEL,
                                                 NULL);
    }

  g_object_get (config,
                "prompt",       &prompt,
                "model",        &model,
                "aspect-ratio", &ratio,
                "image-size",   &size,
                "image-only",   &image_only,
                "context-px",   &context_px,
                "context-pct",  &context_pct,
                NULL);
  visible = gimp_procedure_config_get_choice_id (config, "source") == 1;

  /* The space the plan works in: the layer's own pixels, or the canvas. */
  if (visible)
    {
      space.x      = 0;
      space.y      = 0;
      space.width  = gimp_image_get_width (image);
      space.height = gimp_image_get_height (image);
    }
  else
    {
      gimp_drawable_get_offsets (GIMP_DRAWABLE (source), &origin_x, &origin_y);
      space.x      = 0;
      space.y      = 0;
      space.width  = gimp_drawable_get_width (GIMP_DRAWABLE (source));
      space.height = gimp_drawable_get_height (GIMP_DRAWABLE (source));
    }

  if (has_selection)
    {
      GgRect local = selection;

      local.x -= origin_x;
      local.y -= origin_y;

      if (! rect_intersect (&local, &space, &selection))
        {
          g_autofree gchar *item_name = gimp_item_get_name (GIMP_ITEM (source));

          g_set_error (&error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                       "The selection does not touch the layer “%s”: select "
                       "inside it, or select nothing (Select > None) to edit "
                       "the whole layer.", item_name);
          goto out;
        }
    }

  gg_region_options_init (&options);
  options.pad_px   = context_px;
  options.pad_pct  = context_pct / 100.0;
  options.max_size = option_or_null (size);

  if (! gg_region_plan (gg_catalogue_lookup (option_or_null (model) ?
                                             model :
                                             gg_catalogue_default_model ()),
                        space.width, space.height,
                        &selection,
                        &options, &plan, &error))
    goto out;

  if (visible)
    original = gemini_pixels_read_visible (image, &plan.region, &error);
  else
    original = gemini_pixels_read (GIMP_DRAWABLE (source), &plan.region,
                                   &error);
  if (! original)
    goto out;

  send = original;
  if (plan.send_width  != original->width ||
      plan.send_height != original->height)
    {
      scaled = gg_raster_scale (original, plan.send_width, plan.send_height,
                                &error);
      if (! scaled)
        goto out;
      send = scaled;
    }

  /* Lossless when transparency must survive, compact otherwise. */
  if (gg_raster_has_alpha (send))
    encoded = gg_image_encode_png (send, 6, &error);
  else
    encoded = gg_image_encode_jpeg (send, SEND_JPEG_QUALITY, &error);
  if (! encoded)
    goto out;

  {
    g_autofree gchar *area = has_selection ? selection_area (&plan) : NULL;
    g_autofree gchar *text = gg_prompt_edit (prompt, has_selection, area);

    request = gg_request_new (option_or_null (model));
    gg_request_set_prompt (request, text);
  }
  gg_request_set_aspect_ratio (request,
                               option_or_null (ratio) ? ratio : plan.ratio);
  gg_request_set_image_size (request, plan.size);
  gg_request_set_image_only (request, image_only);
  gg_request_add_image (request, encoded, NULL, GG_ROLE_INPUT);

  response = ask_model (run_mode, request, &error);
  if (! response)
    goto out;

  answer = answer_image (response, &bytes, &error);
  if (! answer)
    goto out;

  placed = gg_region_place (&plan, original, answer, &error);
  if (! placed)
    {
      recovery_error (&error, bytes, prompt,
                      "The result could not be fitted onto the region");
      goto out;
    }

  /* Padding beyond the layer was context for the model, not a result. */
  result = placed;
  if (! rect_intersect (&plan.region, &space, &clip))
    clip = plan.region;
  if (clip.x != plan.region.x || clip.y != plan.region.y ||
      clip.width != plan.region.width || clip.height != plan.region.height)
    {
      GgRect inside = { clip.x - plan.region.x, clip.y - plan.region.y,
                        clip.width, clip.height };

      cropped = gg_raster_crop (placed, &inside, &error);
      if (! cropped)
        {
          recovery_error (&error, bytes, prompt,
                          "The result could not be cut to the layer");
          goto out;
        }
      result = cropped;
    }

  if (! gimp_image_is_valid (image) ||
      ! gimp_item_is_valid (GIMP_ITEM (source)))
    {
      recovery_error (&error, bytes, prompt,
                      "The image or its layer was closed before the result "
                      "arrived");
      goto out;
    }

  name = layer_name_from_prompt (prompt);

  gimp_image_undo_group_start (image);

  layer = gemini_pixels_insert_layer (image, source, name, result,
                                      origin_x + clip.x, origin_y + clip.y,
                                      &error);
  if (layer && has_selection)
    {
      GimpLayerMask *mask;

      /* After insertion: GIMP maps the selection onto the layer's place. */
      mask = gimp_layer_create_mask (layer, GIMP_ADD_MASK_SELECTION);
      if (! mask || ! gimp_layer_add_mask (layer, mask))
        {
          g_set_error (&error, GG_ERROR, GG_ERROR_FAILED,
                       "The selection could not become the layer's mask: %s",
                       gimp_pdb_get_last_error (gimp_get_pdb ()));
          gimp_image_remove_layer (image, layer);
          layer = NULL;
        }
    }

  gimp_image_undo_group_end (image);

  if (! layer)
    {
      recovery_error (&error, bytes, prompt,
                      "The result could not be added to the image");
      goto out;
    }

  if (run_mode == GIMP_RUN_INTERACTIVE)
    gimp_displays_flush ();

out:
  g_clear_pointer (&encoded, g_bytes_unref);
  g_clear_pointer (&bytes, g_bytes_unref);

  if (error)
    return run_failed (procedure, error);

  return_vals = gimp_procedure_new_return_values (procedure, GIMP_PDB_SUCCESS,
                                                  NULL);
  GIMP_VALUES_SET_LAYER (return_vals, 1, layer);

  return return_vals;
}

static GimpValueArray *
set_key_run (GimpProcedure       *procedure,
             GimpProcedureConfig *config,
             gpointer             run_data)
{
  GimpRunMode  run_mode;
  GError      *error = NULL;

  g_object_get (config, "run-mode", &run_mode, NULL);

  if (run_mode != GIMP_RUN_INTERACTIVE)
    {
      g_set_error_literal (&error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           "The API key can only be entered interactively: "
                           "for scripts, set GEMINI_API_KEY.");
      return run_failed (procedure, error);
    }

  gimp_ui_init (PLUG_IN_BINARY);

  if (! gemini_key_set (&error))
    return run_failed (procedure, error);

  return gimp_procedure_new_return_values (procedure, GIMP_PDB_SUCCESS, NULL);
}

static GimpValueArray *
forget_key_run (GimpProcedure       *procedure,
                GimpProcedureConfig *config,
                gpointer             run_data)
{
  GimpRunMode  run_mode;
  GError      *error = NULL;

  g_object_get (config, "run-mode", &run_mode, NULL);

  if (! gemini_key_forget (&error))
    return run_failed (procedure, error);

  if (run_mode == GIMP_RUN_INTERACTIVE)
    gimp_message ("The stored Gemini API key was removed.");

  return gimp_procedure_new_return_values (procedure, GIMP_PDB_SUCCESS, NULL);
}


/* Model, aspect ratio, size and image-only: the same for both procedures.
 * All free text, so that scripts can name models newer than the catalogue;
 * "" (or "auto") lets the model or the region planner decide. */
static void
add_model_arguments (GimpProcedure *procedure)
{
  gimp_procedure_add_string_argument (procedure, "model",
                                      "_Model",
                                      "Gemini model name (free text; "
                                      "\"\": the default)",
                                      gg_catalogue_default_model (),
                                      G_PARAM_READWRITE);
  gimp_procedure_add_string_argument (procedure, "aspect-ratio",
                                      "_Aspect ratio",
                                      "\"16:9\", \"1:1\", ... (\"\": auto)",
                                      "", G_PARAM_READWRITE);
  gimp_procedure_add_string_argument (procedure, "image-size",
                                      "_Size",
                                      "\"1K\", \"2K\", \"4K\" on models that "
                                      "have sizes (\"\": auto)",
                                      "", G_PARAM_READWRITE);
  gimp_procedure_add_boolean_argument (procedure, "image-only",
                                       "_Image only",
                                       "Ask for an image without any text",
                                       FALSE, G_PARAM_READWRITE);
}

/* The icons are installed beside the binary (plugin/CMakeLists.txt). */
static void
set_icon (GimpProcedure *procedure)
{
  g_autofree gchar *dir  = g_path_get_dirname (gimp_get_progname ());
  g_autofree gchar *path = g_build_filename (dir, "icons", "gimp-gemini-16.png",
                                             NULL);

  if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      GFile *file = g_file_new_for_path (path);

      gimp_procedure_set_icon_file (procedure, file);
      g_object_unref (file);
    }
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

  return gimp_procedure_new_return_values (procedure,
                                           GIMP_PDB_EXECUTION_ERROR, error);
}

/* "Gemini 3 Pro Image (Nano Banana Pro)" -> "Gemini 3 Pro Image". */
static gchar *
model_short_label (const gchar *model)
{
  const GgModel *info  = gg_catalogue_lookup (model);
  const gchar   *label = info ? info->label : model;
  const gchar   *paren = strstr (label, " (");

  return paren ? g_strndup (label, paren - label) : g_strdup (label);
}

static const gchar *
option_or_null (const gchar *value)
{
  if (! value || ! *value || ! g_ascii_strcasecmp (value, "auto"))
    return NULL;

  return value;
}

static gchar *
layer_name_from_prompt (const gchar *prompt)
{
  g_autofree gchar *text = g_strdup (prompt ? prompt : "");
  gchar            *cut;
  GString          *name;

  g_strdelimit (text, "\r\n\t", ' ');
  g_strstrip (text);

  if (! *text)
    return g_strdup ("Gemini");

  if (g_utf8_strlen (text, -1) <= LAYER_NAME_MAX)
    return g_steal_pointer (&text);

  cut  = g_utf8_offset_to_pointer (text, LAYER_NAME_MAX);
  name = g_string_new_len (text, cut - text);

  /* At a word when there is one in the second half. */
  {
    gchar *space = strrchr (name->str, ' ');

    if (space && space - name->str > LAYER_NAME_MAX / 2)
      g_string_truncate (name, space - name->str);
  }

  g_string_append (name, "…");

  return g_string_free (name, FALSE);
}

static GgResponse *
ask_model (GimpRunMode   run_mode,
           GgRequest    *request,
           GError      **error)
{
  g_autoptr (GgClient) client = NULL;
  g_autofree gchar    *label  = NULL;
  GgResponse          *response;
  gchar               *key;

  if (! gg_request_validate (request, error))
    return NULL;

  key = gemini_key_get (run_mode, error);
  if (! key)
    return NULL;

  client = gg_client_new (key, NULL, error);
  gemini_key_free (key);
  if (! client)
    return NULL;

  label    = model_short_label (gg_request_get_model (request));
  response = gemini_worker_generate (client, request, label, error);
  if (! response)
    return NULL;

  if (! gg_response_check (response, error))
    {
      gg_response_free (response);
      return NULL;
    }

  return response;
}

/* The first result image, decoded; @bytes: its encoded form, kept for the
 * recovery folder. */
static GgRaster *
answer_image (GgResponse  *response,
              GBytes     **bytes,
              GError     **error)
{
  g_autoptr (GPtrArray) images = gg_response_images (response);
  GgPart               *part;
  GgRaster             *raster;
  gsize                 length;
  const guint8         *data;

  if (! images || images->len == 0)
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_NO_IMAGE,
                           "The model answered without an image: try "
                           "rephrasing the prompt.");
      return NULL;
    }

  part   = g_ptr_array_index (images, 0);
  *bytes = g_bytes_ref (part->data);
  data   = g_bytes_get_data (part->data, &length);

  raster = gg_image_decode (data, length, 0, error);
  if (! raster)
    {
      GError *decode_error = *error;

      *error = NULL;
      recovery_error (error, *bytes, NULL, decode_error->message);
      g_error_free (decode_error);
    }

  return raster;
}

/* Writes the paid answer to gimp_directory()/gemini-recovery/ and returns
 * the file's path (g_free). */
static gchar *
save_for_recovery (GBytes       *bytes,
                   const gchar  *prompt,
                   GError      **error)
{
  g_autofree gchar *dir   = g_build_filename (gimp_directory (),
                                              GEMINI_RECOVERY_DIR, NULL);
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree gchar *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree gchar *base  = NULL;
  gsize             length;
  const guint8     *data  = g_bytes_get_data (bytes, &length);
  const gchar      *ext;
  gchar            *path;

  switch (gg_image_sniff (data, length))
    {
    case GG_FORMAT_JPEG: ext = "jpg";  break;
    case GG_FORMAT_WEBP: ext = "webp"; break;
    case GG_FORMAT_PNG:  ext = "png";  break;
    default:             ext = "bin";  break;
    }

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_IO,
                   "The folder %s could not be created.", dir);
      return NULL;
    }

  base = g_strdup_printf ("gemini-%s-%u.%s", stamp,
                          g_str_hash (prompt ? prompt : "") % 10000, ext);
  path = g_build_filename (dir, base, NULL);

  /* Written as received: whatever went wrong here, the bytes are intact. */
  if (! g_file_set_contents (path, (const gchar *) data, length, error))
    {
      g_free (path);
      return NULL;
    }

  return path;
}

/* Replaces *error (may be NULL) with one that says where the paid result
 * went, or why it could not be kept either. */
static void
recovery_error (GError      **error,
                GBytes       *bytes,
                const gchar  *prompt,
                const gchar  *why)
{
  g_autofree gchar *detail = NULL;
  g_autofree gchar *path   = NULL;
  GError           *save_error = NULL;
  gint              code   = GG_ERROR_FAILED;

  if (*error)
    {
      detail = g_strdup ((*error)->message);
      code   = (*error)->code;
      g_clear_error (error);
    }

  path = bytes ? save_for_recovery (bytes, prompt, &save_error) : NULL;

  if (path)
    g_set_error (error, GG_ERROR, code,
                 "%s%s%s. The result was saved as %s.",
                 why, detail ? ": " : "", detail ? detail : "", path);
  else
    g_set_error (error, GG_ERROR, code,
                 "%s%s%s, and it could not be saved either: %s",
                 why, detail ? ": " : "", detail ? detail : "",
                 save_error ? save_error->message : "no data");

  g_clear_error (&save_error);
}

/* The layer an edit starts from: the first selected one (GIMP lists them
 * from the top), the layer of a selected mask; never a channel. */
static GimpLayer *
edit_source_layer (GimpImage     *image,
                   GimpDrawable **drawables,
                   gchar        **note,
                   GError       **error)
{
  GimpDrawable *drawable;
  gint          n = 0;

  while (drawables && drawables[n])
    n++;

  if (n == 0)
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           "No layer is selected: select the layer to edit.");
      return NULL;
    }

  drawable = drawables[0];

  if (GIMP_IS_LAYER_MASK (drawable))
    drawable = GIMP_DRAWABLE (gimp_layer_from_mask (GIMP_LAYER_MASK (drawable)));

  if (! drawable || ! GIMP_IS_LAYER (drawable))
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           "Gemini edits layers: select a layer, not a channel.");
      return NULL;
    }

  if (n > 1)
    {
      g_autofree gchar *item_name = gimp_item_get_name (GIMP_ITEM (drawable));

      *note = g_strdup_printf ("%d layers are selected: only the first, "
                               "“%s”, is edited.", n, item_name);
    }

  return GIMP_LAYER (drawable);
}

/* Where the selection lies in the image sent, in words for the edit
 * prompt: "the centre of the image, about 60 % of its width and 40 % of its
 * height". */
static gchar *
selection_area (const GgRegionPlan *plan)
{
  static const gchar *rows[] = { "top", "middle", "bottom" };
  static const gchar *cols[] = { "left", "centre", "right" };
  const GgRect       *r      = &plan->region;
  const GgRect       *s      = &plan->selection;
  gdouble             cx, cy;
  gint                col, row;
  gint                pct_w, pct_h;
  g_autofree gchar   *where  = NULL;

  if (r->width <= 0 || r->height <= 0)
    return NULL;

  cx  = (s->x - r->x + s->width  / 2.0) / r->width;
  cy  = (s->y - r->y + s->height / 2.0) / r->height;
  col = CLAMP ((gint) (cx * 3.0), 0, 2);
  row = CLAMP ((gint) (cy * 3.0), 0, 2);

  if (row == 1 && col == 1)
    where = g_strdup ("the centre");
  else if (row == 1)
    where = g_strdup_printf ("the %s side", cols[col]);
  else if (col == 1)
    where = g_strdup_printf ("the %s", rows[row]);
  else
    where = g_strdup_printf ("the %s %s", rows[row], cols[col]);

  pct_w = CLAMP ((gint) (100.0 * s->width  / r->width  + 0.5), 1, 100);
  pct_h = CLAMP ((gint) (100.0 * s->height / r->height + 0.5), 1, 100);

  return g_strdup_printf ("%s of the image, about %d %% of its width and "
                          "%d %% of its height", where, pct_w, pct_h);
}

static gboolean
rect_intersect (const GgRect *a,
                const GgRect *b,
                GgRect       *out)
{
  gint x1 = MAX (a->x, b->x);
  gint y1 = MAX (a->y, b->y);
  gint x2 = MIN (a->x + a->width,  b->x + b->width);
  gint y2 = MIN (a->y + a->height, b->y + b->height);

  if (x2 <= x1 || y2 <= y1)
    return FALSE;

  out->x      = x1;
  out->y      = y1;
  out->width  = x2 - x1;
  out->height = y2 - y1;

  return TRUE;
}
