#include "sluice/connector.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace sluice {

boost::json::object RecordResult::to_json() const {
  boost::json::object out;
  out["statusCode"] = status_code;
  if (!id.is_null()) out["id"] = id;
  if (ignored) out["ignored"] = true;
  if (!errors.empty()) {
    boost::json::array list;
    for (const auto& e : errors) list.push_back({{"code", e.code}, {"message", e.message}});
    out["errors"] = std::move(list);
  }
  return out;
}

Result<std::unique_ptr<ExportReader>> Connector::open_export(Context&, Connection&,
                                                             const boost::json::object&,
                                                             const boost::json::value&) {
  return make_error(Status::kUnsupported,
                    "connector '" + describe().name + "' does not support exports");
}

Result<std::unique_ptr<ImportWriter>> Connector::open_import(Context&, Connection&,
                                                             const boost::json::object&) {
  return make_error(Status::kUnsupported,
                    "connector '" + describe().name + "' does not support imports");
}

Result<std::unique_ptr<Lookup>> Connector::open_lookup(Context&, Connection&,
                                                       const boost::json::object&) {
  return make_error(Status::kUnsupported,
                    "connector '" + describe().name + "' does not support lookups");
}

Result<std::unique_ptr<Listener>> Connector::open_listener(Context&, Connection&,
                                                           const boost::json::object&) {
  return make_error(Status::kUnsupported,
                    "connector '" + describe().name + "' does not support listeners");
}

Result<AuthorizationStart> Connection::authorize_start(Context&, std::string_view) {
  return make_error(Status::kUnsupported,
                    "this connection needs no interactive authorization (its auth settings "
                    "obtain or hold credentials without a user)");
}

Result<std::string> Connection::authorize_finish(Context&, std::string_view, std::string_view) {
  return make_error(Status::kUnsupported,
                    "this connection needs no interactive authorization (its auth settings "
                    "obtain or hold credentials without a user)");
}

Result<void> ExportReader::page_committed(Context&, const boost::json::value&) { return {}; }

Result<void> ImportWriter::finish(Context&) { return {}; }

Result<std::vector<RecordResult>> ImportWriter::submit_text(Context& context,
                                                            std::string_view records_json,
                                                            size_t count) {
  boost::json::monotonic_resource arena;
  boost::json::error_code ec;
  boost::json::value parsed = boost::json::parse(records_json, ec, &arena);
  if (ec || !parsed.is_array() || parsed.get_array().size() != count) {
    return make_error(Status::kInternal, "the host passed a page that is not a JSON array of " +
                                             std::to_string(count) + " records");
  }
  auto results = submit(context, parsed.get_array());
  if (!results) return results;
  // An id copied from a record lives in the arena: give it storage of its own.
  for (RecordResult& r : *results) r.id = boost::json::value(r.id, boost::json::storage_ptr());
  return results;
}

Result<boost::json::array> page_records(const Page& page) {
  if (page.records_json.empty()) return page.records;
  boost::json::error_code ec;
  boost::json::value parsed = boost::json::parse(page.records_json, ec);
  if (ec || !parsed.is_array()) {
    return make_error(Status::kInternal, "Page::records_json is not the text of a JSON array");
  }
  return std::move(parsed.get_array());
}

Result<FileInfo> ExportReader::next_file(Context&, ByteSink&) {
  return make_error(Status::kUnsupported, "this export does not transfer files");
}

Result<RecordResult> ImportWriter::put_file(Context&, const boost::json::object&, ByteSource&) {
  return make_error(Status::kUnsupported, "this import does not transfer files");
}

Result<void> ByteSink::announce(const FileInfo& info) {
  if (written_) {
    return make_error(Status::kInternal,
                      "ByteSink::announce after the first write: name the file before its bytes");
  }
  if (host_ == nullptr || host_->set_result == nullptr) return {};  // a test's sink: no host
  boost::json::object result{{"name", info.name}, {"size", info.size}, {"done", false}};
  if (!info.path.empty()) result["path"] = info.path;
  const std::string text = boost::json::serialize(result);
  host_->set_result(call_, sluice_str{text.data(), text.size()});
  return {};
}

Result<void> ByteSink::write(std::string_view chunk) {
  written_ = true;
  const sluice_status status = sink_->write(
      sink_->context, sluice_bytes{reinterpret_cast<const uint8_t*>(chunk.data()), chunk.size()});
  if (status == SLUICE_OK) return {};
  return make_error(static_cast<Status>(status), "the host stopped taking the file");
}

Result<size_t> ByteSource::read(char* buffer, size_t capacity) {
  size_t got = 0;
  const sluice_status status =
      source_->read(source_->context, reinterpret_cast<uint8_t*>(buffer), capacity, &got);
  if (status != SLUICE_OK) {
    return make_error(static_cast<Status>(status), "the host could not read the file further");
  }
  return got;
}

}  // namespace sluice
