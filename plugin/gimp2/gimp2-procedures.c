/* gimp-gemini for GIMP 2.10: the procedures (gimp2-procedures.h).
 *
 * Each procedure has one table of arguments: query () registers them
 * from it, and a run finds each of its arguments through the positions
 * derived from it (gimp2_call_init ()), so that the two cannot drift.
 * The options of a run come from the arguments (scripts) or from the
 * remembered values and the dialog (interactive, last values).
 */

#include <string.h>

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include "gg-catalogue.h"
#include "gg-error.h"
#include "gg-mask.h"
#include "gg-run.h"

#include "gimp2-dialog.h"
#include "gimp2-procedures.h"
#include "gimp2-runs.h"


const gchar *const gimp2_roles[] =
{
  "style", "subject", "object", "person", "composition", NULL
};


/* --- the arguments -------------------------------------------------------- */

#define ARG(id, type, name, blurb) \
  { GIMP2_ARG_##id, { GIMP_PDB_##type, name, blurb } }

#define ARG_RUN_MODE \
  ARG (RUN_MODE, INT32, "run-mode", "The run mode { RUN-INTERACTIVE (0), RUN-NONINTERACTIVE (1), RUN-WITH-LAST-VALS (2) }")
#define ARG_IMAGE(blurb)    ARG (IMAGE, IMAGE, "image", blurb)
#define ARG_DRAWABLE(blurb) ARG (DRAWABLE, DRAWABLE, "drawable", blurb)
#define ARG_PROMPT(blurb)   ARG (PROMPT, STRING, "prompt", blurb)
#define ARG_AS_LAYER \
  ARG (AS_LAYER, INT32, "as-layer", "Add the result to \"image\" as a new layer instead of opening a new image (TRUE, FALSE)")
#define ARGS_MODEL(model_blurb) \
  ARG (MODEL, STRING, "model", model_blurb), \
  ARG (RATIO, STRING, "aspect-ratio", "\"16:9\", \"1:1\", ... (\"\": auto)"), \
  ARG (SIZE, STRING, "image-size", "\"1K\", \"2K\", \"4K\" on models that have sizes (\"\": auto)"), \
  ARG (IMAGE_ONLY, INT32, "image-only", "Ask for an image without any text (TRUE, FALSE)")
#define ARGS_CONTEXT \
  ARG (CONTEXT_PX, INT32, "context-px", "Pixels of context sent around the selection (0-4096)"), \
  ARG (CONTEXT_PCT, INT32, "context-pct", "Further context, as a percentage of the selection's size (0-200)"), \
  ARG (SOURCE, INT32, "source", "What is sent: 0 the layer's own pixels, 1 everything visible")
#define ARGS_ANSWER \
  ARG (SEARCH, INT32, "search", "Ground with Google Search (TRUE, FALSE); the sources are shown and stored with the result"), \
  ARG (THOUGHT_LAYERS, INT32, "thought-layers", "Add the model's interim thought images as hidden layers in a \"Thoughts\" group (TRUE, FALSE)"), \
  ARG (VARIATIONS, INT32, "variations", "Independent requests sent at once, one layer each in a group (1-4; each is billed)")
#define ARGS_REFERENCES \
  ARG (N_REFERENCES, INT32, "num-references", "The number of reference drawables"), \
  ARG (REFERENCES, INT32ARRAY, "references", "Drawables of any open image sent as reference images"), \
  ARG (ROLES, STRING, "reference-roles", "One role per reference, comma-separated: style, subject, object, person, composition (the last repeats; \"\": object)"), \
  ARGS_REFERENCE_FILES
#define ARGS_REFERENCE_FILES \
  ARG (N_FILES, INT32, "num-reference-files", "The number of reference files"), \
  ARG (FILES, STRINGARRAY, "reference-files", "Image files (PNG, JPEG, WebP; paths or URIs) sent as reference images, after the reference drawables"), \
  ARG (FILE_ROLES, STRING, "reference-file-roles", "One role per reference file, comma-separated: style, subject, object, person, composition (the last repeats; \"\": object)")
/* How the result is masked, last (GIMP 3's "grow", "feather",
 * "changed-only" and "hint"; the engine's defaults: 4, -1, FALSE, FALSE). */
#define ARGS_MASK \
  ARG (GROW, INT32, "grow", "Pixels the selection grows by before feathering (negative: shrinks); the layer mask is 0 outside the grown selection (default 4)"), \
  ARG (FEATHER, FLOAT, "feather", "Width of the mask's soft edge, inside the grown selection (0: hard edge; -1: auto, 10 % of the selection's smaller side, 2 to 25 px)"), \
  ARG (CHANGED_ONLY, INT32, "changed-only", "With nothing selected: mask the new layer to the pixels the model changed (TRUE, FALSE)"), \
  ARG (HINT, INT32, "hint", "With a selection: also send an image, white where pixels may change and black elsewhere (TRUE, FALSE)")

static const Gimp2ArgDef generate_args[] =
{
  ARG_RUN_MODE,
  ARG_IMAGE ("With as-layer: the image that receives the result (may be -1)"),
  ARG_PROMPT ("What to create"),
  ARGS_MODEL ("Gemini model name (free text; \"\": the default)"),
  ARGS_ANSWER,
  ARGS_REFERENCES,
  ARG_AS_LAYER,
};

static const Gimp2ArgDef edit_args[] =
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

static const Gimp2ArgDef style_args[] =
{
  ARG_RUN_MODE,
  ARG_IMAGE ("The image"),
  ARG_DRAWABLE ("The layer to restyle"),
  ARG (STYLE, DRAWABLE, "style", "The layer (of any open image) whose style is applied (-1: \"style-file\")"),
  ARG (STYLE_FILE, STRING, "style-file", "An image file (path or URI) whose style is applied, when \"style\" is -1"),
  ARG_PROMPT ("Words of your own (\"\": a plain style transfer)"),
  ARGS_MODEL ("Gemini model name (free text; \"\": the default)"),
  ARGS_CONTEXT,
  ARGS_ANSWER,
  ARGS_MASK,
};

static const Gimp2ArgDef refine_args[] =
{
  ARG_RUN_MODE,
  ARG_IMAGE ("The image whose conversation continues"),
  ARG_DRAWABLE ("The result goes above this layer (-1: above the result refined)"),
  ARG_PROMPT ("What to change next"),
  ARGS_MODEL ("Gemini model name (free text; \"\": the conversation's)"),
  ARGS_ANSWER,
  ARGS_REFERENCES,
  ARG (INCLUDE_REGION, INT32, "include-region", "Send what the region looks like now along with the prompt (TRUE, FALSE)"),
  ARGS_MASK,
};

static const Gimp2ArgDef compose_args[] =
{
  ARG_RUN_MODE,
  ARG_IMAGE ("The image (with as-layer, it receives the result)"),
  ARG_DRAWABLE ("The active layer: with num-references 0, it and the layers linked to it are combined"),
  ARG_PROMPT ("How to combine the layers"),
  ARG (N_REFERENCES, INT32, "num-references", "The number of layers to combine (0: the drawable and the layers linked to it)"),
  ARG (REFERENCES, INT32ARRAY, "references", "The layers (of any open image) to combine"),
  ARG (ROLES, STRING, "reference-roles", "One role per layer, comma-separated: style, subject, object, person, composition (the last repeats; \"\": object)"),
  ARGS_REFERENCE_FILES,
  ARGS_MODEL ("Gemini model name (free text; \"\": the default)"),
  ARGS_ANSWER,
  ARG_AS_LAYER,
};

static const Gimp2ArgDef image_args[] =
{
  ARG_RUN_MODE,
  ARG_IMAGE ("The image"),
  ARG_DRAWABLE ("Unused"),
};

static const Gimp2ArgDef mode_args[] =
{
  ARG_RUN_MODE,
};

static const Gimp2ArgDef options_args[] =
{
  ARG_RUN_MODE,
  ARG (STORE, INT32, "store", "Allow Google to store the requests (TRUE, FALSE; FALSE, the default: each request says \"store\": false, and a project that keeps requests keeps none of them, their images included)"),
  ARG (THINKING, STRING, "thinking-level", "How much the model thinks before drawing, on models that take a level: \"minimal\", \"medium\", \"high\" (\"\": the model's own)"),
};

static const GimpParamDef image_return[] =
{
  { GIMP_PDB_IMAGE, "new-image", "The new image (or \"image\" with as-layer)" },
  { GIMP_PDB_LAYER, "new-layer", "The layer holding the result (a group when there are several)" },
};

static const GimpParamDef layer_return[] =
{
  { GIMP_PDB_LAYER, "new-layer", "The layer holding the result (a group when there are several)" },
};


/* --- registration --------------------------------------------------------- */

/* Installs @procedure with its table's arguments and, with a @label, puts
 * it in the menu. */
static void
install (const Gimp2Procedure *procedure,
         const gchar          *blurb,
         const gchar          *help,
         const gchar          *label,
         const gchar          *image_types)
{
  g_autofree GimpParamDef *args = g_new (GimpParamDef, procedure->n_args);
  gint                     i;

  for (i = 0; i < procedure->n_args; i++)
    args[i] = procedure->args[i].def;

  gimp_install_procedure (procedure->name, blurb, help,
                          "gimp-gemini authors", "gimp-gemini authors", "2025",
                          label, image_types, GIMP_PLUGIN,
                          procedure->n_args, procedure->n_returns,
                          args, procedure->returns);
  if (label)
    gimp_plugin_menu_register (procedure->name, PLUG_IN_MENU);
}

static void
generate_install (const Gimp2Procedure *procedure)
{
  install (procedure,
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
     N_("_Generate…"), "");
}

static void
edit_install (const Gimp2Procedure *procedure)
{
  install (procedure,
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
     N_("_Edit…"), "*");
}

static void
style_install (const Gimp2Procedure *procedure)
{
  install (procedure,
     N_("Repaint the layer or the selection in the style of another layer"),
     N_("An edit with one reference image of role \"style\": the \"style\" "
     "drawable, from any open image, or else the \"style-file\" image "
     "file. \"prompt\" may add words of your own. "
     "The result is placed and masked like an edit."),
     N_("_Style Transfer…"), "*");
}

static void
refine_install (const Gimp2Procedure *procedure)
{
  install (procedure,
     N_("Continue the image's Gemini conversation"),
     N_("Sends the image's conversation (the earlier prompts and the model's "
     "answers as received, kept with the image and saved in the .xcf) "
     "followed by the new prompt, and adds the answer as a new layer where "
     "the last edit went. With \"include-region\" the current pixels of the "
     "region go with it. model, aspect-ratio and image-size \"\": those of "
     "the conversation. The conversation is the same as GIMP 3's: an .xcf "
     "refines in either version."),
     N_("_Refine…"), "*");
}

static void
compose_install (const Gimp2Procedure *procedure)
{
  install (procedure,
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
     N_("_Compose…"), "*");
}

static void
start_over_install (const Gimp2Procedure *procedure)
{
  install (procedure,
     N_("Forget the image's Gemini conversation"),
     N_("Removes the conversation kept with the image, so that the next Refine "
     "has nothing to continue. Undoable."),
     N_("Start _Over"), "*");
}

static void
set_key_install (const Gimp2Procedure *procedure)
{
  install (procedure,
     N_("Enter the Gemini API key"),
     N_("Asks for the key in a masked entry and stores it in the desktop "
     "keyring, else in a private file in the GIMP profile. Interactive "
     "only: the key is never a procedure argument."),
     N_("API _Key…"), "");
}

static void
forget_key_install (const Gimp2Procedure *procedure)
{
  install (procedure,
     N_("Forget the stored Gemini API key"),
     N_("Removes the key from the desktop keyring and from the GIMP profile. A "
     "key in GEMINI_API_KEY / GOOGLE_API_KEY stays in use."),
     N_("_Forget API Key"), "");
}

/* GIMP 2.10's Script-Fu and Python-Fu refuse a call with fewer arguments
 * than the procedure has: new arguments on Generate, Edit, ... would break
 * every script written before.  The newer request options are set here
 * instead, for the scripts' later runs in this session.  Not in the menu. */
static void
options_install (const Gimp2Procedure *procedure)
{
  install (procedure,
     N_("Set the request options of later Gemini scripts"),
     N_("For the non-interactive runs of Generate, Edit, Style Transfer, "
     "Refine and Compose that follow in this GIMP session: \"store\" TRUE "
     "allows Google to keep the requests (FALSE, the default, sends "
     "\"store\": false); \"thinking-level\" \"minimal\", \"medium\" or "
     "\"high\" on models that take a level (\"\": the model's own). The "
     "dialogs have their own choice, under Advanced."),
     NULL, "");
}

/* In the menu's order. */
static const Gimp2Procedure procedures[] =
{
  { GG_PROC_GENERATE, GIMP2_KIND_GENERATE,
    generate_args, G_N_ELEMENTS (generate_args),
    image_return, G_N_ELEMENTS (image_return),
    generate_install, gimp2_run_generate },
  { GG_PROC_EDIT, GIMP2_KIND_EDIT,
    edit_args, G_N_ELEMENTS (edit_args),
    layer_return, G_N_ELEMENTS (layer_return),
    edit_install, gimp2_run_edit },
  { GG_PROC_STYLE, GIMP2_KIND_STYLE,
    style_args, G_N_ELEMENTS (style_args),
    layer_return, G_N_ELEMENTS (layer_return),
    style_install, gimp2_run_style },
  { GG_PROC_REFINE, GIMP2_KIND_REFINE,
    refine_args, G_N_ELEMENTS (refine_args),
    layer_return, G_N_ELEMENTS (layer_return),
    refine_install, gimp2_run_refine },
  { GG_PROC_COMPOSE, GIMP2_KIND_COMPOSE,
    compose_args, G_N_ELEMENTS (compose_args),
    image_return, G_N_ELEMENTS (image_return),
    compose_install, gimp2_run_compose },
  { GG_PROC_START_OVER, -1, image_args, G_N_ELEMENTS (image_args), NULL, 0,
    start_over_install, gimp2_run_start_over },
  { GG_PROC_SET_KEY, -1, mode_args, G_N_ELEMENTS (mode_args), NULL, 0,
    set_key_install, gimp2_run_set_key },
  { GG_PROC_FORGET_KEY, -1, mode_args, G_N_ELEMENTS (mode_args), NULL, 0,
    forget_key_install, gimp2_run_forget_key },
  { GG_PROC_OPTIONS, -1, options_args, G_N_ELEMENTS (options_args), NULL, 0,
    options_install, gimp2_run_set_request_options },
};

void
gimp2_procedures_install (const gchar *locale_dir)
{
  guint i;

  /* GIMP translates the menu labels and blurbs in this domain. */
  gimp_plugin_domain_register (GETTEXT_PACKAGE, locale_dir);

  for (i = 0; i < G_N_ELEMENTS (procedures); i++)
    procedures[i].install (&procedures[i]);
}

const Gimp2Procedure *
gimp2_procedure_lookup (const gchar *name)
{
  guint i;

  for (i = 0; i < G_N_ELEMENTS (procedures); i++)
    if (! strcmp (name, procedures[i].name))
      return &procedures[i];

  return NULL;
}

void
gimp2_call_init (Gimp2Call            *call,
                 const Gimp2Procedure *procedure,
                 gint                  nparams,
                 const GimpParam      *param)
{
  gint i;

  call->procedure = procedure;
  call->nparams   = nparams;
  call->param     = param;
  for (i = 0; i < GIMP2_N_ARGS; i++)
    call->position[i] = -1;
  for (i = 0; i < procedure->n_args; i++)
    call->position[procedure->args[i].id] = i;
  call->run_mode = gimp2_arg_int (call, GIMP2_ARG_RUN_MODE,
                                  GIMP_RUN_NONINTERACTIVE);
}

/* The argument's place in @call, or -1 when it was not given. */
static gint
position (const Gimp2Call *call,
          Gimp2Arg         id)
{
  gint index = call->position[id];

  return index >= 0 && index < call->nparams ? index : -1;
}

gint32
gimp2_arg_int (const Gimp2Call *call,
               Gimp2Arg         id,
               gint32           fallback)
{
  gint index = position (call, id);

  return index < 0 ? fallback : call->param[index].data.d_int32;
}

static gdouble
arg_float (const Gimp2Call *call,
           Gimp2Arg         id,
           gdouble          fallback)
{
  gint index = position (call, id);

  return index < 0 ? fallback : call->param[index].data.d_float;
}

const gchar *
gimp2_arg_string (const Gimp2Call *call,
                  Gimp2Arg         id)
{
  gint index = position (call, id);

  if (index < 0 || ! call->param[index].data.d_string)
    return "";

  return call->param[index].data.d_string;
}


/* --- the options of a run ------------------------------------------------- */

/* What plug-in-gemini-set-request-options set in this session. */
typedef struct
{
  gint32 store;
  gchar  thinking[16];
} RequestOptions;

gboolean
gimp2_request_options_set (gboolean      store,
                           const gchar  *thinking,
                           GError      **error)
{
  RequestOptions request = { 0, "" };

  if (*thinking && g_ascii_strcasecmp (thinking, "default") != 0 &&
      g_ascii_strcasecmp (thinking, "minimal") != 0 &&
      g_ascii_strcasecmp (thinking, "medium") != 0 &&
      g_ascii_strcasecmp (thinking, "high") != 0)
    {
      g_set_error (error, GG_ERROR, GG_ERROR_INVALID_REQUEST,
                   _("Unknown thinking level “%s”: use minimal, medium, "
                     "high or \"\" (the model's own)."), thinking);
      return FALSE;
    }
  request.store = store;
  g_strlcpy (request.thinking, thinking, sizeof request.thinking);
  gimp_set_data (GG_PROC_OPTIONS, &request, sizeof request);

  return TRUE;
}

static void
request_options_load (Gimp2Values *values)
{
  RequestOptions options = { 0, "" };

  if (gimp_get_data_size (GG_PROC_OPTIONS) == (gint) sizeof options)
    gimp_get_data (GG_PROC_OPTIONS, &options);
  options.thinking[sizeof options.thinking - 1] = '\0';
  values->store = options.store != 0;
  g_strlcpy (values->thinking, options.thinking, sizeof values->thinking);
}

/* The engine's defaults (gg_run_options_init ()), and the dialog's. */
static void
values_init (Gimp2Values *values,
             Gimp2Kind    kind)
{
  GgRunOptions defaults;

  gg_run_options_init (&defaults);
  memset (values, 0, sizeof *values);
  values->version     = GIMP2_VALUES_VERSION;
  /* Refine follows the conversation's model unless told otherwise. */
  if (kind != GIMP2_KIND_REFINE)
    g_strlcpy (values->model, gg_catalogue_default_model (),
               sizeof values->model);
  values->variations  = defaults.variations;
  values->context_px  = defaults.context_px;
  values->context_pct = defaults.context_pct;
  values->grow        = defaults.grow;
  values->feather     = defaults.feather;
  values->reference   = -1;
  values->file_role   = 2;     /* object */
  /* Compose adds to the image it was started from, as in GIMP 3. */
  values->as_layer    = kind == GIMP2_KIND_COMPOSE;
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

/* The reference drawables and files of a script's call. */
static void
references_from_args (const Gimp2Call *call,
                      Gimp2Options    *options)
{
  gint n     = gimp2_arg_int (call, GIMP2_ARG_N_REFERENCES, 0);
  gint index = position (call, GIMP2_ARG_REFERENCES);

  if (n > 0 && index >= 0 && call->param[index].data.d_int32array)
    {
      options->references   = g_memdup2 (call->param[index].data.d_int32array,
                                         n * sizeof (gint32));
      options->n_references = n;
    }
  g_free (options->roles);
  options->roles = g_strdup (gimp2_arg_string (call, GIMP2_ARG_ROLES));

  /* A string array comes with its count just before it. */
  n     = gimp2_arg_int (call, GIMP2_ARG_N_FILES, 0);
  index = position (call, GIMP2_ARG_FILES);
  g_clear_pointer (&options->files, g_strfreev);
  if (n > 0 && index >= 0 && call->param[index].data.d_stringarray)
    {
      gchar **given = call->param[index].data.d_stringarray;
      gint    i;

      options->files = g_new0 (gchar *, n + 1);
      for (i = 0; i < n; i++)
        options->files[i] = g_strdup (given[i] ? given[i] : "");
    }
  g_free (options->file_roles);
  options->file_roles = g_strdup (gimp2_arg_string (call,
                                                    GIMP2_ARG_FILE_ROLES));
}

/* Non-interactive runs: the arguments as given. */
static void
options_from_args (const Gimp2Call *call,
                   Gimp2Options    *options)
{
  Gimp2Values *v = &options->values;

  g_free (options->prompt);
  options->prompt = g_strdup (gimp2_arg_string (call, GIMP2_ARG_PROMPT));
  g_strlcpy (v->model, gimp2_arg_string (call, GIMP2_ARG_MODEL), sizeof v->model);
  g_strlcpy (v->ratio, gimp2_arg_string (call, GIMP2_ARG_RATIO), sizeof v->ratio);
  g_strlcpy (v->size,  gimp2_arg_string (call, GIMP2_ARG_SIZE),  sizeof v->size);
  v->image_only     = gimp2_arg_int (call, GIMP2_ARG_IMAGE_ONLY, 0);
  v->context_px     = CLAMP (gimp2_arg_int (call, GIMP2_ARG_CONTEXT_PX,
                                            v->context_px), 0, 4096);
  v->context_pct    = CLAMP (gimp2_arg_int (call, GIMP2_ARG_CONTEXT_PCT,
                                            v->context_pct), 0, 200);
  v->visible        = gimp2_arg_int (call, GIMP2_ARG_SOURCE, 0) == 1;
  v->search         = gimp2_arg_int (call, GIMP2_ARG_SEARCH, 0);
  v->thought_layers = gimp2_arg_int (call, GIMP2_ARG_THOUGHT_LAYERS, 0);
  v->variations     = gimp2_arg_int (call, GIMP2_ARG_VARIATIONS, 1);
  v->as_layer       = gimp2_arg_int (call, GIMP2_ARG_AS_LAYER, 0);
  v->include_region = gimp2_arg_int (call, GIMP2_ARG_INCLUDE_REGION, 0);
  v->grow           = CLAMP (gimp2_arg_int (call, GIMP2_ARG_GROW, v->grow),
                             -1000, 1000);
  v->feather        = MIN (arg_float (call, GIMP2_ARG_FEATHER, v->feather),
                           1000.0);
  if (v->feather < 0)
    v->feather = GG_MASK_FEATHER_AUTO;
  v->changed_only   = gimp2_arg_int (call, GIMP2_ARG_CHANGED_ONLY, 0);
  v->hint           = gimp2_arg_int (call, GIMP2_ARG_HINT, 0);
  request_options_load (v);

  references_from_args (call, options);

  options->style = gimp2_arg_int (call, GIMP2_ARG_STYLE, -1);
  g_free (options->style_file);
  options->style_file = g_strdup (gimp2_arg_string (call,
                                                    GIMP2_ARG_STYLE_FILE));
}

/* Interactive and last-values runs: the dialog's one reference layer. */
static void
options_from_values (Gimp2Options *options)
{
  Gimp2Values *v = &options->values;

  g_free (options->prompt);
  options->prompt = g_strdup (v->prompt);
  gimp2_options_clear_references (options);
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

void
gimp2_options_clear_references (Gimp2Options *options)
{
  g_clear_pointer (&options->references, g_free);
  options->n_references = 0;
  g_clear_pointer (&options->roles, g_free);
  g_clear_pointer (&options->files, g_strfreev);
  g_clear_pointer (&options->file_roles, g_free);
}

void
gimp2_options_clear (Gimp2Options *options)
{
  gimp2_options_clear_references (options);
  g_clear_pointer (&options->prompt, g_free);
  g_clear_pointer (&options->style_file, g_free);
}

gboolean
gimp2_options_get (const Gimp2Call *call,
                   gint32           image,
                   const gchar     *note,
                   Gimp2Options    *options)
{
  const gchar *name = call->procedure->name;
  Gimp2Kind    kind = (Gimp2Kind) call->procedure->kind;

  options->run_mode = call->run_mode;
  options->style    = -1;
  values_init (&options->values, kind);

  if (call->run_mode == GIMP_RUN_NONINTERACTIVE)
    {
      options_from_args (call, options);
    }
  else
    {
      values_load (name, &options->values);
      options->style = gimp2_arg_int (call, GIMP2_ARG_STYLE, -1);

      if (call->run_mode == GIMP_RUN_INTERACTIVE)
        {
          gimp_ui_init (PLUG_IN_BINARY, FALSE);
          if (! gimp2_dialog (kind, options, image, note))
            return FALSE;
        }
      /* Remembered the 2.10 way: plain values, never the key. */
      gimp_set_data (name, &options->values, sizeof options->values);
      options_from_values (options);
    }

  options->values.variations = CLAMP (options->values.variations, 1,
                                      GG_FRONT_MAX_VARIATIONS);
  if (! options->prompt)
    options->prompt = g_strdup ("");

  return TRUE;
}
