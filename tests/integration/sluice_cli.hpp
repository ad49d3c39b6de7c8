// Runs the real `sluice` executable with its own $SLUICE_HOME, for tests that exercise the host
// end to end.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <Poco/Pipe.h>
#include <Poco/Process.h>

namespace sluice::testing {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

class SluiceCli {
 public:
  explicit SluiceCli(std::filesystem::path home) : home_(std::move(home)) {}
  const std::filesystem::path& home() const { return home_; }

  // Runs to completion (bounded by the test timeout) and captures both streams.
  CliResult run(const std::vector<std::string>& args) const;
  // Starts without waiting; the child's stdout and stderr are the test's own.
  Poco::ProcessHandle start(const std::vector<std::string>& args) const;

 private:
  std::filesystem::path home_;
};

}  // namespace sluice::testing
