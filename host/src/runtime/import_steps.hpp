// The steps of one import (a page processor), in integrator.io's order (docs/runtime.md):
//
//   input filter -> hooks.preMap -> mapping (mappings[] + lookups[]) -> hooks.postMap -> submit
//   -> hooks.postSubmit -> responseMapping (the flow entry's)
//
// run as one Step of the pipeline (ImportStep), so that everything the import does happens
// between two Page::begin_step calls:
//  - the page's records are never changed by an import: the hooks and the mapping work on the
//    import's own copies (ImportBatch), and the next processor gets each record as it entered
//    this import;
//  - a record failing at any of these steps fails at this import (its step id) with the record as
//    it entered the import as its retry data (the unmapped record);
//  - a record the input filter does not match, or that preMap or postMap returns {} for, skips
//    the rest of this import only (Page::skip) and goes on to the next processor.
//  - the exception: the flow entry's responseMapping merges each submitted record's response
//    ({statusCode, errors, ignored, id, _json}, after postSubmit) into the page's record when it
//    is still alive after the submit, so the next processor sees it (a mapping error fails the
//    record at this import with code "responseMapping"), then the entry's hooks.postResponseMap
//    (post_response_map_hook.hpp) may replace those records.
// An import with none of these slots set is its SubmitStep alone (the records' raw JSON text is
// sent as the export produced it).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "runtime/flow_plan.hpp"
#include "runtime/script_runner.hpp"
#include "runtime/step.hpp"
#include "runtime/submit_step.hpp"

namespace sluice::mapper {
class ResponseMapping;
}

namespace sluice::runtime {

// The records one import's steps after the input filter work on, in page order.
struct ImportBatch {
  struct Entry {
    size_t index = 0;                            // in the page
    std::optional<boost::json::value> pre_map;   // after preMap; nullopt: the page's record
    std::optional<boost::json::value> post_map;  // after mapping and postMap; nullopt: none yet
    bool dropped = false;  // failed or skipped by a step of the import: drop() removes it
  };
  std::vector<Entry> entries;

  // The record the mapping reads (preMapData), and the one submitted (postMapData).
  const boost::json::value& pre_map_of(const Page& page, const Entry& e) const {
    return e.pre_map ? *e.pre_map : page.record(e.index);
  }
  const boost::json::value& post_map_of(const Page& page, const Entry& e) const {
    return e.post_map ? *e.post_map : pre_map_of(page, e);
  }
  // The preMapData / postMapData arrays as JSON text (raw text where a record is unchanged).
  std::string pre_map_json(const Page& page) const;
  std::string post_map_json(const Page& page) const;
  // Removes the entries marked dropped.
  void drop();
};

// The settings the import's filters, mappings and hooks see: settings_of(context) (step_settings)
// plus "import": the import's settings.
boost::json::value import_settings_of(const StepContext& context,
                                      const boost::json::object& import_settings);

class InputFilterStep;
class MappingStep;
class ImportHookStep;
class PostResponseMapHook;

class ImportStep : public Step {
 public:
  ImportStep(const ProcessorStep& processor, std::unique_ptr<InputFilterStep> input_filter,
             std::unique_ptr<ImportHookStep> pre_map, std::unique_ptr<MappingStep> mapping,
             std::unique_ptr<ImportHookStep> post_map, std::unique_ptr<SubmitStep> submit,
             std::unique_ptr<ImportHookStep> post_submit,
             std::unique_ptr<mapper::ResponseMapping> response_mapping = nullptr,
             std::unique_ptr<PostResponseMapHook> post_response_map = nullptr);
  ~ImportStep() override;

  std::string_view kind() const override { return "import"; }
  const std::string& name() const override { return name_; }
  const std::string& step_id() const override { return import_id_; }
  Result<StepResult> run(Page& page, const StepContext& context) override;

 private:
  std::string import_id_, name_;
  bool proceed_on_failure_;
  bool send_post_mapped_data_;
  std::unique_ptr<InputFilterStep> input_filter_;
  std::unique_ptr<ImportHookStep> pre_map_;
  std::unique_ptr<MappingStep> mapping_;
  std::unique_ptr<ImportHookStep> post_map_;
  std::unique_ptr<SubmitStep> submit_;
  std::unique_ptr<ImportHookStep> post_submit_;
  std::unique_ptr<mapper::ResponseMapping> response_mapping_;  // null: none
  std::unique_ptr<PostResponseMapHook> post_response_map_;     // null: none
};

// The step of `processor` around `submit` (its SubmitStep): `submit` alone when the import sets
// none of the slots above, else an ImportStep; either inside a FanOutStep (fan_out.hpp) when the
// import sets oneToMany. An Error when a slot does not compile or names a script the plan did not
// load (`sluice apply` refuses such documents first).
Result<std::unique_ptr<Step>> make_import_step(const ProcessorStep& processor,
                                               std::unique_ptr<SubmitStep> submit);

}  // namespace sluice::runtime
