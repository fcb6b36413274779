/* cli-templates.c: `gemini-image templates`, `template ID`, `history`, and
 * --template / --field / --history on generate and edit. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli-templates.h"
#include "gg-history.h"
#include "gg-template.h"

/* ---- small helpers ------------------------------------------------------ */

static gint
usage (const gchar *command, const gchar *format, ...) G_GNUC_PRINTF (2, 3);

static gint
usage (const gchar *command, const gchar *format, ...)
{
  va_list           args;
  g_autofree gchar *text = NULL;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "%s: %s (see '%s %s --help').\n", CLI_NAME, text, CLI_NAME, command);
  return CLI_EXIT_USAGE;
}

/* Prints @text wrapped at 79 columns, each line indented by @indent. */
static void
print_wrapped (const gchar *text, gint indent)
{
  GString *out = g_string_new (NULL);

  cli_help_wrap (out, text, indent);
  fputs (out->str, stdout);
  g_string_free (out, TRUE);
}

/* The fields as a synopsis: required ones bare, optional ones in brackets. */
static gchar *
fields_synopsis (const GgTemplate *template)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < template->n_fields; i++)
    g_string_append_printf (out, i > 0 ? (template->fields[i].required ? " %s" : " [%s]")
                                       : (template->fields[i].required ? "%s" : "[%s]"),
                            template->fields[i].name);
  return g_string_free (out, FALSE);
}

/* Shell-quotes @text in single quotes when it needs it. */
static gchar *
shell_word (const gchar *text)
{
  for (const gchar *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("-_=./:,", *p) == NULL)
      return g_shell_quote (text);
  return g_strdup (text);
}

static cJSON *
template_json (const GgTemplate *template, gboolean with_examples)
{
  cJSON *object = cJSON_CreateObject ();
  cJSON *fields;

  cJSON_AddStringToObject (object, "id", template->id);
  cJSON_AddStringToObject (object, "kind", gg_template_kind_to_string (template->kind));
  cJSON_AddStringToObject (object, "label", template->label);
  cJSON_AddStringToObject (object, "description", template->description);
  cJSON_AddStringToObject (object, "text", template->text);
  fields = cJSON_AddArrayToObject (object, "fields");
  for (guint i = 0; i < template->n_fields; i++)
    {
      const GgTemplateField *field = &template->fields[i];
      cJSON                 *item = cJSON_CreateObject ();

      cJSON_AddStringToObject (item, "name", field->name);
      cJSON_AddStringToObject (item, "label", field->label);
      cJSON_AddStringToObject (item, "hint", field->hint);
      cJSON_AddStringToObject (item, "example", field->example);
      cJSON_AddBoolToObject (item, "required", field->required);
      cJSON_AddItemToArray (fields, item);
    }
  if (with_examples)
    {
      g_autoptr(GHashTable) examples = gg_template_examples (template);
      g_autofree gchar     *filled = gg_template_fill (template, examples, NULL);

      cJSON_AddStringToObject (object, "example_prompt", filled ? filled : "");
    }
  return object;
}

/* Parses @entries out of @argv; --help prints @help.  Returns -1 to go on,
 * else the exit status. */
static gint
parse (const gchar *command, GOptionEntry *entries, gint *argc, gchar ***argv,
       gboolean *help, void (*print_help) (void))
{
  GOptionContext   *context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  gboolean          ok;

  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_add_main_entries (context, entries, NULL);
  ok = g_option_context_parse (context, argc, argv, &error);
  g_option_context_free (context);
  if (!ok)
    return usage (command, "%s", error->message);
  if (*help)
    {
      print_help ();
      return CLI_EXIT_OK;
    }
  return -1;
}

/* ---- gemini-image templates --------------------------------------------- */

