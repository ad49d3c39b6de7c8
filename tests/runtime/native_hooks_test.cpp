// Native hooks ({"_pluginId", "function"}, docs/scripts.md "Native hooks") in every hook slot:
// the memory plugin's (memory_hooks.cpp) run through the pipeline with exact records out, a
// wrong result and a failed call fail the page with their messages, a job whose hook is gone
// fails naming the reference; and `sluice apply` accepts each kind in its slot and refuses the
// rest, naming the JSON path and what the hook is.
#include <gtest/gtest.h>

#include "resources/apply.hpp"
#include "runtime_fixture.hpp"

namespace sluice::runtime {
namespace {

class NativeHooks : public Runtime {
 protected:
  static json::object native(const std::string& function) {
    return json::object{{"_pluginId", "memory"}, {"function", function}};
  }
  // An import whose memory plugin logs every record it gets ("R <id> <json>").
  void put_import_with(const std::string& id, json::object extra) {
    put(ResourceKind::kImport, import_doc(id, std::move(extra)));
  }
  json::object import_doc(const std::string& id, json::object extra) {
    json::object doc{{"_id", id},
                     {"adaptorType", "MemoryImport"},
                     {"_connectionId", "mem"},
                     {"memory", {{"log", log_}, {"name", id}, {"logRecords", true}}}};
    for (auto& [key, value] : extra) doc[key] = value;
    return doc;
  }
  json::object export_doc(const std::string& id, json::object extra) {
    json::object doc{{"_id", id},
                     {"adaptorType", "MemoryExport"},
                     {"_connectionId", "mem"},
                     {"memory", {{"count", 4}, {"pagesOf", 2}, {"prefix", "a"}, {"log", log_}}}};
    for (auto& [key, value] : extra) doc[key] = value;
    return doc;
  }
  void put_flow_entries(const std::string& id, const std::string& source, json::array entries) {
    put(ResourceKind::kFlow, {{"_id", id},
                              {"pageGenerators", json::array{{{"_exportId", source}}}},
                              {"pageProcessors", std::move(entries)}});
  }
  // Every record each import got, as JSON text, in order.
  std::map<std::string, std::vector<std::string>> records() {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& line : log_lines()) {
      if (line.rfind("R ", 0) != 0) continue;
      const size_t space = line.find(' ', 2);
      out[line.substr(2, space - 2)].push_back(line.substr(space + 1));
    }
    return out;
  }
  std::map<std::string, host::JobError> errors_by_record(const std::string& flow) {
    auto errors = store_->list_errors(flow, 100);
    EXPECT_TRUE(errors);
    std::map<std::string, host::JobError> out;
    if (!errors) return out;
    for (auto& e : *errors) {
      const json::object* retry = e.retry_data.if_object();
      out[retry != nullptr && retry->contains("id") ? std::string(retry->at("id").as_string())
                                                    : std::string("?")] = e;
    }
    return out;
  }

