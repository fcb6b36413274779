# Writes the user-visible strings of common/templates.json (labels,
# descriptions, field labels and hints) as N_("...") lines of C, so that
# xgettext extracts them with the rest.  The prompt text and the examples
# stay English: they are what the model reads.
#   cmake -DJSON=templates.json -DOUT=templates-strings.c -P templates-strings.cmake
file(READ "${JSON}" json)

function(c_string value out)
  string(REPLACE "\\" "\\\\" value "${value}")
  string(REPLACE "\"" "\\\"" value "${value}")
  set(${out} "\"${value}\"" PARENT_SCOPE)
endfunction()

set(lines "/* Generated from common/templates.json by po/templates-strings.cmake. */\n")
string(JSON n_templates LENGTH "${json}" templates)
math(EXPR last_template "${n_templates} - 1")
foreach(t RANGE ${last_template})
  string(JSON id GET "${json}" templates ${t} id)
  foreach(key label description)
    string(JSON value GET "${json}" templates ${t} ${key})
    c_string("${value}" quoted)
    string(APPEND lines "/* TRANSLATORS: the ${key} of the prompt template \"${id}\" */\nN_(${quoted});\n")
  endforeach()
  string(JSON n_fields LENGTH "${json}" templates ${t} fields)
  math(EXPR last_field "${n_fields} - 1")
  foreach(f RANGE ${last_field})
    string(JSON name GET "${json}" templates ${t} fields ${f} name)
    foreach(key label hint)
      string(JSON value GET "${json}" templates ${t} fields ${f} ${key})
      c_string("${value}" quoted)
      string(APPEND lines "/* TRANSLATORS: the ${key} of the field \"${name}\" of the prompt template \"${id}\" */\nN_(${quoted});\n")
    endforeach()
  endforeach()
endforeach()
file(WRITE "${OUT}.tmp" "${lines}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
