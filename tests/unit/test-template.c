/* test-template.c: every template of templates.json fills a whole prompt. */
#include <string.h>

#include "gg-template.h"

/* The marks of a finished prompt. */
static void
assert_complete_prompt (const gchar *id, const gchar *prompt)
{
  gsize len = strlen (prompt);
  gchar last;

  if (g_test_verbose ())
    g_printerr ("%s: %s\n", id, prompt);
  g_assert_true (g_utf8_validate (prompt, -1, NULL));
  g_assert_cmpuint (len, >, 20);
  g_assert_null (strchr (prompt, '{'));
  g_assert_null (strchr (prompt, '}'));
  g_assert_null (strchr (prompt, '['));
  g_assert_null (strchr (prompt, ']'));
  g_assert_null (strstr (prompt, "  "));
  g_assert_null (strstr (prompt, " ,"));
  g_assert_null (strstr (prompt, " ."));
  g_assert_null (strstr (prompt, ",,"));
  g_assert_null (strstr (prompt, ".."));
  g_assert_null (strstr (prompt, ",."));
  g_assert_null (strstr (prompt, ".,"));
  g_assert_false (g_ascii_isspace (prompt[0]));
  g_assert_false (g_ascii_isspace (prompt[len - 1]));
  g_assert_false (g_ascii_islower (prompt[0]));
  last = prompt[len - 1];
  if (last == '"')
    last = prompt[len - 2];
  g_assert_true (last == '.' || last == '!' || last == '?');
}

/* What the issue asks: every template, filled with its own examples,
 * gives a complete prompt that holds every example. */
static void
test_every_template_with_examples (void)
{
  g_autoptr(GPtrArray) all = gg_template_list (GG_TEMPLATE_ANY);
  g_autoptr(GPtrArray) generate = gg_template_list (GG_TEMPLATE_GENERATE);
  g_autoptr(GPtrArray) edit = gg_template_list (GG_TEMPLATE_EDIT);

  /* The kinds of work the issue names: six to generate, seven to edit. */
  g_assert_cmpuint (generate->len, >=, 6);
  g_assert_cmpuint (edit->len, >=, 7);
  g_assert_cmpuint (all->len, ==, generate->len + edit->len);

  for (guint i = 0; i < all->len; i++)
    {
      const GgTemplate     *template = all->pdata[i];
      g_autoptr(GHashTable) examples = gg_template_examples (template);
      g_autoptr(GError)     error = NULL;
      g_autofree gchar     *prompt = gg_template_fill (template, examples, &error);

      g_assert_no_error (error);
      g_assert_nonnull (prompt);
      assert_complete_prompt (template->id, prompt);
      g_assert_nonnull (template->label);
      g_assert_nonnull (template->description);
      for (guint f = 0; f < template->n_fields; f++)
        {
          const GgTemplateField *field = &template->fields[f];

          g_assert_nonnull (strstr (prompt, field->example + 1));
          g_assert_true (field->label[0] != '\0' && field->hint[0] != '\0');
        }
    }
}

/* With only the required fields, every optional part goes and the
 * prompt is still complete. */
static void
test_every_template_required_only (void)
{
  g_autoptr(GPtrArray) all = gg_template_list (GG_TEMPLATE_ANY);

  for (guint i = 0; i < all->len; i++)
    {
      const GgTemplate     *template = all->pdata[i];
      g_autoptr(GHashTable) values = g_hash_table_new (g_str_hash, g_str_equal);
      g_autoptr(GError)     error = NULL;
      g_autofree gchar     *prompt = NULL;

      for (guint f = 0; f < template->n_fields; f++)
        g_hash_table_insert (values, (gpointer) template->fields[f].name,
                             (gpointer) (template->fields[f].required
                                         ? template->fields[f].example : "  "));
      prompt = gg_template_fill (template, values, &error);
      g_assert_no_error (error);
      assert_complete_prompt (template->id, prompt);
      for (guint f = 0; f < template->n_fields; f++)
        if (!template->fields[f].required)
          g_assert_null (strstr (prompt, template->fields[f].example));
    }
}

