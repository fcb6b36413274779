/* gimp-gemini: the procedures of the GIMP 3 plug-in, one function each
 * (gemini-procedures.h): menu label and path, documentation, arguments and
 * return values.  gemini-main.c dispatches to them by name; what a
 * procedure does when it runs is gemini-runs.c's.
 */

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include "gg-catalogue.h"
#include "gg-front.h"
#include "gg-mask.h"
#include "gg-region.h"

#include "gemini.h"
#include "gemini-intl.h"
#include "gemini-procedures.h"
#include "gemini-runs.h"


static GimpProcedure * plain_procedure_new  (GimpPlugIn       *plug_in,
                                             const gchar      *name,
                                             GimpRunFunc       run);
static GimpProcedure * image_procedure_new  (GimpPlugIn       *plug_in,
                                             const gchar      *name,
                                             GimpRunImageFunc  run,
                                             gint              sensitivity);
static void         add_model_arguments          (GimpProcedure *procedure,
                                                  const gchar   *default_model);
static void         add_answer_arguments         (GimpProcedure *procedure);
static void         add_request_arguments        (GimpProcedure *procedure);
static void         add_reference_arguments      (GimpProcedure *procedure);
static void         add_reference_file_arguments (GimpProcedure *procedure);
static void         add_context_arguments        (GimpProcedure *procedure);
static void         add_mask_arguments           (GimpProcedure *procedure);
static GimpChoice * reference_role_choice        (void);
static void         add_dialog_reference         (GimpProcedure *procedure);
static void         add_dialog_reference_file    (GimpProcedure *procedure);
static void         set_attribution              (GimpProcedure *procedure);
static void         add_run_mode                 (GimpProcedure *procedure);
static void         add_result_layer             (GimpProcedure *procedure);


/* A plain procedure, so that it also runs with no image open; GIMP still
 * fills "image" from the active display when there is one. */
GimpProcedure *
gemini_procedure_generate (GimpPlugIn  *plug_in,
                           const gchar *name)
{
  GimpProcedure *procedure;

  procedure = plain_procedure_new (plug_in, name, gemini_run_generate);
  gimp_procedure_set_menu_label (procedure, _("_Generate…"));
  gimp_procedure_set_documentation
    (procedure,
     _("Create an image from a text prompt with Gemini"),
     _("Sends the prompt (and any reference drawables, each with a role) "
       "to a Gemini image model (\"Nano Banana\") and opens the answer as "
       "a new image of the model's dimensions; with \"as-layer\" and an "
       "image, adds it to that image as a new layer instead. Several "
       "images (in one answer, or variations) become a layer group named "
       "after the prompt. The image keeps the conversation for Refine. "
       "The API key comes from GEMINI_API_KEY / GOOGLE_API_KEY, the "
       "desktop keyring or Filters > Gemini > API Key…; it is never an "
       "argument."),
     name);

  add_run_mode (procedure);
  gimp_procedure_add_image_argument (procedure, "image",
                                     _("Image"),
                                     _("With as-layer: the image that "
                                       "receives the result (may be none)"),
                                     TRUE, G_PARAM_READWRITE);
  gimp_procedure_add_string_argument (procedure, "prompt",
                                      _("_Prompt"),
                                      _("What to create"),
                                      "", G_PARAM_READWRITE);
  add_model_arguments (procedure, gg_catalogue_default_model ());
  add_answer_arguments (procedure);
  add_reference_arguments (procedure);
  add_dialog_reference (procedure);
  gimp_procedure_add_boolean_argument (procedure, "as-layer",
                                       _("Add as a _layer to this image"),
                                       _("Add the result to \"image\" as a "
                                         "new layer instead of opening a "
                                         "new image"),
                                       FALSE, G_PARAM_READWRITE);

  gimp_procedure_add_image_return_value (procedure, "new-image",
                                         _("New image"),
                                         _("The new image (or \"image\" "
                                           "with as-layer)"),
                                         FALSE, G_PARAM_READWRITE);
  add_result_layer (procedure);

  return procedure;
}

/* Edit and Style Transfer: the same placement, Style Transfer with its
 * style layer or file instead of the references. */
