// `sluice errors …` (docs/errors.md): one file per subcommand, sharing what is here.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "runtime/error_manager.hpp"

namespace sluice::cli {

// `sluice errors FLOW ...` (also `sluice errors list FLOW ...`, for a flow named like a
// subcommand).
int cmd_errors_list(const Env& env, const Args& args);
int cmd_errors_resolve(const Env& env, const Args& args);
int cmd_errors_retry(const Env& env, const Args& args);
int cmd_errors_edit(const Env& env, const Args& args);

// Splits the words of a command taking FLOW [ERROR_ID...]: the positional words after the first
// one move to `ids` (options taking a value are listed in `valued`, e.g. {"--step"}); the rest,
// with the flow, stay in `args` for parse_args.
void take_error_ids(Args& args, std::vector<std::string>& ids,
                    const std::vector<std::string>& valued);

// What `sluice errors resolve` and `sluice errors retry` act on: FLOW [--step STEP]
// [ERROR_ID...] [--json].
struct ErrorSelection {
  std::unique_ptr<host::Store> store;
  std::string flow;
  std::string step;              // empty: every step
  std::vector<std::string> ids;  // empty: every open error (of `step`)
  bool json = false;
};

// Parses `words` (the help texts of --json and --step given), opens the store and checks that
// the flow exists. nullopt when the command ends here: --help was printed (`code` 0), or the
// words, the store or the flow were wrong (printed; `code` non-zero).
std::optional<ErrorSelection> select_errors(const Env& env, const Args& words, const char* usage,
                                            const char* json_help, const char* step_help,
                                            int& code);

// True when flow `flow` is in the store; otherwise prints "no flow F; see `sluice get flows`"
// (or the store's error) and returns false.
bool flow_exists(host::Store& store, const std::string& flow);

// What follows `sluice errors` to list the errors of `flow` (runtime/error_manager.hpp).
using runtime::errors_list_words;

// The record an error is about, for tables: its trace key, else the retry data's id, else "-".
std::string error_record(const host::JobError& error);

}  // namespace sluice::cli
