# Helpers of lwip_variant.cmake: a stack's tree (version, copy, patches,
# accessor check), its source lists and its manifest.

function(_netflap_write_if_changed path text)
  if(EXISTS "${path}")
    file(READ "${path}" old)
    if(old STREQUAL text)
      return()
    endif()
  endif()
  file(WRITE "${path}" "${text}")
endfunction()

# The release a tree says it is (src/include/lwip/init.h), e.g. 2.2.1.
function(_netflap_tree_version out tree name)
  if((NOT EXISTS "${tree}/src/Filelists.cmake" AND NOT EXISTS "${tree}/src/Filelists.mk")
     OR NOT EXISTS "${tree}/src/include/lwip/init.h")
    message(FATAL_ERROR
      "netflap: stack '${name}': ${tree} is not an lwIP tree netflap can build: it wants "
      "lwIP's layout with src/include/lwip/init.h and its file list, src/Filelists.cmake "
      "(lwIP 2.1 and later) or src/Filelists.mk (2.0.x)")
  endif()
  file(STRINGS "${tree}/src/include/lwip/init.h" lines REGEX "#define LWIP_VERSION_(MAJOR|MINOR|REVISION)[ \t]")
  set(v)
  foreach(part MAJOR MINOR REVISION)
    foreach(l IN LISTS lines)
      if(l MATCHES "LWIP_VERSION_${part}[ \t]+([0-9]+)")
        list(APPEND v ${CMAKE_MATCH_1})
      endif()
    endforeach()
  endforeach()
  list(JOIN v "." v)
  if(NOT v MATCHES "^[0-9]+\\.[0-9]+\\.[0-9]+$")
    message(FATAL_ERROR "netflap: stack '${name}': cannot read the version from ${tree}/src/include/lwip/init.h")
  endif()
  set(${out} "${v}" PARENT_SCOPE)
endfunction()

# A hash of every file of a tree's src/ and test/ (once per tree per
# configure): an edited vendor tree rebuilds its stacks, an unchanged one not.
function(_netflap_tree_hash out tree)
  string(MD5 key "${tree}")
  get_property(h GLOBAL PROPERTY NETFLAP_TREE_HASH_${key})
  if(NOT h)
    file(GLOB_RECURSE files LIST_DIRECTORIES false RELATIVE "${tree}" "${tree}/src/*" "${tree}/test/*")
    list(SORT files)
    set(all "")
    foreach(f IN LISTS files)
      file(SHA256 "${tree}/${f}" fh)
      string(APPEND all "${f} ${fh}\n")
    endforeach()
    string(SHA256 h "${all}")
    set_property(GLOBAL PROPERTY NETFLAP_TREE_HASH_${key} "${h}")
  endif()
  set(${out} "${h}" PARENT_SCOPE)
endfunction()

# A hash of every file under dir (an --include folder).
function(_netflap_dir_hash out dir)
  file(GLOB_RECURSE files LIST_DIRECTORIES false RELATIVE "${dir}" "${dir}/*")
  list(SORT files)
  set(all "")
  foreach(f IN LISTS files)
    file(SHA256 "${dir}/${f}" fh)
    string(APPEND all "${f} ${fh}\n")
  endforeach()
  string(SHA256 h "${all}")
  set(${out} "${h}" PARENT_SCOPE)
endfunction()

function(_netflap_apply_patch tree variant version patch index)
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
        "netflap: patch ${patch} does not apply to lwIP ${version} (stack '${variant}').\n"
        "patch -p1 said:\n${out}")
    endif()
  endforeach()
endfunction()

# A fork checked out with CRLF line ends (Windows tools, some vendor SDKs):
# its text files made LF in the copy, so LF patches apply and the
# preprocessor's line continuations read as on any tree. (sed, not
# file(READ): CMake's file(READ) drops the CRs, so it cannot tell.)
function(_netflap_tree_to_lf tree)
  file(GLOB_RECURSE files LIST_DIRECTORIES false "${tree}/*.c" "${tree}/*.h"
       "${tree}/*.cmake" "${tree}/*.txt" "${tree}/*.mk")
  if(files)
    execute_process(COMMAND sed -i -e "s/\\r$//" ${files} RESULT_VARIABLE rc ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "netflap: making ${tree}'s line ends LF failed: ${err}")
    endif()
  endif()
endfunction()

