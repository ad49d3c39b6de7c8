# sluice_add_test(NAME SOURCES src... [LIBRARIES lib...])
# A GoogleTest executable registered with CTest as one test named NAME.
function(sluice_add_test NAME)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBRARIES" ${ARGN})
  add_executable(${NAME} ${ARG_SOURCES})
  target_link_libraries(${NAME} PRIVATE ${ARG_LIBRARIES} GTest::gtest GTest::gmock GTest::gtest_main sluice_options)
  add_test(NAME ${NAME} COMMAND ${NAME})
  set_tests_properties(${NAME} PROPERTIES ENVIRONMENT "SLUICE_BUILD_DIR=${PROJECT_BINARY_DIR}")
endfunction()
