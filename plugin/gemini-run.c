/* gimp-gemini: the steps every run shares (gemini-run.h). */

#include <string.h>

#include <libgimp/gimp.h>

#include "gg-error.h"
#include "gg-front.h"
#include "gg-response.h"

#include "gemini.h"
#include "gemini-form.h"
#include "gemini-intl.h"
#include "gemini-key.h"
#include "gemini-pixels.h"
#include "gemini-references.h"
#include "gemini-run.h"
#include "gemini-worker.h"


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

  options->variations = CLAMP (options->variations, 1, GEMINI_MAX_VARIATIONS);
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

GgRequest *
gemini_request_build (const GeminiOptions      *options,
                      const GeminiRequestSpec  *spec,
                      GError                  **error)
{
  g_autoptr (GgRequest) request = gg_request_new (spec->model);
  guint                 i;

  gg_request_set_prompt (request, spec->text);
  gg_request_set_aspect_ratio (request, spec->ratio);
  gg_request_set_image_size (request, spec->size);
  gg_request_set_image_only (request, options->image_only);
  gg_request_set_search (request, options->search);
  gg_request_set_store (request, options->store);
  gg_request_set_thinking_level (request, options->thinking);
  if (options->thought_layers)
    gg_request_set_include_thoughts (request, TRUE);

  if (spec->history && ! gg_request_set_history (request, spec->history, error))
    return NULL;

  if (spec->input)
    gg_request_add_image (request, spec->input, NULL, GG_ROLE_INPUT);

  for (i = 0; spec->references && i < spec->references->len; i++)
    {
      GeminiReference *reference = g_ptr_array_index (spec->references, i);

      gg_request_add_image (request, reference->bytes, NULL, reference->role);
    }

  return g_steal_pointer (&request);
}

/* Sends @n requests at once (variations).  The answers that hold an image,
 * in order (gg_response_free); @failures receives one sentence per request
 * that failed.  NULL with @error (the first failure's) when none succeeded. */
GPtrArray *
gemini_ask (const GeminiOptions  *options,
            GgRequest           **requests,
            guint                 n,
            GPtrArray           **failures,
            GError              **error)
{
  GPtrArray *responses;
  gchar     *key;

  *failures = NULL;

  /* Refused before the key is even looked for. */
  if (! gg_front_validate (requests, n, error))
    return NULL;

  key = gemini_key_get (options->run_mode, error);
  if (! key)
    return NULL;

  responses = gemini_worker_ask (key, requests, n, failures, error);
  gemini_key_free (key);

  return responses;
}

/* The common end of every run: layers, conversation and messages, in one
 * undo group.  @target->image NULL: a new image of the answer's size. */
GimpLayer *
gemini_finish (const GeminiOptions  *options,
               GeminiTarget         *target,
               GPtrArray            *responses,
               GPtrArray            *failures,
               GgConversation       *conversation,
               GgConversationPlace  *place,
               const GgRequest      *request,
               GError              **error)
{
  g_autoptr (GgFrontPrepared) prepared = NULL;
  g_autofree gchar          *user_turn = NULL;
  g_autofree gchar          *note      = NULL;
  GgResponse                *answer    = g_ptr_array_index (responses, 0);
  GeminiResult               result;
  gboolean                   new_image = FALSE;
  GError                    *conversation_error = NULL;

  prepared = gemini_result_prepare (target, responses, error);
  if (! prepared)
    return NULL;

  if (! target->image)
    {
      gint width, height;

      gemini_result_size (prepared, &width, &height);
      target->image = gimp_image_new (width, height, GIMP_RGB);
      if (! target->image)
        {
          g_autoptr (GPtrArray) images = gg_response_images (answer);
          GgPart               *part   = g_ptr_array_index (images, 0);

          g_set_error (error, GG_ERROR, GG_ERROR_FAILED,
                       _("A new image could not be made: %s"),
                       gimp_pdb_get_last_error (gimp_get_pdb ()));
          gg_front_recovery_error (error, gimp_directory (), part->data,
                                   target->prompt,
                                   _("The result could not be added to "
                                     "an image"));
          return NULL;
        }
      new_image = TRUE;
      /* A new image starts with no history, as if it had been opened. */
      gimp_image_undo_disable (target->image);
    }
  else
    {
      gimp_image_undo_group_start (target->image);
    }

  if (! gemini_result_insert (target, prepared, &result, error))
    {
      if (new_image)
        {
          gimp_image_delete (target->image);
          target->image = NULL;
        }
      else
        {
          gimp_image_undo_group_end (target->image);
        }
      return NULL;
    }

  /* The first answer continues the conversation; with variations the
   * others are alternatives the user can keep by hand. */
  place->result_tattoo = gimp_item_get_tattoo (GIMP_ITEM (result.first));
  place->clip          = result.clip;

  if (! answer->model_turn_json)
    {
      gemini_conversation_forget (target->image);
      note = g_strdup_printf (_("This answer cannot be refined: %s"),
                              _("it came without its content"));
    }
  else if (! gg_conversation_place_fits (request, answer->model_turn_json,
                                         &note))
    {
      /* Too large to keep (a 4K edit): said before its JSON is built. */
      gemini_conversation_forget (target->image);
    }
  else
    {
      user_turn = gg_request_user_turn_json (request);
      if (gg_conversation_append_turn (conversation, user_turn,
                                       answer->model_turn_json,
                                       &conversation_error))
        {
          gemini_conversation_store (target->image, conversation, place,
                                     &note);
        }
      else
        {
          gemini_conversation_forget (target->image);
          note = g_strdup_printf (_("This answer cannot be refined: %s"),
                                  conversation_error->message);
          g_clear_error (&conversation_error);
        }
    }
  gemini_time_mark ("conversation");

  if (new_image)
    gimp_image_undo_enable (target->image);
  else
    gimp_image_undo_group_end (target->image);

  gemini_result_report (options->run_mode,
                        gg_request_get_model (request),
                        responses, failures, note);

  /* The dialogs' recent prompts: what the user ran, not what scripts
   * send (a script's prompts are its own business). */
  if (options->run_mode != GIMP_RUN_NONINTERACTIVE)
    gemini_history_record (options->prompt);

  if (options->run_mode == GIMP_RUN_INTERACTIVE)
    {
      if (new_image)
        gimp_display_new (target->image);
      gimp_displays_flush ();
    }

  return result.item;
}

static gboolean
has_property (GimpProcedureConfig *config,
              const gchar         *name)
{
  return g_object_class_find_property (G_OBJECT_GET_CLASS (config),
                                       name) != NULL;
}
