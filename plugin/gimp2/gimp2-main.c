/* gimp-gemini for GIMP 2.10: the procedures, their arguments and runs.
 *
 * GIMP 2.10's plug-in interface: query () installs each procedure with its
 * positional arguments (run mode first), run () gets them as GimpParam.
 * Behaviour mirrors the GIMP 3 plug-in (plugin/gemini.c, gemini-run.c):
 * the image is only touched once every paid answer has been decoded and
 * placed, inside one undo group, so that a failure or a cancel leaves it
 * exactly as it was; errors come back as the procedure's error message
 * (2.10's convention: status, then one string).
 */

#include <locale.h>
#include <string.h>

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include "gg-catalogue.h"
#include "gg-client.h"
#include "gg-conversation.h"
#include "gg-error.h"
#include "gg-image.h"
#include "gg-keystore.h"
#include "gg-mask.h"
#include "gg-prompt.h"
#include "gg-reference-file.h"
#include "gg-front-models.h"
#include "gg-region.h"
#include "gg-request.h"
#include "gg-response.h"

#include "gimp2.h"
#include "gimp2-form.h"


/* Refine of a conversation that started from a generation: the canvas
 * sent is at most this large on its longer side. */
#define REFINE_MAX_SIDE 2048

typedef enum
{
  KIND_GENERATE,
  KIND_EDIT,
  KIND_STYLE,
  KIND_REFINE,
  KIND_COMPOSE
} Kind;

/* Where each option sits in a procedure's arguments; -1: not there. */
typedef struct
{
  const gchar *name;
  Kind         kind;
  gint         image, drawable, style, prompt, model, ratio, size,
               image_only, context_px, context_pct, source, search,
               thought_layers, variations, n_references, references, roles,
               as_layer, include_region, n_files, files, file_roles,
               style_file, grow, feather, changed_only, hint;
} Layout;

/* The file arguments follow the reference layers' (GIMP 3's order:
 * reference-files and reference-file-roles after reference-roles), a
 * style file follows the style layer. */
static const Layout layouts[] =
{
  { PLUG_IN_PROC_GENERATE, KIND_GENERATE,
    1, -1, -1, 2, 3, 4, 5, 6, -1, -1, -1, 7, 8, 9, 10, 11, 12, 16, -1,
    13, 14, 15, -1, -1, -1, -1, -1 },
  { PLUG_IN_PROC_EDIT, KIND_EDIT,
    1, 2, -1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, -1, -1,
    17, 18, 19, -1, 20, 21, 22, 23 },
  { PLUG_IN_PROC_STYLE, KIND_STYLE,
    1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, -1, -1, -1, -1, -1,
    -1, -1, -1, 4, 16, 17, 18, 19 },
  { PLUG_IN_PROC_REFINE, KIND_REFINE,
    1, 2, -1, 3, 4, 5, 6, 7, -1, -1, -1, 8, 9, 10, 11, 12, 13, -1, 17,
    14, 15, 16, -1, 18, 19, 20, 21 },
  { PLUG_IN_PROC_COMPOSE, KIND_COMPOSE,
    1, 2, -1, 3, 10, 11, 12, 13, -1, -1, -1, 14, 15, 16, 4, 5, 6, 17, -1,
    7, 8, 9, -1, -1, -1, -1, -1 },
};


static void        query            (void);
static void        run              (const gchar      *name,
                                     gint              nparams,
                                     const GimpParam  *param,
                                     gint             *nreturn_vals,
                                     GimpParam       **return_vals);

const GimpPlugInInfo PLUG_IN_INFO =
{
  NULL,
  NULL,
  query,
  run,
};

/* The plug-in's strings are in the "gimp-gemini" domain, compiled into
 * locale/ beside the binary (plugin/gimp2/CMakeLists.txt puts them there,
 * as GIMP 3's plug-in has them): GIMP 2.10 runs a plug-in by its full
 * path, so that folder is found from argv[0]. */
static gchar *locale_dir = NULL;

gchar *gimp2_catalogue_problem = NULL;

