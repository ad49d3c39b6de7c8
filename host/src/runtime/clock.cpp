#include "runtime/clock.hpp"

#include <chrono>
#include <random>

#include <fmt/chrono.h>
#include <fmt/format.h>

namespace sluice::runtime {

std::string now_iso8601() {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}Z", fmt::gmtime(system_clock::to_time_t(now)), ms);
}

std::string new_id() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return fmt::format("{:016x}{:08x}", engine(), static_cast<uint32_t>(engine()));
}

}  // namespace sluice::runtime