static GimpProcedure *
procedure_edit_like (GimpPlugIn  *plug_in,
                     const gchar *name,
                     gboolean     style)
{
  GimpProcedure *procedure;

  procedure = image_procedure_new (plug_in, name, gemini_run_edit,
                                   GIMP_PROCEDURE_SENSITIVE_DRAWABLE |
                                   GIMP_PROCEDURE_SENSITIVE_DRAWABLES);
  if (style)
    {
      gimp_procedure_set_menu_label (procedure, _("_Style Transfer…"));
      gimp_procedure_set_documentation
        (procedure,
         _("Repaint the layer or the selection in the style of another layer"),
         _("An edit with one reference image of role \"style\": the "
           "\"style\" drawable, from any open image. \"prompt\" may add "
           "words of your own (\"\": a plain style transfer). The result "
           "is placed and masked like an edit."),
         name);
    }
  else
    {
      gimp_procedure_set_menu_label (procedure, _("_Edit…"));
      gimp_procedure_set_documentation
        (procedure,
         _("Edit the layer or the selection with a Gemini prompt"),
         _("Sends the layer (or what is visible), cropped to the "
           "selection's bounds plus some context, to a Gemini image model "
           "and adds the answer as a new layer above it, aligned, "
           "colour-matched and masked by the selection. The layer itself "
           "is never changed. \"references\": drawables of any open image "
           "sent along, with \"reference-roles\" (comma-separated: style, "
           "subject, object, person, composition). aspect-ratio \"\" "
           "(recommended) picks the supported ratio nearest the region; "
           "another ratio is sent as given and the answer is fitted back "
           "onto the region. image-size \"\" picks the size from the "
           "region; otherwise it caps the size asked for. The image keeps "
           "the conversation for Refine."),
         name);
    }

  if (style)
    {
      gimp_procedure_add_drawable_argument (procedure, "style",
                                            _("St_yle from"),
                                            _("The layer (of any open "
                                              "image) whose style is "
                                              "applied"),
                                            TRUE, G_PARAM_READWRITE);
      gimp_procedure_add_file_argument (procedure, "style-file",
                                        _("Or style from a _file"),
                                        _("An image file whose style is "
                                          "applied (used when \"style\" "
                                          "is none)"),
                                        GIMP_FILE_CHOOSER_ACTION_OPEN,
                                        TRUE, NULL, G_PARAM_READWRITE);
    }
  gimp_procedure_add_string_argument (procedure, "prompt",
                                      _("_Prompt"),
                                      style ?
                                      _("Words of your own (\"\": a plain "
                                        "style transfer)") :
                                      _("What should change"),
                                      "", G_PARAM_READWRITE);
  add_model_arguments (procedure, gg_catalogue_default_model ());
  add_context_arguments (procedure);
  add_answer_arguments (procedure);
  if (! style)
    {
      add_reference_arguments (procedure);
      add_dialog_reference (procedure);
    }

  add_result_layer (procedure);

  return procedure;
}

GimpProcedure *
gemini_procedure_edit (GimpPlugIn  *plug_in,
                       const gchar *name)
{
  return procedure_edit_like (plug_in, name, FALSE);
}

GimpProcedure *
gemini_procedure_style (GimpPlugIn  *plug_in,
                        const gchar *name)
{
  return procedure_edit_like (plug_in, name, TRUE);
}

GimpProcedure *
gemini_procedure_refine (GimpPlugIn  *plug_in,
                         const gchar *name)
{
  GimpProcedure *procedure;

  procedure = image_procedure_new (plug_in, name, gemini_run_refine,
                                   GIMP_PROCEDURE_SENSITIVE_DRAWABLE |
                                   GIMP_PROCEDURE_SENSITIVE_DRAWABLES |
                                   GIMP_PROCEDURE_SENSITIVE_NO_DRAWABLES);
  gimp_procedure_set_menu_label (procedure, _("_Refine…"));
  gimp_procedure_set_documentation
    (procedure,
     _("Continue the image's Gemini conversation"),
     _("Sends the image's conversation (the earlier prompts and the "
       "model's answers as received, kept with the image and saved in the "
       ".xcf) followed by the new prompt, and adds the answer as a new "
       "layer where the last edit went, above the selected layer. The "
       "prompt is sent as text only; with \"include-region\" the current "
       "pixels of the region (what is visible there now) go with it, for "
       "when you have painted on the result. model, aspect-ratio and "
       "image-size \"\": those of the conversation. Filters > Gemini > "
       "Start Over forgets the conversation."),
     name);

  gimp_procedure_add_string_argument (procedure, "prompt",
                                      _("_Prompt"),
                                      _("What to change next"),
                                      "", G_PARAM_READWRITE);
  add_model_arguments (procedure, "");
  add_answer_arguments (procedure);
  add_reference_arguments (procedure);
  add_dialog_reference (procedure);
  gimp_procedure_add_boolean_argument (procedure, "include-region",
                                       _("Send the _current pixels too"),
                                       _("Send what the region looks like "
                                         "now along with the prompt"),
                                       FALSE, G_PARAM_READWRITE);
  /* Placed like an edit: the same mask options. */
  add_mask_arguments (procedure);

  add_result_layer (procedure);

  return procedure;
}

