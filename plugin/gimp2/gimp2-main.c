/* gimp-gemini for GIMP 2.10: the entry point.
 *
 * GIMP 2.10's plug-in interface: query () installs the procedures
 * (gimp2-procedures.c), run () hands a call to the procedure's run
 * (gimp2-runs.c) and turns what it gives back into return values.
 */

#include <locale.h>
#include <string.h>

#include <libgimp/gimp.h>

#include "gg-error.h"
#include "gg-front-models.h"

#include "gimp2-procedures.h"


static void        query            (void);
static void        run              (const gchar      *name,
                                     gint              nparams,
                                     const GimpParam  *param,
                                     gint             *nreturn_vals,
                                     GimpParam       **return_vals);

const GimpPlugInInfo PLUG_IN_INFO =
{
  NULL,
  NULL,
  query,
  run,
};

/* The plug-in's strings are in the "gimp-gemini" domain, compiled into
 * locale/ beside the binary (plugin/gimp2/CMakeLists.txt puts them there,
 * as GIMP 3's plug-in has them): GIMP 2.10 runs a plug-in by its full
 * path, so that folder is found from argv[0]. */
static gchar *locale_dir = NULL;

gchar *gimp2_catalogue_problem = NULL;

int
main (int   argc,
      char *argv[])
{
  g_autofree gchar *folder = g_path_get_dirname (argc > 0 ? argv[0] : ".");

  locale_dir = g_build_filename (folder, "locale", NULL);
  /* Only the messages (and their encoding) follow the user's locale:
   * numbers keep their C form in JSON and in the PDB. */
  setlocale (LC_CTYPE, "");
  setlocale (LC_MESSAGES, "");
  bindtextdomain (GETTEXT_PACKAGE, locale_dir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  return gimp_main (&PLUG_IN_INFO, argc, argv);
}

static void
query (void)
{
  gimp2_procedures_install (locale_dir);
}

static GimpParam  values[3];
static gchar     *error_message = NULL;

/* The return values of @procedure from @outcome: on success one per
 * return value it declares; on failure the message is the procedure's
 * error (GIMP shows it for interactive runs, Script-Fu throws it). */
static gint
return_values (const Gimp2Procedure *procedure,
               const Gimp2Outcome   *outcome)
{
  gint i;

  values[0].type          = GIMP_PDB_STATUS;
  values[0].data.d_status = outcome->status;

  if (outcome->status == GIMP_PDB_EXECUTION_ERROR)
    {
      g_free (error_message);
      /* The last stop before GIMP shows it: no key, whole or in part. */
      error_message = outcome->error ?
                      gg_redact (outcome->error->message, NULL) :
                      g_strdup (_("The run failed."));
      values[1].type          = GIMP_PDB_STRING;
      values[1].data.d_string = error_message;
      return 2;
    }
  if (outcome->status != GIMP_PDB_SUCCESS)
    return 1;

  for (i = 0; i < procedure->n_returns && i + 1 < (gint) G_N_ELEMENTS (values); i++)
    {
      values[i + 1].type = procedure->returns[i].type;
      if (procedure->returns[i].type == GIMP_PDB_IMAGE)
        values[i + 1].data.d_image = outcome->image;
      else
        values[i + 1].data.d_layer = outcome->layer;
    }

  return 1 + i;
}

static void
run (const gchar      *name,
     gint              nparams,
     const GimpParam  *param,
     gint             *nreturn_vals,
     GimpParam       **return_vals)
{
  const Gimp2Procedure *procedure = gimp2_procedure_lookup (name);
  Gimp2Outcome          outcome   = { GIMP_PDB_SUCCESS, NULL, -1, -1 };
  Gimp2Call             call;
  GError               *error     = NULL;

  *return_vals = values;
  if (! procedure)
    {
      outcome.status = GIMP_PDB_CALLING_ERROR;
      values[0].type          = GIMP_PDB_STATUS;
      values[0].data.d_status = outcome.status;
      *nreturn_vals = 1;
      return;
    }

  gegl_init (NULL, NULL);

  /* The user's catalogue, before any model is read (a problem with it is
   * said in the dialog, and the built-in one stays in use). */
  if (! gg_front_catalogue_load (gimp_directory (), &error))
    {
      gimp2_catalogue_problem = g_strdup (error->message);
      g_printerr ("gimp-gemini: %s\n", error->message);
      g_clear_error (&error);
    }

  gimp2_call_init (&call, procedure, nparams, param);
  procedure->run (&call, &outcome);

  *nreturn_vals = return_values (procedure, &outcome);
  g_clear_error (&outcome.error);
}