  // `sluice apply` of `docs` (one file each) with the fixture's registry (the memory plugin).
  host::ApplyReport apply(const std::vector<json::object>& docs) {
    const fs::path folder = home_ / "apply";
    fs::remove_all(folder);
    fs::create_directories(folder);
    for (size_t i = 0; i < docs.size(); ++i) {
      std::ofstream(folder / ("doc" + std::to_string(i) + ".json")) << json::serialize(docs[i]);
    }
    return host::apply_resources(folder, *store_, registry_);
  }
  // The problems of applying one import whose hooks.<slot> is `reference`.
  std::vector<std::string> import_hook_problems(const std::string& slot, json::value reference) {
    return apply({import_doc("x", {{"hooks", json::object{{slot, std::move(reference)}}}})})
        .problems;
  }
  std::string file(size_t i = 0) const {
    return (home_ / "apply" / ("doc" + std::to_string(i) + ".json")).string();
  }
};

TEST_F(NativeHooks, APreSavePageNativeHookReplacesEachPagesRecords) {
  put(ResourceKind::kExport,
      export_doc("a", {{"hooks", json::object{{"preSavePage", native("dropEven")}}}}));
  put_import_with("x", {});
  put_flow("f", {"a"}, {"x"});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_EQ(records()["x"], (std::vector<std::string>{R"({"id":"a1","n":1,"page":0})",
                                                      R"({"id":"a3","n":3,"page":1})"}));
  EXPECT_EQ(job.num_export, 4);
  EXPECT_EQ(job.num_success, 2);
  EXPECT_EQ(job.num_ignore, 2);  // the records the hook dropped
  expect_identity(job);
}

TEST_F(NativeHooks, PreMapPostMapPostSubmitAndPostResponseMapNativeHooksRunInOrder) {
  put(ResourceKind::kExport, export_doc("a", {}));
  put_import_with("x", {{"hooks", json::object{{"preMap", native("upperId")},
                                               {"postMap", native("tagMapped")},
                                               {"postSubmit", native("markResults")}}},
                        {"settings", {{"refuseIds", {"a2"}}}}});
  put_import_with("y", {});
  put_flow_entries(
      "f", "a",
      {json::object{
           {"type", "import"},
           {"_importId", "x"},
           {"responseMapping",
            {{"fields", json::array{{{"extract", "id"}, {"generate", "resultId"}},
                                    {{"extract", "_json.marked"}, {"generate", "marked"}}}}}},
           {"hooks", {{"postResponseMap", native("stamp")}}}},
       json::object{{"type", "import"}, {"_importId", "y"}}});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  // x submits what postMap returned: preMap upper-cased the id, postMap named the record it
  // mapped; a2 was refused by preMap.
  EXPECT_EQ(records()["x"], (std::vector<std::string>{R"({"id":"A1","n":1,"mappedFrom":"A1"})",
                                                      R"({"id":"A3","n":3,"mappedFrom":"A3"})",
                                                      R"({"id":"A4","n":4,"mappedFrom":"A4"})"}));
  // y gets the flow's records (as they entered x) with x's response mapped in (postSubmit set
  // the id and _json) and postResponseMap's stamp.
  EXPECT_EQ(records()["y"],
            (std::vector<std::string>{
                R"({"id":"a1","n":1,"resultId":"M-A1","marked":true,"stamp":"M-A1"})",
                R"({"id":"a3","n":3,"resultId":"M-A3","marked":true,"stamp":"M-A3"})",
                R"({"id":"a4","n":4,"resultId":"M-A4","marked":true,"stamp":"M-A4"})"}));
  EXPECT_EQ(job.num_export, 4);
  EXPECT_EQ(job.num_success, 3);
  EXPECT_EQ(job.num_error, 1);
  expect_identity(job);
  auto errors = errors_by_record("f");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors["a2"].step_id, "x");
  EXPECT_EQ(errors["a2"].code, "refused");
  EXPECT_EQ(errors["a2"].message, "preMap hook of import x: upperId refused a2");
}

TEST_F(NativeHooks, APostResponseMapNativeHookRunsAfterALookup) {
  put(ResourceKind::kExport, export_doc("a", {{"memory", {{"count", 2}, {"log", log_}}}}));
  put(ResourceKind::kExport, {{"_id", "find"},
                              {"adaptorType", "MemoryExport"},
                              {"_connectionId", "mem"},
                              {"isLookup", true},
                              {"memory", {{"name", "find"}, {"hits", 2}, {"log", log_}}}});
  put_import_with("y", {});
  put_flow_entries("f", "a",
                   {json::object{{"type", "export"},
                                 {"_exportId", "find"},
                                 {"hooks", {{"postResponseMap", native("stamp")}}}},
                    json::object{{"type", "import"}, {"_importId", "y"}}});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  // The hook saw each record's lookup response ({data: [2 records], errors}).
  EXPECT_EQ(records()["y"], (std::vector<std::string>{R"({"id":"1","n":1,"stamp":2})",
                                                      R"({"id":"2","n":2,"stamp":2})"}));
  EXPECT_EQ(job.num_success, 2);
  expect_identity(job);
}

