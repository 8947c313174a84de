# Installed like a tool: `cmake --install` and a Debian package (CPack).
#   PREFIX/bin/netflap
#   PREFIX/lib/netflap/netflap-device[-STACK], stacks/*.info
#   PREFIX/share/netflap/plots.gp, scenarios/*.scn
#   PREFIX/share/man/man1/netflap.1, man5/netflap-scenario.5
# An installed netflap finds these from its own path (harness/lib/paths.c).
include(GNUInstallDirs)

# the man pages, their tables printed by the built netflap itself
set(man_out ${CMAKE_BINARY_DIR}/man)
set(man_pages)
foreach(page netflap.1 netflap-scenario.5)
  add_custom_command(
    OUTPUT ${man_out}/${page}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${man_out}
    COMMAND ${CMAKE_SOURCE_DIR}/scripts/man.sh $<TARGET_FILE:netflap>
            ${CMAKE_SOURCE_DIR}/docs/man/${page}.in ${man_out}/${page} ${PROJECT_VERSION}
    DEPENDS netflap ${CMAKE_SOURCE_DIR}/docs/man/${page}.in ${CMAKE_SOURCE_DIR}/scripts/man.sh
    COMMENT "netflap: man page ${page}")
  list(APPEND man_pages ${man_out}/${page})
endforeach()
add_custom_target(netflap-man ALL DEPENDS ${man_pages})

get_property(stacks GLOBAL PROPERTY NETFLAP_STACKS)
set(device_bins)
foreach(stack IN LISTS stacks)
  if(stack STREQUAL "upstream")
    list(APPEND device_bins netflap-device)
  else()
    list(APPEND device_bins netflap-device-${stack})
  endif()
endforeach()

install(TARGETS netflap RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS ${device_bins} RUNTIME DESTINATION ${CMAKE_INSTALL_LIBDIR}/netflap)
install(DIRECTORY ${CMAKE_BINARY_DIR}/stacks/ DESTINATION ${CMAKE_INSTALL_LIBDIR}/netflap/stacks
        FILES_MATCHING PATTERN "*.info")
install(FILES ${CMAKE_SOURCE_DIR}/scripts/plots.gp DESTINATION ${CMAKE_INSTALL_DATADIR}/netflap)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/scenarios/ DESTINATION ${CMAKE_INSTALL_DATADIR}/netflap/scenarios
        FILES_MATCHING PATTERN "*.scn")
install(FILES ${man_out}/netflap.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${man_out}/netflap-scenario.5 DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)

# The package: the programs netflap runs are its dependencies; the shared
# libraries it links come from dpkg-shlibdeps.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME netflap)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "network-flap stress harness for embedded TCP/IP stacks")
set(CPACK_PACKAGE_CONTACT "netflap developers <netflap@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "mosquitto, dnsmasq-base, hostapd, gnuplot-nox")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "tcpdump")
include(CPack)
