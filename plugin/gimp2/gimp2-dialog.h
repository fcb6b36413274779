/* gimp2-dialog.h: the GTK 2 dialogs of the GIMP 2.10 plug-in (UI only). */
#pragma once

#include <gtk/gtk.h>

#include "gimp2.h"

G_BEGIN_DECLS

/* The dialog of @kind over @options' values (and style), @note shown
 * above the prompt; TRUE when OK was pressed (the values are then the
 * dialog's). */
gboolean gimp2_dialog     (Gimp2Kind     kind,
                           Gimp2Options *options,
                           gint32        image,
                           const gchar  *note);

/* A dialog window titled @title with Cancel and OK, over GIMP's window
 * (the caller destroys it); *@vbox is its padded content box. */
GtkWidget *gimp2_dialog_window (const gchar  *title,
                                GtkWidget   **vbox);

/* A check button labelled @label (marked N_(), translated here), packed
 * into @box. */
GtkWidget *gimp2_check_button  (GtkWidget    *box,
                                const gchar  *label,
                                gboolean      active);

G_END_DECLS
