// Peak memory of a job is bounded by queue depth x page limit, whatever the number of pages: a
// child process (memory_bound_run, so that the peak is the job's alone) moves 200 pages just
// under a 256 KB limit — 50 MB in all — from an export as fast as it goes to a slow import.
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "temp_dir.hpp"

extern char** environ;

namespace sluice::limits_test {
namespace {

struct ChildRun {
  std::string status;
  long num_export = 0;
  long before_kb = 0;
  long peak_kb = 0;
  std::string message;
  double seconds = 0;  // from start to exit
};

ChildRun run_child(long pages, long page_limit, long queue_depth, long submit_delay_ms,
                   bool stall = false) {
  sluice::testing::TempDir dir("sluice-memory-bound");
  const std::string out = (dir.path() / "result.txt").string();
  std::vector<std::string> args = {MEMORY_BOUND_RUN,
                                   dir.path().string(),
                                   MEMORY_PLUGIN_FILE,
                                   std::to_string(pages),
                                   std::to_string(page_limit),
                                   std::to_string(queue_depth),
                                   std::to_string(submit_delay_ms),
                                   out};
  if (stall) args.push_back("stall");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  ChildRun run;
  const auto started = std::chrono::steady_clock::now();
  if (::posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) {
    ADD_FAILURE() << "cannot start " << argv[0];
    return run;
  }
  int wstatus = 0;
  ::waitpid(pid, &wstatus, 0);
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) << "memory_bound_run failed";
  std::ifstream in(out);
  std::getline(in, run.status);
  in >> run.num_export >> run.before_kb >> run.peak_kb;
  in.ignore();
  std::getline(in, run.message);
  return run;
}

TEST(MemoryBound, PeakMemoryOfAJobStaysWithinQueueDepthTimesThePageLimit) {
  constexpr long kPages = 200;
  constexpr long kPageLimit = 256 * 1024;
  constexpr long kQueueDepth = 2;
  const ChildRun run = run_child(kPages, kPageLimit, kQueueDepth, /*submit_delay_ms=*/2);
  ASSERT_EQ(run.status, "completed") << run.message;
  EXPECT_EQ(run.num_export, kPages * 10);
  // Pages alive at once: queue_depth queued + one being fetched + one being processed, each held
  // at most kFactor times over (the plugin's records and their text, the host's copy, its parse,
  // the serialized body handed to the import and the import's parse of it).
  constexpr long kPagesAlive = kQueueDepth + 2;
  constexpr long kFactor = 6;
  constexpr long kBoundKb = kPagesAlive * kPageLimit * kFactor / 1024;
  static_assert(kPages * kPageLimit / 1024 > 5 * kBoundKb, "the job moves far more than the bound");
  const long grown_kb = run.peak_kb - run.before_kb;
  std::cout << "[ memory   ] " << kPages << " pages of ~" << kPageLimit * 95 / 100 / 1024
            << " KB, queue depth " << kQueueDepth << ": RSS " << run.before_kb
            << " KB before the run, peak " << run.peak_kb << " KB (+" << grown_kb << " KB; bound +"
            << kBoundKb << " KB)\n";
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer's shadow memory and quarantine make RSS no measure of the job";
#else
  EXPECT_LT(grown_kb, kBoundKb);
#endif
}

// The child's job abandons a next_page that hangs (the memory plugin's stall holds it for 120 s
// unless released); the process must still exit as soon as the job is recorded, not wait for the
// call or block in a static destructor.
TEST(MemoryBound, AProcessWhoseJobLeftACallRunningExitsAtOnce) {
  const ChildRun run = run_child(/*pages=*/4, 256 * 1024, 2, 0, /*stall=*/true);
  EXPECT_EQ(run.status, "failed");
  EXPECT_EQ(run.message.rfind("export e failed: export e: plugin 'memory' did not return from "
                              "export_next_page within 1 s",
                              0),
            0u)
      << run.message;
  EXPECT_LT(run.seconds, 60.0) << "the process waited for the stuck call to return";
}

}  // namespace
}  // namespace sluice::limits_test
