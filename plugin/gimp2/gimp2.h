/* gimp-gemini for GIMP 2.10: names shared by the files of plugin/gimp2/.
 *
 * The same procedures as the GIMP 3 plug-in (plugin/), with GIMP 2.10's
 * calling convention: run mode first, then positional arguments, drawables
 * as IDs.  Glue only: the steps that do not call libgimp are common/
 * (gg-front.h, gg-conversation-place.h), shared with GIMP 3.
 */
#pragma once

#include <libgimp/gimp.h>

#include "gg-conversation-place.h"
#include "gg-front.h"
#include "gg-intl.h"

G_BEGIN_DECLS

#define PLUG_IN_BINARY          "gimp-gemini"
#define PLUG_IN_ROLE            "gimp-gemini"
#define PLUG_IN_MENU            "<Image>/Filters/Gemini"

#define PLUG_IN_PROC_GENERATE   "plug-in-gemini-generate"
#define PLUG_IN_PROC_EDIT       "plug-in-gemini-edit"
#define PLUG_IN_PROC_REFINE     "plug-in-gemini-refine"
#define PLUG_IN_PROC_STYLE      "plug-in-gemini-style-transfer"
#define PLUG_IN_PROC_COMPOSE    "plug-in-gemini-compose"
#define PLUG_IN_PROC_START_OVER "plug-in-gemini-forget-conversation"
#define PLUG_IN_PROC_SET_KEY    "plug-in-gemini-set-key"
#define PLUG_IN_PROC_FORGET     "plug-in-gemini-forget-key"
#define PLUG_IN_PROC_OPTIONS    "plug-in-gemini-set-request-options"

/* What the dialogs remember between runs, the 2.10 way (gimp_set_data ()
 * under the procedure's name): plain values in a fixed-size struct, never
 * the key.  Bump GIMP2_VALUES_VERSION when it changes, so that older data
 * is ignored rather than misread. */
#define GIMP2_VALUES_VERSION 4

typedef struct
{
  gint32 version;
  gchar  prompt[2048];
  gchar  model[128];
  gchar  ratio[16];
  gchar  size[16];
  gint32 image_only;
  gint32 search;
  gint32 thought_layers;
  gint32 variations;
  gint32 context_px;
  gint32 context_pct;
  gint32 visible;          /* source: 0 the layer, 1 what is visible */
  gint32 include_region;
  gint32 as_layer;
  gint32 reference;        /* the dialog's one reference drawable, or -1 */
  gint32 reference_role;   /* index into "style,subject,object,person,composition" */
  gint32 use_file;         /* the dialog's reference (or style) file is sent */
  gchar  file[1024];       /* ... its path */
  gint32 file_role;        /* index into gimp2_roles */
  gchar  roles[128];       /* Compose: the layers' roles, comma-separated */
  /* Edit, Style Transfer, Refine: how the result is masked (GIMP 3's
   * "grow", "feather", "changed-only" and "hint"; gg_mask_options_init). */
  gint32  grow;            /* px the selection grows by (negative: shrinks) */
  gdouble feather;         /* px; GG_MASK_FEATHER_AUTO (-1): automatic */
  gint32  changed_only;    /* no selection: mask to the changed pixels */
  gint32  hint;            /* send the editable area as a second image */
  /* Since version 4 (values of version 3 are read up to here). */
  gint32  store;           /* the request may be kept by Google */
  gchar   thinking[16];    /* "minimal", "medium", "high"; "": the model's */
} Gimp2Values;

/* One run's options: the values plus what is not remembered. */
typedef struct
{
  GimpRunMode  run_mode;
  gchar       *prompt;          /* the whole prompt (values.prompt is a cut copy) */
  Gimp2Values  values;
  gint32      *references;      /* drawable IDs; g_free */
  gint         n_references;
  gchar       *roles;           /* comma-separated */
  gchar      **files;           /* reference files, paths or URIs; g_strfreev */
  gchar       *file_roles;      /* comma-separated */
  gint32       style;           /* style transfer: the drawable, else -1 */
  gchar       *style_file;      /* ... or this file ("" / NULL: none) */
} Gimp2Options;

/* The region the answers go to, and what to add. */
typedef struct
{
  gint32              image;         /* -1: a new image */
  gint32              above;         /* -1: the top of the stack */
  gint32              mask_from;     /* -1, or a layer whose mask to copy */
  GgFrontTarget       front;
} Gimp2Target;

typedef struct
{
  gint32 item;        /* the result layer, or the group of several */
  gint32 first;       /* the first result layer */
  GgRect clip;
} Gimp2Result;


/* gimp2-image.c: pixels, layers and parasites. */
GgRaster       *gimp2_pixels_read          (gint32              drawable,
                                            const GgRect       *rect,
                                            GError            **error);
GgRaster       *gimp2_pixels_read_visible  (gint32              image,
                                            const GgRect       *rect,
                                            GError            **error);
/* The selection's coverage over @rect (image coordinates; 0 outside). */
GgMask         *gimp2_selection_read       (gint32              image,
                                            const GgRect       *rect,
                                            GError            **error);
gboolean        gimp2_result_insert        (Gimp2Target        *target,
                                            GgFrontPrepared    *prepared,
                                            Gimp2Result        *result,
                                            GError            **error);
GgConversation *gimp2_conversation_load    (gint32              image,
                                            GgConversationPlace *place,
                                            GError            **error);
gboolean        gimp2_conversation_store   (gint32              image,
                                            GgConversation     *conversation,
                                            const GgConversationPlace *place,
                                            gchar             **note);
gboolean        gimp2_conversation_forget  (gint32              image);

/* gimp2-main.c: the problem with the user's catalogue in the profile
 * (GG_FRONT_CATALOGUE_FILE), shown in the dialog; NULL: none. */
extern gchar *gimp2_catalogue_problem;

/* gimp2-dialog.c: GTK 2 dialogs (UI only).  TRUE when OK was pressed. */
typedef enum
{
  GIMP2_DIALOG_GENERATE,
  GIMP2_DIALOG_EDIT,
  GIMP2_DIALOG_STYLE,
  GIMP2_DIALOG_REFINE,
  GIMP2_DIALOG_COMPOSE
} Gimp2DialogKind;

gboolean        gimp2_dialog               (Gimp2DialogKind     kind,
                                            Gimp2Options       *options,
                                            gint32              image,
                                            const gchar        *note);
/* The masked key entry: the key (g_free after wiping) or NULL. */
gchar          *gimp2_key_dialog           (gboolean           *remember);

extern const gchar *const gimp2_roles[];   /* NULL-terminated */

G_END_DECLS