static void
templates_help (void)
{
  fputs ("NAME\n"
         "  gemini-image templates - list the prompt templates\n"
         "\n"
         "SYNOPSIS\n"
         "  gemini-image templates [--kind generate|edit] [--json]\n"
         "\n"
         "DESCRIPTION\n"
         "  Lists the prompt templates, which follow Google's prompting guide for\n"
         "  the Gemini image models: a template is a prompt written as sentences\n"
         "  with blanks (subject, lighting, lens, text to render...) that\n"
         "  --template ID and --field NAME=VALUE fill on generate and edit.  Each\n"
         "  line gives the id, the label and the fields; [optional] fields may be\n"
         "  left out.  'gemini-image template ID' shows one in full.\n"
         "\n"
         "OPTIONS\n"
         "  --kind KIND\n"
         "      Only the templates for generate or for edit.\n"
         "  -j, --json\n"
         "      Print a JSON array of the templates, each with its id, kind, label,\n"
         "      description, text and fields (name, label, hint, example, required).\n"
         "  -h, --help\n"
         "      Show this help and exit.\n"
         "\n"
         "EXAMPLES\n"
         "  gemini-image templates --kind edit\n"
         "  gemini-image template photorealistic\n", stdout);
}

gint
cli_templates_main (gint argc, gchar **argv)
{
  g_autofree gchar *kind_text = NULL;
  gboolean          json = FALSE, help = FALSE;
  GgTemplateKind    kind = GG_TEMPLATE_ANY;
  GOptionEntry      entries[] =
  {
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind_text, NULL, NULL },
    { "json", 'j', 0, G_OPTION_ARG_NONE, &json, NULL, NULL },
    { "help", 'h', 0, G_OPTION_ARG_NONE, &help, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GPtrArray) list = NULL;
  gint                 status;

  status = parse ("templates", entries, &argc, &argv, &help, templates_help);
  if (status >= 0)
    return status;
  if (argc > 1)
    return usage ("templates", "Unexpected argument '%s'", argv[1]);
  if (kind_text != NULL && !gg_template_kind_from_string (kind_text, &kind))
    return usage ("templates", "--kind takes generate or edit, not '%s'", kind_text);

  list = gg_template_list (kind);
  if (json)
    {
      cJSON *array = cJSON_CreateArray ();

      for (guint i = 0; i < list->len; i++)
        cJSON_AddItemToArray (array, template_json (list->pdata[i], FALSE));
      cli_output_print_json (array);
      cJSON_Delete (array);
      return CLI_EXIT_OK;
    }
  for (gint k = GG_TEMPLATE_GENERATE; k <= GG_TEMPLATE_EDIT; k++)
    {
      gboolean heading = FALSE;

      for (guint i = 0; i < list->len; i++)
        {
          const GgTemplate *template = list->pdata[i];
          g_autofree gchar *synopsis = NULL;

          if ((gint) template->kind != k)
            continue;
          if (!heading)
            {
              printf ("%sFor %s:\n", k == GG_TEMPLATE_EDIT && kind == GG_TEMPLATE_ANY ? "\n" : "",
                      gg_template_kind_to_string (template->kind));
              heading = TRUE;
            }
          synopsis = fields_synopsis (template);
          printf ("  %-17s %s\n", template->id, template->label);
          printf ("%20sfields: %s\n", "", synopsis);
        }
    }
  return CLI_EXIT_OK;
}

/* ---- gemini-image template ID ------------------------------------------- */

static void
template_help (void)
{
  fputs ("NAME\n"
         "  gemini-image template - show one prompt template\n"
         "\n"
         "SYNOPSIS\n"
         "  gemini-image template ID [--json]\n"
         "\n"
         "DESCRIPTION\n"
         "  Shows the template ID (see 'gemini-image templates'): what it is for,\n"
         "  its text, where {blanks} are filled and [parts] are left out when\n"
         "  their optional field is empty, each field with a hint and an example,\n"
         "  a command that uses it, and the prompt its examples make.\n"
         "\n"
         "OPTIONS\n"
         "  -j, --json\n"
         "      Print the template as JSON, with \"example_prompt\".\n"
         "  -h, --help\n"
         "      Show this help and exit.\n"
         "\n"
         "EXAMPLES\n"
         "  gemini-image template text-logo\n"
         "  gemini-image generate --template text-logo --field kind=poster \\\n"
         "      --field 'brand=a jazz night at the Blue Room' \\\n"
         "      --field 'text=Blue Room Live' --output poster.png\n", stdout);
}

