/* gimp-gemini for GIMP 2.10: what the files of plugin/gimp2/ share.
 *
 * The same procedures as the GIMP 3 plug-in (common/gg-procedures.h), with
 * GIMP 2.10's calling convention: run mode first, then positional
 * arguments, drawables as IDs.  A thin front end over the engine's runs
 * (common/gg-run.h); the files, by role (as GIMP's plug-ins/file-webp is
 * split):
 *   gimp2-main.c        entry, query () and run () dispatch
 *   gimp2-procedures.c  the procedures: arguments (one table each), their
 *                       registration, and the options a run reads from them
 *   gimp2-runs.c        one run function per procedure: options to the
 *                       engine's run
 *   gimp2-plan.c        the values as the engine's options, and the edit's
 *                       plan, for the run and the dialog alike
 *   gimp2-host.c        the engine's host: pixels, selection, references,
 *                       the conversation's parasites, progress
 *   gimp2-result.c      the result layers, their masks and sources
 *   gimp2-key.c         the API key
 *   gimp2-dialog.c      the GTK 2 dialogs; gimp2-form.c its prompt helpers;
 *   gimp2-preview.c     its size-and-cost line
 */
#pragma once

#include <libgimp/gimp.h>

#include "gg-front.h"
#include "gg-intl.h"
#include "gg-procedures.h"

G_BEGIN_DECLS

#define PLUG_IN_BINARY          "gimp-gemini"
#define PLUG_IN_ROLE            "gimp-gemini"
#define PLUG_IN_MENU            "<Image>/Filters/Gemini"

/* The procedures that take a prompt, in the dialog's order. */
typedef enum
{
  GIMP2_KIND_GENERATE,
  GIMP2_KIND_EDIT,
  GIMP2_KIND_STYLE,
  GIMP2_KIND_REFINE,
  GIMP2_KIND_COMPOSE
} Gimp2Kind;

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
  gint32 reference_role;   /* index into gimp2_roles */
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

/* The roles a reference may have, NULL-terminated: the dialog's choices
 * and the remembered values' indices (gimp2-procedures.c). */
extern const gchar *const gimp2_roles[];

/* The problem with the user's catalogue in the profile
 * (GG_FRONT_CATALOGUE_FILE), shown in the dialog; NULL: none
 * (gimp2-main.c). */
extern gchar *gimp2_catalogue_problem;

G_END_DECLS