int
main (int   argc,
      char *argv[])
{
  g_autofree gchar *folder = g_path_get_dirname (argc > 0 ? argv[0] : ".");

  locale_dir = g_build_filename (folder, "locale", NULL);
  /* Only the messages (and their encoding) follow the user's locale:
   * numbers keep their C form in JSON and in the PDB. */
  setlocale (LC_CTYPE, "");
  setlocale (LC_MESSAGES, "");
  bindtextdomain (GETTEXT_PACKAGE, locale_dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  return gimp_main (&PLUG_IN_INFO, argc, argv);
}


/* --- registration --------------------------------------------------------- */

#define ARG_RUN_MODE \
  { GIMP_PDB_INT32, "run-mode", "The run mode { RUN-INTERACTIVE (0), RUN-NONINTERACTIVE (1), RUN-WITH-LAST-VALS (2) }" }
#define ARG_IMAGE(blurb)    { GIMP_PDB_IMAGE, "image", blurb }
#define ARG_DRAWABLE(blurb) { GIMP_PDB_DRAWABLE, "drawable", blurb }
#define ARG_PROMPT(blurb)   { GIMP_PDB_STRING, "prompt", blurb }
#define ARGS_MODEL(model_blurb) \
  { GIMP_PDB_STRING, "model", model_blurb }, \
  { GIMP_PDB_STRING, "aspect-ratio", "\"16:9\", \"1:1\", ... (\"\": auto)" }, \
  { GIMP_PDB_STRING, "image-size", "\"1K\", \"2K\", \"4K\" on models that have sizes (\"\": auto)" }, \
  { GIMP_PDB_INT32, "image-only", "Ask for an image without any text (TRUE, FALSE)" }
#define ARGS_CONTEXT \
  { GIMP_PDB_INT32, "context-px", "Pixels of context sent around the selection (0-4096)" }, \
  { GIMP_PDB_INT32, "context-pct", "Further context, as a percentage of the selection's size (0-200)" }, \
  { GIMP_PDB_INT32, "source", "What is sent: 0 the layer's own pixels, 1 everything visible" }
#define ARGS_ANSWER \
  { GIMP_PDB_INT32, "search", "Ground with Google Search (TRUE, FALSE); the sources are shown and stored with the result" }, \
  { GIMP_PDB_INT32, "thought-layers", "Add the model's interim thought images as hidden layers in a \"Thoughts\" group (TRUE, FALSE)" }, \
  { GIMP_PDB_INT32, "variations", "Independent requests sent at once, one layer each in a group (1-4; each is billed)" }
#define ARGS_REFERENCES \
  { GIMP_PDB_INT32, "num-references", "The number of reference drawables" }, \
  { GIMP_PDB_INT32ARRAY, "references", "Drawables of any open image sent as reference images" }, \
  { GIMP_PDB_STRING, "reference-roles", "One role per reference, comma-separated: style, subject, object, person, composition (the last repeats; \"\": object)" }, \
  ARGS_REFERENCE_FILES
#define ARGS_REFERENCE_FILES \
  { GIMP_PDB_INT32, "num-reference-files", "The number of reference files" }, \
  { GIMP_PDB_STRINGARRAY, "reference-files", "Image files (PNG, JPEG, WebP; paths or URIs) sent as reference images, after the reference drawables" }, \
  { GIMP_PDB_STRING, "reference-file-roles", "One role per reference file, comma-separated: style, subject, object, person, composition (the last repeats; \"\": object)" }
/* How the result is masked, last (GIMP 3's "grow", "feather",
 * "changed-only" and "hint"; the engine's defaults: 4, -1, FALSE, FALSE). */
#define ARGS_MASK \
  { GIMP_PDB_INT32, "grow", "Pixels the selection grows by before feathering (negative: shrinks); the layer mask is 0 outside the grown selection (default 4)" }, \
  { GIMP_PDB_FLOAT, "feather", "Width of the mask's soft edge, inside the grown selection (0: hard edge; -1: auto, 10 % of the selection's smaller side, 2 to 25 px)" }, \
  { GIMP_PDB_INT32, "changed-only", "With nothing selected: mask the new layer to the pixels the model changed (TRUE, FALSE)" }, \
  { GIMP_PDB_INT32, "hint", "With a selection: also send an image, white where pixels may change and black elsewhere (TRUE, FALSE)" }

static void
query (void)
{
  static const GimpParamDef generate_args[] =
  {
    ARG_RUN_MODE,
    ARG_IMAGE ("With as-layer: the image that receives the result (may be -1)"),
    ARG_PROMPT ("What to create"),
    ARGS_MODEL ("Gemini model name (free text; \"\": the default)"),
    ARGS_ANSWER,
    ARGS_REFERENCES,
    { GIMP_PDB_INT32, "as-layer", "Add the result to \"image\" as a new layer instead of opening a new image (TRUE, FALSE)" },
  };
  static const GimpParamDef generate_return[] =
  {
    { GIMP_PDB_IMAGE, "new-image", "The new image (or \"image\" with as-layer)" },
    { GIMP_PDB_LAYER, "new-layer", "The layer holding the result (a group when there are several)" },
  };
  static const GimpParamDef edit_args[] =
  {
    ARG_RUN_MODE,
    ARG_IMAGE ("The image"),
    ARG_DRAWABLE ("The layer to edit (its mask stands for it)"),
    ARG_PROMPT ("What should change"),
    ARGS_MODEL ("Gemini model name (free text; \"\": the default)"),
    ARGS_CONTEXT,
    ARGS_ANSWER,
    ARGS_REFERENCES,
    ARGS_MASK,
  };
  static const GimpParamDef style_args[] =
  {
    ARG_RUN_MODE,
    ARG_IMAGE ("The image"),
    ARG_DRAWABLE ("The layer to restyle"),
    { GIMP_PDB_DRAWABLE, "style", "The layer (of any open image) whose style is applied (-1: \"style-file\")" },
    { GIMP_PDB_STRING, "style-file", "An image file (path or URI) whose style is applied, when \"style\" is -1" },
    ARG_PROMPT ("Words of your own (\"\": a plain style transfer)"),
    ARGS_MODEL ("Gemini model name (free text; \"\": the default)"),
    ARGS_CONTEXT,
    ARGS_ANSWER,
    ARGS_MASK,
  };
  static const GimpParamDef refine_args[] =
  {
    ARG_RUN_MODE,
    ARG_IMAGE ("The image whose conversation continues"),
    ARG_DRAWABLE ("The result goes above this layer (-1: above the result refined)"),
    ARG_PROMPT ("What to change next"),
    ARGS_MODEL ("Gemini model name (free text; \"\": the conversation's)"),
    ARGS_ANSWER,
    ARGS_REFERENCES,
    { GIMP_PDB_INT32, "include-region", "Send what the region looks like now along with the prompt (TRUE, FALSE)" },
    ARGS_MASK,
  };
  static const GimpParamDef compose_args[] =
  {
    ARG_RUN_MODE,
    ARG_IMAGE ("The image (with as-layer, it receives the result)"),
    ARG_DRAWABLE ("The active layer: with num-references 0, it and the layers linked to it are combined"),
    ARG_PROMPT ("How to combine the layers"),
    { GIMP_PDB_INT32, "num-references", "The number of layers to combine (0: the drawable and the layers linked to it)" },
    { GIMP_PDB_INT32ARRAY, "references", "The layers (of any open image) to combine" },
    { GIMP_PDB_STRING, "reference-roles", "One role per layer, comma-separated: style, subject, object, person, composition (the last repeats; \"\": object)" },
    ARGS_REFERENCE_FILES,
    ARGS_MODEL ("Gemini model name (free text; \"\": the default)"),
    ARGS_ANSWER,
    { GIMP_PDB_INT32, "as-layer", "Add the result to \"image\" as a new layer instead of opening a new image (TRUE, FALSE)" },
  };
  static const GimpParamDef layer_return[] =
  {
    { GIMP_PDB_LAYER, "new-layer", "The layer holding the result (a group when there are several)" },
  };
  static const GimpParamDef image_args[] =
  {
    ARG_RUN_MODE,
    ARG_IMAGE ("The image"),
    ARG_DRAWABLE ("Unused"),
  };
  static const GimpParamDef mode_args[] =
  {
    ARG_RUN_MODE,
  };
  static const GimpParamDef options_args[] =
  {
    ARG_RUN_MODE,
    { GIMP_PDB_INT32, "store", "Allow Google to store the requests (TRUE, FALSE; FALSE, the default: each request says \"store\": false, and a project that keeps requests keeps none of them, their images included)" },
    { GIMP_PDB_STRING, "thinking-level", "How much the model thinks before drawing, on models that take a level: \"minimal\", \"medium\", \"high\" (\"\": the model's own)" },
  };
  const gchar *author = "gimp-gemini authors";
  const gchar *date   = "2025";

  /* GIMP translates the menu labels and blurbs in this domain. */
  gimp_plugin_domain_register (GETTEXT_PACKAGE, locale_dir);

  gimp_install_procedure
    (PLUG_IN_PROC_GENERATE,
     N_("Create an image from a text prompt with Gemini"),
     N_("Sends the prompt (and any reference drawables, each with a role) to a "
     "Gemini image model (\"Nano Banana\") and opens the answer as a new "
     "image of the model's dimensions; with \"as-layer\" and an image, adds "
     "it to that image as a new layer instead. \"reference-files\": image "
     "files sent along, each with its role. Several images (in one "
     "answer, or variations) become a layer group named after the prompt. "
     "The image keeps the conversation for Refine. The API key comes from "
     "GEMINI_API_KEY / GOOGLE_API_KEY, the desktop keyring or Filters > "
     "Gemini > API Key…; it is never an argument."),
     author, author, date, N_("_Generate…"), "",
     GIMP_PLUGIN, G_N_ELEMENTS (generate_args), G_N_ELEMENTS (generate_return),
     generate_args, generate_return);

  gimp_install_procedure
    (PLUG_IN_PROC_EDIT,
     N_("Edit the layer or the selection with a Gemini prompt"),
     N_("Sends the layer (or what is visible), cropped to the selection's "
     "bounds plus some context, to a Gemini image model and adds the answer "
     "as a new layer above it, aligned, colour-matched and masked by the "
     "selection. The layer itself is never changed. \"references\": "
     "drawables of any open image sent along, with \"reference-roles\"; "
     "\"reference-files\": image files, with \"reference-file-roles\". "
     "aspect-ratio \"\" (recommended) picks the supported ratio nearest the "
     "region; image-size \"\" picks the size from the region. The image "
     "keeps the conversation for Refine."),
     author, author, date, N_("_Edit…"), "*",
     GIMP_PLUGIN, G_N_ELEMENTS (edit_args), G_N_ELEMENTS (layer_return),
     edit_args, layer_return);

  gimp_install_procedure
    (PLUG_IN_PROC_STYLE,
     N_("Repaint the layer or the selection in the style of another layer"),
     N_("An edit with one reference image of role \"style\": the \"style\" "
     "drawable, from any open image, or else the \"style-file\" image "
     "file. \"prompt\" may add words of your own. "
     "The result is placed and masked like an edit."),
     author, author, date, N_("_Style Transfer…"), "*",
     GIMP_PLUGIN, G_N_ELEMENTS (style_args), G_N_ELEMENTS (layer_return),
     style_args, layer_return);

  gimp_install_procedure
    (PLUG_IN_PROC_REFINE,
     N_("Continue the image's Gemini conversation"),
     N_("Sends the image's conversation (the earlier prompts and the model's "
     "answers as received, kept with the image and saved in the .xcf) "
     "followed by the new prompt, and adds the answer as a new layer where "
     "the last edit went. With \"include-region\" the current pixels of the "
     "region go with it. model, aspect-ratio and image-size \"\": those of "
     "the conversation. The conversation is the same as GIMP 3's: an .xcf "
     "refines in either version."),
     author, author, date, N_("_Refine…"), "*",
     GIMP_PLUGIN, G_N_ELEMENTS (refine_args), G_N_ELEMENTS (layer_return),
     refine_args, layer_return);

  gimp_install_procedure
    (PLUG_IN_PROC_COMPOSE,
     N_("Compose a new picture from several layers"),
     N_("Sends the layers as reference images, each with its role from "
     "\"reference-roles\" (comma-separated: style, subject, object, person, "
     "composition; the last one repeats; default object), and any "
     "\"reference-files\" after them, with the prompt saying how to combine "
     "them. GIMP 2.10 gives a plug-in one layer: from the menu (and with "
     "num-references 0) the active layer and the layers linked to it (the "
     "chain in the Layers dialog) are combined. The answer becomes a new "
     "layer at the top of this image (or, without \"as-layer\", a new "
     "image)."),
     author, author, date, N_("_Compose…"), "*",
     GIMP_PLUGIN, G_N_ELEMENTS (compose_args), G_N_ELEMENTS (generate_return),
     compose_args, generate_return);

  gimp_install_procedure
    (PLUG_IN_PROC_START_OVER,
     N_("Forget the image's Gemini conversation"),
     N_("Removes the conversation kept with the image, so that the next Refine "
     "has nothing to continue. Undoable."),
     author, author, date, N_("Start _Over"), "*",
     GIMP_PLUGIN, G_N_ELEMENTS (image_args), 0, image_args, NULL);

  gimp_install_procedure
    (PLUG_IN_PROC_SET_KEY,
     N_("Enter the Gemini API key"),
     N_("Asks for the key in a masked entry and stores it in the desktop "
     "keyring, else in a private file in the GIMP profile. Interactive "
     "only: the key is never a procedure argument."),
     author, author, date, N_("API _Key…"), "",
     GIMP_PLUGIN, G_N_ELEMENTS (mode_args), 0, mode_args, NULL);

  gimp_install_procedure
    (PLUG_IN_PROC_FORGET,
     N_("Forget the stored Gemini API key"),
     N_("Removes the key from the desktop keyring and from the GIMP profile. A "
     "key in GEMINI_API_KEY / GOOGLE_API_KEY stays in use."),
     author, author, date, N_("_Forget API Key"), "",
     GIMP_PLUGIN, G_N_ELEMENTS (mode_args), 0, mode_args, NULL);

  /* GIMP 2.10's Script-Fu and Python-Fu refuse a call with fewer
   * arguments than the procedure has: new arguments on Generate, Edit, ...
   * would break every script written before.  The newer request options
   * are set here instead, for the scripts' later runs in this session. */
  gimp_install_procedure
    (PLUG_IN_PROC_OPTIONS,
     N_("Set the request options of later Gemini scripts"),
     N_("For the non-interactive runs of Generate, Edit, Style Transfer, "
     "Refine and Compose that follow in this GIMP session: \"store\" TRUE "
     "allows Google to keep the requests (FALSE, the default, sends "
     "\"store\": false); \"thinking-level\" \"minimal\", \"medium\" or "
     "\"high\" on models that take a level (\"\": the model's own). The "
     "dialogs have their own choice, under Advanced."),
     author, author, date, NULL, "",
     GIMP_PLUGIN, G_N_ELEMENTS (options_args), 0, options_args, NULL);

  gimp_plugin_menu_register (PLUG_IN_PROC_GENERATE,   PLUG_IN_MENU);
  gimp_plugin_menu_register (PLUG_IN_PROC_EDIT,       PLUG_IN_MENU);
  gimp_plugin_menu_register (PLUG_IN_PROC_STYLE,      PLUG_IN_MENU);
  gimp_plugin_menu_register (PLUG_IN_PROC_REFINE,     PLUG_IN_MENU);
  gimp_plugin_menu_register (PLUG_IN_PROC_COMPOSE,    PLUG_IN_MENU);
  gimp_plugin_menu_register (PLUG_IN_PROC_START_OVER, PLUG_IN_MENU);
  gimp_plugin_menu_register (PLUG_IN_PROC_SET_KEY,    PLUG_IN_MENU);
  gimp_plugin_menu_register (PLUG_IN_PROC_FORGET,     PLUG_IN_MENU);
}


/* --- options -------------------------------------------------------------- */

/* What plug-in-gemini-set-request-options set in this session. */
typedef struct
{
  gint32 store;
  gchar  thinking[16];
} RequestOptions;

static void
request_options_load (Gimp2Values *values)
{
  RequestOptions options = { 0, "" };

  if (gimp_get_data_size (PLUG_IN_PROC_OPTIONS) == (gint) sizeof options)
    gimp_get_data (PLUG_IN_PROC_OPTIONS, &options);
  options.thinking[sizeof options.thinking - 1] = '\0';
  values->store = options.store != 0;
  g_strlcpy (values->thinking, options.thinking, sizeof values->thinking);
}

static void
values_init (Gimp2Values *values,
             Kind         kind)
{
  GgRegionOptions region;
  GgMaskOptions   mask;

  gg_region_options_init (&region);
  gg_mask_options_init (&mask);
  memset (values, 0, sizeof *values);
  values->version     = GIMP2_VALUES_VERSION;
  /* Refine follows the conversation's model unless told otherwise. */
  if (kind != KIND_REFINE)
    g_strlcpy (values->model, gg_catalogue_default_model (),
               sizeof values->model);
  values->variations  = 1;
  values->context_px  = region.pad_px;
  values->context_pct = (gint) (region.pad_pct * 100.0 + 0.5);
  values->reference   = -1;
  values->file_role   = 2;     /* object */
  /* Compose adds to the image it was started from, as in GIMP 3. */
  values->as_layer    = kind == KIND_COMPOSE;
  values->grow        = (gint32) mask.grow;
  values->feather     = mask.feather;
}

/* The last values of @name, when there are any of this version. */
static void
values_load (const gchar *name,
             Gimp2Values *values)
{
  Gimp2Values stored = *values;
  gint        size   = gimp_get_data_size (name);
  gint32      wanted = GIMP2_VALUES_VERSION;

  /* Version 3 (before "store" and "thinking") holds the first fields of
   * today's: they are read, the new ones keep their defaults. */
  if (size == (gint) G_STRUCT_OFFSET (Gimp2Values, store))
    wanted = 3;
  else if (size != (gint) sizeof stored)
    return;

  gimp_get_data (name, &stored);
  if (stored.version != wanted)
    return;

  stored.version = GIMP2_VALUES_VERSION;
  stored.prompt[sizeof stored.prompt - 1]     = '\0';
  stored.model[sizeof stored.model - 1]       = '\0';
  stored.ratio[sizeof stored.ratio - 1]       = '\0';
  stored.size[sizeof stored.size - 1]         = '\0';
  stored.file[sizeof stored.file - 1]         = '\0';
  stored.roles[sizeof stored.roles - 1]       = '\0';
  stored.thinking[sizeof stored.thinking - 1] = '\0';
  *values = stored;
}

static const gchar *
string_arg (const GimpParam *param,
            gint             nparams,
            gint             index)
{
  if (index < 0 || index >= nparams || ! param[index].data.d_string)
    return "";

  return param[index].data.d_string;
}

static gint32
int_arg (const GimpParam *param,
         gint             nparams,
         gint             index,
         gint32           fallback)
{
  if (index < 0 || index >= nparams)
    return fallback;

  return param[index].data.d_int32;
}

static gdouble
float_arg (const GimpParam *param,
           gint             nparams,
           gint             index,
           gdouble          fallback)
{
  if (index < 0 || index >= nparams)
    return fallback;

  return param[index].data.d_float;
}

/* Non-interactive runs: the arguments as given. */
static void
options_from_args (const Layout    *layout,
                   gint             nparams,
                   const GimpParam *param,
                   Gimp2Options    *options)
{
  Gimp2Values *v = &options->values;
  gint         n;

  g_free (options->prompt);
  options->prompt = g_strdup (string_arg (param, nparams, layout->prompt));
  g_strlcpy (v->model, string_arg (param, nparams, layout->model), sizeof v->model);
  g_strlcpy (v->ratio, string_arg (param, nparams, layout->ratio), sizeof v->ratio);
  g_strlcpy (v->size,  string_arg (param, nparams, layout->size),  sizeof v->size);
  v->image_only     = int_arg (param, nparams, layout->image_only, 0);
  v->context_px     = CLAMP (int_arg (param, nparams, layout->context_px, v->context_px), 0, 4096);
  v->context_pct    = CLAMP (int_arg (param, nparams, layout->context_pct, v->context_pct), 0, 200);
  v->visible        = int_arg (param, nparams, layout->source, 0) == 1;
  v->search         = int_arg (param, nparams, layout->search, 0);
  v->thought_layers = int_arg (param, nparams, layout->thought_layers, 0);
  v->variations     = int_arg (param, nparams, layout->variations, 1);
  v->as_layer       = int_arg (param, nparams, layout->as_layer, 0);
  v->include_region = int_arg (param, nparams, layout->include_region, 0);
  v->grow           = CLAMP (int_arg (param, nparams, layout->grow, v->grow),
                             -1000, 1000);
  v->feather        = MIN (float_arg (param, nparams, layout->feather,
                                      v->feather), 1000.0);
  if (v->feather < 0)
    v->feather = GG_MASK_FEATHER_AUTO;
  v->changed_only   = int_arg (param, nparams, layout->changed_only, 0);
  v->hint           = int_arg (param, nparams, layout->hint, 0);
  request_options_load (v);

  n = int_arg (param, nparams, layout->n_references, 0);
  if (n > 0 && layout->references >= 0 && layout->references < nparams &&
      param[layout->references].data.d_int32array)
    {
      options->references   = g_memdup2 (param[layout->references].data.d_int32array,
                                         n * sizeof (gint32));
      options->n_references = n;
    }
  g_free (options->roles);
  options->roles = g_strdup (string_arg (param, nparams, layout->roles));

  /* A string array comes with its count just before it. */
  n = int_arg (param, nparams, layout->n_files, 0);
  g_clear_pointer (&options->files, g_strfreev);
  if (n > 0 && layout->files >= 0 && layout->files < nparams &&
      param[layout->files].data.d_stringarray)
    {
      gint i;

      options->files = g_new0 (gchar *, n + 1);
      for (i = 0; i < n; i++)
        options->files[i] = g_strdup (param[layout->files].data.d_stringarray[i] ?
                                      param[layout->files].data.d_stringarray[i] :
                                      "");
    }
  g_free (options->file_roles);
  options->file_roles = g_strdup (string_arg (param, nparams, layout->file_roles));

  options->style = int_arg (param, nparams, layout->style, -1);
  g_free (options->style_file);
  options->style_file = g_strdup (string_arg (param, nparams, layout->style_file));
}

/* Interactive and last-values runs: the dialog's one reference layer. */
static void
options_from_values (Gimp2Options *options)
{
  Gimp2Values *v = &options->values;

  g_free (options->prompt);
  options->prompt = g_strdup (v->prompt);
  g_clear_pointer (&options->references, g_free);
  options->n_references = 0;
  g_clear_pointer (&options->roles, g_free);
  g_clear_pointer (&options->files, g_strfreev);
  g_clear_pointer (&options->file_roles, g_free);
  g_clear_pointer (&options->style_file, g_free);

  if (v->reference > 0 && gimp_item_is_valid (v->reference))
    {
      options->references    = g_new (gint32, 1);
      options->references[0] = v->reference;
      options->n_references  = 1;
      options->roles = g_strdup (gimp2_roles[CLAMP (v->reference_role, 0, 4)]);
    }
  if (v->use_file && *v->file)
    {
      /* Style Transfer: the style file; elsewhere a reference file. */
      options->style_file = g_strdup (v->file);
      options->files      = g_new0 (gchar *, 2);
      options->files[0]   = g_strdup (v->file);
      options->file_roles = g_strdup (gimp2_roles[CLAMP (v->file_role, 0, 4)]);
    }
}

static void
options_clear (Gimp2Options *options)
{
  g_clear_pointer (&options->prompt, g_free);
  g_clear_pointer (&options->references, g_free);
  g_clear_pointer (&options->roles, g_free);
  g_clear_pointer (&options->files, g_strfreev);
  g_clear_pointer (&options->file_roles, g_free);
  g_clear_pointer (&options->style_file, g_free);
}


/* --- shared steps ------------------------------------------------------- */

static void
key_free (gchar *key)
{
  /* Wiped so that a later crash dump does not carry it. */
  if (key)
    {
      memset (key, 0, strlen (key));
      g_free (key);
    }
}

static gchar *
key_ask_and_store (GError **error)
{
  gboolean  remember = TRUE;
  gchar    *key      = gimp2_key_dialog (&remember);

  if (! key)
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_CANCELLED,
                           _("No API key was entered."));
      return NULL;
    }

  if (remember)
    {
      GgKeySource where      = GG_KEY_SOURCE_NONE;
      GError     *save_error = NULL;

      /* A key that cannot be stored still serves this run. */
      if (! gg_keystore_save (gimp_directory (), key, &where, &save_error))
        {
          gimp_message (save_error->message);
          g_clear_error (&save_error);
        }
    }

  return key;
}