function(_netflap_prepare_tree tree variant src version)
  _netflap_tree_hash(tree_hash "${src}")
  set(stamp_text "${src}\n${tree_hash}\n")
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
  file(COPY "${src}/src" DESTINATION "${tree}")
  if(EXISTS "${src}/test")
    file(COPY "${src}/test" DESTINATION "${tree}")
  endif()
  _netflap_tree_to_lf("${tree}")
  set(i 0)
  foreach(p IN LISTS ARGN)
    math(EXPR i "${i} + 1")
    _netflap_apply_patch("${tree}" "${variant}" "${version}" "${p}" ${i})
  endforeach()
  _netflap_add_accessor("${tree}")
  file(WRITE "${tree}/.netflap-stamp" "${stamp}")
endfunction()

# The probe reads the socket table through lwip_socket_dbg_get_socket()
# and struct lwip_sock (lwip/priv/sockets_priv.h), both lwIP 2.1's. A tree
# without them (2.0.x, where the struct is private to sockets.c) gets
# netflap's: the accessor appended to its copy of sockets.c (in
# _netflap_prepare_tree, so the stamp covers it), and the header generated
# into gen from the struct as that sockets.c defines it, so a fork's own
# fields are the ones read. Without fd_used (full-duplex pinning, 2.1) the
# header says NF_SOCK_NO_FD_USED: no slot is pinned, no limit is set.
set(_netflap_accessor [==[
/* netflap: lwIP 2.1's accessor of the socket table, which this tree lacks;
 * appended by netflap's build to its copy, read by netflap's probe */
struct lwip_sock *lwip_socket_dbg_get_socket(int fd);
struct lwip_sock *lwip_socket_dbg_get_socket(int fd)
{
  fd -= LWIP_SOCKET_OFFSET;
  return (fd < 0 || fd >= NUM_SOCKETS) ? NULL : &sockets[fd];
}
]==])

function(_netflap_add_accessor tree)
  file(STRINGS "${tree}/src/api/sockets.c" hit REGEX "^lwip_socket_dbg_get_socket\\(")
  if(NOT hit)
    file(APPEND "${tree}/src/api/sockets.c" "${_netflap_accessor}")
  endif()
endfunction()

function(_netflap_sockets_priv tree gen name)
  if(EXISTS "${tree}/src/include/lwip/priv/sockets_priv.h")
    return()
  endif()
  file(READ "${tree}/src/api/sockets.c" text)
  if(NOT text MATCHES "\n(struct lwip_sock {[^}]*};)")
    message(FATAL_ERROR "netflap: stack '${name}': ${tree}/src/api/sockets.c defines no struct "
                        "lwip_sock netflap can read (and the tree has no lwip/priv/sockets_priv.h)")
  endif()
  set(h "/* generated by netflap for stack '${name}': its sockets.c's struct lwip_sock */\n")
  string(APPEND h "#ifndef NF_SOCKETS_PRIV_H\n#define NF_SOCKETS_PRIV_H\n#include \"lwip/sockets.h\"\n")
  string(APPEND h "#include \"lwip/api.h\"\n#include \"lwip/sys.h\"\n#ifndef SELWAIT_T\n#define SELWAIT_T u8_t\n#endif\n")
  string(APPEND h "#ifndef NUM_SOCKETS\n#define NUM_SOCKETS MEMP_NUM_NETCONN\n#endif\n${CMAKE_MATCH_1}\n")
  if(NOT CMAKE_MATCH_1 MATCHES "fd_used")
    string(APPEND h "#define NF_SOCK_NO_FD_USED 1\n")
  endif()
  # 2.0.x's alloc_socket takes a free slot only once its select_waiting is 0
  if(text MATCHES "alloc_socket\\([^{]*{[^}]*select_waiting == 0")
    string(APPEND h "#define NF_SOCK_SELECT_WAITING_PINS 1\n")
  endif()
  string(APPEND h "struct lwip_sock *lwip_socket_dbg_get_socket(int fd);\n#endif\n")
  _netflap_write_if_changed("${gen}/lwip/priv/sockets_priv.h" "${h}")
endfunction()

# A 2.0.x tree has only src/Filelists.mk: its make lists, as the
# set(<group>_SRCS ...) lines 2.1's Filelists.cmake has, into gen.
function(_netflap_filelists_from_mk tree gen)
  file(READ "${tree}/src/Filelists.mk" mk)
  string(REGEX REPLACE "\\\\\n" " " mk "${mk}") # continuation lines joined
  set(out "")
  foreach(pair COREFILES:lwipcore_SRCS CORE4FILES:lwipcore4_SRCS CORE6FILES:lwipcore6_SRCS
               APIFILES:lwipapi_SRCS NETIFFILES:lwipnetif_SRCS MQTTFILES:lwipmqtt_SRCS)
    string(REPLACE ":" ";" pair "${pair}")
    list(GET pair 0 var)
    list(GET pair 1 group)
    if(mk MATCHES "\n${var}=([^\n]*)")
      string(REPLACE "$(LWIPDIR)" "${tree}/src" files "${CMAKE_MATCH_1}")
      string(REGEX REPLACE "[ \t]+" " " files "${files}")
      string(STRIP "${files}" files)
      string(APPEND out "set(${group} ${files})\n")
    endif()
  endforeach()
  _netflap_write_if_changed("${gen}" "${out}")
