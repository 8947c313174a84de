# nf_harness_files(ROOT SOURCES DIRS): harness/'s C files (ROOT, the harness
# folder; main.c left out) and the folders holding its headers, wherever in
# its sub-folders they live. Used by harness/ and by the fuzz project.
function(nf_harness_files root sources_var dirs_var)
  file(GLOB_RECURSE c_files CONFIGURE_DEPENDS ${root}/*.c)
  file(GLOB_RECURSE h_files CONFIGURE_DEPENDS ${root}/*.h)
  list(FILTER c_files EXCLUDE REGEX "/main\\.c$")
  set(dirs "")
  foreach(h IN LISTS h_files)
    get_filename_component(d ${h} DIRECTORY)
    list(APPEND dirs ${d})
  endforeach()
  list(REMOVE_DUPLICATES dirs)
  set(${sources_var} ${c_files} PARENT_SCOPE)
  set(${dirs_var} ${dirs} PARENT_SCOPE)
endfunction()