static void
test_missing_required_named (void)
{
  const GgTemplate *template = gg_template_lookup ("photorealistic", NULL);
  const gchar      *only_subject[] = { "subject=a fox", NULL };
  const gchar      *nothing[] = { NULL };
  g_autoptr(GError) error = NULL;
  gchar            *prompt;

  g_assert_nonnull (template);
  prompt = gg_template_fill_strv (template, only_subject, &error);
  g_assert_null (prompt);
  g_assert_error (error, GG_TEMPLATE_ERROR, GG_TEMPLATE_ERROR_MISSING_FIELD);
  g_assert_nonnull (strstr (error->message, "environment"));
  g_assert_nonnull (strstr (error->message, "Setting"));
  g_assert_null (strstr (error->message, "subject"));
  g_clear_error (&error);

  /* A blank value is no value; every missing field is named. */
  prompt = gg_template_fill_strv (template, nothing, &error);
  g_assert_null (prompt);
  g_assert_error (error, GG_TEMPLATE_ERROR, GG_TEMPLATE_ERROR_MISSING_FIELD);
  g_assert_nonnull (strstr (error->message, "subject"));
  g_assert_nonnull (strstr (error->message, "environment"));
  g_clear_error (&error);

  prompt = gg_template_fill (template, NULL, &error);
  g_assert_null (prompt);
  g_assert_error (error, GG_TEMPLATE_ERROR, GG_TEMPLATE_ERROR_MISSING_FIELD);
}

