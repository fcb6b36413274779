/* gimp-gemini: Gemini image models ("Nano Banana") in GIMP 3.
 *
 * gemini.c: registration of the procedures and their run functions.  The
 * steps every run shares (options, requests, sending, the end of a run)
 * live in gemini-run.c, the dialogs in gemini-dialog.c, pixel I/O in
 * gemini-pixels.c, the key in gemini-key.c, the network calls in
 * gemini-worker.c, reference images in gemini-references.c, the image's
 * conversation in gemini-conversation.c and the layers made from an answer
 * in gemini-result.c; the engine (request, region planning, placement) is
 * common/.
 *
 * The image is only touched once every paid answer has been decoded and
 * placed, inside one undo group, so that a failure or a cancel leaves it
 * exactly as it was.
 */

#include <string.h>

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include "gg-catalogue.h"
#include "gg-client.h"
#include "gg-conversation.h"
#include "gg-error.h"
#include "gg-front.h"
#include "gg-front-models.h"
#include "gg-image.h"
#include "gg-mask.h"
#include "gg-prompt.h"
#include "gg-region.h"
#include "gg-request.h"
#include "gg-response.h"

#include "gemini.h"
#include "gemini-conversation.h"
#include "gemini-dialog.h"
#include "gemini-intl.h"
#include "gemini-key.h"
#include "gemini-pixels.h"
#include "gemini-references.h"
#include "gemini-result.h"
#include "gemini-run.h"


/* Refine with the whole canvas (a conversation that started from a
 * generation): the canvas sent is at most this large on its longer side. */
#define REFINE_MAX_SIDE   2048

/* Style transfer with no words of the user's own. */
#define STYLE_DEFAULT_PROMPT \
  "Repaint this image in the style of the reference image, keeping its content"


/* How an edit's result is masked (the procedures' "grow", "feather",
 * "changed-only" and "hint"; the CLI's --grow, --feather and --hint). */
typedef struct
{
  gint     grow;          /* px the selection grows by (negative: shrinks) */
  gdouble  feather;       /* px; GG_MASK_FEATHER_AUTO (-1): 10 % of the
                           * selection's smaller side, 2..25 px */
  gboolean changed_only;  /* no selection: mask to the changed pixels */
  gboolean hint;          /* send the editable area as a second image */
} PlaceOptions;

/* What an edit can make before the answer is there, on a thread of its
 * own while the model works: the layer mask from the selection's coverage
 * (a 4K selection's grow and feather) and what placing needs of the
 * original alone (gg_region_place_prepare): a few tenths of a second at
 * 4K that the wait hides (issue 7). */
typedef struct
{
  GgMask             *coverage;    /* owned; NULL: no mask to make */
  GgMaskOptions       options;
  GgMask             *mask;        /* the result, or NULL with error */
  const GgRegionPlan *plan;        /* with original: the prep to make */
  const GgRaster     *original;
  GgPlacePrep        *prep;        /* the result (NULL: placed without) */
  GError             *error;
  GThread            *thread;
} MaskJob;

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
static GimpValueArray * refine_run              (GimpProcedure        *procedure,
                                                 GimpRunMode           run_mode,
                                                 GimpImage            *image,
                                                 GimpDrawable        **drawables,
                                                 GimpProcedureConfig  *config,
                                                 gpointer              run_data);
static GimpValueArray * start_over_run          (GimpProcedure        *procedure,
                                                 GimpRunMode           run_mode,
                                                 GimpImage            *image,
                                                 GimpDrawable        **drawables,
                                                 GimpProcedureConfig  *config,
                                                 gpointer              run_data);
