// The data loader's file (`sluice flow run ID --data FILE`) as a FileProducer (file_source.hpp):
// one local file, read in chunks of `chunk_bytes`, named by its file name (no folder) and known
// before its bytes (FileProducer::upcoming). Committing it does nothing: the operator's file is
// never moved or deleted.
#pragma once

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <memory>

#include "runtime/file_source.hpp"

namespace sluice::runtime {

class LocalFileProducer : public FileProducer {
 public:
  // kNotFound (naming the path and what to do) when `path` is not a readable regular file.
  static Result<std::unique_ptr<LocalFileProducer>> open(const std::filesystem::path& path,
                                                         size_t chunk_bytes = size_t{64} << 10);

  Result<FileInfo> next_file(
      const std::function<Result<void>(std::string_view)>& on_chunk) override;
  Result<void> file_committed(const std::string&) override { return {}; }
  std::optional<FileInfo> upcoming() override;

 private:
  LocalFileProducer(std::ifstream in, FileInfo info, size_t chunk_bytes)
      : in_(std::move(in)), info_(std::move(info)), chunk_bytes_(chunk_bytes) {}

  std::ifstream in_;
  FileInfo info_;
  size_t chunk_bytes_;
  bool delivered_ = false;
};

}  // namespace sluice::runtime