GimpProcedure *
gemini_procedure_compose (GimpPlugIn  *plug_in,
                          const gchar *name)
{
  GimpProcedure *procedure;

  procedure = image_procedure_new (plug_in, name, gemini_run_compose,
                                   GIMP_PROCEDURE_SENSITIVE_DRAWABLE |
                                   GIMP_PROCEDURE_SENSITIVE_DRAWABLES);
  gimp_procedure_set_menu_label (procedure, _("_Compose…"));
  gimp_procedure_set_documentation
    (procedure,
     _("Compose a new picture from the selected layers"),
     _("Sends every selected layer as a reference image, each with its "
       "role from \"reference-roles\" (comma-separated: style, subject, "
       "object, person, composition; the last one repeats; default "
       "object), and the prompt saying how to combine them. The answer "
       "becomes a new layer at the top of this image (or, without "
       "\"as-layer\", a new image)."),
     name);

  gimp_procedure_add_string_argument (procedure, "prompt",
                                      _("_Prompt"),
                                      _("How to combine the layers"),
                                      "", G_PARAM_READWRITE);
  gimp_procedure_add_string_argument (procedure, "reference-roles",
                                      _("_Roles"),
                                      _("One per selected layer, "
                                        "comma-separated: style, subject, "
                                        "object, person, composition"),
                                      "", G_PARAM_READWRITE);
  add_reference_file_arguments (procedure);
  /* The selected layers are the reference layers: only a file. */
  add_dialog_reference_file (procedure);
  add_model_arguments (procedure, gg_catalogue_default_model ());
  add_answer_arguments (procedure);
  gimp_procedure_add_boolean_argument (procedure, "as-layer",
                                       _("Add as a _layer to this image"),
                                       _("Add the result to this image "
                                         "instead of opening a new one"),
                                       TRUE, G_PARAM_READWRITE);

  gimp_procedure_add_image_return_value (procedure, "new-image",
                                         _("New image"),
                                         _("The image holding the result"),
                                         FALSE, G_PARAM_READWRITE);
  gimp_procedure_add_layer_return_value (procedure, "new-layer",
                                         _("New layer"),
                                         _("The layer holding the result"),
                                         FALSE, G_PARAM_READWRITE);

  return procedure;
}

GimpProcedure *
gemini_procedure_start_over (GimpPlugIn  *plug_in,
                             const gchar *name)
{
  GimpProcedure *procedure;

  procedure = image_procedure_new (plug_in, name, gemini_run_start_over,
                                   GIMP_PROCEDURE_SENSITIVE_ALWAYS);
  gimp_procedure_set_menu_label (procedure, _("Start _Over"));
  gimp_procedure_set_documentation
    (procedure,
     _("Forget the image's Gemini conversation"),
     _("Removes the conversation kept with the image, so that the next "
       "Refine has nothing to continue (Edit and Generate start a new one "
       "anyway). Undoable."),
     name);

  return procedure;
}

GimpProcedure *
gemini_procedure_set_key (GimpPlugIn  *plug_in,
                          const gchar *name)
{
  GimpProcedure *procedure;

  procedure = plain_procedure_new (plug_in, name, gemini_run_set_key);
  gimp_procedure_set_menu_label (procedure, _("API _Key…"));
  gimp_procedure_set_documentation
    (procedure,
     _("Enter the Gemini API key"),
     _("Asks for the key in a masked entry and stores it in the desktop "
       "keyring, else in a private file in the GIMP profile. Interactive "
       "only: the key is never a procedure argument."),
     name);

  add_run_mode (procedure);

  return procedure;
}

GimpProcedure *
gemini_procedure_forget_key (GimpPlugIn  *plug_in,
                             const gchar *name)
{
  GimpProcedure *procedure;

  procedure = plain_procedure_new (plug_in, name, gemini_run_forget_key);
  gimp_procedure_set_menu_label (procedure, _("_Forget API Key"));
  gimp_procedure_set_documentation
    (procedure,
     _("Forget the stored Gemini API key"),
     _("Removes the key from the desktop keyring and from the GIMP "
       "profile. A key in GEMINI_API_KEY / GOOGLE_API_KEY stays in use."),
     name);

  add_run_mode (procedure);

  return procedure;
}


