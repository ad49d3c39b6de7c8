# sluice_install_component(NAME TARGETS target... [COMPONENTS other...]
#                          [DEPENDENCIES "find_dependency(...)"...])
#
# Installs TARGETS as the component NAME of the Sluice package, so that an out-of-tree plugin gets
# them with find_package(Sluice COMPONENTS NAME) and nothing else pulls in their dependencies:
#  - the targets go to their own export file, SluiceComponentTargets-NAME.cmake (namespace Sluice::);
#  - SluiceComponent-NAME.cmake loads the COMPONENTS it builds on (when its targets link theirs,
#    e.g. http on template), runs each DEPENDENCIES line (find_dependency calls, one per line)
#    and then includes that export file; SluiceConfig.cmake includes it only when the component
#    is asked for.
# Adding a component is one call beside its library, e.g.
#   sluice_install_component(template TARGETS sluice_support_template
#     DEPENDENCIES "find_dependency(OpenSSL 3)")
# Must be called after the core's install directory is known (SLUICE_CMAKE_DIR, set in
# sdk/CMakeLists.txt before add_subdirectory(support)).
include(GNUInstallDirs)

function(sluice_install_component NAME)
  cmake_parse_arguments(ARG "" "" "TARGETS;COMPONENTS;DEPENDENCIES" ${ARGN})
  if(NOT ARG_TARGETS)
    message(FATAL_ERROR "sluice_install_component(${NAME}): TARGETS is required")
  endif()
  if(NOT SLUICE_CMAKE_DIR)
    message(FATAL_ERROR "sluice_install_component(${NAME}): SLUICE_CMAKE_DIR is not set")
  endif()
  install(TARGETS ${ARG_TARGETS} EXPORT SluiceComponentTargets-${NAME}
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(EXPORT SluiceComponentTargets-${NAME} NAMESPACE Sluice:: DESTINATION ${SLUICE_CMAKE_DIR})
  set(dependencies "")
  foreach(component IN LISTS ARG_COMPONENTS)
    string(APPEND dependencies
           "include(\"\${CMAKE_CURRENT_LIST_DIR}/SluiceComponent-${component}.cmake\")\n")
  endforeach()
  list(JOIN ARG_DEPENDENCIES "\n" lines)
  string(APPEND dependencies "${lines}")
  set(file ${PROJECT_BINARY_DIR}/sdk/SluiceComponent-${NAME}.cmake)
  file(WRITE ${file}
       "# The component '${NAME}' of the Sluice package: its dependencies, then its targets.\n"
       "${dependencies}\n"
       "include(\"\${CMAKE_CURRENT_LIST_DIR}/SluiceComponentTargets-${NAME}.cmake\")\n")
  install(FILES ${file} DESTINATION ${SLUICE_CMAKE_DIR})
endfunction()
