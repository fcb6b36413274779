/* gimp2-preview.h: the GIMP 2.10 dialog's size-and-cost line: the
 * answer's size and estimated cost, from the plan the run will make. */
#pragma once

#include <gtk/gtk.h>

#include "gimp2.h"

G_BEGIN_DECLS

/* The dialog's widgets the line depends on; those a kind of dialog lacks
 * are NULL. */
typedef struct
{
  Gimp2Kind  kind;
  gint32     image;
  GtkWidget *model;        /* combo boxes with an entry */
  GtkWidget *ratio;
  GtkWidget *size;
  GtkObject *variations;   /* adjustments */
  GtkObject *context_px;
  GtkObject *context_pct;
  GtkObject *grow;
  GtkWidget *source;       /* 0 the layer, 1 what is visible */
  GtkWidget *label;        /* the line */
} Gimp2Estimate;

/* The text of a combo box with an entry. */
const gchar *gimp2_combo_text      (GtkWidget     *combo);

/* Sets the line from the widgets' values. */
void         gimp2_estimate_update (Gimp2Estimate *estimate);
/* Updates the line whenever one of the widgets changes (the model's
 * changes are the dialog's: it updates the line itself). */
void         gimp2_estimate_follow (Gimp2Estimate *estimate);

G_END_DECLS
