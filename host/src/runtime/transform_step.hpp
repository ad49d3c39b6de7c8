// An export's transformation (`transform`) as a step (step.hpp): each live record is replaced by
// what the mapper (host/src/mapper/) makes of it, built in the page's arena. A record the mapping
// cannot be applied to (a value that does not convert to its dataType, a lookup miss) fails here
// naming the field, the value and the type, with the record as it entered the step as its retry
// data; the rest of the page goes on. A script transform (`type: "script"`) calls its function
// once per record through the ScriptRunner (script_runner.hpp) with {record, settings, ...}
// and takes the object it returns as the record; anything but an object fails that record.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <boost/json/value.hpp>

#include "mapper/mapper.hpp"
#include "runtime/step.hpp"

namespace sluice::runtime {

class ScriptRunner;

class TransformStep : public Step {
 public:
  TransformStep(std::string export_id, std::string name, mapper::Mapper mapper,
                std::unique_ptr<ScriptRunner> script);
  ~TransformStep() override;

  std::string_view kind() const override { return "transform"; }
  const std::string& name() const override { return name_; }
  const std::string& step_id() const override { return export_id_; }
  Result<StepResult> run(Page& page, const StepContext& context) override;

 private:
  std::string export_id_, name_;
  mapper::Mapper mapper_;
  std::unique_ptr<ScriptRunner> script_;
  std::optional<boost::json::value> settings_;  // {"flow","export","integration"}, built once
};

}  // namespace sluice::runtime