TEST_F(NativeHooks, APreMapNativeHookReturningOneItemTooFewFailsThePageWithAMessageSayingSo) {
  put(ResourceKind::kExport, export_doc("a", {}));
  put_import_with("x", {{"hooks", json::object{{"preMap", native("dropOne")}}}});
  put_flow("f", {"a"}, {"x"});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_TRUE(records()["x"].empty());
  EXPECT_EQ(job.num_error, 4);
  expect_identity(job);
  auto errors = errors_by_record("f");
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_EQ(errors["a3"].code, "hook");
  EXPECT_EQ(errors["a3"].message,
            "preMap hook of import x: native preMap hook \"dropOne\" of plugin \"memory\": "
            "returned a result whose length is 1 for a page of 2 records; preMap must return "
            "exactly one item per record, in order ({data} to keep it, {errors} to fail it, {} "
            "to skip it)");
}

TEST_F(NativeHooks, ANativeHookThatFailsFailsThePageAtThatImportAndTheJobGoesOn) {
  put(ResourceKind::kExport, export_doc("a", {}));
  put_import_with("x", {{"hooks", json::object{{"postMap", native("failPage")}}}});
  put_import_with("y", {});
  put_flow("f", {"a"}, {"x", "y"});
  const Job job = run("f");
  ASSERT_EQ(job.status, "completed") << job.message;
  EXPECT_TRUE(records()["x"].empty());
  EXPECT_TRUE(records()["y"].empty());  // failed records go no further
  EXPECT_EQ(job.num_error, 4);
  expect_identity(job);
  auto errors = errors_by_record("f");
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_EQ(errors["a1"].code, "hook");
  EXPECT_EQ(errors["a1"].message,
            "postMap hook of import x: native postMap hook \"failPage\" of plugin \"memory\": the "
            "tagging service is down");
}

TEST_F(NativeHooks, AJobWhoseHookThePluginNoLongerExportsFailsNamingTheReference) {
  put(ResourceKind::kExport, export_doc("a", {}));
  put_import_with("x", {{"hooks", json::object{{"preMap", native("gone")}}}});
  put_flow("f", {"a"}, {"x"});
  const Job job = run("f");
  EXPECT_EQ(job.status, "failed");
  EXPECT_EQ(job.message,
            "flow f: import x: $.hooks.preMap.function: plugin \"memory\" exports no hook named "
            "\"gone\"; it exports preSavePage \"dropEven\", preMap \"upperId\", preMap "
            "\"dropOne\", postMap \"tagMapped\", postMap \"failPage\", postSubmit "
            "\"markResults\", postResponseMap \"stamp\"; fix the reference and apply it again, "
            "or install the plugin");
  EXPECT_TRUE(records()["x"].empty());
}

TEST_F(NativeHooks, AJobWhoseHooksPluginIsGoneFailsNamingTheReference) {
  put(ResourceKind::kExport, export_doc("a", {}));
  put_import_with("x", {});
  put_flow_entries(
      "f", "a",
      {json::object{
          {"type", "import"},
          {"_importId", "x"},
          {"hooks", {{"postResponseMap", {{"_pluginId", "acme"}, {"function", "stamp"}}}}}}});
  const Job job = run("f");
  EXPECT_EQ(job.status, "failed");
  EXPECT_EQ(job.message,
            "flow f: $.pageProcessors[0].hooks.postResponseMap._pluginId: no plugin "
            "\"acme\" is installed; install it (sluice plugin install) or name an installed "
            "plugin; fix the reference and apply it again, or install the plugin");
}

TEST_F(NativeHooks, ApplyAcceptsANativeHookOfEachKindInItsSlot) {
  auto report =
      apply({export_doc("a", {{"hooks", json::object{{"preSavePage", native("dropEven")}}}}),
             import_doc("x", {{"hooks", json::object{{"preMap", native("upperId")},
                                                     {"postMap", native("tagMapped")},
                                                     {"postSubmit", native("markResults")}}}}),
             json::object{{"_id", "f"},
                          {"pageGenerators", json::array{{{"_exportId", "a"}}}},
                          {"pageProcessors",
                           json::array{{{"type", "import"},
                                        {"_importId", "x"},
                                        {"hooks", {{"postResponseMap", native("stamp")}}}}}}}});
  EXPECT_TRUE(report.ok()) << report.message();
}

