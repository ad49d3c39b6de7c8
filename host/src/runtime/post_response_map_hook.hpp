// A flow entry's hooks.postResponseMap ({_scriptId, function}, or a plugin's native hook
// {_pluginId, function}: HookRunner) at an import or a lookup
// (script/post_response_map.hpp; docs/scripts.md): called once per flow page after the entry's
// response mapping with the records that step kept alive and their responses; the records it
// returns replace the flow's records, so the next processor sees them. A throw, a limit or a
// result of the wrong length or shape fails those records at the step with code "hook" and the
// script's message; the job goes on. A script that cannot load is the step's Error.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "mapper/response_mapping.hpp"
#include "runtime/flow_plan.hpp"
#include "runtime/step.hpp"
#include "script/pre_map.hpp"

namespace sluice::runtime {

class HookRunner;

class PostResponseMapHook {
 public:
  // `lookup`: the step is a lookup (the hook gets _exportId, and messages say "lookup").
  // `path_to_many`: the step's pathToMany when it fans out (the hook gets oneToMany and
  // pathToMany), else nullopt.
  PostResponseMapHook(std::string step_id, std::string name, bool lookup, std::string connection_id,
                      std::unique_ptr<HookRunner> script, boost::json::object step_settings,
                      std::optional<std::string> path_to_many = std::nullopt);
  ~PostResponseMapHook();

  // Records `indices` of `page` (alive), with `responses` (one each, in order).
  Result<void> run(Page& page, const std::vector<size_t>& indices,
                   const boost::json::array& responses, const StepContext& context);

 private:
  std::string step_id_, name_;
  bool lookup_;
  std::string connection_id_;
  std::unique_ptr<HookRunner> script_;
  boost::json::object step_settings_;
  std::optional<std::string> path_to_many_;
  // The hook's options besides the data (settings, ids, job): built on the first page.
  std::optional<script::ImportHookContext> hook_;
};

// What follows an import's or a lookup's call at its flow entry: the entry's responseMapping
// (null when absent or empty) and hooks.postResponseMap (null when absent), compiled for
// `processor` (`lookup`: it is a lookup). An Error naming the entry when either does not compile
// or the hook cannot be resolved.
struct EntryResponseSteps {
  std::unique_ptr<mapper::ResponseMapping> mapping;
  std::unique_ptr<PostResponseMapHook> hook;
};
Result<EntryResponseSteps> entry_response_steps(const ProcessorStep& processor, bool lookup);

}  // namespace sluice::runtime
