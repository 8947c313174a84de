# netflap_lwip_variant(NAME [PATCHES file...])
#
# Copies the pristine lwIP tree to ${CMAKE_BINARY_DIR}/lwip/NAME, applies the
# patches (patch -p1; CRLF or LF patches alike, the tree is LF), and defines:
#   lwip_NAME            static library: lwIP + netflap's port + the probe
#   lwip_unittests_NAME  lwIP's own test/unit suite built on that tree
# A patch that does not apply stops the configure step with patch's own
# report (file and hunk).
set(NETFLAP_PORT_DIR ${CMAKE_CURRENT_LIST_DIR}/..)

function(_netflap_apply_patch tree variant patch index)
  get_filename_component(base "${patch}" NAME)
  file(READ "${patch}" text)
  string(REPLACE "\r\n" "\n" text "${text}")
  set(norm "${tree}/.netflap-patches/${index}-${base}")
  file(WRITE "${norm}" "${text}")
  foreach(mode check apply)
    set(dry)
    if(mode STREQUAL "check")
      set(dry --dry-run)
    endif()
    execute_process(
      COMMAND patch -p1 --batch --forward --no-backup-if-mismatch -r - ${dry} -d "${tree}" -i "${norm}"
      RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if(NOT rc EQUAL 0)
      file(REMOVE_RECURSE "${tree}")
      message(FATAL_ERROR
        "netflap: patch ${patch} does not apply to lwIP 2.1.3 (stack '${variant}').\n"
        "patch -p1 said:\n${out}")
    endif()
  endforeach()
endfunction()

function(_netflap_prepare_tree tree variant)
  set(stamp_text "${NETFLAP_LWIP_DIR}\n")
  foreach(p IN LISTS ARGN)
    file(READ "${p}" t)
    string(APPEND stamp_text "${p}\n${t}\n")
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${p}")
  endforeach()
  string(SHA256 stamp "${stamp_text}")
  if(EXISTS "${tree}/.netflap-stamp")
    file(READ "${tree}/.netflap-stamp" old)
    if(old STREQUAL stamp)
      return()
    endif()
  endif()
  file(REMOVE_RECURSE "${tree}")
  file(MAKE_DIRECTORY "${tree}")
  file(COPY "${NETFLAP_LWIP_DIR}/src" "${NETFLAP_LWIP_DIR}/test" DESTINATION "${tree}")
  set(i 0)
  foreach(p IN LISTS ARGN)
    math(EXPR i "${i} + 1")
    _netflap_apply_patch("${tree}" "${variant}" "${p}" ${i})
  endforeach()
  file(WRITE "${tree}/.netflap-stamp" "${stamp}")
endfunction()

# lwIP's Filelists.cmake also creates targets and docs, so it cannot be
# included once per tree: take only its set(<group>_SRCS ...) lists.
macro(_netflap_lwip_sources tree file)
  file(READ "${tree}/${file}" _fl)
  string(REGEX MATCHALL "set\\((lwip[a-z0-9]*_SRCS|LWIP_TESTDIR|LWIP_TESTFILES)[^)]*\\)" _sets "${_fl}")
  set(_gen "${CMAKE_BINARY_DIR}/lwip/${name}-srcs.cmake")
  string(REPLACE ";" "\n" _sets "${_sets}")
  file(WRITE "${_gen}" "${_sets}\n")
  set(LWIP_DIR "${tree}")
  include("${_gen}")
endmacro()

function(netflap_lwip_variant name)
  cmake_parse_arguments(V "" "" "PATCHES" ${ARGN})
  set(abs_patches)
  foreach(p IN LISTS V_PATCHES)
    get_filename_component(a "${p}" ABSOLUTE BASE_DIR "${CMAKE_SOURCE_DIR}")
    if(NOT EXISTS "${a}")
      message(FATAL_ERROR "netflap: patch file ${p} (stack '${name}') does not exist")
    endif()
    list(APPEND abs_patches "${a}")
  endforeach()
  set(tree "${CMAKE_BINARY_DIR}/lwip/${name}")
  _netflap_prepare_tree("${tree}" "${name}" ${abs_patches})

  _netflap_lwip_sources("${tree}" src/Filelists.cmake)

  add_library(lwip_${name} STATIC
    ${lwipcore_SRCS} ${lwipcore4_SRCS} ${lwipapi_SRCS} ${tree}/src/netif/ethernet.c
    ${NETFLAP_PORT_DIR}/sys_arch.c ${NETFLAP_PORT_DIR}/probe.c)
  target_include_directories(lwip_${name} PUBLIC ${NETFLAP_PORT_DIR}/include)
  target_include_directories(lwip_${name} PRIVATE ${NETFLAP_PORT_DIR}/../common) # clock.h
  target_include_directories(lwip_${name} SYSTEM PUBLIC ${tree}/src/include)
  target_compile_definitions(lwip_${name} PRIVATE NETFLAP_VARIANT="${name}" _GNU_SOURCE)
  target_link_libraries(lwip_${name} PUBLIC Threads::Threads)
  set_source_files_properties(${NETFLAP_PORT_DIR}/sys_arch.c ${NETFLAP_PORT_DIR}/probe.c
    TARGET_DIRECTORY lwip_${name} PROPERTIES COMPILE_OPTIONS "${NETFLAP_WARNINGS}")

  if(NETFLAP_LWIP_ONLY)
    return()
  endif()
  # lwIP's own unit tests, with their own lwipopts.h and test sys_arch, on
  # this variant's tree: the suites must run unchanged on every stack.
  _netflap_lwip_sources("${tree}" test/unit/Filelists.cmake)
  add_executable(lwip_unittests_${name}
    ${LWIP_TESTFILES} ${lwipcore_SRCS} ${lwipcore4_SRCS} ${lwipcore6_SRCS} ${lwipapi_SRCS}
    ${tree}/src/netif/ethernet.c ${lwipmdns_SRCS} ${lwipmqtt_SRCS})
  target_include_directories(lwip_unittests_${name} PRIVATE
    ${tree}/test/unit ${NETFLAP_PORT_DIR}/unittest ${NETFLAP_PORT_DIR}/include ${tree}/src/include)
  # lwIP's test lwipopts.h leaves MEM_ALIGNMENT at 1; on a 64-bit host that
  # misaligns pool elements (UBSan says so). Ports set it: so do we.
  target_compile_definitions(lwip_unittests_${name} PRIVATE _GNU_SOURCE MEM_ALIGNMENT=8)
  # check.h's fail() with no message relies on GNU comma swallowing
  set_target_properties(lwip_unittests_${name} PROPERTIES C_EXTENSIONS ON)
  target_link_libraries(lwip_unittests_${name} PRIVATE PkgConfig::CHECK Threads::Threads)
  if(NETFLAP_SANITIZE)
    # test_mem_double_free frees a deliberately bogus pointer to check that
    # lwIP counts it as illegal; UBSan would stop on the misaligned access.
    target_compile_options(lwip_unittests_${name} PRIVATE -fno-sanitize=alignment)
  endif()
endfunction()
