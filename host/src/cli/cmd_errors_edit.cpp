// `sluice errors edit FLOW ERROR_ID [--data FILE]`: replaces an error's retry data, from a file
// or in $VISUAL / $EDITOR.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>
#include <boost/json/serialize.hpp>
#include <boost/json/stream_parser.hpp>

#include "cli/cmd_errors.hpp"
#include "cli/pretty_json.hpp"
#include "runtime/record_json.hpp"

namespace sluice::cli {

namespace json = boost::json;

namespace {

// `text` as one JSON value, or an Error naming `where`, the line and column and what to do.
Result<json::value> parse_edit(const std::string& text, const std::string& where) {
  json::stream_parser parser;
  json::error_code ec;
  size_t consumed = parser.write(text.data(), text.size(), ec);
  if (!ec) parser.finish(ec);
  if (ec) {
    size_t line = 1, column = 1;
    for (size_t i = 0; i < consumed && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    return make_error(Status::kInvalidConfig,
                      fmt::format("{} line {}, column {}: not valid JSON ({}); the retry data was "
                                  "not changed — fix the JSON and edit again",
                                  where, line, column, ec.message()));
  }
  return parser.release();
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error(Status::kInvalidConfig,
                      fmt::format("cannot read {}: {}; the retry data was not changed", path,
                                  std::strerror(errno)));
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A private temporary file holding `text` (mode 0600: retry data is customers' data).
Result<std::string> write_temp(const std::string& text, const std::string& error_id) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / ("sluice-retry-data-" + error_id + "-XXXXXX.json"))
          .string();
  const int fd = ::mkstemps(pattern.data(), 5);
  if (fd < 0) {
    return make_error(
        Status::kInvalidConfig,
        fmt::format("cannot create a temporary file for the editor in {}: {}; "
                    "set $TMPDIR, or pass --data FILE",
                    std::filesystem::temp_directory_path().string(), std::strerror(errno)));
  }
  size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
  ::close(fd);
  if (written != text.size()) {
    std::filesystem::remove(pattern);
    return make_error(Status::kInvalidConfig, fmt::format("cannot write {}", pattern));
  }
  return pattern;
}

// Runs `editor` (a shell command line, as $EDITOR may hold arguments) on `path`; waits for it.
Result<void> run_editor(const std::string& editor, const std::string& variable,
                        const std::string& path) {
  const pid_t pid = ::fork();
  if (pid < 0) {
    return make_error(Status::kInternal,
                      fmt::format("cannot start the editor: {}", std::strerror(errno)));
  }
  if (pid == 0) {
    const std::string command = editor + " \"$1\"";
    ::execl("/bin/sh", "sh", "-c", command.c_str(), "sh", path.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      return make_error(Status::kInternal,
                        fmt::format("cannot wait for the editor: {}", std::strerror(errno)));
    }
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return make_error(
        Status::kInvalidConfig,
        fmt::format("the editor (${}: {}) {}; the retry data was not changed", variable, editor,
                    WIFEXITED(status) ? fmt::format("exited with status {}", WEXITSTATUS(status))
                                      : std::string("was killed by a signal")));
  }
  return {};
}

}  // namespace

int cmd_errors_edit(const Env& env, const Args& args) {
  constexpr const char* kUsage =
      "usage: sluice errors edit FLOW ERROR_ID [--data FILE] [--json]\n"
      "Replaces the retry data of an error (the record that `sluice errors retry` sends again):\n"
      "with the JSON in FILE, or else in your editor ($VISUAL, else $EDITOR) on the current retry\n"
      "data, pretty-printed. JSON that does not parse is refused and nothing changes.";
  po::options_description options("options");
  options.add_options()("json", "print the edited error as JSON")(
      "data", po::value<std::string>()->value_name("FILE"),
      "take the new retry data from FILE instead of an editor")(
      "flow", po::value<std::string>()->required(), "a flow id (see `sluice get flows`)")(
      "error", po::value<std::string>()->required(), "an error id (see `sluice errors FLOW`)");
  po::positional_options_description positional;
  positional.add("flow", 1).add("error", 1);
  po::variables_map vm;
  int code = kExitOk;
  if (!parse_args(args, kUsage, options, positional, vm, code)) return code;
  auto store = env.open_store();
  if (!store) return kExitFailure;
  const std::string flow = vm["flow"].as<std::string>();
  const std::string id = vm["error"].as<std::string>();
  if (!flow_exists(*store, flow)) return kExitFailure;
  auto found = store->get_error(flow, id);
  if (!found) {
    print_error(found.error());
    return kExitFailure;
  }
  if (!*found) {
    print_error(fmt::format("no error {} in flow {}; see `sluice errors {}`", id, flow,
                            errors_list_words(flow)),
                "not_found");
    return kExitFailure;
  }
  std::string text;
  std::string where;
  if (vm.count("data") != 0u) {
    where = vm["data"].as<std::string>();
    auto read = read_file(where);
    if (!read) {
      print_error(read.error());
      return kExitFailure;
    }
    text = std::move(*read);
  } else {
    std::string variable = "VISUAL";
    const char* editor = std::getenv("VISUAL");
    if (editor == nullptr || *editor == '\0') {
      variable = "EDITOR";
      editor = std::getenv("EDITOR");
    }
    if (editor == nullptr || *editor == '\0') {
      print_error(fmt::format("no editor to edit the retry data in: set $VISUAL or $EDITOR "
                              "(e.g. `export EDITOR=nano`), or pass the new retry data with "
                              "`sluice errors edit {} {} --data FILE`",
                              flow, id),
                  "invalid_config");
      return kExitFailure;
    }
    const std::string before = pretty_json((*found)->retry_data) + "\n";
    auto path = write_temp(before, id);
    if (!path) {
      print_error(path.error());
      return kExitFailure;
    }
    auto edited = run_editor(editor, variable, *path);
    auto read = edited ? read_file(*path) : Result<std::string>(edited.error());
    std::error_code ec;
    std::filesystem::remove(*path, ec);
    if (!read) {
      print_error(read.error());
      return kExitFailure;
    }
    if (*read == before) {
      std::cout << fmt::format("the retry data of error {} is unchanged\n", id);
      return kExitOk;
    }
    text = std::move(*read);
    where = fmt::format("the edited retry data of error {}", id);
  }
  auto data = parse_edit(text, where);
  if (!data) {
    print_error(data.error());
    return kExitFailure;
  }
  auto saved = store->edit_retry_data(flow, id, *data);
  if (!saved) {
    print_error(saved.error());
    return kExitFailure;
  }
  if (vm.count("json") != 0u) {
    auto after = store->get_error(flow, id);
    if (after && *after) {
      std::cout << runtime::record_json((*after)->to_json()) << '\n';
      return kExitOk;
    }
  }
  std::cout << fmt::format(
      "the retry data of error {} was replaced; `sluice errors retry {} {}` runs it again\n", id,
      flow, id);
  return kExitOk;
}

}  // namespace sluice::cli
