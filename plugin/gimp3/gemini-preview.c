/* gimp-gemini: the edit's region preview and the answer's size and cost.
 *
 * The planning is common/'s gg_region_plan, fed exactly as the edit run
 * feeds it; the figures under the model grid come from gg_estimate_*.
 * This file reads the config, draws and writes labels.
 */

#include <math.h>
#include <string.h>

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include "gg-catalogue.h"
#include "gg-error.h"
#include "gg-estimate.h"
#include "gg-front.h"
#include "gg-mask.h"
#include "gg-region.h"
#include "gg-run.h"

#include "gemini.h"
#include "gemini-host.h"
#include "gemini-intl.h"
#include "gemini-options.h"
#include "gemini-preview.h"


#define PREVIEW_WIDTH  240
#define PREVIEW_HEIGHT 170

typedef struct
{
  GimpProcedureConfig *config;
  GimpImage           *image;
  GimpLayer           *source;
  GtkWidget           *area;
  GtkWidget           *label;
  GdkPixbuf           *thumb;        /* of the space below */
  gboolean             thumb_visible;
  GeminiEditPlan       plan;
  gboolean             planned;
} Preview;

typedef struct
{
  GimpProcedureConfig *config;
  GimpImage           *image;
  GimpLayer           *source;
  gboolean             conversation;
  GtkWidget           *label;
} Estimate;


static gboolean  has_property        (GimpProcedureConfig *config,
                                      const gchar         *name);
static void      connect_notify      (GimpProcedureConfig *config,
                                      const gchar *const  *properties,
                                      GCallback            callback,
                                      gpointer             data);
static void      preview_free        (Preview             *preview);
static void      preview_update      (Preview             *preview);
static gboolean  preview_draw        (GtkWidget           *area,
                                      cairo_t             *cr,
                                      Preview             *preview);
static void      estimate_free       (Estimate            *estimate);
static void      estimate_update     (Estimate            *estimate);


/* What the plan depends on, besides the image. */
static const gchar *const plan_properties[] =
{
  "context-px", "context-pct", "source", "model", "image-size", "grow", NULL
};

/* What the estimate depends on, besides the plan. */
static const gchar *const estimate_properties[] =
{
  "model", "aspect-ratio", "image-size", "variations",
  "context-px", "context-pct", "source", "grow", NULL
};


gboolean
gemini_edit_plan (GimpProcedureConfig  *config,
                  GimpImage            *image,
                  GimpLayer            *source,
                  GeminiEditPlan       *plan,
                  GError              **error)
{
  g_autofree gchar *name = NULL;
  GeminiOptions     options;
  GgRunOptions      run;
  GgHostCanvas      canvas;
  gboolean          planned;

  memset (plan, 0, sizeof *plan);

  /* The run's own options and canvas, planned by the engine. */
  gemini_options_read (config, GIMP_RUN_NONINTERACTIVE, &options);
  gemini_options_to_run (&options, config, &run);
  gemini_host_canvas (image, source, run.visible, &canvas, &name);

  plan->space         = canvas.space;
  plan->origin_x      = canvas.origin_x;
  plan->origin_y      = canvas.origin_y;
  plan->has_selection = canvas.has_selection;
  planned = gg_run_plan_edit (&run, &canvas, &plan->plan, error);

  gemini_options_clear (&options);

  return planned;
}

