#include "runtime/local_file_producer.hpp"

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

#include <fmt/format.h>

namespace sluice::runtime {

namespace fs = std::filesystem;

Result<std::unique_ptr<LocalFileProducer>> LocalFileProducer::open(const fs::path& path,
                                                                   size_t chunk_bytes) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (!fs::is_regular_file(status)) {
    std::string why = "not a regular file";
    if (!fs::exists(status)) {
      why = "no such file";
    } else if (ec) {
      why = ec.message();
    }
    return make_error(
        Status::kNotFound,
        fmt::format("--data {}: {}; give the path of the file to load", path.string(), why));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error(Status::kNotFound, fmt::format("--data {}: cannot be opened: {}",
                                                     path.string(), std::strerror(errno)));
  }
  FileInfo info;
  info.name = path.filename().string();
  info.path = path.string();
  info.size = static_cast<int64_t>(fs::file_size(path, ec));
  if (ec) info.size.reset();
  info.done = true;
  return std::unique_ptr<LocalFileProducer>(
      new LocalFileProducer(std::move(in), std::move(info), chunk_bytes == 0 ? 1 : chunk_bytes));
}

std::optional<FileInfo> LocalFileProducer::upcoming() {
  if (delivered_) return std::nullopt;
  return info_;
}

Result<FileInfo> LocalFileProducer::next_file(
    const std::function<Result<void>(std::string_view)>& on_chunk) {
  if (delivered_) {
    FileInfo none;
    none.no_file = true;
    return none;
  }
  delivered_ = true;
  std::string buffer(chunk_bytes_, '\0');
  while (in_) {
    in_.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto got = static_cast<size_t>(in_.gcount());
    if (got == 0) break;
    if (auto r = on_chunk(std::string_view(buffer.data(), got)); !r) return r.error();
  }
  if (in_.bad()) {
    return make_error(Status::kRemoteError, fmt::format("--data {}: reading failed: {}", info_.path,
                                                        std::strerror(errno)));
  }
  return info_;
}

}  // namespace sluice::runtime
