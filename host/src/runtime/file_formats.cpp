// library_file_formats (file_submit_step.hpp). SLUICE_HAVE_FILE_FACTORIES is set by the runtime's
// CMakeLists.txt when sdk/support/formats defines read_file_options and make_writer
// (file_options.cpp); without them a file import is refused when its step is made.
#include <fmt/format.h>

#include "runtime/file_submit_step.hpp"

namespace sluice::runtime {

const FileFormats& library_file_formats() {
#if SLUICE_HAVE_FILE_FACTORIES
  static const FileFormats formats{[](const boost::json::object& file, std::string_view where) {
                                     return formats::read_file_options(file, where);
                                   },
                                   [](const formats::FileOptions& options, formats::ByteSink& out) {
                                     return formats::make_writer(options, out);
                                   }};
#else
  static const FileFormats formats{
      [](const boost::json::object&, std::string_view where) -> Result<formats::FileOptions> {
        return make_error(Status::kUnsupported,
                          fmt::format("{}: this build of Sluice has no file writers "
                                      "(sdk/support/formats without file_options.cpp); build "
                                      "it from a tree that has them",
                                      where));
      },
      [](const formats::FileOptions&,
         formats::ByteSink&) -> Result<std::unique_ptr<formats::Writer> > {
        return make_error(Status::kUnsupported, "this build of Sluice has no file writers");
      }};
#endif
  return formats;
}

}  // namespace sluice::runtime
