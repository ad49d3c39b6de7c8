// The FTP connector end to end (issue 11): an FTPExport of one CSV file from pyftpdlib on
// loopback, through the `sluice` executable (a flow with no imports: the host's file source parses
// every row into records), beside one curl process downloading the same file from the same server
// in the same run. Rates are the file's bytes over the wall time; peak RSS is the child's
// ru_maxrss (wait4's rusage of the `sluice flow run` process). Run for a ~10 MB and a ~100 MB file:
// the RSS must not grow with the file size.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "test_servers.hpp"

namespace {

namespace fs = std::filesystem;
using sluice::plugins::ftp::test::ServerUnavailable;
using sluice::plugins::ftp::test::TestServer;

struct Run {
  int status = -1;
  double seconds = 0;
  long max_rss_kb = 0;
};

// Runs argv as a child (stdout to `out`), waits for it, returns its wall time and peak RSS.
Run run(const std::vector<std::string>& args, const fs::path& out) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const auto start = std::chrono::steady_clock::now();
  std::fflush(stdout);  // else the child inherits and repeats the buffered table
  const pid_t pid = fork();
  if (pid == 0) {
    if (std::freopen(out.c_str(), "w", stdout) == nullptr) _exit(126);
    execv(argv[0], argv.data());
    _exit(127);
  }
  Run result;
  struct rusage usage {};
  wait4(pid, &result.status, 0, &usage);
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  result.max_rss_kb = usage.ru_maxrss;
  return result;
}

// Writes ~`megabytes` MB of CSV (rows of ~200 bytes); returns the number of rows.
long write_csv(const fs::path& path, long megabytes) {
  std::ofstream out(path, std::ios::binary);
  out << "id,name,email,city,total,status,note\n";
  long rows = 0;
  const std::string note(120, 'x');
  for (long bytes = 0; bytes < megabytes * 1000 * 1000; ++rows) {
    char line[512];
    const int n =
        std::snprintf(line, sizeof line,
                      "ORD-%08ld,Customer %ld,c%ld@example.com,Springfield,%ld.%02ld,open,%s\n",
                      rows, rows, rows, rows % 1000, rows % 100, note.c_str());
    out.write(line, n);
    bytes += n;
  }
  return rows;
}

void write_text(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

}  // namespace

int main(int argc, char** argv) {
  std::vector<long> sizes{10, 100};
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--help") == 0) {
      std::printf(
          "usage: sluice-bench-ftp [--sizes MB,MB]\n"
          "An FTPExport of one CSV file from pyftpdlib on loopback through `sluice flow run` (a\n"
          "flow with no imports) beside curl downloading the same file; MB/s and peak RSS of\n"
          "the sluice process (wait4's ru_maxrss). Default sizes: 10,100 (MB).\n");
      return 0;
    }
    if (std::strcmp(argv[i], "--sizes") == 0 && i + 1 < argc) {
      sizes.clear();
      for (std::string list = argv[++i]; !list.empty();) {
        const size_t comma = list.find(',');
        sizes.push_back(std::stol(list.substr(0, comma)));
        list = comma == std::string::npos ? "" : list.substr(comma + 1);
      }
    }
  }
  ServerUnavailable why;
  auto server = TestServer::start(TestServer::Kind::kPyftpdlib, why);
  if (!server) {
    std::fprintf(stderr, "pyftpdlib did not start: %s\n", why.message.c_str());
    return 1;
  }
  char lab_template[] = "/tmp/sluice-bench-ftp-XXXXXX";
  const fs::path lab = mkdtemp(lab_template);
  const fs::path home = lab / "home";
  fs::create_directories(home / "resources");
  setenv("SLUICE_HOME", home.c_str(), 1);  // the sluice children's home
  const std::string sluice = SLUICE_BINARY;
  const std::string url_base = "ftp://" + server->username() + ":" + server->password() +
                               "@127.0.0.1:" + std::to_string(server->port()) + "/in/";
  write_text(
      home / "resources" / "files.json",
      "{\"_id\":\"files\",\"type\":\"ftp\",\"ftp\":{\"type\":\"ftp\",\"hostURI\":\"127.0.0.1\","
      "\"port\":" +
          std::to_string(server->port()) + ",\"username\":\"" + server->username() +
          "\",\"password\":\"" + server->password() + "\"}}");
  write_text(home / "resources" / "orders.json",
             R"({"_id":"orders","adaptorType":"FTPExport","_connectionId":"files","pageSize":500,
  "ftp":{"directoryPath":"in","fileNameEndsWith":".csv"},"file":{"type":"csv","skipDelete":true}})");
  write_text(home / "resources" / "flow.json",
             R"({"_id":"pull","pageGenerators":[{"_exportId":"orders"}],"pageProcessors":[]})");
  const fs::path log = lab / "out.txt";
  if (run({sluice, "plugin", "install", FTP_PLUGIN_FILE}, log).status != 0 ||
      run({sluice, "apply", (home / "resources").string()}, log).status != 0) {
    std::fprintf(stderr, "sluice plugin install / apply failed (see %s)\n", log.c_str());
    return 1;
  }
  std::printf("%-34s %10s %12s %12s %10s %8s %8s\n", "file", "rows", "sluice MB/s", "curl MB/s",
              "ratio", "target", "RSS MB");
  for (const long mb : sizes) {
    const fs::path folder = server->root() / "in";
    fs::remove_all(folder);
    fs::create_directories(folder);
    server->give_to_login_user(folder);
    const fs::path file = folder / "orders.csv";
    const long rows = write_csv(file, mb);
    server->give_to_login_user(file);
    const double size_mb = static_cast<double>(fs::file_size(file)) / 1e6;
    const Run curl = run({"/usr/bin/curl", "-s", "-o", "/dev/null", url_base + "orders.csv"}, log);
    const Run flow = run({sluice, "flow", "run", "pull", "--json"}, log);
    if (flow.status != 0 || curl.status != 0) {
      std::fprintf(stderr, "a run failed (sluice %d, curl %d); sluice's output is in %s\n",
                   flow.status, curl.status, log.c_str());
      return 1;
    }
    const double sluice_rate = size_mb / flow.seconds, curl_rate = size_mb / curl.seconds;
    char name[64];
    std::snprintf(name, sizeof name, "orders.csv %.1f MB", size_mb);
    std::printf("%-34s %10ld %12.1f %12.1f %9.2fx %7.1fx %8.1f\n", name, rows, sluice_rate,
                curl_rate, sluice_rate / curl_rate, 0.5, flow.max_rss_kb / 1024.0);
    std::printf("  sluice: %s\n",
                [&] {
                  std::ifstream in(log);
                  std::string text((std::istreambuf_iterator<char>(in)), {});
                  return text.substr(0, 300);
                }()
                    .c_str());
  }
  server.reset();
  fs::remove_all(lab);
  return 0;
}
