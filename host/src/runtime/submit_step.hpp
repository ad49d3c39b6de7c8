// The import as a step (step.hpp): submits the page's live records that are not skipped (an input
// filter, page.hpp) — and those an earlier processor with proceedOnFailure failed — to the plugin
// in one call (RemoteImport::submit), as a JSON array built from each record's raw text where it
// has one (page.hpp), and decodes the plugin's one result per record. Every record sent is marked
// submitted (page.hpp's counting rule); ok -> the record goes on; ok with "ignored": true ->
// ignored; an error -> the record fails here with the result's first error code (else its
// statusCode) and every error message, the record as it entered this step being its retry data.
//
// A failed submit call (the plugin, its connection, the deadline) fails each submitted record with
// that error (a cancellation says the records may or may not have arrived). When that error is
// fatal (kAuthFailed, kInvalidConfig, kUnsupported, kInternal, kNotFound) the step also returns it
// as "import NAME failed: ...": the job fails after this page. A plugin that does not return one
// result per record is a kInternal error of that kind.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <boost/json/array.hpp>

#include "plugins/connector_client.hpp"
#include "runtime/step.hpp"

namespace sluice::runtime {

class SubmitStep : public Step {
 public:
  // `open` gives the import, opening it on first use (an Error fails the records as above).
  // `proceed_on_failure`: the import's (its flow entry's) proceedOnFailure — records that fail
  // here go on to the later processors (page.hpp, "Proceeding").
  using Opener = std::function<Result<host::RemoteImport*>()>;
  SubmitStep(std::string import_id, std::string name, std::string plugin_id,
             bool proceed_on_failure, Opener open);

  std::string_view kind() const override { return "import"; }
  const std::string& name() const override { return name_; }
  const std::string& step_id() const override { return import_id_; }
  Result<StepResult> run(Page& page, const StepContext& context) override;

  // The parts of run(), for an import whose hooks or mapping change what is sent (import_steps):
  // whether record i is to be sent (Page::takes: alive or proceeding, never skipped);
  bool takes(const Page& page, size_t i) const;
  // sends `body` (a JSON array of `count` records) and returns the plugin's results, one per
  // record, in `storage` -- or the call's Error (a wrong count of results is kInternal). A file
  // import sends files instead (file_submit_step.hpp);
  virtual Result<boost::json::array> send(std::string body, size_t count,
                                          boost::json::storage_ptr storage,
                                          const StepContext& context);
  // settles the records `sent` (page indices, in the order of the body) with `results`: each is
  // marked submitted, then goes on, is ignored or fails as above; a fatal call Error is returned.
  Result<StepResult> settle(Page& page, const std::vector<size_t>& sent,
                            const Result<boost::json::array>& results);

 private:
  std::string import_id_, name_, plugin_id_;
  bool proceed_on_failure_;
  Opener open_;
};

}  // namespace sluice::runtime