/* The key for this run, from the same keystore as GIMP 3's, in the 2.10
 * profile; interactive runs without one ask. */
static gchar *
key_get (GimpRunMode   run_mode,
         GError      **error)
{
  g_autofree gchar *warning = NULL;
  GgKeySource       source  = GG_KEY_SOURCE_NONE;
  gchar            *key;

  key = gg_keystore_load (gimp_directory (), &source, &warning, error);

  if (warning && run_mode == GIMP_RUN_INTERACTIVE)
    gimp_message (warning);
  else if (warning)
    g_printerr ("%s: %s\n", PLUG_IN_BINARY, warning);

  if (key && *key)
    return key;
  key_free (key);

  if (error && *error)
    return NULL;

  if (run_mode != GIMP_RUN_INTERACTIVE)
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_NO_KEY,
                           GG_FRONT_NO_KEY_MESSAGE);
      return NULL;
    }

  return key_ask_and_store (error);
}

/* Progress from the network threads; FALSE when GIMP no longer shows it. */
static gboolean
progress_tick (const gchar *text,
               gpointer     data)
{
  gchar **shown = data;

  if (g_strcmp0 (text, *shown) != 0)
    {
      gimp_progress_set_text (text);
      g_free (*shown);
      *shown = g_strdup (text);
    }

  return gimp_progress_pulse ();
}