gint
cli_template_main (gint argc, gchar **argv)
{
  gboolean          json = FALSE, help = FALSE;
  GOptionEntry      entries[] =
  {
    { "json", 'j', 0, G_OPTION_ARG_NONE, &json, NULL, NULL },
    { "help", 'h', 0, G_OPTION_ARG_NONE, &help, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GError)     error = NULL;
  g_autoptr(GHashTable) examples = NULL;
  g_autofree gchar     *filled = NULL;
  const GgTemplate     *template;
  GString              *command;
  gint                  status;

  status = parse ("template", entries, &argc, &argv, &help, template_help);
  if (status >= 0)
    return status;
  if (argc < 2)
    return usage ("template", "Name the template: 'gemini-image template ID'; "
                  "'gemini-image templates' lists them");
  if (argc > 2)
    return usage ("template", "Unexpected argument '%s'", argv[2]);
  template = gg_template_lookup (argv[1], &error);
  if (template == NULL)
    {
      fprintf (stderr, "%s: %s\n", CLI_NAME, error->message);
      return CLI_EXIT_USAGE;
    }
  if (json)
    {
      cJSON *object = template_json (template, TRUE);

      cli_output_print_json (object);
      cJSON_Delete (object);
      return CLI_EXIT_OK;
    }

  printf ("%s - %s (for %s)\n\n", template->id, template->label,
          gg_template_kind_to_string (template->kind));
  print_wrapped (template->description, 2);
  printf ("\nTEXT\n");
  print_wrapped (template->text, 2);
  printf ("\nFIELDS\n");
  for (guint i = 0; i < template->n_fields; i++)
    {
      const GgTemplateField *field = &template->fields[i];
      g_autofree gchar      *example = g_strdup_printf ("Example: %s", field->example);

      printf ("  %s - %s%s\n", field->name, field->label,
              field->required ? " (required)" : "");
      print_wrapped (field->hint, 6);
      print_wrapped (example, 6);
    }

  /* One option a line, so that it can be copied as it is. */
  command = g_string_new (NULL);
  g_string_append_printf (command, "  gemini-image %s%s --template %s",
                          gg_template_kind_to_string (template->kind),
                          template->kind == GG_TEMPLATE_EDIT ? " --input photo.png" : "",
                          template->id);
  for (guint i = 0; i < template->n_fields; i++)
    if (template->fields[i].required)
      {
        g_autofree gchar *assignment = g_strdup_printf ("%s=%s", template->fields[i].name,
                                                        template->fields[i].example);
        g_autofree gchar *word = shell_word (assignment);

        g_string_append_printf (command, " \\\n      --field %s", word);
      }
  g_string_append (command, " \\\n      --output out.png\n");
  printf ("\nEXAMPLE\n%s", command->str);
  g_string_free (command, TRUE);

  examples = gg_template_examples (template);
  filled = gg_template_fill (template, examples, NULL);
  printf ("\nPROMPT MADE FROM ALL THE EXAMPLES\n");
  print_wrapped (filled ? filled : "", 2);
  return CLI_EXIT_OK;
}

/* ---- --template, --field and the history on generate and edit ----------- */

void
cli_template_args_clear (CliTemplateArgs *args)
{
  g_clear_pointer (&args->template_id, g_free);
  g_clear_pointer (&args->fields, g_strfreev);
}

GOptionEntry *
cli_template_add_entries (GOptionEntry    *entries,
                          CliTemplateArgs *args)
{
  GOptionEntry template_entries[] =
  {
    { "template", 0, 0, G_OPTION_ARG_STRING, &args->template_id,
      "Fill the prompt from a template of Google's prompting guide (see "
      "'gemini-image templates'); its fields come from --field.  --prompt, if "
      "given too, is added after the filled template as further instructions.", "ID" },
    { "field", 'f', 0, G_OPTION_ARG_STRING_ARRAY, &args->fields,
      "A value for one of the template's fields (repeatable), such as "
      "--field 'subject=a red fox'.  Optional fields may be left out; a missing "
      "required one is named.", "NAME=VALUE" },
    G_OPTION_ENTRY_NULL
  };
  GOptionEntry history_entries[] =
  {
    { "history", 0, 0, G_OPTION_ARG_NONE, &args->history,
      "Keep the prompt in the prompt history after an image was written, also "
      "when not run from a terminal (from one, it is kept unless --no-history).  "
      "See 'gemini-image history'.", NULL },
    { "no-history", 0, 0, G_OPTION_ARG_NONE, &args->no_history,
      "Do not keep the prompt in the prompt history.", NULL },
    G_OPTION_ENTRY_NULL
  };
  GArray *all = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));

  for (const GOptionEntry *e = entries; e->long_name != NULL; e++)
    {
      if (strcmp (e->long_name, "help") == 0)
        g_array_append_vals (all, history_entries, G_N_ELEMENTS (history_entries) - 1);
      g_array_append_vals (all, e, 1);
      if (strcmp (e->long_name, "prompt") == 0)
        g_array_append_vals (all, template_entries, G_N_ELEMENTS (template_entries) - 1);
    }
  g_free (entries);
  return (GOptionEntry *) g_array_free (all, FALSE);
}

