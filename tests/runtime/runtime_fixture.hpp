// The fixture of the runtime's specifications: a real SQLite store in a temporary home, the
// in-memory test plugin (memory_plugin.cpp) and helpers to store exports, imports and flows and
// read what reached each import.
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "plugins/loader.hpp"
#include "plugins/registry.hpp"
#include "runtime/flow_runner.hpp"
#include "store/store.hpp"
#include "temp_dir.hpp"

namespace sluice::runtime {

namespace json = boost::json;
namespace fs = std::filesystem;

class Runtime : public ::testing::Test {
 protected:
  using Job = host::Job;
  using ResourceKind = host::ResourceKind;

  void SetUp() override {
    log_ = (home_ / "calls.log").string();
    auto store = host::open_sqlite_store(home_.string());
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
    auto plugin = host::load_plugin(MEMORY_PLUGIN_FILE, std::nullopt);
    ASSERT_TRUE(plugin) << plugin.error().message;
    ASSERT_TRUE(registry_.add(std::move(*plugin)));
    put(ResourceKind::kConnection, {{"_id", "mem"}, {"type", "memory"}});
  }
  void put(ResourceKind kind, json::object doc) {
    const std::string id(doc.at("_id").as_string());
    ASSERT_TRUE(store_->put_resources({host::Resource{kind, id, std::move(doc), {}}}));
  }
  void put_export(const std::string& id, json::object memory, int page_size = 0,
                  json::object extra = {}) {
    memory["log"] = log_;
    json::object doc{
        {"_id", id}, {"adaptorType", "MemoryExport"}, {"_connectionId", "mem"}, {"memory", memory}};
    if (page_size > 0) doc["pageSize"] = page_size;
    for (auto& [key, value] : extra) doc[key] = value;
    put(ResourceKind::kExport, std::move(doc));
  }
  void put_import(const std::string& id, json::object memory) {
    memory["log"] = log_;
    memory["name"] = id;
    put(ResourceKind::kImport, {{"_id", id},
                                {"adaptorType", "MemoryImport"},
                                {"_connectionId", "mem"},
                                {"memory", memory}});
  }
  void put_flow(const std::string& id, std::vector<std::string> exports,
                std::vector<std::string> imports) {
    json::array generators, processors;
    for (const auto& e : exports) generators.push_back(json::object{{"_exportId", e}});
    for (const auto& i : imports)
      processors.push_back(json::object{{"type", "import"}, {"_importId", i}});
    put(ResourceKind::kFlow,
        {{"_id", id}, {"pageGenerators", generators}, {"pageProcessors", processors}});
  }
  Job run(const std::string& flow, RunOptions options = {}) {
    auto job = run_flow(*store_, registry_, flow, options);
    EXPECT_TRUE(job) << job.error().message;
    return job ? *job : Job{};
  }
  std::vector<std::string> log_lines() {
    std::vector<std::string> lines;
    std::ifstream in(log_);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }
  // What reached each import, in order: one entry per call, every id it was given.
  std::map<std::string, std::vector<std::string>> imported() {
    std::map<std::string, std::vector<std::string>> calls;
    for (const auto& line : log_lines()) {
      if (line.rfind("I ", 0) != 0) continue;
      const size_t space = line.find(' ', 2);
      calls[line.substr(2, space - 2)].push_back(line.substr(space + 1));
    }
    return calls;
  }
  // Ids "<prefix><first>" .. "<prefix><last>" joined by commas, as the import logs them.
  static std::string ids(const std::string& prefix, int first, int last) {
    std::string out;
    for (int n = first; n <= last; ++n)
      out += (out.empty() ? "" : ",") + prefix + std::to_string(n);
    return out;
  }
  static void expect_identity(const Job& job) {
    EXPECT_EQ(job.num_export, job.num_success + job.num_ignore + job.num_error)
        << "numExport " << job.num_export << " success " << job.num_success << " ignore "
        << job.num_ignore << " error " << job.num_error;
  }

  sluice::testing::TempDir dir_{"sluice-runtime"};
  const fs::path& home_ = dir_.path();
  std::string log_;
  std::unique_ptr<host::Store> store_;
  host::PluginRegistry registry_;
};

}  // namespace sluice::runtime