typedef struct
{
  const gchar *model;
  const gchar *text;
  const gchar *ratio;
  const gchar *size;
  const gchar *history;
  GBytes      *input;
  GPtrArray   *references;   /* of GBytes*, roles beside */
  GgImageRole *roles;
  GBytes      *hint;         /* the editable area (prompts.json, roles.hint) */
} Spec;

static GgRequest *
request_build (const Gimp2Options  *options,
               const Spec          *spec,
               GError             **error)
{
  g_autoptr (GgRequest) request = gg_request_new (spec->model);
  guint                 i;

  gg_request_set_prompt (request, spec->text);
  gg_request_set_aspect_ratio (request, spec->ratio);
  gg_request_set_image_size (request, spec->size);
  gg_request_set_image_only (request, options->values.image_only);
  gg_request_set_search (request, options->values.search);
  gg_request_set_store (request, options->values.store);
  /* "" and "default": the model's own level, nothing sent. */
  if (g_ascii_strcasecmp (options->values.thinking, "default") != 0)
    gg_request_set_thinking_level (request, options->values.thinking);
  if (options->values.thought_layers)
    gg_request_set_include_thoughts (request, TRUE);

  if (spec->history && ! gg_request_set_history (request, spec->history, error))
    return NULL;

  if (spec->input)
    gg_request_add_image (request, spec->input, NULL, GG_ROLE_INPUT);

  for (i = 0; spec->references && i < spec->references->len; i++)
    gg_request_add_image (request, g_ptr_array_index (spec->references, i),
                          NULL, spec->roles[i]);

  /* The request words it (prompts.json, roles.hint). */
  if (spec->hint)
    gg_request_add_image (request, spec->hint, "image/png", GG_ROLE_HINT);

  return g_steal_pointer (&request);
}

/* The references, read and encoded: the drawables, then the files (as
 * GIMP 3's gemini_references_read ()); their roles in @roles.  Roles
 * first: a bad role is refused before any pixel or file is read. */
static GPtrArray *
references_read (const Gimp2Options  *options,
                 GgImageRole        **roles,
                 GError             **error)
{
  g_autoptr (GPtrArray) references =
    g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  guint                 n_files = options->files ? g_strv_length (options->files) : 0;
  guint                 n       = (guint) MAX (0, options->n_references);
  guint                 i;

  *roles = g_new0 (GgImageRole, MAX (1, n + n_files));
  if (! gg_front_parse_roles_of (options->roles, n, _("reference images"),
                                 *roles, error) ||
      ! gg_front_parse_roles_of (options->file_roles, n_files,
                                 _("reference files"), *roles + n, error))
    return NULL;

  for (i = 0; i < n; i++)
    {
      gint32               drawable = options->references[i];
      g_autoptr (GgRaster) raster   = NULL;
      GgRect               rect;
      GBytes              *bytes;

      if (! gimp_item_is_valid (drawable) || ! gimp_item_is_drawable (drawable))
        {
          g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                       _("Reference %u no longer exists."), i + 1);
          return NULL;
        }

      rect.x = rect.y = 0;
      rect.width  = gimp_drawable_width (drawable);
      rect.height = gimp_drawable_height (drawable);
      raster = gimp2_pixels_read (drawable, &rect, error);
      if (! raster)
        return NULL;

      bytes = gg_front_encode_reference (raster, error);
      if (! bytes)
        return NULL;
      g_ptr_array_add (references, bytes);
    }

  for (i = 0; i < n_files; i++)
    {
      GBytes *bytes = gg_reference_file_read (options->files[i], error);

      if (! bytes)
        return NULL;
      g_ptr_array_add (references, bytes);
    }

  return g_steal_pointer (&references);
}

/* Builds one request per variation, checks them, finds the key and sends
 * them.  The answers that hold an image; NULL with @error. */
static GPtrArray *
ask (const Gimp2Options  *options,
     const Spec          *spec,
     GgRequest          **requests,
     GPtrArray          **failures,
     GError             **error)
{
  g_autofree gchar *shown = NULL;
  g_autofree gchar *label = NULL;
  GPtrArray        *responses;
  gchar            *key;
  gint              n = CLAMP (options->values.variations, 1,
                               GG_FRONT_MAX_VARIATIONS);
  gint              i;

  for (i = 0; i < n; i++)
    {
      requests[i] = request_build (options, spec, error);
      if (! requests[i])
        return NULL;
    }

  /* Refused before the key is even looked for. */
  if (! gg_front_validate (requests, n, error))
    return NULL;

  key = key_get (options->run_mode, error);
  if (! key)
    return NULL;

  label = gg_front_model_label (gg_request_get_model (requests[0]));
  if (n > 1)
    gimp_progress_init_printf (_("%s: sending %d requests…"), label, n);
  else
    gimp_progress_init_printf (_("%s: sending the request…"), label);

  {
    g_autofree gchar *cache_dir = g_build_filename (gimp_directory (),
                                                    GG_FRONT_UPLOAD_CACHE, NULL);

    responses = gg_front_ask (key, requests, n, cache_dir, progress_tick,
                              &shown, failures, error);
  }
  key_free (key);

  gimp_progress_set_text_printf (_("%s: placing the result…"), label);

  return responses;
}

