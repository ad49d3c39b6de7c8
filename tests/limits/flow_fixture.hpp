// A store, the in-memory test plugin and helpers to write its resources, for the limits tests.
#pragma once

#include <dlfcn.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "flow_resources.hpp"
#include "plugins/call_worker.hpp"
#include "plugins/loader.hpp"
#include "plugins/registry.hpp"
#include "runtime/flow_runner.hpp"
#include "store/store.hpp"
#include "temp_dir.hpp"

namespace sluice::limits_test {

namespace json = boost::json;

inline void put_flow(host::Store& store, json::object exp, json::object imp) {
  auto put = put_memory_flow(store, std::move(exp), std::move(imp));
  ASSERT_TRUE(put) << put.error().message;
}

class FlowFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = host::open_sqlite_store(dir_.path().string());
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    auto plugin = host::load_plugin(MEMORY_PLUGIN_FILE, std::nullopt);
    ASSERT_TRUE(plugin) << plugin.error().message;
    ASSERT_TRUE(registry_.add(std::move(*plugin)));
  }
  // Ends the calls a test left stalled in the plugin and waits (at most 10 s) for their threads
  // to finish, so that the test process exits normally (and its leak check runs).
  void TearDown() override {
    plugin_function<void()>("sluice_test_memory_release_stalls")();
    for (int i = 0; i < 10'000 && host::calls_left_running() > 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    EXPECT_EQ(host::calls_left_running(), 0);
  }

  // A test hook the memory plugin exports (the plugin stays loaded: plugins are never unloaded).
  template <class Fn>
  static Fn* plugin_function(const char* name) {
    void* library = ::dlopen(MEMORY_PLUGIN_FILE, RTLD_NOW | RTLD_NOLOAD);
    EXPECT_NE(library, nullptr);
    void* symbol = library != nullptr ? ::dlsym(library, name) : nullptr;
    if (library != nullptr) ::dlclose(library);
    EXPECT_NE(symbol, nullptr) << name;
    return reinterpret_cast<Fn*>(symbol);
  }

  host::Job run(const runtime::RunOptions& options) {
    auto job = runtime::run_flow(*store_, registry_, "f", options);
    EXPECT_TRUE(job) << job.error().message;
    return job ? *job : host::Job{};
  }

  sluice::testing::TempDir dir_{"sluice-limits"};
  std::unique_ptr<host::Store> store_;
  host::PluginRegistry registry_;
};

}  // namespace sluice::limits_test
