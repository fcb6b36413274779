/* cli-help.c: the man pages of gemini-image, its commands generate, edit
 * and refine (their options come from gemini-image.c's table), printed by
 * --help. */
#include <string.h>

#include "cli.h"
#include "gg-client.h"

#define CLI_ENVIRONMENT \
  "ENVIRONMENT\n" \
  "  GEMINI_API_KEY          The API key (from https://aistudio.google.com/apikey).\n" \
  "  GOOGLE_API_KEY          The API key; wins over GEMINI_API_KEY when both are\n" \
  "                          set, as in Google's own SDKs.  The key is read from\n" \
  "                          the environment only: an option would show it to\n" \
  "                          every user of the machine (ps).  It is never printed.\n" \
  "  GOOGLE_GEMINI_BASE_URL  The endpoint base (default\n" \
  "                          " GG_DEFAULT_BASE_URL ").\n" \
  "                          Plain http is refused except to a loopback address.\n"

#define CLI_EXIT_STATUS \
  "EXIT STATUS\n" \
  "  0    At least one image was written.\n" \
  "  1    The request was sent (or tried) and no image came of it: an error\n" \
  "       from the API or the network, a blocked prompt, a text-only answer.\n" \
  "       One sentence on stderr says why; no output file is left behind.\n" \
  "  2    Usage error: nothing was sent (and nothing billed).  A bad option,\n" \
  "       an unreadable input, an unsupported output extension, a request\n" \
  "       the API would refuse, no API key, an insecure base URL.\n" \
  "  130  Interrupted (SIGINT); nothing was written.\n"

#define CLI_COMMON_DESCRIPTION \
  "  The model's text goes to stdout (always, also when it drew nothing);\n" \
  "  errors go to stderr as one sentence.  The output's format follows its\n" \
  "  extension (.png, .jpg, .jpeg, .webp), converted when the model answered\n" \
  "  in another.  Several images are written as FILE, FILE-2, FILE-3 ...\n" \
  "  (out.png, out-2.png).  Files are written to a temporary name and renamed\n" \
  "  once everything succeeded, so a failure never leaves a partial file and\n" \
  "  never replaces an existing one.  Progress is shown on stderr when it is a\n" \
  "  terminal; after success one line estimates the cost.\n"

#define CLI_TEMPLATE_DESCRIPTION \
  "  Instead of writing the whole prompt, --template ID fills one of the\n" \
  "  templates made after Google's prompting guide with --field NAME=VALUE\n" \
  "  ('gemini-image templates' lists them, 'gemini-image template ID' shows\n" \
  "  the fields); --prompt then adds further instructions after it.  A run\n" \
  "  from a terminal that writes an image keeps its prompt in the history\n" \
  "  ('gemini-image history').\n" \
  "\n"

static const gchar *generate_summary =
  "DESCRIPTION\n"
  "  Generates an image from a text prompt with one of Google's Gemini image\n"
  "  models (\"Nano Banana\") and writes it to FILE.\n"
  "\n"
  CLI_TEMPLATE_DESCRIPTION
  CLI_COMMON_DESCRIPTION;

static const gchar *edit_summary =
  "DESCRIPTION\n"
  "  Edits the image FILE as the prompt says and writes the result.  The\n"
  "  prompt is wrapped in wording that asks the model to change only what it\n"
  "  names and keep everything else (see common/prompts.json).  The aspect\n"
  "  ratio defaults to the model's ratio nearest to the input's.\n"
  "\n"
  "  With --mask, only the mask's white area may change: the area's bounds\n"
  "  plus some context are sent, the answer is realigned and colour-matched\n"
  "  onto the input, and composited through the mask (grey = partly), so the\n"
  "  result keeps the input's size and every pixel outside the mask.\n"
  "  --grow and --feather treat the mask as a selection (at least half white\n"
  "  is selected), grown and feathered as the GIMP plug-in does; --patch also\n"
  "  writes the placed region with that mask as alpha; --hint sends the\n"
  "  editable area to the model as a second, black-and-white image.\n"
  "  --conversation FILE keeps the conversation (the prompt and pictures\n"
  "  sent, the model's answer as received, and where it went) in FILE, for\n"
  "  'gemini-image refine'.\n"
  "\n"
  CLI_TEMPLATE_DESCRIPTION
  CLI_COMMON_DESCRIPTION;