/* The common end of every run: layers, conversation and messages, in one
 * undo group (gemini_finish () in GIMP 3).  target->image -1: a new image. */
static gint32
finish (const Gimp2Options  *options,
        Gimp2Target         *target,
        GPtrArray           *responses,
        GPtrArray           *failures,
        GgConversation      *conversation,
        GgConversationPlace *place,
        const GgRequest     *request,
        GError             **error)
{
  g_autoptr (GgFrontPrepared) prepared  = NULL;
  g_autofree gchar           *user_turn = NULL;
  g_autofree gchar           *note      = NULL;
  g_autofree gchar           *report    = NULL;
  g_autofree gchar           *usage     = NULL;
  GgResponse                 *answer    = g_ptr_array_index (responses, 0);
  Gimp2Result                 result;
  gboolean                    new_image = FALSE;
  GError                     *conversation_error = NULL;

  prepared = gg_front_prepare (&target->front, responses, error);
  if (! prepared)
    return -1;

  if (target->image < 0)
    {
      GgFrontPiece *first = g_ptr_array_index (prepared->layers, 0);

      target->image = gimp_image_new (first->raster->width,
                                      first->raster->height, GIMP_RGB);
      if (target->image < 0)
        {
          g_set_error (error, GG_ERROR, GG_ERROR_FAILED,
                       _("A new image could not be made: %s"),
                       gimp_get_pdb_error ());
          gg_front_recovery_all (error, prepared, target->front.profile_dir,
                                 target->front.prompt,
                                 _("The result could not be added to an image"));
          return -1;
        }
      new_image = TRUE;
      /* A new image starts with no history, as if it had been opened. */
      gimp_image_undo_disable (target->image);
    }
  else
    {
      gimp_image_undo_group_start (target->image);
    }

  if (! gimp2_result_insert (target, prepared, &result, error))
    {
      if (new_image)
        {
          gimp_image_delete (target->image);
          target->image = -1;
        }
      else
        {
          gimp_image_undo_group_end (target->image);
        }
      return -1;
    }

  /* The first answer continues the conversation; with variations the
   * others are alternatives the user can keep by hand. */
  user_turn = gg_request_user_turn_json (request);
  place->result_tattoo = gimp_item_get_tattoo (result.first);
  place->clip          = result.clip;

  if (! answer->model_turn_json ||
      ! gg_conversation_append_turn (conversation, user_turn,
                                     answer->model_turn_json,
                                     &conversation_error))
    {
      gimp2_conversation_forget (target->image);
      note = g_strdup_printf (_("This answer cannot be refined: %s"),
                              conversation_error ?
                              conversation_error->message :
                              _("it came without its content"));
      g_clear_error (&conversation_error);
    }
  else
    {
      gimp2_conversation_store (target->image, conversation, place, &note);
    }

  if (new_image)
    gimp_image_undo_enable (target->image);
  else
    gimp_image_undo_group_end (target->image);

  report = gg_front_report (gimp_directory (), gg_request_get_model (request),
                            responses, failures, note, &usage);
  gimp_progress_set_text (usage);

  /* The dialog's recent prompts: what the user ran, not what scripts
   * send (a script's prompts are its own business). */
  if (options->run_mode != GIMP_RUN_NONINTERACTIVE)
    gimp2_history_record (options->prompt);

  /* Scripts get no chatter; a partial failure is told in every mode. */
  if (options->run_mode == GIMP_RUN_INTERACTIVE ||
      (failures && failures->len > 0))
    gimp_message (report);

  if (options->run_mode == GIMP_RUN_INTERACTIVE)
    {
      if (new_image)
        gimp_display_new (target->image);
      gimp_displays_flush ();
    }

  return result.item;
}

static gboolean
refuse_indexed (gint32   image,
                GError **error)
{
  if (gimp_image_base_type (image) == GIMP_INDEXED)
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           GG_FRONT_INDEXED_MESSAGE);
      return FALSE;
    }

  return TRUE;
}

static gboolean
image_selection (gint32  image,
                 GgRect *selection)
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

/* The layer an edit starts from: a mask's layer; never a channel. */
static gint32
edit_source_layer (gint32   drawable,
                   GError **error)
{
  if (drawable > 0 && gimp_item_is_valid (drawable) &&
      gimp_item_is_layer_mask (drawable))
    drawable = gimp_layer_from_mask (drawable);

  if (drawable <= 0 || ! gimp_item_is_valid (drawable))
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           _("No layer is selected: select the layer to edit."));
      return -1;
    }

  if (! gimp_item_is_layer (drawable))
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           _("Gemini edits layers: select a layer, not a channel."));
      return -1;
    }

  return drawable;
}

/* The layer mask of an edit of the selection: its coverage over @region
 * (image coordinates), grown and feathered as @values say
 * (gg_mask_from_selection), and in @grown (may be NULL) the grown
 * selection alone, for the hint.  NULL with @error when no pixel would
 * show (GIMP 3's selection_mask ()). */
static GgMask *
selection_mask (gint32              image,
                const GgRect       *region,
                const Gimp2Values  *values,
                GgMask            **grown,
                GError            **error)
{
  g_autoptr (GgMask) coverage = NULL;
  g_autoptr (GgMask) mask     = NULL;
  GgMaskOptions      mask_options = { values->grow,
                                      values->feather < 0 ?
                                      GG_MASK_FEATHER_AUTO : values->feather };
  GgRect             bounds;
  gsize              n, i;

  coverage = gimp2_selection_read (image, region, error);
  if (! coverage)
    return NULL;

  n = (gsize) coverage->width * coverage->height;
  for (i = 0; i < n; i++)
    if (coverage->data[i] >= 128)
      break;
  if (i == n)
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           _("No pixel of the selection is even half "
                             "selected, so nothing of the result would show: "
                             "select more (Select > Sharpen makes it whole)."));
      return NULL;
    }

  mask = gg_mask_from_selection (coverage, &mask_options, error);
  if (! mask)
    return NULL;

  if (! gg_mask_bounds (mask, &bounds))
    {
      if (values->grow < 0)
        g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                     _("A grow of %d px shrinks the selection to nothing, "
                       "so nothing of the result would show: shrink it "
                       "less."),
                     values->grow);
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
      *grown = gg_mask_grow (coverage, values->grow, error);
      if (! *grown)
        return NULL;
    }

  return g_steal_pointer (&mask);
}

/* The hint image: the grown selection, white, at the size of the image
 * sent (gg_mask_hint), as PNG. */
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

static void
target_init (Gimp2Target        *target,
             const Gimp2Options *options)
{
  memset (target, 0, sizeof *target);
  target->image     = -1;
  target->above     = -1;
  target->mask_from = -1;
  target->front.profile_dir    = gimp_directory ();
  target->front.prompt         = options->prompt;
  target->front.thought_layers = options->values.thought_layers;
}

static void
requests_free (GgRequest **requests)
{
  gint i;

  for (i = 0; i < GG_FRONT_MAX_VARIATIONS; i++)
    g_clear_pointer (&requests[i], gg_request_free);
}


/* --- the runs ------------------------------------------------------------- */

/* Generate: a new image, or a new layer of @image; *new_image gets it. */
static gint32
generate_core (Gimp2Options  *options,
               gint32         image,
               gint32        *new_image,
               GError       **error)
{
  g_autoptr (GPtrArray)      references   = NULL;
  g_autoptr (GPtrArray)      responses    = NULL;
  g_autoptr (GPtrArray)      failures     = NULL;
  g_autoptr (GgConversation) conversation = NULL;
  g_autofree GgImageRole    *roles        = NULL;
  GgRequest                 *requests[GG_FRONT_MAX_VARIATIONS] = { NULL, };
  GgConversationPlace        place        = { 0, };
  Gimp2Target                target;
  Spec                       spec         = { 0, };
  gint32                     layer        = -1;
  gboolean                   as_layer     = options->values.as_layer;

  *new_image = -1;

  if (as_layer && (image <= 0 || ! gimp_image_is_valid (image)))
    {
      g_set_error_literal (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                           _("\"as-layer\" needs an image to add the layer to."));
      return -1;
    }
  if (as_layer && ! refuse_indexed (image, error))
    return -1;

  references = references_read (options, &roles, error);
  if (! references)
    return -1;

  spec.model      = gg_front_option (options->values.model);
  spec.text       = options->prompt;
  spec.ratio      = gg_front_option (options->values.ratio);
  spec.size       = gg_front_option (options->values.size);
  spec.references = references;
  spec.roles      = roles;

  responses = ask (options, &spec, requests, &failures, error);
  if (! responses)
    goto out;

  target_init (&target, options);
  /* When the image was closed meanwhile, the paid result gets a new one. */
  target.image = (as_layer && gimp_image_is_valid (image)) ? image : -1;

  conversation = gg_conversation_new ();
  place.model  = g_strdup (gg_request_get_model (requests[0]));

  layer = finish (options, &target, responses, failures, conversation,
                  &place, requests[0], error);
  if (layer >= 0)
    *new_image = target.image;

out:
  requests_free (requests);
  gg_conversation_place_clear (&place);

  return layer;
}