/* Model, aspect ratio, size and image-only.  All free text, so that
 * scripts can name models newer than the catalogue; "" (or "auto") lets
 * the model, the region planner or (for Refine) the conversation decide. */
static void
add_model_arguments (GimpProcedure *procedure,
                     const gchar   *default_model)
{
  gimp_procedure_add_string_argument (procedure, "model",
                                      _("_Model"),
                                      *default_model ?
                                      _("Gemini model name (free text; "
                                        "\"\": the default)") :
                                      _("Gemini model name (free text; "
                                        "\"\": the conversation's)"),
                                      default_model,
                                      G_PARAM_READWRITE);
  gimp_procedure_add_string_argument (procedure, "aspect-ratio",
                                      _("_Aspect ratio"),
                                      _("\"16:9\", \"1:1\", ... (\"\": auto)"),
                                      "", G_PARAM_READWRITE);
  gimp_procedure_add_string_argument (procedure, "image-size",
                                      _("_Size"),
                                      _("\"1K\", \"2K\", \"4K\" on models that "
                                        "have sizes (\"\": auto)"),
                                      "", G_PARAM_READWRITE);
  gimp_procedure_add_boolean_argument (procedure, "image-only",
                                       _("_Image only"),
                                       _("Ask for an image without any text"),
                                       FALSE, G_PARAM_READWRITE);
}

/* What the answer may hold, and how many answers. */
static void
add_answer_arguments (GimpProcedure *procedure)
{
  gimp_procedure_add_boolean_argument (procedure, "search",
                                       _("Ground with Google _Search"),
                                       _("Let the model look things up; the "
                                         "sources are shown and stored with "
                                         "the result (not with image-only)"),
                                       FALSE, G_PARAM_READWRITE);
  gimp_procedure_add_boolean_argument (procedure, "thought-layers",
                                       _("Keep _thought images"),
                                       _("Add the model's interim thought "
                                         "images as hidden layers in a "
                                         "\"Thoughts\" group"),
                                       FALSE, G_PARAM_READWRITE);
  gimp_procedure_add_int_argument (procedure, "variations",
                                   _("_Variations"),
                                   _("Independent requests sent at once, one "
                                     "layer each in a group (each is billed)"),
                                   1, GG_FRONT_MAX_VARIATIONS, 1,
                                   G_PARAM_READWRITE);
  add_request_arguments (procedure);
}

/* The request's newer options: storage (off: "store": false, so that a
 * project that keeps requests keeps none of this one) and the thinking
 * level of the models that take one. */
static void
add_request_arguments (GimpProcedure *procedure)
{
  gimp_procedure_add_boolean_argument (procedure, "store",
                                       _("Allow Google to _store this request"),
                                       _("Off (the default): the request says "
                                         "\"store\": false, and a project that "
                                         "keeps requests (new paid projects, "
                                         "for up to 55 days) keeps none of "
                                         "this one, its images included"),
                                       FALSE, G_PARAM_READWRITE);
  gimp_procedure_add_choice_argument (procedure, "thinking-level",
                                      _("T_hinking level"),
                                      _("How much the model thinks before "
                                        "drawing, on models that take a "
                                        "level (\"default\": the model's own)"),
                                      gimp_choice_new_with_values
                                        ("default", 0, _("Default"), NULL,
                                         "minimal", 1, _("Minimal"), NULL,
                                         "medium",  2, _("Medium"),   NULL,
                                         "high",    3, _("High"),    NULL,
                                         NULL),
                                      "default", G_PARAM_READWRITE);
}

static void
add_reference_arguments (GimpProcedure *procedure)
{
  gimp_procedure_add_core_object_array_argument (procedure, "references",
                                                 _("Re_ferences"),
                                                 _("Drawables of any open image "
                                                   "sent as reference images"),
                                                 GIMP_TYPE_DRAWABLE,
                                                 /* Empty by default: an
                                                  * empty array validates
                                                  * to NULL, not an error */
                                                 G_PARAM_READWRITE |
                                                 G_PARAM_LAX_VALIDATION |
                                                 GIMP_PARAM_NO_VALIDATE);
  gimp_procedure_add_string_argument (procedure, "reference-roles",
                                      _("Reference _roles"),
                                      _("One role per reference, "
                                        "comma-separated: style, subject, "
                                        "object, person, composition (the "
                                        "last repeats; \"\": object)"),
                                      "", G_PARAM_READWRITE);
  add_reference_file_arguments (procedure);
}

