// library_file_formats (file_submit_step.hpp): the formats library's read_file_options and
// make_writer.
#include <fmt/format.h>

#include "runtime/file_submit_step.hpp"

namespace sluice::runtime {

const FileFormats& library_file_formats() {
static const FileFormats formats{[](const boost::json::object& file, std::string_view where) {
                                     return formats::read_file_options(file, where);
                                   },
                                   [](const formats::FileOptions& options, formats::ByteSink& out) {
                                     return formats::make_writer(options, out);
                                   }};
  return formats;
}

}  // namespace sluice::runtime
