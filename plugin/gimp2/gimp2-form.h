/* gimp2-form.h: the GIMP 2.10 dialog's prompt helpers, template forms and
 * the prompt history, in GTK 2.  The form is plugin/ui/gg-form-ui's, as
 * in plugin/gimp3/gemini-form.h for GIMP 3. */
#pragma once

#include <gtk/gtk.h>

#include "gg-template.h"

G_BEGIN_DECLS

/* An expander "Start from a template": a choice of the templates of @kind
 * and, for the one chosen, a form with one entry per blank.  What the form
 * makes (gg_template_draft ()) goes into @buffer as the user types, as
 * long as the prompt is the form's own or empty; once the user has edited
 * the prompt, "Fill the Prompt" replaces it on request. */
GtkWidget * gimp2_form_new        (GtkTextBuffer  *buffer,
                                   GgTemplateKind  kind);

/* A "Recent Prompts" button: a searchable list of the history kept in the
 * GIMP profile; picking one puts it in @buffer. */
GtkWidget * gimp2_history_new     (GtkTextBuffer  *buffer);

/* Puts @prompt first in the history in the GIMP profile (never when it
 * holds the API key in use); a failure is only logged. */
void        gimp2_history_record  (const gchar    *prompt);

G_END_DECLS
