/* cli-templates.h: prompt templates and the prompt history on the command
 * line.
 *
 *   gemini-image templates [--kind generate|edit] [--json]
 *   gemini-image template ID [--json]
 *   gemini-image history [--search WORDS] [--clear] [--json]
 *   gemini-image generate|edit --template ID --field NAME=VALUE ...
 *
 * gemini-image.c adds the options of generate and edit with
 * cli_template_add_entries (), fills the prompt with cli_template_apply ()
 * before it checks the options, and records the prompt with
 * cli_history_record () after a run that wrote an image.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  gchar    *template_id;  /* --template ID */
  gchar   **fields;       /* --field NAME=VALUE, repeatable */
  gboolean  history;      /* --history: record also when not run from a terminal */
  gboolean  no_history;   /* --no-history: never record */
} CliTemplateArgs;

void          cli_template_args_clear  (CliTemplateArgs *args);

/* @entries (a NULL-terminated array from g_new, freed here) with
 * --template and --field after --prompt and --history, --no-history before
 * --help.  g_free the result (its strings are static). */
GOptionEntry *cli_template_add_entries (GOptionEntry    *entries,
                                        CliTemplateArgs *args);

/* With --template: *@prompt becomes the filled template followed by the
 * old *@prompt (the --prompt text, if any) as further instructions.
 * Without: --field is refused.  FALSE after printing one sentence on
 * stderr (a usage error). */
gboolean      cli_template_apply       (CliTemplateArgs *args,
                                        gboolean         edit,
                                        gchar          **prompt);

/* Puts @prompt in the history in gg_history_default_dir () when stdin is
 * a terminal or with --history, never with --no-history.  A failure is a
 * warning on stderr, not a failed run. */
void          cli_history_record       (const CliTemplateArgs *args,
                                        const gchar           *prompt,
                                        gboolean               quiet);

gint          cli_templates_main       (gint argc, gchar **argv);
gint          cli_template_main        (gint argc, gchar **argv);
gint          cli_history_main         (gint argc, gchar **argv);

G_END_DECLS
