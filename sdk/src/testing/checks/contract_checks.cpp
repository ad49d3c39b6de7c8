// What the driver saw over all the calls of one connector's checks.
#include "check_context.hpp"

namespace sluice::testing::detail {

namespace {

CheckResult problems_of(CheckContext& c, ProblemKind kind, std::string ok) {
  std::string found;
  size_t n = 0;
  for (const Problem& p : c.driver->problems()) {
    if (p.kind != kind) continue;
    if (n++ < 3) found += "; " + p.text;
  }
  if (n == 0) return pass(std::move(ok));
  if (n > 3) found += "; and " + std::to_string(n - 3) + " more";
  return fail(found.substr(2));
}

}  // namespace

CheckResult check_no_exception_escapes(CheckContext& c) {
  std::string internal;
  for (const CallOutcome& o : c.driver->calls()) {
    if (!o.threw && o.status == SLUICE_INTERNAL && internal.empty()) {
      internal =
          o.call + " returned SLUICE_INTERNAL (a bug in the plugin): " + o.record.error_message;
    }
  }
  CheckResult r = problems_of(c, ProblemKind::kException,
                              std::to_string(c.driver->calls().size()) + " call(s), none threw");
  if (r.verdict == Verdict::kPass && !internal.empty()) return fail(internal);
  return r;
}

CheckResult check_errors_have_messages(CheckContext& c) {
  return problems_of(c, ProblemKind::kMessage, "every failed call said why");
}

CheckResult check_results_shape(CheckContext& c) {
  return problems_of(c, ProblemKind::kResult,
                     "pages are {records,done} and results are one per record");
}

CheckResult check_handles_closed_once(CheckContext& c) {
  c.driver->close_all();
  CheckResult r = problems_of(c, ProblemKind::kHandle, "");
  if (r.verdict == Verdict::kFail) return r;
  if (c.driver->handles_opened() != c.driver->handles_closed()) {
    return fail(std::to_string(c.driver->handles_opened()) + " handles opened, " +
                std::to_string(c.driver->handles_closed()) + " closed");
  }
  return pass(std::to_string(c.driver->handles_opened()) +
              " handle(s) opened, each closed exactly once");
}

}  // namespace sluice::testing::detail