static void
test_optional_removed_cleanly (void)
{
  const GgTemplate *template = gg_template_lookup ("photorealistic", NULL);
  const gchar      *some[] = { "subject=  an old  fisherman ", "environment=a foggy harbour.",
                               "lighting=", "mood=quiet", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree gchar *prompt = gg_template_fill_strv (template, some, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (prompt, ==,
                   "A photorealistic photograph of an old fisherman, in a foggy harbour. "
                   "The mood is quiet.");
}

static void
test_fill_exact (void)
{
  const GgTemplate *template = gg_template_lookup ("change-one", NULL);
  const gchar      *values[] = { "element=the red car", "change=paint it green",
                                 "keep=the number plate", NULL };
  const gchar      *fewer[] = { "element=the red car", "change=paint it green!", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree gchar *prompt = gg_template_fill_strv (template, values, &error);
  g_autofree gchar *shorter = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (prompt, ==, "In this image, change only the red car: paint it green. "
                   "Leave everything else exactly as it is, especially the number plate.");
  /* The value's own mark wins over the template's full stop. */
  shorter = gg_template_fill_strv (template, fewer, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (shorter, ==, "In this image, change only the red car: paint it green! "
                   "Leave everything else exactly as it is.");
}

static void
test_bad_fields (void)
{
  const GgTemplate *template = gg_template_lookup ("change-one", NULL);
  const gchar      *unknown[] = { "element=x", "change=y", "colour=red", NULL };
  const gchar      *no_equals[] = { "element", NULL };
  const gchar      *twice[] = { "element=x", "element=y", "change=z", NULL };
  g_autoptr(GError) error = NULL;

  g_assert_null (gg_template_fill_strv (template, unknown, &error));
  g_assert_error (error, GG_TEMPLATE_ERROR, GG_TEMPLATE_ERROR_UNKNOWN_FIELD);
  g_assert_nonnull (strstr (error->message, "colour"));
  g_clear_error (&error);
  g_assert_null (gg_template_fill_strv (template, no_equals, &error));
  g_assert_error (error, GG_TEMPLATE_ERROR, GG_TEMPLATE_ERROR_BAD_FIELD);
  g_clear_error (&error);
  g_assert_null (gg_template_fill_strv (template, twice, &error));
  g_assert_error (error, GG_TEMPLATE_ERROR, GG_TEMPLATE_ERROR_BAD_FIELD);
  g_assert_nonnull (strstr (error->message, "element"));
}

static void
test_lookup_and_kinds (void)
{
  g_autoptr(GError)     error = NULL;
  g_autoptr(GPtrArray)  edit = gg_template_list (GG_TEMPLATE_EDIT);
  const GgTemplate     *template;
  GgTemplateKind        kind;

  g_assert_null (gg_template_lookup ("no-such-template", &error));
  g_assert_error (error, GG_TEMPLATE_ERROR, GG_TEMPLATE_ERROR_UNKNOWN_TEMPLATE);
  g_assert_nonnull (strstr (error->message, "photorealistic"));

  template = gg_template_lookup ("sketch", NULL);
  g_assert_nonnull (template);
  g_assert_cmpint (template->kind, ==, GG_TEMPLATE_EDIT);
  g_assert_nonnull (gg_template_field (template, "medium"));
  g_assert_true (gg_template_field (template, "medium")->required);
  g_assert_null (gg_template_field (template, "nope"));
  for (guint i = 0; i < edit->len; i++)
    g_assert_cmpint (((const GgTemplate *) edit->pdata[i])->kind, ==, GG_TEMPLATE_EDIT);

  g_assert_true (gg_template_kind_from_string ("generate", &kind));
  g_assert_cmpint (kind, ==, GG_TEMPLATE_GENERATE);
  g_assert_false (gg_template_kind_from_string ("Generate", &kind));
  g_assert_cmpstr (gg_template_kind_to_string (GG_TEMPLATE_EDIT), ==, "edit");
}

static void
test_tidy (void)
{
  static const struct { const gchar *in, *out; } cases[] =
  {
    { "", "" },
    { "   ", "" },
    { "a cat", "A cat." },
    { "a  cat ,  sleeping .", "A cat, sleeping." },
    { "a cat., on a mat", "A cat, on a mat." },
    { "wait... what", "Wait... what." },
    { "shot at f/1.8 in 3:2", "Shot at f/1.8 in 3:2." },
    { "the sign says \"Open!\"", "The sign says \"Open!\"" },
    { "it ends with a comma,", "It ends with a comma." },
    { "Really?.", "Really?" },
    { "\u00e9t\u00e9 au lac", "\u00c9t\u00e9 au lac." },
    { "line one\n\nline two", "Line one line two." },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree gchar *tidy = gg_template_tidy (cases[i].in);

      g_assert_cmpstr (tidy, ==, cases[i].out);
    }
}

static void
test_append (void)
{
  g_autofree gchar *both = gg_template_append ("A red fox in snow.", "make it dusk ");
  g_autofree gchar *none = gg_template_append ("A red fox in snow", "  ");
  g_autofree gchar *only = gg_template_append (NULL, "a blue fox");

  g_assert_cmpstr (both, ==, "A red fox in snow. Make it dusk.");
  g_assert_cmpstr (none, ==, "A red fox in snow.");
  g_assert_cmpstr (only, ==, "A blue fox.");
}


/* The form's live prompt: empty required blanks keep their place with a
 * mark and are listed; once every required field has a value the draft is
 * exactly the filled prompt. */
static void
test_draft (void)
{
  g_autoptr(GPtrArray) all = gg_template_list (GG_TEMPLATE_ANY);
  const GgTemplate    *photo = gg_template_lookup ("photorealistic", NULL);
  g_autoptr(GHashTable) values = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray)  missing = NULL;
  g_autofree gchar     *draft = NULL;

  g_assert_nonnull (photo);
  g_hash_table_insert (values, (gpointer) "subject", (gpointer) "a red fox");
  g_hash_table_insert (values, (gpointer) "lighting", (gpointer) "  ");
  draft = gg_template_draft (photo, values, &missing);
  g_assert_cmpuint (missing->len, ==, 1);
  g_assert_cmpstr (((const GgTemplateField *) missing->pdata[0])->name, ==, "environment");
  g_assert_cmpstr (draft, ==, "A photorealistic photograph of a red fox, in " GG_TEMPLATE_DRAFT_MARK ".");
  g_clear_pointer (&draft, g_free);
  g_clear_pointer (&missing, g_ptr_array_unref);

  /* Nothing at all: every required field is listed, in form order. */
  draft = gg_template_draft (photo, NULL, &missing);
  g_assert_cmpuint (missing->len, ==, 2);
  g_assert_cmpstr (((const GgTemplateField *) missing->pdata[0])->name, ==, "subject");
  g_assert_cmpstr (((const GgTemplateField *) missing->pdata[1])->name, ==, "environment");
  g_assert_null (strchr (draft, '{'));
  g_clear_pointer (&draft, g_free);
  g_clear_pointer (&missing, g_ptr_array_unref);

  for (guint i = 0; i < all->len; i++)
    {
      const GgTemplate     *template = all->pdata[i];
      g_autoptr(GHashTable) examples = gg_template_examples (template);
      g_autoptr(GPtrArray)  none = NULL;
      g_autofree gchar     *filled = gg_template_fill (template, examples, NULL);
      g_autofree gchar     *complete = gg_template_draft (template, examples, &none);
      g_autofree gchar     *empty = gg_template_draft (template, NULL, NULL);
      guint                 required = 0;

      g_assert_cmpuint (none->len, ==, 0);
      g_assert_cmpstr (complete, ==, filled);
      for (guint f = 0; f < template->n_fields; f++)
        required += template->fields[f].required;
      /* One mark per required blank, no bracket or brace left. */
      {
        guint        marks = 0;
        const gchar *p = empty;

        while ((p = strstr (p, GG_TEMPLATE_DRAFT_MARK)) != NULL)
          {
            marks++;
            p += strlen (GG_TEMPLATE_DRAFT_MARK);
          }
        g_assert_cmpuint (marks, >=, required > 0 ? 1 : 0);
        g_assert_cmpuint (marks, <=, required);
      }
      g_assert_null (strchr (empty, '{'));
      g_assert_null (strchr (empty, '['));
    }
}

/* The dialogs' form: the form's prompt replaces the user's only when the
 * prompt is blank or still the form's last fill (or on "Fill the Prompt"),
 * and the status line says which case it is. */
static void
test_form_state (void)
{
  const GgTemplate     *template = gg_template_lookup ("photorealistic", NULL);
  g_autoptr(GHashTable) examples = NULL;
  g_autoptr(GHashTable) partial  = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree gchar     *filled   = NULL;
  GgTemplateFormState   state;

  g_assert_nonnull (template);
  examples = gg_template_examples (template);
  filled   = gg_template_fill (template, examples, NULL);

  /* A blank prompt (NULL, "", white space) takes the form's. */
  gg_template_form_state (template, examples, NULL, NULL, FALSE, &state);
  g_assert_true (state.overwrite);
  g_assert_cmpstr (state.draft, ==, filled);
  g_assert_cmpstr (state.status, ==, "The prompt is complete; edit it freely.");
  g_assert_cmpstr (state.description, ==, template->description);
  gg_template_form_state_clear (&state);
  g_assert_null (state.draft);
  gg_template_form_state (template, examples, " \n\t", "something else",
                          FALSE, &state);
  g_assert_true (state.overwrite);
  gg_template_form_state_clear (&state);

  /* The form's own last fill (stripped) is replaced as the user types. */
  gg_template_form_state (template, examples, "An old fill.  \n",
                          "An old fill.", FALSE, &state);
  g_assert_true (state.overwrite);
  g_assert_cmpstr (state.draft, ==, filled);
  gg_template_form_state_clear (&state);

  /* A prompt the user edited stays, and the status says how to replace it. */
  gg_template_form_state (template, examples, "An old fill, edited.",
                          "An old fill.", FALSE, &state);
  g_assert_false (state.overwrite);
  g_assert_cmpstr (state.draft, ==, filled);
  g_assert_cmpstr (state.status, ==, "You edited the prompt: “Fill the "
                   "Prompt” replaces it with the form's.");
  gg_template_form_state_clear (&state);
  gg_template_form_state (template, examples, "My own prompt.", NULL,
                          FALSE, &state);
  g_assert_false (state.overwrite);
  gg_template_form_state_clear (&state);

  /* "Fill the Prompt" forces it. */
  gg_template_form_state (template, examples, "My own prompt.", NULL,
                          TRUE, &state);
  g_assert_true (state.overwrite);
  g_assert_cmpstr (state.status, ==, "The prompt is complete; edit it freely.");
  gg_template_form_state_clear (&state);

  /* Empty required fields are named, in form order, whatever the prompt. */
  g_hash_table_insert (partial, "subject", "a potter");
  gg_template_form_state (template, partial, "My own prompt.", NULL,
                          FALSE, &state);
  g_assert_false (state.overwrite);
  g_assert_cmpstr (state.status, ==,
                   "* Still to fill in: Setting (shown as “…”).");
  g_assert_nonnull (strstr (state.draft, "a potter"));
  g_assert_nonnull (strstr (state.draft, GG_TEMPLATE_DRAFT_MARK));
  gg_template_form_state_clear (&state);
  gg_template_form_state (template, NULL, "", NULL, FALSE, &state);
  g_assert_true (state.overwrite);
  g_assert_cmpstr (state.status, ==,
                   "* Still to fill in: Subject, Setting (shown as “…”).");
  gg_template_form_state_clear (&state);

  /* No template: nothing to write, no status, the general description. */
  gg_template_form_state (NULL, NULL, "", NULL, TRUE, &state);
  g_assert_false (state.overwrite);
  g_assert_null (state.draft);
  g_assert_cmpstr (state.status, ==, "");
  g_assert_nonnull (strstr (state.description, "A template asks for"));
  gg_template_form_state_clear (&state);
}

/* The form's labels: a star marks a required field. */
static void
test_field_caption (void)
{
  const GgTemplate *template = gg_template_lookup ("photorealistic", NULL);
  g_autofree gchar *required = NULL;
  g_autofree gchar *optional = NULL;

  required = gg_template_field_caption (gg_template_field (template, "subject"));
  optional = gg_template_field_caption (gg_template_field (template, "shot"));
  g_assert_cmpstr (required, ==, "Subject *:");
  g_assert_cmpstr (optional, ==, "Shot:");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/template/every-template-with-examples", test_every_template_with_examples);
  g_test_add_func ("/template/every-template-required-only", test_every_template_required_only);
  g_test_add_func ("/template/missing-required-named", test_missing_required_named);
  g_test_add_func ("/template/optional-removed-cleanly", test_optional_removed_cleanly);
  g_test_add_func ("/template/fill-exact", test_fill_exact);
  g_test_add_func ("/template/bad-fields", test_bad_fields);
  g_test_add_func ("/template/lookup-and-kinds", test_lookup_and_kinds);
  g_test_add_func ("/template/tidy", test_tidy);
  g_test_add_func ("/template/append", test_append);
  g_test_add_func ("/template/draft", test_draft);
  g_test_add_func ("/template/form-state", test_form_state);
  g_test_add_func ("/template/field-caption", test_field_caption);
  return g_test_run ();
}
