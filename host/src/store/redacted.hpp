// What the store writes: a document with every string passed through the process redactor, so
// that no stored job, error or message holds a secret this process has seen, whoever built the
// text (defence in depth; the runtime and the plugin boundary redact too).
#pragma once

#include <utility>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "secrets/redactor.hpp"

namespace sluice::host {

inline boost::json::value redacted(boost::json::object doc) {
  boost::json::value value(std::move(doc));
  Redactor::process().redact_json(value);
  return value;
}

}  // namespace sluice::host
