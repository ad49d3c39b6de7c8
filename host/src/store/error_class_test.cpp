// Specifies the error classification table of error_class.hpp, rule by rule.
#include "store/error_class.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace sluice::host {
namespace {

TEST(ClassifyError, EachCodeTheRuntimeRecordsHasItsDocumentedClass) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"rate_limited", "rate limit"},
      {"429", "rate limit"},
      {"RATE_LIMIT_EXCEEDED", "rate limit"},
      {"record_too_large", "too large"},
      {"page_too_large", "too large"},
      {"413", "too large"},
      {"auth_failed", "connection"},
      {"cancelled", "connection"},
      {"401", "connection"},
      {"403", "connection"},
      {"transient", "intermittent"},
      {"503", "intermittent"},
      {"408", "intermittent"},
      {"request_timeout", "intermittent"},
      {"409", "duplicate"},
      {"DUPLICATE_VALUE", "duplicate"},
      {"already_exists", "duplicate"},
      {"not_found", "missing"},
      {"404", "missing"},
      {"required_field_missing", "missing"},
      {"internal", "parse"},
      {"json_parse_error", "parse"},
      {"invalid_config", "value"},
      {"remote_error", "value"},
      {"422", "value"},
      {"400", "value"},
      {"rejected", "value"},
      {"", "value"},
  };
  for (const auto& [code, expected] : cases) {
    EXPECT_EQ(classify_error(code), expected) << code;
  }
}

}  // namespace
}  // namespace sluice::host
