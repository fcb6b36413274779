/* gimp-gemini: template forms and the prompt history in the dialogs.
 *
 * The form is plugin/ui/gg-form-ui.c, shared with GIMP 2.10; here it
 * writes into the config's "prompt", which the dialog's text view
 * follows.  The history list is GTK 3's (a popover); its rows come from
 * gg_form_ui_history_fill ().  The runs add to the history
 * (gemini-runs.c).
 */

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include "gg-history.h"
#include "gg-template.h"

#include "gemini.h"
#include "gemini-form.h"
#include "gemini-intl.h"
#include "gg-form-ui.h"
#include "gg-ui-compat.h"


typedef struct
{
  GObject   *config;
  GtkWidget *button;
  GtkWidget *popover;
  GtkWidget *search;
  GtkWidget *list;
  GtkWidget *empty;
  GgHistory *history;
} History;


static void         history_free          (History         *history);
static void         history_refill        (History         *history);
static void         history_search_changed (GtkSearchEntry *entry,
                                           History         *history);
static void         history_row_activated (GtkListBox      *list,
                                           GtkListBoxRow   *row,
                                           History         *history);
static void         history_shown         (GtkWidget       *popover,
                                           History         *history);


static gchar *
config_prompt (gpointer config)
{
  gchar *prompt = NULL;

  g_object_get (config, "prompt", &prompt, NULL);

  return prompt ? prompt : g_strdup ("");
}

static void
config_set_prompt (gpointer     config,
                   const gchar *prompt)
{
  g_object_set (config, "prompt", prompt, NULL);
}

GtkWidget *
gemini_form_new (GObject        *config,
                 GgTemplateKind  kind)
{
  const GgFormPrompt prompt = { config_prompt, config_set_prompt, config };

  return gg_form_ui_new (&prompt, kind);
}

GtkWidget *
gemini_history_new (GObject *config)
{
  History   *history = g_new0 (History, 1);
  GtkWidget *box;
  GtkWidget *scrolled;

  history->config  = config;
  history->history = gg_form_ui_history_open ();

  history->button = gtk_menu_button_new ();
  gtk_button_set_label (GTK_BUTTON (history->button), _("Recent Prompts"));
  gtk_widget_set_tooltip_text (history->button,
                               _("The prompts of your successful runs, "
                                 "newest first; pick one to use it again"));
  gtk_widget_set_halign (history->button, GTK_ALIGN_START);
  g_object_set_data_full (G_OBJECT (history->button), "gemini-history",
                          history, (GDestroyNotify) history_free);

  history->popover = gtk_popover_new (history->button);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (history->button),
                               history->popover);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_container_set_border_width (GTK_CONTAINER (box), 6);
  gtk_container_add (GTK_CONTAINER (history->popover), box);

  history->search = gtk_search_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (history->search),
                                  _("Search the recent prompts"));
  gtk_box_pack_start (GTK_BOX (box), history->search, FALSE, FALSE, 0);

  scrolled = gtk_scrolled_window_new (NULL, NULL);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_size_request (scrolled, 460, 240);
  gtk_box_pack_start (GTK_BOX (box), scrolled, TRUE, TRUE, 0);

  history->list = gtk_list_box_new ();
  gtk_list_box_set_activate_on_single_click (GTK_LIST_BOX (history->list),
                                             TRUE);
  gtk_container_add (GTK_CONTAINER (scrolled), history->list);

  history->empty = gtk_label_new (NULL);
  gtk_widget_set_sensitive (history->empty, FALSE);
  gtk_list_box_set_placeholder (GTK_LIST_BOX (history->list), history->empty);

  g_signal_connect (history->search, "search-changed",
                    G_CALLBACK (history_search_changed), history);
  g_signal_connect (history->list, "row-activated",
                    G_CALLBACK (history_row_activated), history);
  /* Another run may have added prompts since the dialog opened. */
  g_signal_connect (history->popover, "show",
                    G_CALLBACK (history_shown), history);

  gtk_widget_show_all (box);
  gtk_widget_show (history->button);
  history_refill (history);

  return history->button;
}

static void
history_free (History *history)
{
  g_clear_pointer (&history->history, gg_history_free);
  g_free (history);
}

/* One row of the list: the prompt on up to three lines, whole in the
 * tooltip. */
static void
history_add_row (const gchar *prompt,
                 gpointer     list)
{
  GtkWidget *label = gtk_label_new (prompt);

  gtk_label_set_xalign (GTK_LABEL (label), 0.0);
  gtk_label_set_line_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_lines (GTK_LABEL (label), 3);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 60);
  gtk_widget_set_margin_top (label, 3);
  gtk_widget_set_margin_bottom (label, 3);
  gtk_widget_set_tooltip_text (label, prompt);
  g_object_set_data_full (G_OBJECT (label), "gemini-prompt",
                          g_strdup (prompt), g_free);
  gtk_list_box_insert (GTK_LIST_BOX (list), label, -1);
}

static void
history_refill (History *history)
{
  gg_ui_container_clear (history->list);
  gg_form_ui_history_fill (history->history, history->search, history->empty,
                           history_add_row, history->list);
  gtk_widget_show_all (history->list);
}

static void
history_search_changed (GtkSearchEntry *entry,
                        History        *history)
{
  history_refill (history);
}

static void
history_row_activated (GtkListBox    *list,
                       GtkListBoxRow *row,
                       History       *history)
{
  GtkWidget   *label  = gtk_bin_get_child (GTK_BIN (row));
  const gchar *prompt = g_object_get_data (G_OBJECT (label), "gemini-prompt");

  if (prompt)
    g_object_set (history->config, "prompt", prompt, NULL);

  gtk_popover_popdown (GTK_POPOVER (history->popover));
}

static void
history_shown (GtkWidget *popover,
               History   *history)
{
  GgHistory *fresh = gg_form_ui_history_open ();

  if (fresh)
    {
      g_clear_pointer (&history->history, gg_history_free);
      history->history = fresh;
    }
  history_refill (history);
  gtk_widget_grab_focus (history->search);
}