static GimpValueArray * compose_run             (GimpProcedure        *procedure,
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

static gboolean         generate_core           (GeminiOptions        *options,
                                                 GimpImage            *image,
                                                 GimpImage           **new_image,
                                                 GimpLayer           **new_layer,
                                                 GError              **error);
static GimpLayer      * edit_core               (GeminiOptions        *options,
                                                 const PlaceOptions   *place_options,
                                                 GimpImage            *image,
                                                 GimpLayer            *source,
                                                 gboolean              has_selection,
                                                 GgRect                selection,
                                                 GError              **error);
static void             place_options_read      (GimpProcedureConfig  *config,
                                                 PlaceOptions         *options);
static GgMask         * selection_mask          (GimpImage            *image,
                                                 const GgRect         *region,
                                                 const PlaceOptions   *options,
                                                 GgMask              **grown,
                                                 GError              **error);
static GgMask         * selection_coverage      (GimpImage            *image,
                                                 const GgRect         *region,
                                                 GError              **error);
static void             mask_job_start          (MaskJob              *job);
static gboolean         mask_job_finish         (MaskJob              *job,
                                                 GError              **error);
static GBytes         * hint_image              (const GgRegionPlan   *plan,
                                                 const GgMask         *grown,
                                                 GError              **error);

static void             add_model_arguments     (GimpProcedure        *procedure,
                                                 const gchar          *default_model);
static void             add_answer_arguments    (GimpProcedure        *procedure);
static void             add_request_arguments   (GimpProcedure        *procedure);
static void             add_reference_arguments (GimpProcedure        *procedure);
static void             add_reference_file_arguments
                                                (GimpProcedure        *procedure);
static void             add_context_arguments   (GimpProcedure        *procedure);
static void             add_mask_arguments      (GimpProcedure        *procedure);
static void             add_dialog_reference    (GimpProcedure        *procedure);
static void             add_dialog_reference_file (GimpProcedure      *procedure);
static void             set_attribution         (GimpProcedure        *procedure);
static void             set_icon                (GimpProcedure        *procedure);


static GimpValueArray * run_failed              (GimpProcedure        *procedure,
                                                 GError               *error);
static GimpLayer      * edit_source_layer       (GimpImage            *image,
                                                 GimpDrawable        **drawables,
                                                 gchar               **note,
                                                 GError              **error);
static gboolean         image_selection         (GimpImage            *image,
                                                 GgRect               *selection);
static gboolean         refuse_indexed          (GimpImage            *image,
                                                 GError              **error);


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

/* The problem with the user's catalogue, for the dialogs; NULL: none. */
static gchar *catalogue_problem = NULL;

/* The user's catalogue in the profile, merged over the built-in one once
 * per process (a missing file is none). */
void
gemini_catalogue_load (void)
{
  static gboolean  loaded = FALSE;
  GError          *error  = NULL;

  if (loaded)
    return;
  loaded = TRUE;

  if (! gg_front_catalogue_load (gimp_directory (), &error))
    {
      catalogue_problem = g_strdup (error->message);
      g_printerr ("gimp-gemini: %s\n", error->message);
      g_clear_error (&error);
    }
}

const gchar *
gemini_catalogue_problem (void)
{
  return catalogue_problem;
}

static GList *
gemini_query_procedures (GimpPlugIn *plug_in)
{
  GList *list = NULL;

  list = g_list_append (list, g_strdup (PLUG_IN_PROC_GENERATE));
  list = g_list_append (list, g_strdup (PLUG_IN_PROC_EDIT));
  list = g_list_append (list, g_strdup (PLUG_IN_PROC_REFINE));
  list = g_list_append (list, g_strdup (PLUG_IN_PROC_STYLE));
  list = g_list_append (list, g_strdup (PLUG_IN_PROC_COMPOSE));
  list = g_list_append (list, g_strdup (PLUG_IN_PROC_START_OVER));
  list = g_list_append (list, g_strdup (PLUG_IN_PROC_SET_KEY));
  list = g_list_append (list, g_strdup (PLUG_IN_PROC_FORGET));

  return list;
}

/* The plug-in's strings are in the "gimp-gemini" domain, compiled into
 * locale/ beside the binary (po/CMakeLists.txt installs them there): GIMP
 * binds that domain before it queries or runs a procedure. */
static gboolean
gemini_set_i18n (GimpPlugIn   *plug_in,
                 const gchar  *procedure_name,
                 gchar       **gettext_domain,
                 gchar       **catalog_dir)
{
  *gettext_domain = g_strdup (GETTEXT_PACKAGE);
  *catalog_dir    = g_strdup ("locale");

  return TRUE;
}

static GimpProcedure *
gemini_create_procedure (GimpPlugIn  *plug_in,
                         const gchar *name)
{
  GimpProcedure *procedure = NULL;

  /* Before any default is read: a user's catalogue may name another. */
  gemini_catalogue_load ();

  if (! strcmp (name, PLUG_IN_PROC_GENERATE))
    {
      /* A plain procedure, so that it also runs with no image open; GIMP
       * still fills "image" from the active display when there is one. */
      procedure = gimp_procedure_new (plug_in, name,
                                      GIMP_PDB_PROC_TYPE_PLUGIN,
                                      generate_run, NULL, NULL);

      gimp_procedure_set_sensitivity_mask (procedure,
                                           GIMP_PROCEDURE_SENSITIVE_ALWAYS);
      gimp_procedure_set_menu_label (procedure, _("_Generate…"));
      gimp_procedure_add_menu_path (procedure, PLUG_IN_MENU);
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
      set_attribution (procedure);

      gimp_procedure_add_enum_argument (procedure, "run-mode",
                                        _("Run mode"), _("The run mode"),
                                        GIMP_TYPE_RUN_MODE,
                                        GIMP_RUN_INTERACTIVE,
                                        G_PARAM_READWRITE);
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
      gimp_procedure_add_layer_return_value (procedure, "new-layer",
                                             _("New layer"),
                                             _("The layer holding the result "
                                               "(a group when there are several)"),
                                             FALSE, G_PARAM_READWRITE);
    }
  else if (! strcmp (name, PLUG_IN_PROC_EDIT) ||
           ! strcmp (name, PLUG_IN_PROC_STYLE))
    {
      gboolean style = ! strcmp (name, PLUG_IN_PROC_STYLE);

      procedure = gimp_image_procedure_new (plug_in, name,
                                            GIMP_PDB_PROC_TYPE_PLUGIN,
                                            edit_run, NULL, NULL);

      /* Indexed too, so that the user gets a reason instead of a grey item. */
      gimp_procedure_set_image_types (procedure, "*");
      gimp_procedure_set_sensitivity_mask (procedure,
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
      gimp_procedure_add_menu_path (procedure, PLUG_IN_MENU);
      set_attribution (procedure);

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

      gimp_procedure_add_layer_return_value (procedure, "new-layer",
                                             _("New layer"),
                                             _("The layer holding the result "
                                               "(a group when there are several)"),
                                             FALSE, G_PARAM_READWRITE);
    }
  else if (! strcmp (name, PLUG_IN_PROC_REFINE))
    {
      procedure = gimp_image_procedure_new (plug_in, name,
                                            GIMP_PDB_PROC_TYPE_PLUGIN,
                                            refine_run, NULL, NULL);

      gimp_procedure_set_image_types (procedure, "*");
      gimp_procedure_set_sensitivity_mask (procedure,
                                           GIMP_PROCEDURE_SENSITIVE_DRAWABLE |
                                           GIMP_PROCEDURE_SENSITIVE_DRAWABLES |
                                           GIMP_PROCEDURE_SENSITIVE_NO_DRAWABLES);
      gimp_procedure_set_menu_label (procedure, _("_Refine…"));
      gimp_procedure_add_menu_path (procedure, PLUG_IN_MENU);
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
      set_attribution (procedure);

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

      gimp_procedure_add_layer_return_value (procedure, "new-layer",
                                             _("New layer"),
                                             _("The layer holding the result "
                                               "(a group when there are several)"),
                                             FALSE, G_PARAM_READWRITE);
    }
  else if (! strcmp (name, PLUG_IN_PROC_COMPOSE))
    {
      procedure = gimp_image_procedure_new (plug_in, name,
                                            GIMP_PDB_PROC_TYPE_PLUGIN,
                                            compose_run, NULL, NULL);

      gimp_procedure_set_image_types (procedure, "*");
      gimp_procedure_set_sensitivity_mask (procedure,
                                           GIMP_PROCEDURE_SENSITIVE_DRAWABLE |
                                           GIMP_PROCEDURE_SENSITIVE_DRAWABLES);
      gimp_procedure_set_menu_label (procedure, _("_Compose…"));
      gimp_procedure_add_menu_path (procedure, PLUG_IN_MENU);
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
      set_attribution (procedure);

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
    }
  else if (! strcmp (name, PLUG_IN_PROC_START_OVER))
    {
      procedure = gimp_image_procedure_new (plug_in, name,
                                            GIMP_PDB_PROC_TYPE_PLUGIN,
                                            start_over_run, NULL, NULL);

      gimp_procedure_set_image_types (procedure, "*");
      gimp_procedure_set_sensitivity_mask (procedure,
                                           GIMP_PROCEDURE_SENSITIVE_ALWAYS);
      gimp_procedure_set_menu_label (procedure, _("Start _Over"));
      gimp_procedure_add_menu_path (procedure, PLUG_IN_MENU);
      gimp_procedure_set_documentation
        (procedure,
         _("Forget the image's Gemini conversation"),
         _("Removes the conversation kept with the image, so that the next "
           "Refine has nothing to continue (Edit and Generate start a new one "
           "anyway). Undoable."),
         name);
      set_attribution (procedure);
    }
  else if (! strcmp (name, PLUG_IN_PROC_SET_KEY))
    {
      procedure = gimp_procedure_new (plug_in, name,
                                      GIMP_PDB_PROC_TYPE_PLUGIN,
                                      set_key_run, NULL, NULL);

      gimp_procedure_set_sensitivity_mask (procedure,
                                           GIMP_PROCEDURE_SENSITIVE_ALWAYS);
      gimp_procedure_set_menu_label (procedure, _("API _Key…"));
      gimp_procedure_add_menu_path (procedure, PLUG_IN_MENU);
      gimp_procedure_set_documentation
        (procedure,
         _("Enter the Gemini API key"),
         _("Asks for the key in a masked entry and stores it in the desktop "
           "keyring, else in a private file in the GIMP profile. Interactive "
           "only: the key is never a procedure argument."),
         name);
      set_attribution (procedure);

      gimp_procedure_add_enum_argument (procedure, "run-mode",
                                        _("Run mode"), _("The run mode"),
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
      gimp_procedure_set_menu_label (procedure, _("_Forget API Key"));
      gimp_procedure_add_menu_path (procedure, PLUG_IN_MENU);
      gimp_procedure_set_documentation
        (procedure,
         _("Forget the stored Gemini API key"),
         _("Removes the key from the desktop keyring and from the GIMP "
           "profile. A key in GEMINI_API_KEY / GOOGLE_API_KEY stays in use."),
         name);
      set_attribution (procedure);

      gimp_procedure_add_enum_argument (procedure, "run-mode",
                                        _("Run mode"), _("The run mode"),
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
  GimpRunMode      run_mode;
  GimpImage       *image     = NULL;
  GimpImage       *new_image = NULL;
  GimpLayer       *new_layer = NULL;
  GeminiOptions    options;
  GimpValueArray  *return_vals;
  GError          *error     = NULL;

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

  if (! generate_core (&options, image, &new_image, &new_layer, &error))
    {
      gemini_options_clear (&options);
      g_clear_object (&image);
      return run_failed (procedure, error);
    }

  gemini_options_clear (&options);
  g_clear_object (&image);

  return_vals = gimp_procedure_new_return_values (procedure, GIMP_PDB_SUCCESS,
                                                  NULL);
  GIMP_VALUES_SET_IMAGE (return_vals, 1, new_image);
  GIMP_VALUES_SET_LAYER (return_vals, 2, new_layer);

  return return_vals;
}

static GimpValueArray *
compose_run (GimpProcedure        *procedure,
             GimpRunMode           run_mode,
             GimpImage            *image,
             GimpDrawable        **drawables,
             GimpProcedureConfig  *config,
             gpointer              run_data)
{
  GimpImage      *new_image = NULL;
  GimpLayer      *new_layer = NULL;
  GeminiOptions   options;
  GimpValueArray *return_vals;
  GError         *error = NULL;
  gint            n = 0;

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

  if (! generate_core (&options, image, &new_image, &new_layer, &error))
    {
      gemini_options_clear (&options);
      return run_failed (procedure, error);
    }
  gemini_options_clear (&options);

  return_vals = gimp_procedure_new_return_values (procedure, GIMP_PDB_SUCCESS,
                                                  NULL);
  GIMP_VALUES_SET_IMAGE (return_vals, 1, new_image);
  GIMP_VALUES_SET_LAYER (return_vals, 2, new_layer);

  return return_vals;
}

/* Generate (and Compose): a new image, or a new layer of @image. */
static gboolean
generate_core (GeminiOptions  *options,
               GimpImage      *image,
               GimpImage     **new_image,
               GimpLayer     **new_layer,
               GError        **error)
{
  g_autoptr (GPtrArray)       references = NULL;
  g_autoptr (GPtrArray)       responses  = NULL;
  g_autoptr (GPtrArray)       failures   = NULL;
  g_autoptr (GgConversation)  conversation = NULL;
  GgRequest                  *requests[GEMINI_MAX_VARIATIONS] = { NULL, };
  GgConversationPlace         place      = { 0, };
  GeminiTarget                target     = { 0, };
  GeminiRequestSpec           spec       = { 0, };
  GimpLayer                  *layer      = NULL;
  gint                        i;

  *new_image = NULL;
  *new_layer = NULL;

  if (options->as_layer && ! image)
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           _("\"as-layer\" needs an image to add the layer "
                             "to."));
      return FALSE;
    }
  if (options->as_layer && ! refuse_indexed (image, error))
    return FALSE;

  references = gemini_references_read (options, error);
  if (! references)
    return FALSE;

  spec.model      = gg_front_option (options->model);
  spec.text       = options->prompt;
  spec.ratio      = gg_front_option (options->ratio);
  spec.size       = gg_front_option (options->size);
  spec.references = references;

  for (i = 0; i < options->variations; i++)
    {
      requests[i] = gemini_request_build (options, &spec, error);
      if (! requests[i])
        goto out;
    }

  responses = gemini_ask (options, requests, options->variations,
                         &failures, error);
  if (! responses)
    goto out;

  /* libgimp owns its GimpImage proxies (transfer none): the target is
   * only borrowed, never unreferenced.  Without as-layer (or when the
   * image was closed meanwhile: the result is paid for), a new image. */
  target.image          = (options->as_layer && gimp_image_is_valid (image)) ?
                          image : NULL;
  target.prompt         = options->prompt;
  target.thought_layers = options->thought_layers;

  conversation = gg_conversation_new ();
  place.model  = g_strdup (gg_request_get_model (requests[0]));

  layer = gemini_finish (options, &target, responses, failures, conversation,
                      &place, requests[0], error);
  if (layer)
    {
      *new_image = target.image;
      *new_layer = layer;
    }

out:
  for (i = 0; i < GEMINI_MAX_VARIATIONS; i++)
    g_clear_pointer (&requests[i], gg_request_free);
  gg_conversation_place_clear (&place);

  return layer != NULL;
}

static GimpValueArray *
edit_run (GimpProcedure        *procedure,
          GimpRunMode           run_mode,
          GimpImage            *image,
          GimpDrawable        **drawables,
          GimpProcedureConfig  *config,
          gpointer              run_data)
{
  gboolean          style = ! strcmp (gimp_procedure_get_name (procedure),
                                      PLUG_IN_PROC_STYLE);
  GimpLayer        *source;
  GimpLayer        *layer;
  g_autofree gchar *note = NULL;
  gboolean          has_selection;
  GgRect            selection;
  GeminiOptions     options;
  PlaceOptions      place_options;
  GimpValueArray   *return_vals;
  GError           *error = NULL;

  gemini_time_mark ("call");

  if (! refuse_indexed (image, &error))
    return run_failed (procedure, error);

  source = edit_source_layer (image, drawables, &note, &error);
  if (! source)
    return run_failed (procedure, error);

  has_selection = image_selection (image, &selection);

  if (run_mode == GIMP_RUN_INTERACTIVE)
    {
      g_autofree gchar *what = NULL;
      g_autofree gchar *item_name = gimp_item_get_name (GIMP_ITEM (source));
      gboolean          run;

      gimp_ui_init (PLUG_IN_BINARY);

      if (has_selection)
        what = g_strdup_printf (style ?
                                _("Restyling “%s”: the selection (%d × %d "
                                  "px) and some context around it are "
                                  "sent.") :
                                _("Editing “%s”: the selection (%d × %d px) "
                                  "and some context around it are sent."),
                                item_name, selection.width, selection.height);
      else
        what = g_strdup_printf (style ?
                                _("Restyling “%s”: nothing is selected, so "
                                  "the whole layer is sent.") :
                                _("Editing “%s”: nothing is selected, so the "
                                  "whole layer is sent."),
                                item_name);

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

      if (style)
        run = gemini_style_dialog (procedure, config, note, image, source);
      else
        run = gemini_edit_dialog (procedure, config, note, image, source);

      if (! run)
        return gimp_procedure_new_return_values (procedure, GIMP_PDB_CANCEL,
                                                 NULL);
    }

  gemini_options_read (config, run_mode, &options);
  place_options_read (config, &place_options);

  if (style)
    {
      GimpDrawable *style_drawable = NULL;
      GFile        *style_file     = NULL;

      /* The style is one layer or, failing that, one file. */
      g_object_get (config,
                    "style",      &style_drawable,
                    "style-file", &style_file,
                    NULL);
      if (! style_drawable && ! style_file)
        {
          g_set_error_literal (&error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                               _("Style transfer needs a layer or an image "
                                 "file to take the style from (\"style\" or "
                                 "\"style-file\")."));
          gemini_options_clear (&options);
          return run_failed (procedure, error);
        }

      g_clear_pointer (&options.references, g_free);
      g_clear_pointer (&options.reference_files, g_strfreev);
      g_clear_pointer (&options.roles, g_free);
      g_clear_pointer (&options.file_roles, g_free);
      if (style_drawable)
        {
          options.references    = g_new0 (GimpDrawable *, 2);
          options.references[0] = style_drawable;
          options.roles         = g_strdup ("style");
          /* The proxy is owned by libgimp: drop the reference g_object_get took. */
          g_object_unref (style_drawable);
        }
      else
        {
          options.reference_files    = g_new0 (gchar *, 2);
          options.reference_files[0] = g_file_get_uri (style_file);
          options.file_roles         = g_strdup ("style");
        }
      g_clear_object (&style_file);

      if (! options.prompt || ! *g_strstrip (options.prompt))
        {
          g_free (options.prompt);
          options.prompt = g_strdup (STYLE_DEFAULT_PROMPT);
        }
    }

  layer = edit_core (&options, &place_options, image, source, has_selection,
                     selection, &error);
  gemini_options_clear (&options);

  if (! layer)
    return run_failed (procedure, error);
  gemini_time_mark ("done");

  return_vals = gimp_procedure_new_return_values (procedure, GIMP_PDB_SUCCESS,
                                                  NULL);
  GIMP_VALUES_SET_LAYER (return_vals, 1, layer);

  return return_vals;
}

/* Edit (and Style Transfer): the region around the selection goes out,
 * the answers come back placed over it. */
static GimpLayer *
edit_core (GeminiOptions       *options,
           const PlaceOptions  *place_options,
           GimpImage           *image,
           GimpLayer           *source,
           gboolean             has_selection,
           GgRect               selection,
           GError             **error)
{
  g_autoptr (GPtrArray)       references = NULL;
  g_autoptr (GPtrArray)       responses  = NULL;
  g_autoptr (GPtrArray)       failures   = NULL;
  g_autoptr (GgConversation)  conversation = NULL;
  g_autoptr (GgRaster)        original   = NULL;
  g_autoptr (GgMask)          mask       = NULL;
  g_autoptr (GgMask)          grown      = NULL;
  g_autoptr (GBytes)          encoded    = NULL;
  g_autoptr (GBytes)          hint       = NULL;
  g_autofree gchar           *text       = NULL;
  MaskJob                     mask_job   = { 0, };
  GgRequest                  *requests[GEMINI_MAX_VARIATIONS] = { NULL, };
  GgConversationPlace         place      = { 0, };
  GeminiTarget                target     = { 0, };
  GeminiRequestSpec           spec       = { 0, };
  GgRegionOptions             region_options;
  GgRegionPlan                plan;
  GgRect                      space;
  gint                        origin_x   = 0;
  gint                        origin_y   = 0;
  GimpLayer                  *layer      = NULL;
  gint                        i;

  /* The space the plan works in: the layer's own pixels, or the canvas. */
  if (options->visible)
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

      if (! gg_rect_intersect (&local, &space, &selection))
        {
          g_autofree gchar *item_name = gimp_item_get_name (GIMP_ITEM (source));

          g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                       _("The selection does not touch the layer “%s”: "
                         "select inside it, or select nothing (Select > "
                         "None) to edit the whole layer."), item_name);
          return NULL;
        }

      /* What may change is the grown selection: the region is planned
       * around it, so that its context ring lies outside. */
      if (place_options->grow > 0)
        {
          GgRect grown_bounds = { selection.x - place_options->grow,
                                  selection.y - place_options->grow,
                                  selection.width + 2 * place_options->grow,
                                  selection.height + 2 * place_options->grow };

          gg_rect_intersect (&grown_bounds, &space, &selection);
        }
    }
  else
    {
      selection.x = selection.y = selection.width = selection.height = 0;
    }

  gg_region_options_init (&region_options);
  region_options.pad_px   = options->context_px;
  region_options.pad_pct  = options->context_pct / 100.0;
  region_options.max_size = gg_front_option (options->size);

  if (! gg_region_plan (gg_catalogue_lookup (gg_front_option (options->model) ?
                                             options->model :
                                             gg_catalogue_default_model ()),
                        space.width, space.height,
                        &selection, &region_options, &plan, error))
    return NULL;
  gemini_time_mark ("planned");

  /* The layer mask, from the selection's own coverage over the region:
   * refused (before anything is paid for) when nothing would show.  A
   * shrinking grow is made here; otherwise one pixel at least half
   * selected is enough to know (only a feather far wider than the
   * selection could still hide all: the layer is then added, hidden by
   * its mask), and the mask is made while the model works (mask_job). */
  if (has_selection)
    {
      GgRect canvas = plan.region;

      canvas.x += origin_x;
      canvas.y += origin_y;
      if (place_options->grow < 0)
        {
          mask = selection_mask (image, &canvas, place_options,
                                 place_options->hint ? &grown : NULL, error);
          if (! mask)
            return NULL;
        }
      else
        {
          mask_job.coverage = selection_coverage (image, &canvas, error);
          if (! mask_job.coverage)
            return NULL;
          mask_job.options.grow    = place_options->grow;
          mask_job.options.feather = place_options->feather;
          if (place_options->hint)
            {
              grown = gg_mask_grow (mask_job.coverage, place_options->grow,
                                    error);
              if (! grown)
                goto out;
            }
        }
      if (place_options->hint)
        {
          hint = hint_image (&plan, grown, error);
          if (! hint)
            goto out;
        }
      gemini_time_mark ("mask");
    }

  /* References first: a bad role is refused before any pixel is read. */
  references = gemini_references_read (options, error);
  if (! references)
    goto out;

  if (options->visible)
    original = gemini_pixels_read_visible (image, &plan.region, error);
  else
    original = gemini_pixels_read (GIMP_DRAWABLE (source), &plan.region,
                                   error);
  if (! original)
    goto out;
  gemini_time_mark ("read");

  encoded = gg_front_encode (original, plan.send_width, plan.send_height,
                             error);
  if (! encoded)
    goto out;
  gemini_time_mark ("encoded");

  {
    g_autofree gchar *area = has_selection ? gg_front_selection_area (&plan)
                                           : NULL;

    text = gg_prompt_edit (options->prompt, has_selection, area);
  }

  spec.model      = gg_front_option (options->model);
  spec.text       = text;
  spec.ratio      = gg_front_option (options->ratio) ? options->ratio : plan.ratio;
  spec.size       = plan.size;
  spec.input      = encoded;
  spec.references = references;

  for (i = 0; i < options->variations; i++)
    {
      requests[i] = gemini_request_build (options, &spec, error);
      if (! requests[i])
        goto out;
      /* The request words it (prompts.json, roles.hint). */
      if (hint)
        gg_request_add_image (requests[i], hint, "image/png", GG_ROLE_HINT);
    }
  gemini_time_mark ("built");

  mask_job.plan     = &plan;
  mask_job.original = original;
  mask_job_start (&mask_job);
  responses = gemini_ask (options, requests, options->variations,
                         &failures, error);
  if (responses && ! mask_job_finish (&mask_job, error))
    {
      /* Out of memory, after the answer was paid for: kept for recovery. */
      GgResponse           *first  = g_ptr_array_index (responses, 0);
      g_autoptr (GPtrArray) images = gg_response_images (first);

      gg_front_recovery_error (error, gimp_directory (),
                               images->len ?
                               ((GgPart *) g_ptr_array_index (images, 0))->data :
                               NULL,
                               options->prompt,
                               "The layer mask could not be made");
      goto out;
    }
  if (! responses)
    goto out;
  if (mask_job.mask)
    mask = g_steal_pointer (&mask_job.mask);
  gemini_time_mark ("answered");

  if (! gimp_item_is_valid (GIMP_ITEM (source)))
    source = NULL;

  target.image          = image;
  target.above          = source;
  target.prompt         = options->prompt;
  target.plan           = &plan;
  target.origin_x       = origin_x;
  target.origin_y       = origin_y;
  target.space          = space;
  target.original       = original;
  target.prep           = mask_job.prep;
  target.mask           = mask;
  target.mask_changed   = ! has_selection && place_options->changed_only;
  target.thought_layers = options->thought_layers;

  /* An edit starts a new conversation, placed over this region. */
  conversation = gg_conversation_new ();
  place.model  = g_strdup (gg_request_get_model (requests[0]));
  gg_conversation_place_from_plan (&place, &plan, origin_x, origin_y);
  place.had_selection = has_selection;

  layer = gemini_finish (options, &target, responses, failures, conversation,
                      &place, requests[0], error);

out:
  for (i = 0; i < GEMINI_MAX_VARIATIONS; i++)
    g_clear_pointer (&requests[i], gg_request_free);
  gg_conversation_place_clear (&place);
  mask_job_finish (&mask_job, NULL);
  g_clear_pointer (&mask_job.coverage, gg_mask_free);
  g_clear_pointer (&mask_job.mask, gg_mask_free);
  g_clear_pointer (&mask_job.prep, gg_place_prep_free);

  return layer;
}

static GimpValueArray *
refine_run (GimpProcedure        *procedure,
            GimpRunMode           run_mode,
            GimpImage            *image,
            GimpDrawable        **drawables,
            GimpProcedureConfig  *config,
            gpointer              run_data)
{
  g_autoptr (GgConversation)  conversation = NULL;
  g_autoptr (GPtrArray)       references = NULL;
  g_autoptr (GPtrArray)       responses  = NULL;
  g_autoptr (GPtrArray)       failures   = NULL;
  g_autoptr (GgRaster)        original   = NULL;
  g_autoptr (GgMask)          mask       = NULL;
  g_autoptr (GgMask)          grown      = NULL;
  g_autoptr (GBytes)          encoded    = NULL;
  g_autoptr (GBytes)          hint       = NULL;
  g_autofree gchar           *history    = NULL;
  GgRequest                  *requests[GEMINI_MAX_VARIATIONS] = { NULL, };
  GgConversationPlace         place      = { 0, };
  GeminiTarget                target     = { 0, };
  GeminiRequestSpec           spec       = { 0, };
  GgRegionPlan                plan;
  GgRect                      selection;
  GimpLayer                  *above      = NULL;
  GimpLayer                  *previous   = NULL;
  GimpLayer                  *layer      = NULL;
  GeminiOptions               options    = { 0, };
  PlaceOptions                place_options;
  GimpValueArray             *return_vals;
  GError                     *error      = NULL;
  gboolean                    has_selection;
  gint                        i;

  if (! refuse_indexed (image, &error))
    return run_failed (procedure, error);

  conversation = gemini_conversation_load (image, &place, &error);
  if (! conversation)
    {
      if (! error)
        g_set_error_literal (&error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                             _("This image has no Gemini conversation to "
                               "refine: start one with Filters > Gemini > "
                               "Edit… or Generate…."));
      return run_failed (procedure, error);
    }

  if (run_mode == GIMP_RUN_INTERACTIVE)
    {
      g_autofree gchar *note =
        g_strdup_printf (place.has_region ?
                         /* TRANSLATORS: %u exchanges, %s a model's name */
                         g_dngettext (GETTEXT_PACKAGE,
                                      "Continuing a conversation of %u "
                                      "exchange with %s, placed over the "
                                      "edited region.",
                                      "Continuing a conversation of %u "
                                      "exchanges with %s, placed over the "
                                      "edited region.",
                                      gg_conversation_n_turns (conversation)) :
                         g_dngettext (GETTEXT_PACKAGE,
                                      "Continuing a conversation of %u "
                                      "exchange with %s.",
                                      "Continuing a conversation of %u "
                                      "exchanges with %s.",
                                      gg_conversation_n_turns (conversation)),
                         gg_conversation_n_turns (conversation),
                         place.model ? place.model : _("the default model"));

      gimp_ui_init (PLUG_IN_BINARY);

      if (! gemini_refine_dialog (procedure, config, note))
        {
          gg_conversation_place_clear (&place);
          return gimp_procedure_new_return_values (procedure, GIMP_PDB_CANCEL,
                                                   NULL);
        }
    }

  gemini_options_read (config, run_mode, &options);
  place_options_read (config, &place_options);
  has_selection = image_selection (image, &selection);

  /* The signatures belong to the model that made them: by default the
   * conversation's model, ratio and size. */
  spec.model = gg_front_option (options.model) ? options.model : place.model;
  spec.text  = options.prompt;
  spec.ratio = gg_front_option (options.ratio) ? options.ratio : place.ratio;
  spec.size  = gg_front_option (options.size) ? options.size : place.size;

  history = gg_conversation_contents_json (conversation);
  spec.history = history;

  references = gemini_references_read (&options, &error);
  if (! references)
    goto out;
  spec.references = references;

  if (place.has_region)
    {
      gg_conversation_place_to_plan (&place, &plan);

      /* What is visible over the region now: the ground truth the answer
       * is realigned and colour-matched against. */
      original = gemini_pixels_read_visible (image, &plan.region, &error);
      if (! original)
        goto out;

      /* The selection as it is now, grown and feathered like an edit's. */
      if (has_selection)
        {
          mask = selection_mask (image, &plan.region, &place_options,
                                 place_options.hint ? &grown : NULL,
                                 &error);
          if (! mask)
            goto out;
        }

      if (options.include_region)
        {
          encoded = gg_front_encode (original, plan.send_width,
                                     plan.send_height, &error);
          if (! encoded)
            goto out;
          if (grown)
            {
              hint = hint_image (&plan, grown, &error);
              if (! hint)
                goto out;
            }
        }
    }
  else if (options.include_region)
    {
      GgRect  canvas = { 0, 0, gimp_image_get_width (image),
                         gimp_image_get_height (image) };
      gint    longest = MAX (canvas.width, canvas.height);
      gdouble factor  = longest > REFINE_MAX_SIDE ?
                        (gdouble) REFINE_MAX_SIDE / longest : 1.0;

      original = gemini_pixels_read_visible (image, &canvas, &error);
      if (! original)
        goto out;

      encoded = gg_front_encode (original,
                                 MAX (1, (gint) (canvas.width * factor + 0.5)),
                                 MAX (1, (gint) (canvas.height * factor + 0.5)),
                                 &error);
      if (! encoded)
        goto out;
    }
  spec.input = encoded;

  for (i = 0; i < options.variations; i++)
    {
      requests[i] = gemini_request_build (&options, &spec, &error);
      if (! requests[i])
        goto out;
      if (hint)
        gg_request_add_image (requests[i], hint, "image/png", GG_ROLE_HINT);
    }

  responses = gemini_ask (&options, requests, options.variations,
                         &failures, &error);
  if (! responses)
    goto out;

  /* Above the selected layer; else above the result being refined. */
  if (place.result_tattoo)
    previous = gimp_image_get_layer_by_tattoo (image, place.result_tattoo);
  if (drawables && drawables[0])
    {
      GimpDrawable *drawable = drawables[0];

      if (GIMP_IS_LAYER_MASK (drawable))
        drawable = GIMP_DRAWABLE (gimp_layer_from_mask (GIMP_LAYER_MASK (drawable)));
      if (drawable && GIMP_IS_LAYER (drawable))
        above = GIMP_LAYER (drawable);
    }
  if (! above)
    above = previous;

  target.image          = image;
  target.above          = above;
  target.prompt         = options.prompt;
  target.thought_layers = options.thought_layers;

  if (place.has_region)
    {
      target.plan           = &plan;
      target.space          = place.clip;
      target.original       = original;
      /* The selection as it is now; without one, the changed pixels
       * when asked, else the refined result's mask carries over. */
      target.mask           = mask;
      target.mask_changed   = ! has_selection && place_options.changed_only;
      target.mask_from      = has_selection ? NULL : previous;
    }

  g_free (place.model);
  place.model = g_strdup (gg_request_get_model (requests[0]));

  layer = gemini_finish (&options, &target, responses, failures, conversation,
                      &place, requests[0], &error);

out:
  for (i = 0; i < GEMINI_MAX_VARIATIONS; i++)
    g_clear_pointer (&requests[i], gg_request_free);
  gg_conversation_place_clear (&place);
  gemini_options_clear (&options);

  if (! layer)
    return run_failed (procedure, error);

  return_vals = gimp_procedure_new_return_values (procedure, GIMP_PDB_SUCCESS,
                                                  NULL);
  GIMP_VALUES_SET_LAYER (return_vals, 1, layer);

  return return_vals;
}

static GimpValueArray *
start_over_run (GimpProcedure        *procedure,
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
    gimp_message (_("The stored Gemini API key was removed."));

  return gimp_procedure_new_return_values (procedure, GIMP_PDB_SUCCESS, NULL);
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
                                   1, GEMINI_MAX_VARIATIONS, 1,
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

static void
place_options_read (GimpProcedureConfig *config,
                    PlaceOptions        *options)
{
  GgMaskOptions defaults;

  gg_mask_options_init (&defaults);
  options->grow         = (gint) defaults.grow;
  options->feather      = defaults.feather;
  options->changed_only = FALSE;
  options->hint         = FALSE;

  /* Every procedure that places results has all four. */
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (config), "grow"))
    g_object_get (config,
                  "grow",         &options->grow,
                  "feather",      &options->feather,
                  "changed-only", &options->changed_only,
                  "hint",         &options->hint,
                  NULL);
  if (options->feather < 0)
    options->feather = GG_MASK_FEATHER_AUTO;
}

