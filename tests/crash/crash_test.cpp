// Crash-safe jobs, through the real `sluice` executable: twenty runs of one flow started at once
// (exactly one runs), SIGKILL at random moments followed by `--resume` (every record reaches the
// sink, none twice except those the dead jobs reported in flight), and a second Ctrl-C that ends
// a job whose plugin ignores cancellation (recorded as canceled with what is known).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "mock_api_server.hpp"
#include "store/store.hpp"
#include "temp_dir.hpp"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string grouped(int64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// One `sluice` process with its own $SLUICE_HOME, stdout and stderr in files. Killed (SIGKILL)
// and reaped on destruction if still running.
class Sluice {
 public:
  Sluice(const fs::path& home, std::vector<std::string> args, const std::string& name)
      : out_(home / (name + ".out")), err_(home / (name + ".err")) {
    std::fflush(nullptr);  // or the child's freopen writes out what this process buffered
    pid_ = ::fork();
    if (pid_ == 0) {
      ::setenv("SLUICE_HOME", home.c_str(), 1);
      std::freopen(out_.c_str(), "w", stdout);
      std::freopen(err_.c_str(), "w", stderr);
      std::vector<char*> argv{const_cast<char*>(SLUICE_BINARY)};
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(SLUICE_BINARY, argv.data());
      ::_exit(127);
    }
  }
  Sluice(const Sluice&) = delete;
  Sluice& operator=(const Sluice&) = delete;
  ~Sluice() {
    if (!status_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  pid_t pid() const { return pid_; }
  void signal(int sig) const { ::kill(pid_, sig); }
  // The wait status once the process ended, waiting up to `timeout`.
  std::optional<int> wait(std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
    const auto deadline = Clock::now() + timeout;
    while (!status_) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        status_ = status;
      } else if (Clock::now() > deadline) {
        break;
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    }
    return status_;
  }
  // The exit code, or 128 + signal.
  int exit_code(std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
    auto status = wait(timeout);
    if (!status) return -1;
    return WIFEXITED(*status) ? WEXITSTATUS(*status) : 128 + WTERMSIG(*status);
  }
  std::string out() const { return slurp(out_); }
  std::string err() const { return slurp(err_); }

 private:
  fs::path out_, err_;
  pid_t pid_ = -1;
  std::optional<int> status_;
};

class CrashSafeJobs : public ::testing::Test {
 protected:
  // Runs `sluice ARGS` to the end and expects exit 0.
  void sluice(std::vector<std::string> args) {
    Sluice process(home_, args, "setup");
    const int code = process.exit_code();
    ASSERT_EQ(code, 0) << fmt::format("{}", fmt::join(args, " ")) << ": " << process.err();
  }
  void write(const std::string& name, const std::string& text) {
    fs::create_directories(home_ / "resources");
    std::ofstream(home_ / "resources" / name) << text;
  }
  void apply() { sluice({"apply", (home_ / "resources").string()}); }
  std::unique_ptr<host::Store> store() {
    auto opened = host::open_sqlite_store(home_.string());
    EXPECT_TRUE(opened) << opened.error().message;
    return opened ? std::move(*opened) : nullptr;
  }
  // Waits (bounded) until `done` holds for the newest job of flow f.
  std::optional<host::Job> wait_for_job(host::Store& store,
                                        const std::function<bool(const host::Job&)>& done) {
    const auto deadline = Clock::now() + std::chrono::seconds(20);
    while (Clock::now() < deadline) {
      auto jobs = store.list_jobs("f", 1);
      if (jobs && !jobs->empty() && done(jobs->front())) return jobs->front();
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return std::nullopt;
  }
  void memory_flow(const std::string& export_memory, const std::string& import_memory) {
    sluice({"plugin", "install", MEMORY_PLUGIN_FILE});
    write("c.json", R"({"_id":"mem","type":"memory"})");
    write("e.json", R"({"_id":"e","adaptorType":"MemoryExport","_connectionId":"mem",
                        "pageSize":10,"memory":)" +
                        export_memory + "}");
    write("i.json", R"({"_id":"i","adaptorType":"MemoryImport","_connectionId":"mem","memory":)" +
                        import_memory + "}");
    write("f.json", R"({"_id":"f","pageGenerators":[{"_exportId":"e"}],
                        "pageProcessors":[{"type":"import","_importId":"i"}]})");
    apply();
  }

  TempDir dir_{"sluice-crash"};
  const fs::path& home_ = dir_.path();
};

