// One session with a file server, FTP/FTPS (ftp_session.cpp) or SFTP (sftp_session.cpp), as the
// export and import use it: list a folder, stream a file down or up a chunk at a time, rename,
// delete. Paths are the server's, already resolved (config.hpp's resolve_path). A failure is an
// Error whose message quotes the server's reply ("550 Failed to open file.") and names the path;
// kAuthFailed for a login refused, kTransient for a connection lost, kRemoteError otherwise.
// Not thread-safe: one call at a time (the host serialises the calls of a connection).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/result.hpp"

namespace sluice::plugins::ftp {

struct RemoteEntry {
  std::string name;  // without the folder
  std::optional<uint64_t> size;
  bool is_directory = false;
};

// Receives each downloaded chunk; a failure stops the download with that error.
using ChunkWriter = std::function<Result<void>(std::string_view chunk)>;
// Fills the buffer with up to `capacity` bytes of the file to upload; 0 at its end.
using ChunkReader = std::function<Result<size_t>(char* buffer, size_t capacity)>;

class RemoteSession {
 public:
  virtual ~RemoteSession() = default;
  // The login folder (where relative paths start), as the server names it, e.g. "/home/u".
  virtual const std::string& home() const = 0;
  // The entries of `directory` (neither . nor ..).
  virtual Result<std::vector<RemoteEntry>> list(const std::string& directory) = 0;
  virtual Result<void> download(const std::string& path, const ChunkWriter& write) = 0;
  // Creates or replaces `path` with the bytes `read` gives.
  virtual Result<void> upload(const std::string& path, const ChunkReader& read) = 0;
  // Renames (moves) `from` to `to`, replacing `to` where the server allows it.
  virtual Result<void> rename(const std::string& from, const std::string& to) = 0;
  virtual Result<void> remove(const std::string& path) = 0;
  // True once the session cannot be trusted any more (the connection was lost, or a transfer
  // was abandoned half-way): the connection then opens a new one for its next call.
  virtual bool broken() const noexcept = 0;
};

// The size of the chunks a session hands to its ChunkWriter and asks of its ChunkReader.
inline constexpr size_t kChunkSize = 64 * 1024;

}  // namespace sluice::plugins::ftp
