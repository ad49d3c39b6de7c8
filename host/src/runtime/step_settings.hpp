// The settings a step's filters, mappings and scripts see: {"flow": ..., "export": ...,
// "integration": ...} from the step context (each {} when absent).
#pragma once

#include <boost/json/value.hpp>

#include "runtime/step.hpp"

namespace sluice::runtime {

inline boost::json::value settings_of(const StepContext& context) {
  auto copy = [](const boost::json::object* o) {
    return o != nullptr ? boost::json::value(*o) : boost::json::value(boost::json::object());
  };
  return boost::json::object{{"flow", copy(context.flow_settings)},
                             {"export", copy(context.export_settings)},
                             {"integration", copy(context.integration_settings)}};
}

}  // namespace sluice::runtime