static const gchar *generate_examples =
  "EXAMPLES\n"
  "  gemini-image generate --prompt 'a lighthouse at dusk, oil painting' \\\n"
  "      --aspect 16:9 --output lighthouse.png\n"
  "  gemini-image generate --model gemini-3-pro-image --size 2K \\\n"
  "      --reference style:monet.jpg --prompt 'my garden' --output garden.jpg\n"
  "  gemini-image generate --prompt 'the weather in Paris today as a poster' \\\n"
  "      --search --json --output poster.png\n"
  "  gemini-image generate --prompt 'a cat' --output cat.png --dry-run\n"
  "  gemini-image generate --template photorealistic \\\n"
  "      --field 'subject=an old fisherman mending a net' \\\n"
  "      --field 'environment=a foggy harbour at dawn' \\\n"
  "      --field 'camera=a 50 mm lens' --prompt 'keep the colours muted' \\\n"
  "      --output fisherman.png\n";

static const gchar *edit_examples =
  "EXAMPLES\n"
  "  gemini-image edit --input photo.jpg --prompt 'make the sky stormy' \\\n"
  "      --output stormy.jpg\n"
  "  gemini-image edit --input room.png --mask sofa-mask.png \\\n"
  "      --prompt 'a green velvet sofa' --output room-green.png\n"
  "  gemini-image edit --input room.png --mask sofa-mask.png --grow 4 \\\n"
  "      --feather 12 --patch sofa-layer.png --prompt 'a green velvet sofa' \\\n"
  "      --output room-green.png\n"
  "  gemini-image edit --input sofa.png --template change-one \\\n"
  "      --field 'element=the blue sofa' --field 'change=make it green velvet' \\\n"
  "      --output sofa-green.png\n"
  "  gemini-image edit --input room.png --mask sofa-mask.png \\\n"
  "      --prompt 'a green velvet sofa' --output room-green.png \\\n"
  "      --conversation sofa.json\n";

static const gchar *refine_summary =
  "DESCRIPTION\n"
  "  Continues the conversation that 'gemini-image edit --mask MASK\n"
  "  --conversation FILE' (or an earlier refine) kept in FILE: its earlier\n"
  "  prompts and pictures and the model's answers as received (thought\n"
  "  signatures included) are sent before the new prompt, as the GIMP\n"
  "  plug-in's Refine does.  The answer is placed where the edit's went,\n"
  "  composited onto the input and written to the output, which keeps the\n"
  "  input's size; FILE then holds the new turn too (the newest turns are\n"
  "  kept, at most 16 MB, as in the plug-in).  The input is the image as it\n"
  "  is now: the edit's output, painted on or not.  The model, ratio and size\n"
  "  are the conversation's unless given.  A missing or damaged FILE is\n"
  "  refused before anything is sent.\n"
  "\n"
  "  With --mask only the mask's white area may change, as in edit --mask\n"
  "  (--grow, --feather, --patch alike); without one, only the pixels the\n"
  "  model changed are taken.  The prompt goes as text only; with\n"
  "  --include-region the region as it is now goes with it (for when it was\n"
  "  painted on since the edit), and --hint then marks where it may change.\n"
  "\n"
  CLI_COMMON_DESCRIPTION;

static const gchar *refine_examples =
  "EXAMPLES\n"
  "  gemini-image edit --input room.png --mask sofa-mask.png \\\n"
  "      --prompt 'a green velvet sofa' --output room-green.png \\\n"
  "      --conversation sofa.json\n"
  "  gemini-image refine --input room-green.png --conversation sofa.json \\\n"
  "      --mask sofa-mask.png --prompt 'darker, with brass feet' \\\n"
  "      --output room-green2.png\n"
  "  gemini-image refine --input room-green2.png --conversation sofa.json \\\n"
  "      --mask sofa-mask.png --include-region --hint \\\n"
  "      --prompt 'keep the cushion I painted' --output room-green3.png\n";

/* The man pages of generate, edit and refine. */
static const struct
{
  const gchar *name;
  const gchar *what;
  const gchar *synopsis;
  const gchar *template_synopsis;   /* NULL: none shown */
  const gchar *const *summary;
  const gchar *const *examples;
} pages[] =
{
  [CLI_COMMAND_GENERATE] = { "generate",
    "make an image from a text prompt with a Gemini image model",
    "generate --prompt TEXT --output FILE", "generate",
    &generate_summary, &generate_examples },
  [CLI_COMMAND_EDIT] = { "edit",
    "edit an image as a prompt says, with a Gemini image model",
    "edit --input FILE --prompt TEXT --output FILE", "edit --input FILE",
    &edit_summary, &edit_examples },
  [CLI_COMMAND_REFINE] = { "refine",
    "continue an edit's conversation with the Gemini model",
    "refine --input FILE --conversation FILE --prompt TEXT\n"
    "      --output FILE", NULL,
    &refine_summary, &refine_examples },
};