static gpointer
mask_job_run (gpointer data)
{
  MaskJob *job = data;

  /* Without a prep the answer is placed the long way: never an error. */
  if (job->plan && job->original)
    job->prep = gg_region_place_prepare (job->plan, job->original, NULL);
  if (job->coverage)
    job->mask = gg_mask_from_selection (job->coverage, &job->options,
                                        &job->error);
  return NULL;
}

/* Starts @job on a thread (or runs it here when no thread can be had). */
static void
mask_job_start (MaskJob *job)
{
  job->thread = g_thread_try_new ("gemini-mask", mask_job_run, job, NULL);
  if (! job->thread)
    mask_job_run (job);
}

/* Waits for @job.  FALSE with @error (may be NULL: dropped) when it was
 * started and failed; TRUE otherwise. */
static gboolean
mask_job_finish (MaskJob  *job,
                 GError  **error)
{
  if (job->thread)
    g_thread_join (g_steal_pointer (&job->thread));
  if (job->coverage && ! job->mask && job->error)
    {
      g_propagate_error (error, g_steal_pointer (&job->error));
      return FALSE;
    }
  g_clear_error (&job->error);
  return TRUE;
}

/* The layer mask of an edit of the selection: its coverage over @region
 * (image coordinates), grown and feathered (gg_mask_from_selection), and
 * in @grown (may be NULL) the grown selection alone, for the hint.  NULL
 * with @error when no pixel would show. */
