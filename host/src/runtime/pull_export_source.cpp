#include "runtime/pull_export_source.hpp"

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

namespace sluice::runtime {

namespace json = boost::json;

PullExportSource::PullExportSource(std::unique_ptr<host::RemoteExport> exp,
                                   PullExportOptions options, Cursor start)
    : exp_(std::move(exp)),
      options_(std::move(options)),
      cursor_(std::move(start)),
      queue_(options_.queue_depth) {
  if (options_.page_size == 0) options_.page_size = 1;
  producer_ = std::thread([this] { produce(); });
}

PullExportSource::~PullExportSource() {
  stop();
  producer_.join();
}

void PullExportSource::stop() {
  stop_ = true;
  queue_.close();
}

Result<std::string> PullExportSource::next_page_with_retries() {
  std::chrono::milliseconds backoff = options_.backoff;
  for (int attempt = 0;; ++attempt) {
    auto text = exp_->next_page();
    if (text || !is_retryable(text.error().status) || exp_->abandoned()) return text;
    if (attempt >= options_.retries) {
      Error error = text.error();
      if (attempt > 0) {
        error.message = fmt::format("{} (failed {} times in a row; the host retried it {} times)",
                                    error.message, attempt + 1, attempt);
      }
      return error;
    }
    std::chrono::milliseconds wait = backoff;
    if (text.error().retry_after_ms > 0) {
      wait = std::max(wait, std::chrono::milliseconds(text.error().retry_after_ms));
    }
    wait = std::min(wait, std::chrono::milliseconds(60'000));
    const auto until = std::chrono::steady_clock::now() + wait;
    while (std::chrono::steady_clock::now() < until && !stop_ && !cancelled()) {
      std::this_thread::sleep_for(std::min(std::chrono::milliseconds(20), wait));
    }
    if (stop_ || cancelled()) return text;
    backoff *= 2;
  }
}

void PullExportSource::produce() {
  while (!stop_ && !cancelled()) {
    auto text = next_page_with_retries();
    Fetched fetched;
    if (!text) {
      fetched.error = text.error();
    } else if (!(fetched.page = parse_page_source(std::move(*text), records_read_))) {
      fetched.error =
          make_error(Status::kInternal,
                     fmt::format("plugin '{}' returned a page that is not {{\"records\":[...]}} "
                                 "(a bug in the plugin)",
                                 options_.plugin_id));
    }
    bool done = true;
    if (fetched.page) {
      auto* d = fetched.page->doc.as_object().if_contains("done");
      done = d == nullptr || !d->is_bool() || d->as_bool();
    }
    if (!queue_.push(std::move(fetched)) || done) break;
  }
  queue_.close();
}

Result<bool> PullExportSource::take_page() {
  auto fetched = queue_.pop();
  if (!fetched || stop_) return false;
  if (!fetched->page) return fetched->error;
  current_ = std::move(fetched->page);
  next_record_ = 0;
  const json::object& doc = current_->doc.as_object();
  const json::value* done = doc.if_contains("done");
  current_last_ = done == nullptr || !done->is_bool() || done->as_bool();
  current_position_ = nullptr;
  current_state_ = nullptr;
  const json::value* commit = doc.if_contains("commit");
  current_commit_ = commit == nullptr || !commit->is_bool() || commit->as_bool();
  delta_ = nullptr;
  if (const json::value* state = doc.if_contains("state")) {
    current_state_ = json::value(*state, json::storage_ptr());
    if (state->is_object() && state->get_object().contains("resume")) {
      current_position_ = json::value(state->get_object().at("resume"), json::storage_ptr());
      if (auto* d = state->get_object().if_contains("delta")) delta_ = json::value(*d, {});
    } else {
      delta_ = json::value(*state, json::storage_ptr());
    }
  }
  return true;
}

Result<std::optional<SourcePage>> PullExportSource::next() {
  if (ended_) return std::nullopt;
  if (!current_) {
    auto taken = take_page();
    if (!taken) return taken.error();
    if (!*taken) {
      ended_ = true;
      return std::nullopt;
    }
    const size_t size = current_->size();
    if (cursor_.to_skip > 0) {
      next_record_ = static_cast<size_t>(std::min<int64_t>(cursor_.to_skip, size));
      cursor_.to_skip -= static_cast<int64_t>(next_record_);
    }
    if (next_record_ == size) {  // nothing left of it: committed all the same
      SourcePage empty;
      empty.ends_source_page = true;
      empty.last = current_last_;
      if (cursor_.to_skip == 0) empty.position = std::move(current_position_);
      empty.state = std::move(current_state_);
      empty.commit = current_commit_;
      current_.reset();
      if (empty.last) ended_ = true;
      return empty;
    }
  }
  const size_t size = current_->size();
  size_t end = std::min(size, next_record_ + options_.page_size);
  bool limit_reached = false;
  if (options_.record_limit > 0) {
    const auto remaining = static_cast<size_t>(options_.record_limit - handed_out_);
    if (end - next_record_ >= remaining) {
      end = next_record_ + remaining;
      limit_reached = true;
    }
  }
  SourcePage out;
  out.page = Page(current_, next_record_, end);
  out.records = end - next_record_;
  handed_out_ += static_cast<int64_t>(out.records);
  if (end == size || limit_reached) {
    out.ends_source_page = true;
    out.last = current_last_ || limit_reached;
    out.position = std::move(current_position_);
    out.state = std::move(current_state_);
    out.commit = current_commit_;
    current_.reset();
    if (out.last) ended_ = true;
    if (limit_reached) stop();
  } else {
    next_record_ = end;
  }
  return out;
}

Result<void> PullExportSource::committed(const SourcePage& page) {
  cursor_.export_records += static_cast<int64_t>(page.records);
  cursor_.skip += static_cast<int64_t>(page.records);
  if (!page.ends_source_page) return {};
  if (!page.position.is_null()) {
    cursor_.position = page.position;
    cursor_.skip = 0;
  }
  // The page is durably processed: a `once` or file export may now act on it.
  if (!page.commit) return {};
  return exp_->page_committed(json::serialize(page.state));
}

}  // namespace sluice::runtime