gboolean
cli_template_apply (CliTemplateArgs *args,
                    gboolean         edit,
                    gchar          **prompt)
{
  g_autoptr(GError) error = NULL;
  g_autofree gchar *filled = NULL;
  const GgTemplate *template;
  const gchar      *command = edit ? "edit" : "generate";

  if (args->history && args->no_history)
    {
      usage (command, "--history and --no-history contradict each other");
      return FALSE;
    }
  if (args->template_id == NULL)
    {
      if (args->fields != NULL)
        {
          usage (command, "--field fills a template: name it with --template ID");
          return FALSE;
        }
      return TRUE;
    }
  template = gg_template_lookup (args->template_id, &error);
  if (template == NULL)
    {
      fprintf (stderr, "%s: %s\n", CLI_NAME, error->message);
      return FALSE;
    }
  if (template->kind != (edit ? GG_TEMPLATE_EDIT : GG_TEMPLATE_GENERATE))
    {
      fprintf (stderr, "%s: The template \"%s\" is for %s: use it with 'gemini-image %s', "
               "or pick one of 'gemini-image templates --kind %s'.\n", CLI_NAME,
               template->id, gg_template_kind_to_string (template->kind),
               gg_template_kind_to_string (template->kind), command);
      return FALSE;
    }
  filled = gg_template_fill_strv (template, (const gchar *const *) args->fields, &error);
  if (filled == NULL)
    {
      fprintf (stderr, "%s: %s\n", CLI_NAME, error->message);
      return FALSE;
    }
  /* An explicit --prompt: further instructions after the template's. */
  {
    gchar *joined = gg_template_append (filled, *prompt);

    g_free (*prompt);
    *prompt = joined;
  }
  return TRUE;
}

void
cli_history_record (const CliTemplateArgs *args,
                    const gchar           *prompt,
                    gboolean               quiet)
{
  g_autoptr(GError)    error = NULL;
  g_autoptr(GgHistory) history = NULL;
  g_autofree gchar    *dir = NULL;

  if (args->no_history || !(args->history || isatty (STDIN_FILENO)))
    return;
  dir = gg_history_default_dir ();
  history = gg_history_open (dir, &error);
  if (history == NULL || !gg_history_add (history, prompt, &error))
    {
      if (!quiet)
        fprintf (stderr, "%s: warning: %s\n", CLI_NAME, error->message);
    }
}

/* ---- gemini-image history ----------------------------------------------- */

