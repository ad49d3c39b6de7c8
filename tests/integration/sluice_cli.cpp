#include "sluice_cli.hpp"

#include <fstream>
#include <sstream>
#include <thread>

#include <Poco/PipeStream.h>
#include <Poco/StreamCopier.h>

namespace sluice::testing {

namespace {

Poco::Process::Env env_for(const std::filesystem::path& home) {
  Poco::Process::Env env;
  env["SLUICE_HOME"] = home.string();
  return env;
}

}  // namespace

CliResult SluiceCli::run(const std::vector<std::string>& args) const {
  Poco::Pipe out_pipe, err_pipe;
  Poco::ProcessHandle handle = Poco::Process::launch(SLUICE_BINARY, args, home_.string(), nullptr,
                                                     &out_pipe, &err_pipe, env_for(home_));
  CliResult result;
  // Drain stderr on a second thread so neither pipe can fill up and block the child.
  std::thread err_reader([&] {
    Poco::PipeInputStream err(err_pipe);
    Poco::StreamCopier::copyToString(err, result.err);
  });
  Poco::PipeInputStream out(out_pipe);
  Poco::StreamCopier::copyToString(out, result.out);
  err_reader.join();
  result.exit_code = handle.wait();
  return result;
}

Poco::ProcessHandle SluiceCli::start(const std::vector<std::string>& args) const {
  return Poco::Process::launch(SLUICE_BINARY, args, home_.string(), nullptr, nullptr, nullptr,
                               env_for(home_));
}

}  // namespace sluice::testing