TEST_F(CrashSafeJobs, OfTwentyRunsOfOneFlowStartedAtOnceExactlyOneRuns) {
  memory_flow(R"({"count":100000,"pagesOf":10,"prefix":"R","delayMs":20})", "{}");
  std::vector<std::unique_ptr<Sluice>> runs;
  for (int i = 0; i < 20; ++i) {
    runs.push_back(std::make_unique<Sluice>(home_, std::vector<std::string>{"flow", "run", "f"},
                                            "run" + std::to_string(i)));
  }
  // The 19 refused runs end on their own; the one that runs would take minutes.
  std::vector<int> codes(20, -1);
  int ended = 0;
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while (ended < 19 && Clock::now() < deadline) {
    ended = 0;
    for (int i = 0; i < 20; ++i) {
      if (codes[i] == -1) codes[i] = runs[i]->exit_code(std::chrono::milliseconds(0));
      if (codes[i] != -1) ++ended;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(ended, 19);
  auto stored = store();
  ASSERT_TRUE(stored);
  auto jobs = stored->list_jobs("f", 100);
  ASSERT_TRUE(jobs);
  ASSERT_EQ(jobs->size(), 1u) << "a refused run records no job";
  const host::Job& job = jobs->front();
  int refused = 0, running = -1;
  for (int i = 0; i < 20; ++i) {
    if (codes[i] == -1) {
      running = i;
      continue;
    }
    EXPECT_EQ(codes[i], 1) << runs[i]->err();
    EXPECT_EQ(runs[i]->err(),
              fmt::format("error: flow f is already running as job {} (process {}); a flow runs "
                          "one job at a time — wait for it, or cancel it with Ctrl-C or `kill "
                          "-INT {}`\n",
                          job.id, job.pid, job.pid));
    ++refused;
  }
  EXPECT_EQ(refused, 19);
  ASSERT_NE(running, -1);
  EXPECT_EQ(runs[running]->pid(), job.pid);
  runs[running]->signal(SIGINT);
  EXPECT_EQ(runs[running]->exit_code(), 130);
  EXPECT_EQ((*stored->get_job(job.id))->status, "canceled");
}

TEST_F(CrashSafeJobs, ASecondCtrlCEndsAJobWhosePluginIgnoresCancellationRecordingWhatIsKnown) {
  memory_flow(R"({"count":100,"pagesOf":10,"prefix":"R"})", R"({"hangOnId":"R35"})");
  auto stored = store();
  ASSERT_TRUE(stored);
  Sluice run(home_, {"flow", "run", "f"}, "run");
  // The page with R35 is the fourth: three were confirmed before it.
  auto hung = wait_for_job(*stored, [](const host::Job& job) {
    return job.num_pages_processed == 3 && !job.in_flight.is_null();
  });
  ASSERT_TRUE(hung);
  run.signal(SIGINT);
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (run.err().find("press Ctrl-C again") == std::string::npos && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_THAT(run.err(), HasSubstr("stopping after the page in hand; press Ctrl-C again to stop "
                                   "at once"));
  EXPECT_FALSE(run.wait(std::chrono::milliseconds(200))) << "the plugin ignores cancellation";
  run.signal(SIGINT);
  EXPECT_EQ(run.exit_code(std::chrono::seconds(10)), 130) << run.err();
  auto job = stored->get_job(hung->id);
  ASSERT_TRUE(job && *job);
  EXPECT_EQ((*job)->status, "canceled");
  EXPECT_THAT((*job)->message,
              StartsWith("canceled: a second Ctrl-C (SIGINT) ended the process at once. What is "
                         "known: 30 records confirmed (success 30, ignored 0, errors 0); 10 "
                         "records in flight — flow page 3 of export e, ids R31 … R40"));
  json::array ids;
  for (int n = 31; n <= 40; ++n) ids.emplace_back("R" + std::to_string(n));
  EXPECT_EQ((*job)->in_flight.at("recordIds"), ids);
  EXPECT_FALSE((*job)->ended_at.empty());
  EXPECT_THAT(run.err(), HasSubstr("job " + hung->id + "  flow f  canceled"));
}

TEST_F(CrashSafeJobs, AfterSigkillsAtRandomMomentsResumeDeliversEveryRecordOnceButThoseInFlight) {
  constexpr int kOrders = 200000;
  MockApiServer api({.orders = kOrders, .sink_count_only = true});
  sluice({"plugin", "install", HTTP_PLUGIN_FILE});
  write("c.json", fmt::format(R"({{"_id":"api","type":"http","http":{{"baseURI":"{}",
      "mediaType":"json","auth":{{"type":"token","token":{{"token":"{}"}}}}}}}})",
                              api.base_url(), api.token()));
  write("e.json", R"({"_id":"orders","adaptorType":"HTTPExport","_connectionId":"api",
      "pageSize":500,"http":{"relativeURI":"/api/orders?pageSize=1000",
      "response":{"resourcePath":"orders"},"paging":{"method":"page","page":1}}})");
  write("i.json", R"({"_id":"sink","adaptorType":"HTTPImport","_connectionId":"api",
      "http":{"method":"POST","relativeURI":"/api/sink","batchSize":250}})");
  write("f.json", R"({"_id":"f","pageGenerators":[{"_exportId":"orders"}],
      "pageProcessors":[{"type":"import","_importId":"sink"}]})");
  apply();
  auto stored = store();
  ASSERT_TRUE(stored);

  const unsigned seed = std::random_device()();
  std::cout << "seed " << seed << std::endl;
  SCOPED_TRACE(fmt::format("seed {}", seed));
  std::mt19937 random(seed);
  std::uniform_int_distribution<int> delay_ms(0, 250);
  std::vector<std::string> killed;
  std::string previous;
  for (int kill = 0; kill < 3; ++kill) {
    Sluice run(home_,
               kill == 0 ? std::vector<std::string>{"flow", "run", "f", "--quiet"}
                         : std::vector<std::string>{"flow", "run", "f", "--quiet", "--resume"},
               "kill" + std::to_string(kill));
    auto started = wait_for_job(*stored, [&](const host::Job& job) {
      return job.id != previous && (job.num_pages_processed >= 1 || job.status != "running");
    });
    ASSERT_TRUE(started) << run.err();
    previous = started->id;
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(random)));
    run.signal(SIGKILL);
    run.wait();
    auto job = stored->get_job(started->id);
    ASSERT_TRUE(job && *job);
    if ((*job)->status == "completed") break;  // it finished before the kill
    killed.push_back(started->id);
    if (kill == 0) {  // before anything else touches the flow, a reader shows the job dead
      Sluice shown(home_, {"get", "jobs", started->id}, "get");
      ASSERT_EQ(shown.exit_code(), 0) << shown.err();
      const json::value doc = json::parse(shown.out());
      EXPECT_EQ(doc.at("status"), "failed");
      EXPECT_THAT(std::string(doc.at("message").as_string()), HasSubstr("died"));
      EXPECT_EQ((*stored->get_job(started->id))->status, "failed") << "and stores it so";
    }
  }
  ASSERT_FALSE(killed.empty());
  for (int attempt = 0; attempt < 3; ++attempt) {
    Sluice resume(home_, {"flow", "run", "f", "--quiet", "--resume", "--json"}, "resume");
    const int code = resume.exit_code();
    if (code == 0) break;
    ASSERT_THAT(resume.err(), HasSubstr("nothing to resume")) << resume.out() << resume.err();
    break;
  }

  // The chain of jobs: every killed one is shown dead with what it knew; together they exported
  // each record once (a page in flight at a kill is exported again by the next job).
  std::set<std::string> in_flight;
  auto jobs = stored->list_jobs("f", 100);
  ASSERT_TRUE(jobs);
  int64_t exported = 0;
  for (const host::Job& job : *jobs) {
    exported += job.num_export;
    EXPECT_EQ(job.num_export, job.num_success + job.num_ignore + job.num_error);
    if (std::find(killed.begin(), killed.end(), job.id) == killed.end()) {
      EXPECT_EQ(job.status, "completed") << job.message;
      continue;
    }
    EXPECT_EQ(job.status, "failed");
    EXPECT_THAT(job.message, HasSubstr(fmt::format("died without finishing it. What is known: "
                                                   "{} records confirmed",
                                                   grouped(job.num_export))));
    if (job.in_flight.is_object()) {
      for (const auto& id : job.in_flight.at("recordIds").as_array()) {
        in_flight.insert(std::string(id.as_string()));
      }
    }
  }
  EXPECT_EQ(jobs->size(), killed.size() + 1);
  EXPECT_EQ(exported, kOrders);

  const json::value sink = api.get_json("/_mock/sink/ids");
  std::map<std::string, int> arrived;
  for (const auto& id : sink.at("ids").as_array()) ++arrived[std::string(id.as_string())];
  int missing = 0, duplicated_not_reported = 0, duplicated = 0;
  for (int n = 1; n <= kOrders; ++n) {
    const std::string id = fmt::format("ORD-{:06}", n);
    const auto found = arrived.find(id);
    const int times = found == arrived.end() ? 0 : found->second;
    if (times == 0) ++missing;
    if (times > 1) ++duplicated;
    if (times > 2 || (times == 2 && in_flight.count(id) == 0)) ++duplicated_not_reported;
  }
  EXPECT_EQ(missing, 0);
  EXPECT_EQ(duplicated_not_reported, 0);
  EXPECT_EQ(arrived.size(), static_cast<size_t>(kOrders)) << "ids the export never had";
  EXPECT_LE(duplicated, static_cast<int>(in_flight.size()));
  std::cout << fmt::format("{} kills, {} records reported in flight, {} delivered twice\n",
                           killed.size(), in_flight.size(), duplicated);
}

}  // namespace
}  // namespace sluice::testing
