# sluice_add_plugin(NAME SOURCES src... [LIBRARIES lib...])
#
# Builds a connector plugin: a MODULE library named sluice-plugin-NAME.so with hidden visibility,
# linked privately against the core SDK (Sluice::sdk) and LIBRARIES, and refused at link time if
# it leaves a symbol undefined (a plugin may not depend on symbols of the host). Used alike by
# in-tree plugins and by out-of-tree ones through find_package(Sluice); a support library comes
# from a component: find_package(Sluice COMPONENTS http) and LIBRARIES Sluice::support_http.
function(sluice_add_plugin NAME)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "sluice_add_plugin(${NAME}): SOURCES is required")
  endif()
  add_library(${NAME} MODULE ${ARG_SOURCES})
  target_link_libraries(${NAME} PRIVATE Sluice::sdk ${ARG_LIBRARIES})
  target_compile_features(${NAME} PRIVATE cxx_std_20)
  target_compile_definitions(${NAME} PRIVATE
    SLUICE_PLUGIN_BUILD_TYPE="$<IF:$<CONFIG:>,default,$<CONFIG>>")
  target_link_options(${NAME} PRIVATE -Wl,--no-undefined)
  set_target_properties(${NAME} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "sluice-plugin-${NAME}"
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
endfunction()

include("${CMAKE_CURRENT_LIST_DIR}/SluicePluginTest.cmake")
