# integrator.io's Handlebars helpers (find_helper of <sluice/support/template/helper.hpp>).
# Included by the target that compiles them: it sets SLUICE_TEMPLATE_HELPER_SOURCES and
# SLUICE_TEMPLATE_HELPER_LIBRARIES (link them PRIVATE). Needs OpenSSL (hash, hmac, aws4), Boost.Regex
# (header-only in Boost 1.81) and Howard Hinnant's date/tz with the OS tzdata (USE_OS_TZDB).
if(NOT TARGET date::date-tz)
  find_package(date CONFIG REQUIRED)
endif()
set(SLUICE_TEMPLATE_HELPER_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/array.cpp
  ${CMAKE_CURRENT_LIST_DIR}/auth.cpp
  ${CMAKE_CURRENT_LIST_DIR}/block.cpp
  ${CMAKE_CURRENT_LIST_DIR}/bytes_codec.cpp
  ${CMAKE_CURRENT_LIST_DIR}/date.cpp
  ${CMAKE_CURRENT_LIST_DIR}/encoding.cpp
  ${CMAKE_CURRENT_LIST_DIR}/format.cpp
  ${CMAKE_CURRENT_LIST_DIR}/js_value.cpp
  ${CMAKE_CURRENT_LIST_DIR}/math.cpp
  ${CMAKE_CURRENT_LIST_DIR}/moment_format.cpp
  ${CMAKE_CURRENT_LIST_DIR}/moment_parse.cpp
  ${CMAKE_CURRENT_LIST_DIR}/regex.cpp
  ${CMAKE_CURRENT_LIST_DIR}/registry.cpp
  ${CMAKE_CURRENT_LIST_DIR}/string.cpp
  ${CMAKE_CURRENT_LIST_DIR}/type_logic.cpp)
set(SLUICE_TEMPLATE_HELPER_LIBRARIES OpenSSL::Crypto date::date-tz)
