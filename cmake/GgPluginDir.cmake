# gg_plugin_dir (OUT PROFILE_ENV VERSION LIBDIR OVERRIDE): the folder that
# receives a plug-in's gimp-gemini/, for both GIMP versions.
#   OVERRIDE (a cache variable's value) when not empty; else by
#   GG_PLUGIN_INSTALL: "user" (default), the user's profile: $PROFILE_ENV
#   when set (as GIMP itself reads it), $XDG_CONFIG_HOME/GIMP/VERSION, or
#   ~/.config/GIMP/VERSION; "system", LIBDIR/plug-ins.
function(gg_plugin_dir out profile_env version libdir override)
  if(DEFINED ENV{${profile_env}} AND NOT "$ENV{${profile_env}}" STREQUAL "")
    set(profile "$ENV{${profile_env}}")
  elseif(DEFINED ENV{XDG_CONFIG_HOME} AND NOT "$ENV{XDG_CONFIG_HOME}" STREQUAL "")
    set(profile "$ENV{XDG_CONFIG_HOME}/GIMP/${version}")
  else()
    set(profile "$ENV{HOME}/.config/GIMP/${version}")
  endif()
  if(NOT GG_PLUGIN_INSTALL STREQUAL "system" AND NOT GG_PLUGIN_INSTALL STREQUAL "user")
    message(FATAL_ERROR "GG_PLUGIN_INSTALL must be 'user' or 'system', not '${GG_PLUGIN_INSTALL}'")
  endif()
  if(override)
    set(dir "${override}")
  elseif(GG_PLUGIN_INSTALL STREQUAL "system")
    set(dir "${libdir}/plug-ins")
  else()
    set(dir "${profile}/plug-ins")
  endif()
  set(${out} "${dir}" PARENT_SCOPE)
endfunction()