static GgMask *
selection_mask (GimpImage           *image,
                const GgRect        *region,
                const PlaceOptions  *options,
                GgMask             **grown,
                GError             **error)
{
  g_autoptr (GgMask) coverage = NULL;
  g_autoptr (GgMask) mask     = NULL;
  GgMaskOptions      mask_options = { options->grow, options->feather };
  GgRect             bounds;

  coverage = selection_coverage (image, region, error);
  if (! coverage)
    return NULL;

  mask = gg_mask_from_selection (coverage, &mask_options, error);
  if (! mask)
    return NULL;

  if (! gg_mask_bounds (mask, &bounds))
    {
      if (options->grow < 0)
        g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                     _("A grow of %d px shrinks the selection to nothing, "
                       "so nothing of the result would show: shrink it "
                       "less."),
                     options->grow);
      else
        g_set_error_literal (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                             _("No pixel of the selection is even half "
                               "selected, so nothing of the result would "
                               "show: select more (Select > Sharpen makes "
                               "it whole)."));
      return NULL;
    }

  if (grown)
    {
      *grown = gg_mask_grow (coverage, options->grow, error);
      if (! *grown)
        return NULL;
    }

  return g_steal_pointer (&mask);
}

/* The selection's coverage over @region (image coordinates); NULL with
 * @error when no pixel of it is even half selected: neither growing nor
 * feathering (which only works inside the grown selection) would then
 * show anything. */
