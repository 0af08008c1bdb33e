# The Debian package collectd-intergas_<version>_<arch>.deb (CPack DEB generator):
#   cmake --build build/release --target package        (or: cd build/release && cpack -G DEB)
# Contents: /usr/lib/collectd/intergas.so, /usr/share/collectd/intergas.types.db, /usr/bin/intergas-read,
# /usr/bin/intergas-sim, their man pages, /usr/share/doc/collectd-intergas/ and the conffile
# /etc/collectd/collectd.conf.d/intergas.conf (all commented out: it does nothing until edited).
# The package always installs under /usr, whatever CMAKE_INSTALL_PREFIX the build was configured with.

# --- Install rules beyond the plugin's and the tools' own ------------------------------------------
# Man pages, gzipped as Debian ships them when gzip is there (-n: no name or time stamp inside).
find_program(INTERGAS_GZIP gzip)
set(_intergas_man_pages intergas-read.1 intergas-sim.1)
set(_intergas_man_files)
foreach(page IN LISTS _intergas_man_pages)
  set(src ${PROJECT_SOURCE_DIR}/docs/man/${page})
  if(INTERGAS_GZIP)
    set(out ${PROJECT_BINARY_DIR}/man/${page}.gz)
    add_custom_command(OUTPUT ${out}
                       COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
                       COMMAND ${INTERGAS_GZIP} -9 -n -c ${src} > ${out}
                       DEPENDS ${src} VERBATIM)
    list(APPEND _intergas_man_files ${out})
  else()
    list(APPEND _intergas_man_files ${src})
  endif()
endforeach()
add_custom_target(intergas_man_pages ALL DEPENDS ${_intergas_man_files})
install(FILES ${_intergas_man_files} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

# Documentation, keeping the source tree's layout so the links between the files still work.
install(FILES README.md collectd.conf.example DESTINATION ${CMAKE_INSTALL_DOCDIR})
file(GLOB _intergas_docs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/docs/*.md)
install(FILES ${_intergas_docs} DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs)
# contrib/ (Prometheus rules, Grafana dashboard) as examples. The glob only makes the build
# reconfigure when contrib/ appears or changes; the install takes whatever is there then.
file(GLOB_RECURSE _intergas_contrib CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/contrib/*)
if(IS_DIRECTORY ${PROJECT_SOURCE_DIR}/contrib)
  install(DIRECTORY contrib/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/contrib
          PATTERN CMakeLists.txt EXCLUDE)
endif()

# The drop-in config. Debian's collectd reads /etc/collectd/collectd.conf.d/*.conf (when its
# collectd.conf includes that directory). /etc belongs to the prefix /usr, which CPack always
# installs with; a plain `cmake --install` to another prefix puts it under <prefix>/etc instead.
# Decided at install time because CPack installs with its own prefix, not the configured one.
set(_intergas_conf ${PROJECT_SOURCE_DIR}/packaging/intergas.conf)
install(CODE "
  if(CMAKE_INSTALL_PREFIX STREQUAL \"/usr\")
    set(_intergas_conf_dir \"/etc/collectd/collectd.conf.d\")
  else()
    set(_intergas_conf_dir \"\${CMAKE_INSTALL_PREFIX}/etc/collectd/collectd.conf.d\")
  endif()
  file(INSTALL DESTINATION \"\${_intergas_conf_dir}\" TYPE FILE
       PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ FILES \"${_intergas_conf}\")
")

# --- The package -------------------------------------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME collectd-intergas)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "collectd-intergas")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "collectd plugin for Intergas gas boilers (service port)")
set(CPACK_PACKAGE_DESCRIPTION
    "A collectd read plugin for Intergas gas boilers (Kombi Kompakt HR/HRE/HReco, Prestige CW6,
Xtreme), read through the boiler's service port: 9600 baud 8-N-1 TTL serial on a USB-TTL adapter
or a TCP serial bridge (ser2net, ESP-link). Temperatures, pressure, fan and pump, flags, status,
burner state, faults, counters and parameters become collectd values, which write_prometheus or
any other collectd writer exports.
.
Also contains intergas-read, which asks a boiler for its values from the command line, and
intergas-sim, a simulated boiler for trying the plugin without one.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(INTERGAS_DEB_MAINTAINER
    "collectd-intergas maintainers <maintainers@users.noreply.b-seed-55bd5635.example>"
    CACHE STRING "Maintainer field of the Debian package")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${INTERGAS_DEB_MAINTAINER}")
# The plugin is built against collectd 5.12's headers; the libraries come from dpkg-shlibdeps
# (dpkg-dev), which CPack merges into this field.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "collectd-core (>= 5.12)")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# write_prometheus, the writer the docs use, needs these; collectd-core only suggests them.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libmicrohttpd12, libprotobuf-c1")
# The drop-in config is a conffile: kept when changed, removed on purge.
file(WRITE ${PROJECT_BINARY_DIR}/packaging/conffiles
     "/etc/collectd/collectd.conf.d/intergas.conf\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${PROJECT_BINARY_DIR}/packaging/conffiles)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
foreach(dir INTERGAS_COLLECTD_PLUGIN_DIR INTERGAS_COLLECTD_TYPES_DIR)
  if(DEFINED ${dir} AND IS_ABSOLUTE "${${dir}}")
    message(WARNING "${dir} is absolute (${${dir}}): the package installs it there, not under /usr")
  endif()
endforeach()

include(CPack)