/* Reference images from files.  A GFile argument holds one file and
 * GIMP 3's core object arrays carry only its own objects, so a list of
 * files is, as in GIMP's own procedures (file-glob), strings: paths or
 * URIs. */
static void
add_reference_file_arguments (GimpProcedure *procedure)
{
  gimp_procedure_add_string_array_argument (procedure, "reference-files",
                                            _("Reference _files"),
                                            _("Image files (PNG, JPEG, WebP; "
                                              "paths or URIs) sent as "
                                              "reference images, after the "
                                              "reference layers"),
                                            G_PARAM_READWRITE);
  gimp_procedure_add_string_argument (procedure, "reference-file-roles",
                                      _("Reference file roles"),
                                      _("One role per reference file, "
                                        "comma-separated: style, subject, "
                                        "object, person, composition (the "
                                        "last repeats; \"\": object)"),
                                      "", G_PARAM_READWRITE);
}

static void
add_context_arguments (GimpProcedure *procedure)
{
  GgRegionOptions region;

  gg_region_options_init (&region);

  gimp_procedure_add_int_argument (procedure, "context-px",
                                   _("Context (_pixels)"),
                                   _("Pixels of context sent around the "
                                     "selection"),
                                   0, 4096, region.pad_px,
                                   G_PARAM_READWRITE);
  gimp_procedure_add_int_argument (procedure, "context-pct",
                                   /* xgettext:no-c-format */
                                   _("Context (% of selection si_ze)"),
                                   _("Further context, as a percentage of "
                                     "the selection's size"),
                                   0, 200,
                                   (gint) (region.pad_pct * 100.0 + 0.5),
                                   G_PARAM_READWRITE);
  gimp_procedure_add_choice_argument (procedure, "source",
                                      _("So_urce"),
                                      _("What is sent: the layer's own "
                                        "pixels or everything visible"),
                                      gimp_choice_new_with_values
                                        ("layer",   0, _("Layer"),   NULL,
                                         "visible", 1, _("Visible"), NULL,
                                         NULL),
                                      "layer", G_PARAM_READWRITE);
  add_mask_arguments (procedure);
}

/* How the result is masked: the CLI's names and the engine's defaults
 * (gg_mask_options_init: grow 4 px, feather auto). */
static void
add_mask_arguments (GimpProcedure *procedure)
{
  GgMaskOptions mask;

  gg_mask_options_init (&mask);

  gimp_procedure_add_int_argument (procedure, "grow",
                                   _("_Grow selection (px)"),
                                   _("Pixels the selection grows by before "
                                     "feathering (negative: shrinks); the "
                                     "layer mask is 0 outside the grown "
                                     "selection"),
                                   -1000, 1000, (gint) mask.grow,
                                   G_PARAM_READWRITE);
  gimp_procedure_add_double_argument (procedure, "feather",
                                      _("_Feather (px)"),
                                      /* xgettext:no-c-format */
                                      _("Width of the mask's soft edge, inside "
                                        "the grown selection (0: hard edge; "
                                        "-1: auto, 10 % of the selection's "
                                        "smaller side, 2 to 25 px)"),
                                      GG_MASK_FEATHER_AUTO, 1000.0,
                                      mask.feather, G_PARAM_READWRITE);
  gimp_procedure_add_boolean_argument (procedure, "changed-only",
                                       _("_Changed pixels only"),
                                       _("With nothing selected: mask the new "
                                         "layer to the pixels the model "
                                         "changed, so that what it did not "
                                         "mean to change stays as it was"),
                                       FALSE, G_PARAM_READWRITE);
  gimp_procedure_add_boolean_argument (procedure, "hint",
                                       _("Send the editable area as a _hint"),
                                       _("With a selection: also send an image, "
                                         "white where pixels may change and "
                                         "black elsewhere, with a sentence "
                                         "saying so"),
                                       FALSE, G_PARAM_READWRITE);
}