static GgMask *
selection_coverage (GimpImage     *image,
                    const GgRect  *region,
                    GError       **error)
{
  g_autoptr (GgMask) coverage = gemini_pixels_read_selection (image, region,
                                                              error);
  gsize              n;

  if (! coverage)
    return NULL;

  n = (gsize) coverage->width * coverage->height;
  for (gsize i = 0; i < n; i++)
    if (coverage->data[i] >= 128)
      return g_steal_pointer (&coverage);

  g_set_error_literal (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                       _("No pixel of the selection is even half "
                         "selected, so nothing of the result would show: "
                         "select more (Select > Sharpen makes it whole)."));
  return NULL;
}

/* The hint image: the grown selection, white, at the size of the image
 * sent (gg_mask_hint), as PNG (two colours: tiny at any level). */
static GBytes *
hint_image (const GgRegionPlan  *plan,
            const GgMask        *grown,
            GError             **error)
{
  g_autoptr (GgRaster) picture = gg_mask_hint (plan, grown, error);

  if (! picture)
    return NULL;

  return gg_image_encode_png (picture, 9, error);
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

  /* The last stop before GIMP shows it: no key, whole or in part. */
  gg_error_redact (error, NULL);
  return gimp_procedure_new_return_values (procedure,
                                           GIMP_PDB_EXECUTION_ERROR, error);
}