/* Edit (and Style Transfer): the region around the selection goes out,
 * the answers come back placed over it. */
static gint32
edit_core (Gimp2Options  *options,
           gint32         image,
           gint32         source,
           GError       **error)
{
  g_autoptr (GPtrArray)      references   = NULL;
  g_autoptr (GPtrArray)      responses    = NULL;
  g_autoptr (GPtrArray)      failures     = NULL;
  g_autoptr (GgConversation) conversation = NULL;
  g_autoptr (GgRaster)       original     = NULL;
  g_autoptr (GBytes)         encoded      = NULL;
  g_autoptr (GgMask)         mask         = NULL;
  g_autoptr (GgMask)         grown        = NULL;
  g_autoptr (GBytes)         hint         = NULL;
  g_autofree GgImageRole    *roles        = NULL;
  g_autofree gchar          *text         = NULL;
  GgRequest                 *requests[GG_FRONT_MAX_VARIATIONS] = { NULL, };
  GgConversationPlace        place        = { 0, };
  Gimp2Target                target;
  Spec                       spec         = { 0, };
  GgRegionOptions            region_options;
  GgRegionPlan               plan;
  GgRect                     space;
  GgRect                     selection;
  gboolean                   has_selection;
  gint                       origin_x     = 0;
  gint                       origin_y     = 0;
  gint32                     layer        = -1;
  const gchar               *model;

  has_selection = image_selection (image, &selection);

  /* The space the plan works in: the layer's own pixels, or the canvas. */
  space.x = space.y = 0;
  if (options->values.visible)
    {
      space.width  = gimp_image_width (image);
      space.height = gimp_image_height (image);
    }
  else
    {
      gimp_drawable_offsets (source, &origin_x, &origin_y);
      space.width  = gimp_drawable_width (source);
      space.height = gimp_drawable_height (source);
    }

  if (has_selection)
    {
      GgRect local = selection;

      local.x -= origin_x;
      local.y -= origin_y;

      if (! gg_rect_intersect (&local, &space, &selection))
        {
          g_autofree gchar *item_name = gimp_item_get_name (source);

          g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                       _("The selection does not touch the layer “%s”: select "
                         "inside it, or select nothing (Select > None) to edit "
                         "the whole layer."), item_name);
          return -1;
        }

      /* What may change is the grown selection: the region is planned
       * around it, so that its context ring lies outside. */
      if (options->values.grow > 0)
        {
          gint   grow         = options->values.grow;
          GgRect grown_bounds = { selection.x - grow, selection.y - grow,
                                  selection.width + 2 * grow,
                                  selection.height + 2 * grow };

          gg_rect_intersect (&grown_bounds, &space, &selection);
        }
    }

  gg_region_options_init (&region_options);
  region_options.pad_px   = options->values.context_px;
  region_options.pad_pct  = options->values.context_pct / 100.0;
  region_options.max_size = gg_front_option (options->values.size);

  model = gg_front_option (options->values.model);
  if (! gg_region_plan (gg_catalogue_lookup (model ? model :
                                             gg_catalogue_default_model ()),
                        space.width, space.height,
                        &selection, &region_options, &plan, error))
    return -1;

  /* The layer mask, from the selection's coverage over the region:
   * refused (before anything is paid for) when nothing would show. */
  if (has_selection)
    {
      GgRect canvas = plan.region;

      canvas.x += origin_x;
      canvas.y += origin_y;
      mask = selection_mask (image, &canvas, &options->values,
                             options->values.hint ? &grown : NULL, error);
      if (! mask)
        return -1;
      if (grown)
        {
          hint = hint_image (&plan, grown, error);
          if (! hint)
            return -1;
        }
    }

  /* References first: a bad role is refused before any pixel is read. */
  references = references_read (options, &roles, error);
  if (! references)
    return -1;

  if (options->values.visible)
    original = gimp2_pixels_read_visible (image, &plan.region, error);
  else
    original = gimp2_pixels_read (source, &plan.region, error);
  if (! original)
    return -1;

  encoded = gg_front_encode (original, plan.send_width, plan.send_height,
                             error);
  if (! encoded)
    return -1;

  {
    g_autofree gchar *area = has_selection ? gg_front_selection_area (&plan)
                                           : NULL;

    text = gg_prompt_edit (options->prompt, has_selection, area);
  }

  spec.model      = model;
  spec.text       = text;
  spec.ratio      = gg_front_option (options->values.ratio) ?
                    options->values.ratio : plan.ratio;
  spec.size       = plan.size;
  spec.input      = encoded;
  spec.references = references;
  spec.roles      = roles;
  spec.hint       = hint;

  responses = ask (options, &spec, requests, &failures, error);
  if (! responses)
    goto out;

  target_init (&target, options);
  target.image                = image;
  target.above                = gimp_item_is_valid (source) ? source : -1;
  target.front.mask           = mask;
  target.front.mask_changed   = ! has_selection &&
                                options->values.changed_only;
  target.front.plan           = &plan;
  target.front.origin_x       = origin_x;
  target.front.origin_y       = origin_y;
  target.front.space          = space;
  target.front.original       = original;

  /* An edit starts a new conversation, placed over this region. */
  conversation = gg_conversation_new ();
  place.model  = g_strdup (gg_request_get_model (requests[0]));
  gg_conversation_place_from_plan (&place, &plan, origin_x, origin_y);
  place.had_selection = has_selection;

  layer = finish (options, &target, responses, failures, conversation,
                  &place, requests[0], error);

out:
  requests_free (requests);
  gg_conversation_place_clear (&place);

  return layer;
}

static gint32
refine_core (Gimp2Options        *options,
             gint32               image,
             gint32               drawable,
             GgConversation      *conversation,
             GgConversationPlace *place,
             GError             **error)
{
  g_autoptr (GPtrArray)  references = NULL;
  g_autoptr (GPtrArray)  responses  = NULL;
  g_autoptr (GPtrArray)  failures   = NULL;
  g_autoptr (GgRaster)   original   = NULL;
  g_autoptr (GBytes)     encoded    = NULL;
  g_autoptr (GgMask)     mask       = NULL;
  g_autoptr (GgMask)     grown      = NULL;
  g_autoptr (GBytes)     hint       = NULL;
  g_autofree GgImageRole *roles     = NULL;
  g_autofree gchar      *history    = NULL;
  GgRequest             *requests[GG_FRONT_MAX_VARIATIONS] = { NULL, };
  Gimp2Target            target;
  Spec                   spec       = { 0, };
  GgRegionPlan           plan;
  GgRect                 selection;
  gboolean               has_selection;
  gint32                 previous   = -1;
  gint32                 above      = -1;
  gint32                 layer      = -1;

  /* The signatures belong to the model that made them: by default the
   * conversation's model, ratio and size. */
  spec.model = gg_front_option (options->values.model) ?
               options->values.model : place->model;
  spec.text  = options->prompt;
  spec.ratio = gg_front_option (options->values.ratio) ?
               options->values.ratio : place->ratio;
  spec.size  = gg_front_option (options->values.size) ?
               options->values.size : place->size;

  history = gg_conversation_contents_json (conversation);
  spec.history = history;

  references = references_read (options, &roles, error);
  if (! references)
    return -1;
  spec.references = references;
  spec.roles      = roles;

  has_selection = image_selection (image, &selection);

  if (place->has_region)
    {
      gg_conversation_place_to_plan (place, &plan);

      /* What is visible over the region now: the ground truth the answer
       * is realigned and colour-matched against. */
      original = gimp2_pixels_read_visible (image, &plan.region, error);
      if (! original)
        return -1;

      /* The selection as it is now, grown and feathered like an edit's. */
      if (has_selection)
        {
          mask = selection_mask (image, &plan.region, &options->values,
                                 options->values.hint ? &grown : NULL,
                                 error);
          if (! mask)
            return -1;
        }

      if (options->values.include_region)
        {
          encoded = gg_front_encode (original, plan.send_width,
                                     plan.send_height, error);
          if (! encoded)
            return -1;
          if (grown)
            {
              hint = hint_image (&plan, grown, error);
              if (! hint)
                return -1;
            }
        }
    }
  else if (options->values.include_region)
    {
      GgRect  canvas  = { 0, 0, gimp_image_width (image),
                          gimp_image_height (image) };
      gint    longest = MAX (canvas.width, canvas.height);
      gdouble factor  = longest > REFINE_MAX_SIDE ?
                        (gdouble) REFINE_MAX_SIDE / longest : 1.0;

      original = gimp2_pixels_read_visible (image, &canvas, error);
      if (! original)
        return -1;

      encoded = gg_front_encode (original,
                                 MAX (1, (gint) (canvas.width * factor + 0.5)),
                                 MAX (1, (gint) (canvas.height * factor + 0.5)),
                                 error);
      if (! encoded)
        return -1;
    }
  spec.input = encoded;
  spec.hint  = hint;

  responses = ask (options, &spec, requests, &failures, error);
  if (! responses)
    goto out;

  /* Above the given layer; else above the result being refined. */
  if (place->result_tattoo)
    {
      previous = gimp_image_get_layer_by_tattoo (image, place->result_tattoo);
      if (previous <= 0)
        previous = -1;
    }
  if (drawable > 0 && gimp_item_is_valid (drawable))
    {
      if (gimp_item_is_layer_mask (drawable))
        drawable = gimp_layer_from_mask (drawable);
      if (drawable > 0 && gimp_item_is_layer (drawable))
        above = drawable;
    }
  if (above < 0)
    above = previous;

  target_init (&target, options);
  target.image = image;
  target.above = above;

  if (place->has_region)
    {
      target.front.plan     = &plan;
      target.front.space    = place->clip;
      target.front.original = original;
      /* The selection as it is now; without one, the changed pixels
       * when asked, else the refined result's mask carries over. */
      target.front.mask         = mask;
      target.front.mask_changed = ! has_selection &&
                                  options->values.changed_only;
      target.mask_from          = has_selection ? -1 : previous;
    }

  g_free (place->model);
  place->model = g_strdup (gg_request_get_model (requests[0]));

  layer = finish (options, &target, responses, failures, conversation,
                  place, requests[0], error);

out:
  requests_free (requests);

  return layer;
}