TEST_F(NativeHooks, ApplyRefusesANativeHookOfAnotherKindNamingWhatItIs) {
  EXPECT_EQ(import_hook_problems("preMap", native("tagMapped")),
            std::vector<std::string>{
                file() +
                ": import x: $.hooks.preMap.function: hook \"tagMapped\" of plugin \"memory\" is "
                "a postMap hook, not a preMap hook; name a preMap hook of the plugin, or "
                "reference \"tagMapped\" from an import's hooks.postMap"});
  auto report =
      apply({export_doc("a", {{"hooks", json::object{{"preSavePage", native("stamp")}}}})});
  EXPECT_EQ(report.problems,
            std::vector<std::string>{
                file() +
                ": export a: $.hooks.preSavePage.function: hook \"stamp\" of plugin \"memory\" is "
                "a postResponseMap hook, not a preSavePage hook; name a preSavePage hook of the "
                "plugin, or reference \"stamp\" from a flow entry's hooks.postResponseMap"});
}

TEST_F(NativeHooks, ApplyRefusesAHookOfAPluginNotInstalledOrNotExported) {
  EXPECT_EQ(import_hook_problems("postSubmit", {{"_pluginId", "acme"}, {"function", "mark"}}),
            std::vector<std::string>{file() +
                                     ": import x: $.hooks.postSubmit._pluginId: no plugin \"acme\" "
                                     "is installed; install it (sluice plugin install) or name an "
                                     "installed plugin"});
  EXPECT_EQ(import_hook_problems("postSubmit", native("mark")),
            std::vector<std::string>{
                file() +
                ": import x: $.hooks.postSubmit.function: plugin \"memory\" exports no hook named "
                "\"mark\"; it exports preSavePage \"dropEven\", preMap \"upperId\", preMap "
                "\"dropOne\", postMap \"tagMapped\", postMap \"failPage\", postSubmit "
                "\"markResults\", postResponseMap \"stamp\""});
}

TEST_F(NativeHooks, ApplyRefusesAMalformedNativeHookReference) {
  EXPECT_EQ(import_hook_problems("preMap", {{"_pluginId", "memory"}}),
            std::vector<std::string>{file() +
                                     ": import x: $.hooks.preMap.function: expected the name of a "
                                     "hook of plugin \"memory\", found nothing"});
  EXPECT_EQ(import_hook_problems("preMap", {{"_pluginId", 7}, {"function", "upperId"}}),
            std::vector<std::string>{file() +
                                     ": import x: $.hooks.preMap._pluginId: expected the id of an "
                                     "installed plugin, found 7"});
  EXPECT_EQ(import_hook_problems(
                "preMap", {{"_pluginId", "memory"}, {"function", "upperId"}, {"when", "always"}}),
            std::vector<std::string>{
                file() + ": import x: $.hooks.preMap.when: unknown field; a native hook "
                         "reference has _pluginId and function"});
  EXPECT_EQ(import_hook_problems(
                "preMap", {{"_pluginId", "memory"}, {"_scriptId", "s"}, {"function", "upperId"}}),
            std::vector<std::string>{
                file() + ": import x: $.hooks.preMap: give _scriptId (a script's function) "
                         "or _pluginId (a plugin's native hook), not both"});
}

TEST_F(NativeHooks, ApplyStillRefusesStacks) {
  EXPECT_EQ(
      import_hook_problems("postMap", {{"_stackId", "s1"}, {"function", "postMap"}}),
      std::vector<std::string>{
          file() + ": import x: $.hooks.postMap._stackId: stacks (hooks served by an HTTP server) "
                   "are not supported yet; reference a script ({\"_scriptId\", \"function\"}) or a "
                   "plugin's native hook ({\"_pluginId\", \"function\"})"});
}

}  // namespace
}  // namespace sluice::runtime