static gboolean
refuse_indexed (GimpImage  *image,
                GError    **error)
{
  if (gimp_image_get_base_type (image) == GIMP_INDEXED)
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           _("Indexed images are not supported: convert to "
                             "RGB (Image > Mode > RGB)."));
      return FALSE;
    }

  return TRUE;
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
                           _("No layer is selected: select the layer to "
                             "edit."));
      return NULL;
    }

  drawable = drawables[0];

  if (GIMP_IS_LAYER_MASK (drawable))
    drawable = GIMP_DRAWABLE (gimp_layer_from_mask (GIMP_LAYER_MASK (drawable)));

  if (! drawable || ! GIMP_IS_LAYER (drawable))
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           _("Gemini edits layers: select a layer, not a "
                             "channel."));
      return NULL;
    }

  if (n > 1)
    {
      g_autofree gchar *item_name = gimp_item_get_name (GIMP_ITEM (drawable));

      *note = g_strdup_printf (_("%d layers are selected: only the first, "
                                 "“%s”, is edited."), n, item_name);
    }

  return GIMP_LAYER (drawable);
}

/* The selection's bounds in image coordinates; FALSE when nothing is
 * selected. */
static gboolean
image_selection (GimpImage *image,
                 GgRect    *selection)
{
  gboolean has_selection = FALSE;
  gint     x1, y1, x2, y2;

  memset (selection, 0, sizeof *selection);
  gimp_selection_bounds (image, &has_selection, &x1, &y1, &x2, &y2);
  if (has_selection)
    {
      selection->x      = x1;
      selection->y      = y1;
      selection->width  = x2 - x1;
      selection->height = y2 - y1;
    }

  return has_selection;
}