GtkWidget *
gemini_preview_new (GimpProcedureConfig *config,
                    GimpImage           *image,
                    GimpLayer           *source)
{
  Preview   *preview = g_new0 (Preview, 1);
  GtkWidget *box;
  GtkWidget *frame;

  preview->config = config;
  preview->image  = image;
  preview->source = source;

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  g_object_set_data_full (G_OBJECT (box), "gemini-preview", preview,
                          (GDestroyNotify) preview_free);

  frame = gtk_frame_new (NULL);
  gtk_frame_set_shadow_type (GTK_FRAME (frame), GTK_SHADOW_IN);
  gtk_widget_set_halign (frame, GTK_ALIGN_CENTER);
  gtk_box_pack_start (GTK_BOX (box), frame, FALSE, FALSE, 0);

  preview->area = gtk_drawing_area_new ();
  gtk_widget_set_size_request (preview->area, PREVIEW_WIDTH, PREVIEW_HEIGHT);
  gtk_widget_set_tooltip_text (preview->area,
                               _("Bright: the region sent to Gemini (the "
                                 "selection and the context around it). "
                                 "Dashed: the selection, where the result "
                                 "is kept."));
  gtk_container_add (GTK_CONTAINER (frame), preview->area);
  g_signal_connect (preview->area, "draw",
                    G_CALLBACK (preview_draw), preview);

  preview->label = gtk_label_new (NULL);
  gtk_label_set_line_wrap (GTK_LABEL (preview->label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (preview->label), 50);
  gtk_label_set_justify (GTK_LABEL (preview->label), GTK_JUSTIFY_CENTER);
  gtk_box_pack_start (GTK_BOX (box), preview->label, FALSE, FALSE, 0);

  connect_notify (config, plan_properties, G_CALLBACK (preview_update),
                  preview);
  preview_update (preview);

  gtk_widget_show_all (box);

  return box;
}

GtkWidget *
gemini_estimate_new (GimpProcedureConfig *config,
                     GimpImage           *image,
                     GimpLayer           *source,
                     gboolean             conversation)
{
  Estimate *estimate = g_new0 (Estimate, 1);

  estimate->config       = config;
  estimate->image        = image;
  estimate->source       = source;
  estimate->conversation = conversation;

  estimate->label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (estimate->label), 0.0);
  gtk_label_set_line_wrap (GTK_LABEL (estimate->label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (estimate->label), 60);
  gimp_label_set_attributes (GTK_LABEL (estimate->label),
                             PANGO_ATTR_STYLE, PANGO_STYLE_ITALIC, -1);
  gtk_widget_set_tooltip_text (estimate->label,
                               _("From the model catalogue: the answer's "
                                 "image tokens at the model's price. The "
                                 "prompt and the images sent add a little."));
  g_object_set_data_full (G_OBJECT (estimate->label), "gemini-estimate",
                          estimate, (GDestroyNotify) estimate_free);

  connect_notify (config, estimate_properties, G_CALLBACK (estimate_update),
                  estimate);
  estimate_update (estimate);

  return estimate->label;
}


static gboolean
has_property (GimpProcedureConfig *config,
              const gchar         *name)
{
  return g_object_class_find_property (G_OBJECT_GET_CLASS (config), name)
         != NULL;
}

/* @callback (@data) on every change of the @properties @config has.  The
 * config outlives the dialog: @data's destroy function disconnects. */
static void
connect_notify (GimpProcedureConfig *config,
                const gchar *const  *properties,
                GCallback            callback,
                gpointer             data)
{
  gint i;

  for (i = 0; properties[i]; i++)
    if (has_property (config, properties[i]))
      {
        g_autofree gchar *signal = g_strconcat ("notify::", properties[i], NULL);

        g_signal_connect_swapped (config, signal, callback, data);
      }
}

static void
preview_free (Preview *preview)
{
  g_signal_handlers_disconnect_by_data (preview->config, preview);
  g_clear_object (&preview->thumb);
  g_free (preview);
}

static void
preview_update (Preview *preview)
{
  g_autoptr (GError) error = NULL;
  gboolean           visible;
  const GgRegionPlan *plan;

  preview->planned = gemini_edit_plan (preview->config, preview->image,
                                       preview->source, &preview->plan,
                                       &error);

  /* The picture of the space: the layer, or everything visible. */
  visible = gimp_procedure_config_get_choice_id (preview->config,
                                                 "source") == 1;
  if (! preview->thumb || preview->thumb_visible != visible)
    {
      gint    width  = visible ? gimp_image_get_width (preview->image) :
                       gimp_drawable_get_width (GIMP_DRAWABLE (preview->source));
      gint    height = visible ? gimp_image_get_height (preview->image) :
                       gimp_drawable_get_height (GIMP_DRAWABLE (preview->source));
      gdouble scale  = MIN ((gdouble) PREVIEW_WIDTH / MAX (width, 1),
                            (gdouble) PREVIEW_HEIGHT / MAX (height, 1));
      gint    tw     = MAX (1, (gint) (width * scale + 0.5));
      gint    th     = MAX (1, (gint) (height * scale + 0.5));

      g_clear_object (&preview->thumb);
      preview->thumb = visible ?
        gimp_image_get_thumbnail (preview->image, tw, th,
                                  GIMP_PIXBUF_SMALL_CHECKS) :
        gimp_drawable_get_thumbnail (GIMP_DRAWABLE (preview->source), tw, th,
                                     GIMP_PIXBUF_SMALL_CHECKS);
      preview->thumb_visible = visible;
    }

  plan = &preview->plan.plan;
  if (! preview->planned)
    {
      gtk_label_set_text (GTK_LABEL (preview->label), error->message);
    }
  else
    {
      g_autofree gchar *sent = NULL;
      g_autofree gchar *text = NULL;

      if (preview->plan.has_selection)
        sent = g_strdup_printf (_("Sends %d × %d px: the selection and "
                                  "the context around it."),
                                plan->region.width, plan->region.height);
      else
        sent = g_strdup_printf (visible ?
                                _("Sends the whole visible image, "
                                  "%d × %d px.") :
                                _("Sends the whole layer, %d × %d px."),
                                plan->region.width, plan->region.height);

      if (plan->send_width != plan->region.width ||
          plan->send_height != plan->region.height)
        text = g_strdup_printf (_("%s Scaled to %d × %d to fit the model."),
                                sent, plan->send_width, plan->send_height);
      else
        text = g_steal_pointer (&sent);

      gtk_label_set_text (GTK_LABEL (preview->label), text);
    }

  gtk_widget_queue_draw (preview->area);
}

static gboolean
preview_draw (GtkWidget *area,
              cairo_t   *cr,
              Preview   *preview)
{
  const GgRect *space  = &preview->plan.space;
  const GgRect *region = &preview->plan.plan.region;
  const GgRect *sel    = &preview->plan.plan.selection;
  gint          width  = gtk_widget_get_allocated_width (area);
  gint          height = gtk_widget_get_allocated_height (area);
  gdouble       bx0, by0, bx1, by1, scale, ox, oy;
  static const gdouble dash[] = { 4.0, 3.0 };

  if (space->width <= 0 || space->height <= 0)
    return FALSE;

  /* Fit the space and the region (which may stick out of a small layer). */
  bx0 = 0;
  by0 = 0;
  bx1 = space->width;
  by1 = space->height;
  if (preview->planned)
    {
      bx0 = MIN (bx0, region->x);
      by0 = MIN (by0, region->y);
      bx1 = MAX (bx1, region->x + region->width);
      by1 = MAX (by1, region->y + region->height);
    }
  scale = MIN ((width - 8.0) / (bx1 - bx0), (height - 8.0) / (by1 - by0));
  ox    = (width  - (bx1 - bx0) * scale) / 2.0 - bx0 * scale;
  oy    = (height - (by1 - by0) * scale) / 2.0 - by0 * scale;

  if (preview->thumb)
    {
      cairo_save (cr);
      cairo_translate (cr, ox, oy);
      cairo_scale (cr,
                   space->width  * scale / gdk_pixbuf_get_width (preview->thumb),
                   space->height * scale / gdk_pixbuf_get_height (preview->thumb));
      gdk_cairo_set_source_pixbuf (cr, preview->thumb, 0, 0);
      cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
      cairo_paint (cr);
      cairo_restore (cr);
    }

  if (! preview->planned)
    return FALSE;

  /* Dim what is not sent. */
  cairo_save (cr);
  cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_rectangle (cr, ox + region->x * scale, oy + region->y * scale,
                   region->width * scale, region->height * scale);
  cairo_set_source_rgba (cr, 0.0, 0.0, 0.0, 0.55);
  cairo_fill (cr);
  cairo_restore (cr);

  cairo_set_line_width (cr, 1.0);
  cairo_rectangle (cr, floor (ox + region->x * scale) + 0.5,
                   floor (oy + region->y * scale) + 0.5,
                   floor (region->width * scale) - 1.0,
                   floor (region->height * scale) - 1.0);
  cairo_set_source_rgb (cr, 1.0, 1.0, 1.0);
  cairo_stroke (cr);

  if (preview->plan.has_selection)
    {
      cairo_rectangle (cr, floor (ox + sel->x * scale) + 0.5,
                       floor (oy + sel->y * scale) + 0.5,
                       MAX (1.0, floor (sel->width * scale) - 1.0),
                       MAX (1.0, floor (sel->height * scale) - 1.0));
      cairo_set_source_rgb (cr, 0.0, 0.0, 0.0);
      cairo_stroke_preserve (cr);
      cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0.0);
      cairo_set_source_rgb (cr, 1.0, 0.85, 0.1);
      cairo_stroke (cr);
    }

  return FALSE;
}

