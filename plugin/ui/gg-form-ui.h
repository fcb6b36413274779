/* gg-form-ui.h: the dialogs' template form, one source for the GIMP 3
 * (GTK 3) and GIMP 2.10 (GTK 2) plug-ins, and the prompt history's rows.
 * What the form decides is common/'s (gg_template_form_state ()); this
 * shows it.  Each plug-in says where its prompt is (GgFormPrompt). */
#pragma once

#include <gtk/gtk.h>

#include "gg-history.h"
#include "gg-template.h"

G_BEGIN_DECLS

/* Where the dialog keeps its prompt: @get returns it (newly allocated,
 * g_free), @set replaces it; both get @data. */
typedef struct
{
  gchar * (* get) (gpointer     data);
  void    (* set) (gpointer     data,
                   const gchar *prompt);
  gpointer   data;
} GgFormPrompt;

/* An expander "Start from a template": a choice of the templates of @kind
 * and, for the one chosen, a form with one entry per blank.  What the form
 * makes goes into the prompt as the user types, as long as the prompt is
 * the form's own or empty; once the user has edited the prompt, "Fill the
 * Prompt" replaces it on request.  @prompt is copied. */
GtkWidget  * gg_form_ui_new             (const GgFormPrompt *prompt,
                                         GgTemplateKind      kind);

/* The prompt history in the GIMP profile, opened again (another run may
 * have added prompts); NULL, logged, when it cannot be read.
 * gg_history_free (). */
GgHistory  * gg_form_ui_history_open    (void);

/* Calls @add_row (prompt, @data) for each row a history list shows for
 * the words in the entry @search (none: all), newest first and at most a
 * screenful, and returns how many.  @empty, a label, gets the sentence to
 * show when there is none. */
guint        gg_form_ui_history_fill    (GgHistory          *history,
                                         GtkWidget          *search,
                                         GtkWidget          *empty,
                                         void              (*add_row) (const gchar *prompt,
                                                                       gpointer     data),
                                         gpointer            data);

G_END_DECLS
