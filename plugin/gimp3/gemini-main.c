/* gimp-gemini: Gemini image models ("Nano Banana") in GIMP 3.
 *
 * gemini-main.c: the plug-in's entry point.  GIMP asks which procedures
 * there are and has each made by name: the table below maps the names of
 * common/gg-procedures.h to the functions of gemini-procedures.c that
 * make them.  What a procedure does when it runs is gemini-runs.c's; the
 * engine (requests, planning, placement) is common/.
 */

#include <string.h>

#include <libgimp/gimp.h>

#include "gg-front-models.h"
#include "gg-procedures.h"

#include "gemini.h"
#include "gemini-intl.h"
#include "gemini-procedures.h"


typedef struct _Gemini      Gemini;
typedef struct _GeminiClass GeminiClass;

struct _Gemini
{
  GimpPlugIn parent_instance;
};

struct _GeminiClass
{
  GimpPlugInClass parent_class;
};

#define GEMINI_TYPE (gemini_get_type ())

GType                   gemini_get_type         (void) G_GNUC_CONST;

static GList          * gemini_query_procedures (GimpPlugIn   *plug_in);
static GimpProcedure  * gemini_create_procedure (GimpPlugIn   *plug_in,
                                                 const gchar  *name);
static void             gemini_catalogue_load   (void);
static gboolean         gemini_set_i18n         (GimpPlugIn   *plug_in,
                                                 const gchar  *procedure_name,
                                                 gchar       **gettext_domain,
                                                 gchar       **catalog_dir);


/* Every procedure, in the order GIMP lists them. */
static const struct
{
  const gchar     *name;
  GimpProcedure * (*create) (GimpPlugIn *plug_in, const gchar *name);
} procedures[] =
{
  { GG_PROC_GENERATE,   gemini_procedure_generate   },
  { GG_PROC_EDIT,       gemini_procedure_edit       },
  { GG_PROC_REFINE,     gemini_procedure_refine     },
  { GG_PROC_STYLE,      gemini_procedure_style      },
  { GG_PROC_COMPOSE,    gemini_procedure_compose    },
  { GG_PROC_START_OVER, gemini_procedure_start_over },
  { GG_PROC_SET_KEY,    gemini_procedure_set_key    },
  { GG_PROC_FORGET_KEY, gemini_procedure_forget_key },
};


G_DEFINE_TYPE (Gemini, gemini, GIMP_TYPE_PLUG_IN)

GIMP_MAIN (GEMINI_TYPE)


static void
gemini_class_init (GeminiClass *klass)
{
  GimpPlugInClass *plug_in_class = GIMP_PLUG_IN_CLASS (klass);

  plug_in_class->query_procedures = gemini_query_procedures;
  plug_in_class->create_procedure = gemini_create_procedure;
  plug_in_class->set_i18n         = gemini_set_i18n;
}

static void
gemini_init (Gemini *gemini)
{
}

/* The problem with the user's catalogue, for the dialogs; NULL: none. */
static gchar *catalogue_problem = NULL;

/* The user's catalogue in the profile, merged over the built-in one once
 * per process (a missing file is none). */
static void
gemini_catalogue_load (void)
{
  static gboolean  loaded = FALSE;
  GError          *error  = NULL;

  if (loaded)
    return;
  loaded = TRUE;

  if (! gg_front_catalogue_load (gimp_directory (), &error))
    {
      catalogue_problem = g_strdup (error->message);
      g_printerr ("gimp-gemini: %s\n", error->message);
      g_clear_error (&error);
    }
}

const gchar *
gemini_catalogue_problem (void)
{
  return catalogue_problem;
}

static GList *
gemini_query_procedures (GimpPlugIn *plug_in)
{
  GList *list = NULL;
  gsize  i;

  for (i = 0; i < G_N_ELEMENTS (procedures); i++)
    list = g_list_append (list, g_strdup (procedures[i].name));

  return list;
}

/* The plug-in's strings are in the "gimp-gemini" domain, compiled into
 * locale/ beside the binary (po/CMakeLists.txt installs them there): GIMP
 * binds that domain before it queries or runs a procedure. */
static gboolean
gemini_set_i18n (GimpPlugIn   *plug_in,
                 const gchar  *procedure_name,
                 gchar       **gettext_domain,
                 gchar       **catalog_dir)
{
  *gettext_domain = g_strdup (GETTEXT_PACKAGE);
  *catalog_dir    = g_strdup ("locale");

  return TRUE;
}

static GimpProcedure *
gemini_create_procedure (GimpPlugIn  *plug_in,
                         const gchar *name)
{
  gsize i;

  /* Before any default is read: a user's catalogue may name another. */
  gemini_catalogue_load ();

  for (i = 0; i < G_N_ELEMENTS (procedures); i++)
    if (! strcmp (name, procedures[i].name))
      {
        GimpProcedure *procedure = procedures[i].create (plug_in, name);

        gemini_procedure_set_icon (procedure);
        return procedure;
      }

  return NULL;
}