endfunction()

# lwIP's Filelists.cmake also creates targets and docs, so it cannot be
# included once per tree: take only its set(<group>_SRCS ...) lists.
macro(_netflap_lwip_sources tree file tag)
  if(NOT EXISTS "${tree}/${file}" AND "${file}" STREQUAL "src/Filelists.cmake")
    _netflap_filelists_from_mk("${tree}" "${CMAKE_BINARY_DIR}/lwip/${tag}-Filelists.cmake")
    file(READ "${CMAKE_BINARY_DIR}/lwip/${tag}-Filelists.cmake" _fl)
  else()
    file(READ "${tree}/${file}" _fl)
  endif()
  string(REGEX MATCHALL "set\\((lwip[a-z0-9]*_SRCS|LWIP_TESTDIR|LWIP_TESTFILES)[^)]*\\)" _sets "${_fl}")
  set(_gen "${CMAKE_BINARY_DIR}/lwip/${tag}-srcs.cmake")
  string(REPLACE ";" "\n" _sets "${_sets}")
  file(WRITE "${_gen}" "${_sets}\n")
  set(LWIP_DIR "${tree}")
  include("${_gen}")
endmacro()

# stacks/NAME.info (key=value lines, documented in results/README.md) and
# the probe's nf_stack_info.h: the same build id, so the harness can tell
# that a device binary is the stack its manifest describes.
function(_netflap_write_manifest gen name version src origin opts hooks)
  _netflap_tree_hash(tree_hash "${src}")
  file(SHA256 "${opts}" opts_sha)
  set(m "name=${name}\nlwip=${version}\ntree=${src}\ntree_sha256=${tree_hash}\n")
  if(NOT origin)
    set(origin "dir")
  endif()
  set(profile file)
  if(opts MATCHES "^${NETFLAP_PORT_DIR}/profiles/([a-z]+)\\.h$")
    set(profile ${CMAKE_MATCH_1})
  endif()
  string(APPEND m "origin=${origin}\nprofile=${profile}\noptions=${opts}\noptions_sha256=${opts_sha}\n")
  if(hooks)
    file(SHA256 "${hooks}" hooks_sha)
    string(APPEND m "hooks=${hooks}\nhooks_sha256=${hooks_sha}\n")
  else()
    string(APPEND m "hooks=-\nhooks_sha256=-\n")
  endif()
  foreach(p IN LISTS ARGN)
    file(SHA256 "${p}" psha)
    string(APPEND m "patch=${psha} ${p}\n")
  endforeach()
  foreach(d IN LISTS stack_includes) # the caller's: part of the build id
    _netflap_dir_hash(dsha "${d}")
    string(APPEND m "include=${dsha} ${d}\n")
  endforeach()
  set(app_names "netflap")
  foreach(a IN LISTS builtin_apps stack_apps) # the caller's
    get_filename_component(stem "${a}" NAME_WE)
    string(REPLACE "_" "-" stem "${stem}")
    string(APPEND app_names ",${stem}")
  endforeach()
  foreach(a IN LISTS stack_apps) # the caller's: part of the build id
    file(SHA256 "${a}" asha)
    string(APPEND m "app=${asha} ${a}\n")
  endforeach()
  string(APPEND m "apps=${app_names}\n")
  file(READ "${NETFLAP_PORT_DIR}/include/nf_lwipopts_port.h" port_text)
  string(SHA256 id "${m}${port_text}")
  string(SUBSTRING "${id}" 0 16 id)
  string(APPEND m "build_id=${id}\n")
  if(NOT "${ipv6_modes}" STREQUAL "") # the caller's; follows from the options (in the build id)
    string(APPEND m "ipv6=${ipv6_modes}\n")
  endif()
  if(unittests_note) # the caller's (netflap_lwip_stack): not part of the build id
    string(APPEND m "unittests=${unittests_note}\n")
  endif()
  _netflap_write_if_changed("${CMAKE_BINARY_DIR}/stacks/${name}.info" "${m}")
  _netflap_write_if_changed("${gen}/nf_stack_info.h"
    "#define NF_STACK_LWIP_VERSION \"${version}\"\n#define NF_STACK_BUILD_ID \"${id}\"\n")
endfunction()
