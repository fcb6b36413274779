/* gimp2-procedures.h: the procedures of the GIMP 2.10 plug-in, each with
 * one table of arguments from which both its registration and the
 * positions its run reads are derived (GIMP 2.10 passes arguments by
 * position). */
#pragma once

#include "gimp2.h"

G_BEGIN_DECLS

/* Every argument any procedure takes; a procedure's table says which it
 * has and in which order. */
typedef enum
{
  GIMP2_ARG_RUN_MODE,
  GIMP2_ARG_IMAGE,
  GIMP2_ARG_DRAWABLE,
  GIMP2_ARG_STYLE,
  GIMP2_ARG_STYLE_FILE,
  GIMP2_ARG_PROMPT,
  GIMP2_ARG_MODEL,
  GIMP2_ARG_RATIO,
  GIMP2_ARG_SIZE,
  GIMP2_ARG_IMAGE_ONLY,
  GIMP2_ARG_CONTEXT_PX,
  GIMP2_ARG_CONTEXT_PCT,
  GIMP2_ARG_SOURCE,
  GIMP2_ARG_SEARCH,
  GIMP2_ARG_THOUGHT_LAYERS,
  GIMP2_ARG_VARIATIONS,
  GIMP2_ARG_N_REFERENCES,
  GIMP2_ARG_REFERENCES,
  GIMP2_ARG_ROLES,
  GIMP2_ARG_N_FILES,
  GIMP2_ARG_FILES,
  GIMP2_ARG_FILE_ROLES,
  GIMP2_ARG_AS_LAYER,
  GIMP2_ARG_INCLUDE_REGION,
  GIMP2_ARG_GROW,
  GIMP2_ARG_FEATHER,
  GIMP2_ARG_CHANGED_ONLY,
  GIMP2_ARG_HINT,
  GIMP2_ARG_STORE,
  GIMP2_ARG_THINKING,
  GIMP2_N_ARGS
} Gimp2Arg;

typedef struct
{
  Gimp2Arg     id;
  GimpParamDef def;
} Gimp2ArgDef;

typedef struct _Gimp2Procedure Gimp2Procedure;

/* One call of a procedure: its arguments, found by what they are. */
typedef struct
{
  const Gimp2Procedure *procedure;
  GimpRunMode           run_mode;
  gint                  nparams;
  const GimpParam      *param;
  gint                  position[GIMP2_N_ARGS];  /* -1: not an argument */
} Gimp2Call;

/* What a run gives back; gimp2-main.c turns it into return values. */
typedef struct
{
  GimpPDBStatusType status;
  GError           *error;      /* with GIMP_PDB_EXECUTION_ERROR */
  gint32            image;      /* for a return value of type IMAGE */
  gint32            layer;      /* ... and LAYER */
} Gimp2Outcome;

struct _Gimp2Procedure
{
  const gchar        *name;
  gint                kind;         /* Gimp2Kind; -1: takes no prompt */
  const Gimp2ArgDef  *args;
  gint                n_args;
  const GimpParamDef *returns;
  gint                n_returns;
  void              (*install) (const Gimp2Procedure *procedure);
  void              (*run)     (const Gimp2Call      *call,
                                Gimp2Outcome         *outcome);
};

/* Installs every procedure (query ()). */
void                  gimp2_procedures_install (const gchar *locale_dir);
/* The procedure called @name, or NULL. */
const Gimp2Procedure *gimp2_procedure_lookup   (const gchar *name);
/* @call for @param of @procedure. */
void                  gimp2_call_init          (Gimp2Call            *call,
                                                const Gimp2Procedure *procedure,
                                                gint                  nparams,
                                                const GimpParam      *param);

/* The argument @id of @call, or @fallback when the procedure has none
 * (strings: ""; arrays: NULL with *@n 0). */
gint32           gimp2_arg_int    (const Gimp2Call *call,
                                   Gimp2Arg         id,
                                   gint32           fallback);
const gchar     *gimp2_arg_string (const Gimp2Call *call,
                                   Gimp2Arg         id);

/* Reads the options of a run: the arguments, or the remembered values and
 * (interactive) the dialog, whose @note is shown above the prompt.  FALSE
 * when the dialog was cancelled. */
gboolean         gimp2_options_get   (const Gimp2Call *call,
                                      gint32           image,
                                      const gchar     *note,
                                      Gimp2Options    *options);
void             gimp2_options_clear (Gimp2Options    *options);
/* Drops the reference layers and files (and their roles). */
void             gimp2_options_clear_references (Gimp2Options *options);

/* Keeps plug-in-gemini-set-request-options' store and thinking level for
 * the scripts' later runs; FALSE with @error for an unknown level. */
gboolean         gimp2_request_options_set (gboolean      store,
                                            const gchar  *thinking,
                                            GError      **error);

G_END_DECLS