void
cli_help_overview (FILE *stream)
{
  fprintf (stream,
    "NAME\n"
    "  gemini-image - generate and edit images with Google's Gemini image models\n"
    "\n"
    "SYNOPSIS\n"
    "  gemini-image generate --prompt TEXT --output FILE [OPTION...]\n"
    "  gemini-image edit --input FILE --prompt TEXT --output FILE [OPTION...]\n"
    "  gemini-image refine --input FILE --conversation FILE --prompt TEXT\n"
    "      --output FILE [OPTION...]\n"
    "  gemini-image models [--remote [--refresh]] [--json]\n"
    "  gemini-image templates [--kind generate|edit] [--json]\n"
    "  gemini-image template ID [--json]\n"
    "  gemini-image history [--search WORDS] [--clear] [--json]\n"
    "  gemini-image batch (submit|status|wait|fetch|cancel|list) ...\n"
    "  gemini-image COMMAND --help\n"
    "\n"
    "DESCRIPTION\n"
    "  The command-line front end of gimp-gemini, for scripts and batches.\n"
    "\n"
    "  generate   Make an image from a text prompt.\n"
    "  edit       Change an image as a prompt says (optionally only inside a mask).\n"
    "  refine     Continue the conversation an edit with a mask kept in a file.\n"
    "  models     List the known models: sizes, ratios with dimensions, limits\n"
    "             and prices; --remote: the image models your key can use.\n"
    "             Other model names are accepted and sent as given.\n"
    "  templates  List the prompt templates (after Google's prompting guide)\n"
    "             that generate and edit fill with --template and --field.\n"
    "  template   Show one template: its fields, hints and examples.\n"
    "  history    The prompts used recently: list, search, clear.\n"
    "  batch      Run many prompts on Google's batch service at half the price:\n"
    "             submit, then status, wait, fetch, cancel, list.\n"
    "\n"
    "  Run 'gemini-image generate --help' for every option.\n"
    "\n"
    "%s\n%s\n"
    "EXAMPLES\n"
    "  export GEMINI_API_KEY=...   # better: read it from a file or a keyring\n"
    "  gemini-image generate --prompt 'a red bicycle' --output bike.png\n"
    "  gemini-image edit --input bike.png --prompt 'make it blue' --output blue.png\n"
    "  gemini-image models\n",
    CLI_ENVIRONMENT, CLI_EXIT_STATUS);
}

/* Declared in cli.h. */
void
cli_help_wrap (GString *out, const gchar *text, gint indent)
{
  gchar **words = g_strsplit_set (text, " \n", -1);
  gint    column = 0;

  for (gint i = 0; words[i] != NULL; i++)
    {
      gint len = (gint) g_utf8_strlen (words[i], -1);

      if (len == 0)
        continue;
      if (column > 0 && column + 1 + len > 79)
        {
          g_string_append_c (out, '\n');
          column = 0;
        }
      if (column == 0)
        {
          g_string_append_printf (out, "%*s", indent, "");
          column = indent;
        }
      else
        {
          g_string_append_c (out, ' ');
          column++;
        }
      g_string_append (out, words[i]);
      column += len;
    }
  g_string_append_c (out, '\n');
  g_strfreev (words);
}

void
cli_help_command (CliCommand command, const GOptionEntry *entries)
{
  GString *out = g_string_new (NULL);

  g_string_append_printf (out,
    "NAME\n"
    "  gemini-image %s - %s\n"
    "\n"
    "SYNOPSIS\n"
    "  gemini-image %s [OPTION...]\n",
    pages[command].name, pages[command].what, pages[command].synopsis);
  if (pages[command].template_synopsis != NULL)
    g_string_append_printf (out,
      "  gemini-image %s --template ID [--field NAME=VALUE]... --output FILE\n"
      "      [OPTION...]\n", pages[command].template_synopsis);
  g_string_append_printf (out, "\n%s\nOPTIONS\n", *pages[command].summary);
  for (const GOptionEntry *e = entries; e->long_name != NULL; e++)
    {
      g_string_append (out, "  ");
      if (e->short_name != '\0')
        g_string_append_printf (out, "-%c, ", e->short_name);
      g_string_append_printf (out, "--%s", e->long_name);
      if (e->arg_description != NULL)
        g_string_append_printf (out, " %s", e->arg_description);
      g_string_append_c (out, '\n');
      cli_help_wrap (out, e->description, 6);
    }
  g_string_append_printf (out, "\n%s\n%s\n%s", CLI_ENVIRONMENT, CLI_EXIT_STATUS,
                          *pages[command].examples);
  fputs (out->str, stdout);
  g_string_free (out, TRUE);
}
