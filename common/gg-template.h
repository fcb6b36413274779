/* gg-template.h: prompt templates, each a form whose fields fill a prompt.
 *
 * The templates live in common/templates.json (embedded), after the ideas
 * of Google's Gemini image prompting guide; that file says how a template's
 * text is written.  They are parsed once and kept for the life of the
 * process: every GgTemplate and string returned here is owned by the
 * library and never freed.  Thread-safe.
 *
 * A dialog lists gg_template_list (kind), shows one entry per field
 * (label, hint as tooltip, example as placeholder, required marked), and
 * fills the prompt with gg_template_fill () from a name -> value table.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define GG_TEMPLATE_ERROR (gg_template_error_quark ())
GQuark gg_template_error_quark (void);

typedef enum
{
  GG_TEMPLATE_ERROR_UNKNOWN_TEMPLATE, /* no template of that id */
  GG_TEMPLATE_ERROR_MISSING_FIELD,    /* a required field is empty */
  GG_TEMPLATE_ERROR_UNKNOWN_FIELD,    /* a value for a field the template lacks */
  GG_TEMPLATE_ERROR_BAD_FIELD,        /* NAME=VALUE malformed or given twice */
} GgTemplateErrorCode;

typedef enum
{
  GG_TEMPLATE_GENERATE,
  GG_TEMPLATE_EDIT,
  GG_TEMPLATE_ANY                     /* gg_template_list (): both kinds */
} GgTemplateKind;

typedef struct
{
  const gchar *name;                  /* the blank: {name} in the text */
  const gchar *label;                 /* a short label for the form */
  const gchar *hint;                  /* one sentence: what to write */
  const gchar *example;               /* a value that fits the sentence */
  gboolean     required;
} GgTemplateField;

typedef struct
{
  const gchar           *id;          /* "photorealistic", "add-remove" ... */
  GgTemplateKind         kind;        /* GG_TEMPLATE_GENERATE or _EDIT */
  const gchar           *label;
  const gchar           *description;
  const gchar           *text;        /* with {blanks} and [optional parts] */
  const GgTemplateField *fields;      /* in the order of the form */
  guint                  n_fields;
} GgTemplate;

/* The templates of @kind (GG_TEMPLATE_ANY: all) in the file's order.
 * The array is the caller's (g_ptr_array_unref), its GgTemplate pointers
 * the library's. */
GPtrArray             *gg_template_list     (GgTemplateKind kind);

/* The template @id, or NULL (and GG_TEMPLATE_ERROR_UNKNOWN_TEMPLATE naming
 * the known ids) when there is none.  Owned by the library. */
const GgTemplate      *gg_template_lookup   (const gchar *id,
                                             GError     **error);

/* The field @name of @template, or NULL.  Owned by the library. */
const GgTemplateField *gg_template_field    (const GgTemplate *template,
                                             const gchar      *name);

/* "generate" / "edit" (static); and back, FALSE for anything else. */
const gchar           *gg_template_kind_to_string   (GgTemplateKind kind);
gboolean               gg_template_kind_from_string (const gchar    *text,
                                                     GgTemplateKind *kind);

/* The prompt made from @template with @values (field name -> value, both
 * gchar*; NULL: none).  Values are trimmed, white space folded; an empty
 * optional field drops its [optional part] and the result is tidied
 * (gg_template_tidy ()).  Errors: MISSING_FIELD naming every empty required
 * field, UNKNOWN_FIELD for a value no field takes.  Returns a newly
 * allocated string (g_free), NULL on error. */
gchar                 *gg_template_fill      (const GgTemplate *template,
                                              GHashTable       *values,
                                              GError          **error);

/* What a form shows while it is being filled in: @template filled with
 * @values (unknown names ignored), each empty required blank written as
 * GG_TEMPLATE_DRAFT_MARK so the sentence stays readable, tidied.
 * @missing (may be NULL) receives the empty required fields, in form
 * order (g_ptr_array_unref; the fields are the library's), an empty array
 * when the prompt is complete, and then the text equals what
 * gg_template_fill () gives.  Newly allocated (g_free). */
#define GG_TEMPLATE_DRAFT_MARK "…"
gchar                 *gg_template_draft     (const GgTemplate *template,
                                              GHashTable       *values,
                                              GPtrArray       **missing);

/* The same from "NAME=VALUE" strings (NULL-terminated; NULL: none), as
 * the command line gives them.  BAD_FIELD for a string without "=" or a
 * name given twice. */
gchar                 *gg_template_fill_strv (const GgTemplate   *template,
                                              const gchar *const *assignments,
                                              GError            **error);

/* Every field's example, by name: what the form shows as placeholders and
 * what gg_template_fill () accepts.  g_hash_table_unref (the strings are
 * the library's). */
GHashTable            *gg_template_examples  (const GgTemplate *template);

/* @text with runs of white space folded to one space, no space before
 * , . ; : ! ?, doubled punctuation reduced to one mark (an ellipsis is
 * kept), the first letter upper case and a full stop added when the text
 * does not end with . ! ? or a closing quote after one.  "" stays "".
 * Newly allocated (g_free). */
gchar                 *gg_template_tidy      (const gchar *text);

/* @prompt followed by the user's @extra instructions as further sentences
 * (NULL or blank @extra: @prompt alone), tidied.  This is how the CLI
 * adds --prompt to a --template.  Newly allocated (g_free). */
gchar                 *gg_template_append    (const gchar *prompt,
                                              const gchar *extra);

/* What a template form shows and does as the user types, decided without
 * widgets (both GIMP dialogs show it; tests/unit/test-template.c). */
typedef struct
{
  gchar       *draft;       /* the prompt the form makes (NULL without a
                             * template); newly allocated */
  gboolean     overwrite;   /* put @draft in the prompt: the prompt is
                             * blank or the form's last fill, or forced */
  gchar       *status;      /* the status line, translated ("" without a
                             * template); newly allocated */
  const gchar *description; /* the template's description, or what a
                             * template is; translated, static */
} GgTemplateFormState;

/* Decides for a form of @template (NULL: "No template") filled with
 * @values (as gg_template_draft ()) over the user's @prompt (NULL: blank):
 * the form's prompt overwrites the user's only when @prompt, stripped, is
 * blank or equals @last_fill (what the form put there last; NULL: never),
 * or when @force (the "Fill the Prompt" button).  The status names the
 * required fields still empty; else says the user edited the prompt (not
 * overwritten); else that the prompt is complete.  Fills @state, which the
 * caller clears with gg_template_form_state_clear (). */
void                   gg_template_form_state       (const GgTemplate    *template,
                                                     GHashTable          *values,
                                                     const gchar         *prompt,
                                                     const gchar         *last_fill,
                                                     gboolean             force,
                                                     GgTemplateFormState *state);
void                   gg_template_form_state_clear (GgTemplateFormState *state);

/* The form's label of @field, translated, "Label:" or, for a required
 * field, "Label *:" (the status line explains the star).  g_free. */
gchar                 *gg_template_field_caption    (const GgTemplateField *field);

G_END_DECLS