/* --- run () --------------------------------------------------------------- */

static GimpParam  values[3];
static gchar     *error_message = NULL;

/* Every failure ends here: the message is the procedure's error (GIMP
 * shows it for interactive runs, Script-Fu throws it); a cancel is not an
 * error. */
static void
set_failure (GError  *error,
             gint    *nreturn_vals)
{
  if (g_error_matches (error, GG_ERROR, GG_ERROR_CANCELLED))
    {
      values[0].data.d_status = GIMP_PDB_CANCEL;
      *nreturn_vals = 1;
    }
  else
    {
      g_free (error_message);
      /* The last stop before GIMP shows it: no key, whole or in part. */
      error_message = error ? gg_redact (error->message, NULL)
                            : g_strdup (_("The run failed."));
      values[0].data.d_status = GIMP_PDB_EXECUTION_ERROR;
      values[1].type          = GIMP_PDB_STRING;
      values[1].data.d_string = error_message;
      *nreturn_vals = 2;
    }
  g_clear_error (&error);
}

static const Layout *
layout_of (const gchar *name)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (layouts); i++)
    if (! strcmp (name, layouts[i].name))
      return &layouts[i];

  return NULL;
}

/* Reads the options of a run: the arguments, or the remembered values and
 * (interactive) the dialog.  FALSE when the dialog was cancelled. */
static gboolean
options_get (const Layout    *layout,
             GimpRunMode      run_mode,
             gint             nparams,
             const GimpParam *param,
             gint32           image,
             const gchar     *note,
             Gimp2Options    *options)
{
  options->run_mode = run_mode;
  options->style    = -1;
  values_init (&options->values, layout->kind);

  if (run_mode == GIMP_RUN_NONINTERACTIVE)
    {
      options_from_args (layout, nparams, param, options);
    }
  else
    {
      values_load (layout->name, &options->values);
      if (layout->kind == KIND_STYLE)
        options->style = int_arg (param, nparams, layout->style, -1);

      if (run_mode == GIMP_RUN_INTERACTIVE)
        {
          gimp_ui_init (PLUG_IN_BINARY, FALSE);
          if (! gimp2_dialog ((Gimp2DialogKind) layout->kind, options, image,
                              note))
            return FALSE;
        }
      /* Remembered the 2.10 way: plain values, never the key. */
      gimp_set_data (layout->name, &options->values, sizeof options->values);
      options_from_values (options);
    }

  options->values.variations = CLAMP (options->values.variations, 1,
                                      GG_FRONT_MAX_VARIATIONS);
  if (! options->prompt)
    options->prompt = g_strdup ("");

  return TRUE;
}

static gchar *
edit_note (gint32 image, gint32 source, gboolean style)
{
  g_autofree gchar *item_name = gimp_item_get_name (source);
  GgRect            selection;

  if (image_selection (image, &selection))
    return style ?
           g_strdup_printf (_("Restyling “%s”: the selection (%d × %d px) "
                              "and some context around it are sent."),
                            item_name, selection.width, selection.height) :
           g_strdup_printf (_("Editing “%s”: the selection (%d × %d px) "
                              "and some context around it are sent."),
                            item_name, selection.width, selection.height);

  return style ?
         g_strdup_printf (_("Restyling “%s”: nothing is selected, so the "
                            "whole layer is sent."), item_name) :
         g_strdup_printf (_("Editing “%s”: nothing is selected, so the "
                            "whole layer is sent."), item_name);
}

/* Every layer of @layers (and of their groups) linked to others, in stack
 * order, into @found. */
static void
linked_layers (gint32  *layers,
               gint     n,
               gint32   skip,
               GArray  *found)
{
  gint i;

  for (i = 0; i < n; i++)
    {
      if (layers[i] != skip && gimp_item_get_linked (layers[i]))
        g_array_append_val (found, layers[i]);
      if (gimp_item_is_group (layers[i]))
        {
          gint    n_children = 0;
          gint32 *children   = gimp_item_get_children (layers[i], &n_children);

          linked_layers (children, n_children, skip, found);
          g_free (children);
        }
    }
}

/* Compose's layers: @active first, then the layers linked to it (a linked
 * @active links the others; alone it is one layer).  Their count. */
static gint
compose_layers (gint32    image,
                gint32    active,
                gint32  **out)
{
  GArray *found  = g_array_new (FALSE, FALSE, sizeof (gint32));
  gint    n      = 0;
  gint32 *layers;

  if (active > 0 && gimp_item_is_valid (active) && gimp_item_is_layer (active))
    {
      g_array_append_val (found, active);
      if (gimp_item_get_linked (active))
        {
          layers = gimp_image_get_layers (image, &n);
          linked_layers (layers, n, active, found);
          g_free (layers);
        }
    }

  n    = (gint) found->len;
  *out = (gint32 *) g_array_free (found, FALSE);

  return n;
}