static void
estimate_free (Estimate *estimate)
{
  g_signal_handlers_disconnect_by_data (estimate->config, estimate);
  g_free (estimate);
}

static void
estimate_update (Estimate *estimate)
{
  g_autofree gchar *model = NULL;
  g_autofree gchar *ratio = NULL;
  g_autofree gchar *size  = NULL;
  g_autofree gchar *text  = NULL;
  GgEstimate        figures;
  gint              variations = 1;

  g_object_get (estimate->config,
                "model",        &model,
                "aspect-ratio", &ratio,
                "image-size",   &size,
                NULL);
  if (has_property (estimate->config, "variations"))
    g_object_get (estimate->config, "variations", &variations, NULL);

  if (estimate->conversation && ! gg_front_option (ratio))
    {
      /* Refine keeps the conversation's shape: only the price per image
       * is known, from the model chosen (or the default). */
      text = g_strdup (_("The answer has the conversation's ratio and "
                         "size."));
    }
  else if (estimate->source && ! gg_front_option (ratio))
    {
      GeminiEditPlan     plan;
      g_autoptr (GError) error = NULL;

      if (gemini_edit_plan (estimate->config, estimate->image,
                            estimate->source, &plan, &error))
        {
          gg_estimate_plan (model, &plan.plan, variations, &figures);
          text = gg_estimate_describe (&figures, plan.plan.ratio,
                                       plan.plan.size);
        }
      else
        {
          text = g_strdup (error->message);
        }
    }
  else
    {
      gg_estimate_generate (model, ratio, size, variations, &figures);
      text = gg_estimate_describe (&figures, ratio, size);
    }

  gtk_label_set_text (GTK_LABEL (estimate->label), text);
}