static void
history_help (void)
{
  g_autofree gchar *dir = gg_history_default_dir ();

  printf ("NAME\n"
          "  gemini-image history - the prompts used recently\n"
          "\n"
          "SYNOPSIS\n"
          "  gemini-image history [--search WORDS] [--json]\n"
          "  gemini-image history --clear\n"
          "\n"
          "DESCRIPTION\n"
          "  Prints the prompts of recent generate and edit runs that wrote an\n"
          "  image, most recent first, one a line.  A run keeps its prompt when\n"
          "  started from a terminal or with --history, never with --no-history;\n"
          "  the newest %d are kept, each once.  The history holds the prompts and\n"
          "  nothing else (a prompt that looks like it holds an API key is not\n"
          "  kept) in\n"
          "    %s/%s\n"
          "  ($XDG_STATE_HOME/gimp-gemini, default ~/.local/state/gimp-gemini).\n"
          "\n"
          "OPTIONS\n"
          "  -s, --search WORDS\n"
          "      Only the prompts that contain every word, in any case, also as part\n"
          "      of a longer word ('red bik' finds 'A red bike at dusk').\n"
          "  --clear\n"
          "      Forget every prompt (removes the file).\n"
          "  -j, --json\n"
          "      Print {\"path\": FILE, \"prompts\": [...]}.\n"
          "  -h, --help\n"
          "      Show this help and exit.\n"
          "\n"
          "EXAMPLES\n"
          "  gemini-image history --search lighthouse\n"
          "  gemini-image generate --prompt \"$(gemini-image history | head -n 1)\" \\\n"
          "      --output again.png\n",
          GG_HISTORY_MAX_ENTRIES, dir, GG_HISTORY_FILE_NAME);
}

gint
cli_history_main (gint argc, gchar **argv)
{
  g_autofree gchar    *search = NULL;
  g_autofree gchar    *dir = NULL;
  gboolean             json = FALSE, clear = FALSE, help = FALSE;
  GOptionEntry         entries[] =
  {
    { "search", 's', 0, G_OPTION_ARG_STRING, &search, NULL, NULL },
    { "clear", 0, 0, G_OPTION_ARG_NONE, &clear, NULL, NULL },
    { "json", 'j', 0, G_OPTION_ARG_NONE, &json, NULL, NULL },
    { "help", 'h', 0, G_OPTION_ARG_NONE, &help, NULL, NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GError)    error = NULL;
  g_autoptr(GgHistory) history = NULL;
  g_auto(GStrv)        prompts = NULL;
  gint                 status;

  status = parse ("history", entries, &argc, &argv, &help, history_help);
  if (status >= 0)
    return status;
  if (argc > 1)
    return usage ("history", "Unexpected argument '%s'", argv[1]);
  if (clear && (search != NULL || json))
    return usage ("history", "--clear goes alone");

  dir = gg_history_default_dir ();
  history = gg_history_open (dir, &error);
  if (history == NULL)
    {
      fprintf (stderr, "%s: %s\n", CLI_NAME, error->message);
      return CLI_EXIT_FAILED;
    }
  if (clear)
    {
      if (!gg_history_clear (history, &error))
        {
          fprintf (stderr, "%s: %s\n", CLI_NAME, error->message);
          return CLI_EXIT_FAILED;
        }
      return CLI_EXIT_OK;
    }

  prompts = gg_history_search (history, search);
  if (json)
    {
      cJSON *object = cJSON_CreateObject ();
      cJSON *array = cJSON_AddArrayToObject (object, "prompts");

      cJSON_AddStringToObject (object, "path", gg_history_get_path (history));
      for (guint i = 0; prompts[i] != NULL; i++)
        cJSON_AddItemToArray (array, cJSON_CreateString (prompts[i]));
      cli_output_print_json (object);
      cJSON_Delete (object);
      return CLI_EXIT_OK;
    }
  /* One line each, for grep and head. */
  for (guint i = 0; prompts[i] != NULL; i++)
    {
      g_strdelimit (prompts[i], "\r\n\t", ' ');
      printf ("%s\n", prompts[i]);
    }
  return CLI_EXIT_OK;
}
