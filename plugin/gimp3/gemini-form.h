/* gemini-form.h: the dialogs' prompt helpers: template forms and the
 * prompt history.  The form is plugin/ui/gg-form-ui's (shared with the
 * GIMP 2.10 plug-in) over common/gg-template; the history is gg-history. */
#pragma once

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include "gg-template.h"

G_BEGIN_DECLS

/* An expander "Start from a template": a choice of the templates of @kind
 * and, for the one chosen, a form with one entry per blank.  What the form
 * makes (gg_template_draft ()) goes into @config's "prompt" as the user
 * types, as long as the prompt is the form's own or empty; once the user
 * has edited the prompt, "Fill the Prompt" replaces it on request. */
GtkWidget * gemini_form_new        (GObject        *config,
                                    GgTemplateKind  kind);

/* A "Recent prompts" button: a searchable list of the history kept in the
 * GIMP profile; picking one puts it in @config's "prompt". */
GtkWidget * gemini_history_new     (GObject        *config);

G_END_DECLS
