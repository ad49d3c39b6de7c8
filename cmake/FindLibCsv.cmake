# FindLibCsv: libcsv (Debian's libcsv-dev), the CSV parser of Sluice::support_formats.
# Defines LibCsv_FOUND and the imported target LibCsv::LibCsv. The static archive is preferred:
# it is position-independent on Debian, so a plugin links it in and needs no libcsv at run time.
include(FindPackageHandleStandardArgs)
find_path(LibCsv_INCLUDE_DIR csv.h)
find_library(LibCsv_LIBRARY NAMES libcsv.a csv)
find_package_handle_standard_args(LibCsv REQUIRED_VARS LibCsv_LIBRARY LibCsv_INCLUDE_DIR)
if(LibCsv_FOUND AND NOT TARGET LibCsv::LibCsv)
  add_library(LibCsv::LibCsv UNKNOWN IMPORTED)
  set_target_properties(LibCsv::LibCsv PROPERTIES
    IMPORTED_LOCATION "${LibCsv_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${LibCsv_INCLUDE_DIR}")
endif()
mark_as_advanced(LibCsv_INCLUDE_DIR LibCsv_LIBRARY)