/* The roles a reference can have, for the dialogs' choices. */
static GimpChoice *
reference_role_choice (void)
{
  /* TRANSLATORS: the roles of a reference image, in a drop-down list */
  return gimp_choice_new_with_values ("style",       0, C_("role", "Style"),
                                      NULL,
                                      "subject",     1, C_("role", "Subject"),
                                      NULL,
                                      "object",      2, C_("role", "Object"),
                                      NULL,
                                      "person",      3, C_("role", "Person"),
                                      NULL,
                                      "composition", 4,
                                      C_("role", "Composition"), NULL,
                                      NULL);
}

/* The dialogs offer one reference layer and one reference file, each with
 * its role (scripts pass any number in "references" and
 * "reference-files"): aux arguments, remembered between runs but not part
 * of the procedure's signature. */
static void
add_dialog_reference (GimpProcedure *procedure)
{
  gimp_procedure_add_drawable_aux_argument (procedure, "dialog-reference",
                                            _("_Reference layer"),
                                            _("A layer of any open image sent "
                                              "along as a reference"),
                                            TRUE, G_PARAM_READWRITE);
  gimp_procedure_add_choice_aux_argument (procedure, "dialog-reference-role",
                                          _("Reference r_ole"),
                                          _("What the reference is for"),
                                          reference_role_choice (),
                                          "style", G_PARAM_READWRITE);
  add_dialog_reference_file (procedure);
}

/* ... the reference file alone (Compose: its layers are the selected ones). */
static void
add_dialog_reference_file (GimpProcedure *procedure)
{
  gimp_procedure_add_file_aux_argument (procedure, "dialog-reference-file",
                                        _("Reference _file"),
                                        _("An image file (PNG, JPEG, WebP) "
                                          "sent along as a reference"),
                                        GIMP_FILE_CHOOSER_ACTION_OPEN,
                                        TRUE, NULL, G_PARAM_READWRITE);
  gimp_procedure_add_choice_aux_argument (procedure,
                                          "dialog-reference-file-role",
                                          _("File ro_le"),
                                          _("What the reference file is for"),
                                          reference_role_choice (),
                                          "subject", G_PARAM_READWRITE);
}

static void
set_attribution (GimpProcedure *procedure)
{
  gimp_procedure_set_attribution (procedure, "gimp-gemini authors",
                                  "gimp-gemini authors", "2025");
}

/* Every procedure's icon: installed beside the binary
 * (plugin/gimp3/CMakeLists.txt). */
void
gemini_procedure_set_icon (GimpProcedure *procedure)
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


/* A procedure that runs without an image too (GIMP still fills "image"
 * from the active display when it has one), always in the menu.  Every
 * procedure is in Filters > Gemini. */
static GimpProcedure *
plain_procedure_new (GimpPlugIn  *plug_in,
                     const gchar *name,
                     GimpRunFunc  run)
{
  GimpProcedure *procedure = gimp_procedure_new (plug_in, name,
                                                 GIMP_PDB_PROC_TYPE_PLUGIN,
                                                 run, NULL, NULL);

  gimp_procedure_set_sensitivity_mask (procedure,
                                       GIMP_PROCEDURE_SENSITIVE_ALWAYS);
  gimp_procedure_add_menu_path (procedure, PLUG_IN_MENU);
  set_attribution (procedure);

  return procedure;
}

/* A procedure of an image, of any type: an indexed one gets a reason
 * instead of a grey menu item. */
static GimpProcedure *
image_procedure_new (GimpPlugIn       *plug_in,
                     const gchar      *name,
                     GimpRunImageFunc  run,
                     gint              sensitivity)
{
  GimpProcedure *procedure = gimp_image_procedure_new (plug_in, name,
                                                       GIMP_PDB_PROC_TYPE_PLUGIN,
                                                       run, NULL, NULL);

  gimp_procedure_set_image_types (procedure, "*");
  gimp_procedure_set_sensitivity_mask (procedure, sensitivity);
  gimp_procedure_add_menu_path (procedure, PLUG_IN_MENU);
  set_attribution (procedure);

  return procedure;
}

static void
add_run_mode (GimpProcedure *procedure)
{
  gimp_procedure_add_enum_argument (procedure, "run-mode",
                                    _("Run mode"), _("The run mode"),
                                    GIMP_TYPE_RUN_MODE,
                                    GIMP_RUN_INTERACTIVE,
                                    G_PARAM_READWRITE);
}

static void
add_result_layer (GimpProcedure *procedure)
{
  gimp_procedure_add_layer_return_value (procedure, "new-layer",
                                         _("New layer"),
                                         _("The layer holding the result "
                                           "(a group when there are several)"),
                                         FALSE, G_PARAM_READWRITE);
}