static void
run (const gchar      *name,
     gint              nparams,
     const GimpParam  *param,
     gint             *nreturn_vals,
     GimpParam       **return_vals)
{
  GimpRunMode   run_mode = param[0].data.d_int32;
  const Layout *layout   = layout_of (name);
  Gimp2Options  options  = { 0, };
  GError       *error    = NULL;
  gint32        image    = -1;
  gint32        layer    = -1;
  gint32        new_image = -1;

  *nreturn_vals = 1;
  *return_vals  = values;
  values[0].type          = GIMP_PDB_STATUS;
  values[0].data.d_status = GIMP_PDB_SUCCESS;

  gegl_init (NULL, NULL);

  /* The user's catalogue, before any model is read (a problem with it is
   * said in the dialog, and the built-in one stays in use). */
  if (! gg_front_catalogue_load (gimp_directory (), &error))
    {
      gimp2_catalogue_problem = g_strdup (error->message);
      g_printerr ("gimp-gemini: %s\n", error->message);
      g_clear_error (&error);
    }

  if (! strcmp (name, PLUG_IN_PROC_SET_KEY))
    {
      gchar *key;

      if (run_mode != GIMP_RUN_INTERACTIVE)
        {
          g_set_error_literal (&error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                               _("The API key can only be entered "
                                 "interactively: for scripts, set "
                                 "GEMINI_API_KEY."));
          set_failure (error, nreturn_vals);
          return;
        }
      gimp_ui_init (PLUG_IN_BINARY, FALSE);
      key = key_ask_and_store (&error);
      if (! key)
        set_failure (error, nreturn_vals);
      key_free (key);
      return;
    }

  if (! strcmp (name, PLUG_IN_PROC_OPTIONS))
    {
      RequestOptions    request = { 0, "" };
      const gchar      *level   = nparams > 2 && param[2].data.d_string ?
                                  param[2].data.d_string : "";

      if (*level && g_ascii_strcasecmp (level, "default") != 0 &&
          g_ascii_strcasecmp (level, "minimal") != 0 &&
          g_ascii_strcasecmp (level, "medium") != 0 &&
          g_ascii_strcasecmp (level, "high") != 0)
        {
          g_set_error (&error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                       _("Unknown thinking level “%s”: use minimal, medium, "
                         "high or \"\" (the model's own)."), level);
          set_failure (error, nreturn_vals);
          return;
        }
      request.store = nparams > 1 && param[1].data.d_int32 != 0;
      g_strlcpy (request.thinking, level, sizeof request.thinking);
      gimp_set_data (PLUG_IN_PROC_OPTIONS, &request, sizeof request);
      return;
    }

  if (! strcmp (name, PLUG_IN_PROC_FORGET))
    {
      if (! gg_keystore_forget (gimp_directory (), &error))
        set_failure (error, nreturn_vals);
      else if (run_mode == GIMP_RUN_INTERACTIVE)
        gimp_message (_("The stored Gemini API key was removed."));
      return;
    }

  if (! strcmp (name, PLUG_IN_PROC_START_OVER))
    {
      gboolean had;

      image = param[1].data.d_image;
      gimp_image_undo_group_start (image);
      had = gimp2_conversation_forget (image);
      gimp_image_undo_group_end (image);

      if (run_mode == GIMP_RUN_INTERACTIVE)
        gimp_message (had ?
                      _("The image's Gemini conversation was forgotten: the "
                        "next edit starts afresh.") :
                      _("This image had no Gemini conversation."));
      return;
    }

  if (! layout)
    {
      values[0].data.d_status = GIMP_PDB_CALLING_ERROR;
      return;
    }

  image = int_arg (param, nparams, layout->image, -1);

  switch (layout->kind)
    {
    case KIND_GENERATE:
      if (run_mode == GIMP_RUN_INTERACTIVE && ! gimp_image_is_valid (image))
        image = -1;
      if (! options_get (layout, run_mode, nparams, param, image, NULL,
                         &options))
        {
          values[0].data.d_status = GIMP_PDB_CANCEL;
          break;
        }
      layer = generate_core (&options, image, &new_image, &error);
      if (layer < 0)
        {
          set_failure (error, nreturn_vals);
          break;
        }
      *nreturn_vals = 3;
      values[1].type = GIMP_PDB_IMAGE;
      values[1].data.d_image = new_image;
      values[2].type = GIMP_PDB_LAYER;
      values[2].data.d_layer = layer;
      break;

    case KIND_EDIT:
    case KIND_STYLE:
      {
        gboolean          style  = layout->kind == KIND_STYLE;
        gint32            source = -1;
        g_autofree gchar *note   = NULL;

        if (! refuse_indexed (image, &error) ||
            (source = edit_source_layer (int_arg (param, nparams,
                                                  layout->drawable, -1),
                                         &error)) < 0)
          {
            set_failure (error, nreturn_vals);
            break;
          }

        if (run_mode == GIMP_RUN_INTERACTIVE)
          note = edit_note (image, source, style);

        if (! options_get (layout, run_mode, nparams, param, image, note,
                           &options))
          {
            values[0].data.d_status = GIMP_PDB_CANCEL;
            break;
          }

        if (style)
          {
            gboolean has_layer = options.style > 0 &&
                                 gimp_item_is_valid (options.style) &&
                                 gimp_item_is_drawable (options.style);
            gboolean has_file  = options.style_file && *options.style_file;

            /* The style is one layer or, failing that, one file. */
            if (! has_layer && ! has_file)
              {
                g_set_error_literal (&error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                                     _("Style transfer needs a layer or an "
                                       "image file to take the style from "
                                       "(\"style\" or \"style-file\")."));
                set_failure (error, nreturn_vals);
                break;
              }
            g_clear_pointer (&options.references, g_free);
            g_clear_pointer (&options.roles, g_free);
            g_clear_pointer (&options.files, g_strfreev);
            g_clear_pointer (&options.file_roles, g_free);
            options.n_references = 0;
            if (has_layer)
              {
                options.references    = g_new (gint32, 1);
                options.references[0] = options.style;
                options.n_references  = 1;
                options.roles         = g_strdup ("style");
              }
            else
              {
                options.files      = g_new0 (gchar *, 2);
                options.files[0]   = g_strdup (options.style_file);
                options.file_roles = g_strdup ("style");
              }
            if (! *g_strstrip (options.prompt))
              {
                g_free (options.prompt);
                options.prompt = g_strdup (GG_FRONT_STYLE_PROMPT);
              }
          }

        layer = edit_core (&options, image, source, &error);
        if (layer < 0)
          {
            set_failure (error, nreturn_vals);
            break;
          }
        *nreturn_vals = 2;
        values[1].type = GIMP_PDB_LAYER;
        values[1].data.d_layer = layer;
      }
      break;

    case KIND_COMPOSE:
      {
        g_autofree gchar *note   = NULL;
        gint32            active = int_arg (param, nparams, layout->drawable, -1);
        gboolean          given;

        if (! gimp_image_is_valid (image))
          {
            g_set_error_literal (&error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                                 _("Compose needs an image whose layers to "
                                   "combine."));
            set_failure (error, nreturn_vals);
            break;
          }
        if (active > 0 && gimp_item_is_valid (active) &&
            gimp_item_is_layer_mask (active))
          active = gimp_layer_from_mask (active);

        given = run_mode == GIMP_RUN_NONINTERACTIVE &&
                int_arg (param, nparams, layout->n_references, 0) > 0;
        if (run_mode == GIMP_RUN_INTERACTIVE)
          {
            g_autofree gint32 *layers = NULL;
            gint               n      = compose_layers (image, active, &layers);

            note = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                 "%d layer will be sent as a "
                                                 "reference: the active one "
                                                 "and those linked to it.",
                                                 "%d layers will be sent as "
                                                 "references: the active one "
                                                 "and those linked to it.", n),
                                    n);
          }

        if (! options_get (layout, run_mode, nparams, param, image, note,
                           &options))
          {
            values[0].data.d_status = GIMP_PDB_CANCEL;
            break;
          }

        /* GIMP 2.10 gives a plug-in one layer: 2.10's way of picking
         * several is linking them, so those are the layers combined
         * unless a script names its own. */
        if (! given)
          {
            g_clear_pointer (&options.references, g_free);
            options.n_references = compose_layers (image, active,
                                                   &options.references);
          }
        if (run_mode != GIMP_RUN_NONINTERACTIVE)
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
            set_failure (error, nreturn_vals);
            break;
          }

        layer = generate_core (&options, image, &new_image, &error);
        if (layer < 0)
          {
            set_failure (error, nreturn_vals);
            break;
          }
        *nreturn_vals = 3;
        values[1].type = GIMP_PDB_IMAGE;
        values[1].data.d_image = new_image;
        values[2].type = GIMP_PDB_LAYER;
        values[2].data.d_layer = layer;
      }
      break;

    case KIND_REFINE:
      {
        g_autoptr (GgConversation) conversation = NULL;
        GgConversationPlace        place        = { 0, };
        g_autofree gchar          *note         = NULL;

        if (! refuse_indexed (image, &error))
          {
            set_failure (error, nreturn_vals);
            break;
          }

        conversation = gimp2_conversation_load (image, &place, &error);
        if (! conversation)
          {
            if (! error)
              g_set_error_literal (&error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                                   _("This image has no Gemini conversation to "
                                     "refine: start one with Filters > Gemini > "
                                     "Edit… or Generate…."));
            set_failure (error, nreturn_vals);
            break;
          }

        if (run_mode == GIMP_RUN_INTERACTIVE)
          {
            guint        turns = gg_conversation_n_turns (conversation);
            const gchar *model = place.model ? place.model :
                                 _("the default model");

            note = place.has_region ?
                   g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                 "Continuing a conversation of "
                                                 "%u exchange with %s, placed "
                                                 "over the edited region.",
                                                 "Continuing a conversation of "
                                                 "%u exchanges with %s, placed "
                                                 "over the edited region.",
                                                 turns), turns, model) :
                   g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                 "Continuing a conversation of "
                                                 "%u exchange with %s.",
                                                 "Continuing a conversation of "
                                                 "%u exchanges with %s.",
                                                 turns), turns, model);
          }

        if (! options_get (layout, run_mode, nparams, param, image, note,
                           &options))
          {
            values[0].data.d_status = GIMP_PDB_CANCEL;
            gg_conversation_place_clear (&place);
            break;
          }

        layer = refine_core (&options, image,
                             int_arg (param, nparams, layout->drawable, -1),
                             conversation, &place, &error);
        gg_conversation_place_clear (&place);
        if (layer < 0)
          {
            set_failure (error, nreturn_vals);
            break;
          }
        *nreturn_vals = 2;
        values[1].type = GIMP_PDB_LAYER;
        values[1].data.d_layer = layer;
      }
      break;
    }

  options_clear (&options);
}
