// The memory plugin's native hooks (sdk/include/sluice/hooks.hpp), one or more per kind, for
// tests/runtime/native_hooks_test.cpp. Each does one small, exactly predictable thing to the
// records it is given (integrator.io's hook arguments and results, docs/scripts.md):
//   preSavePage "dropEven"      keeps the records whose n is odd, each with "page": pageIndex
//   preMap      "upperId"       {data} with "id" upper-cased; a record whose id is in the
//                               import's settings.refuseIds gets {errors: [{code: "refused",
//                               message: "upperId refused <id>"}]}
//   preMap      "dropOne"       one item fewer than it was given (a wrong result)
//   postMap     "tagMapped"     {data} with "mappedFrom" = the preMapData record's id
//   postMap     "failPage"      fails: status remote_error, "the tagging service is down"
//   postSubmit  "markResults"   each response with "id" = "M-<postMapData id>" and "_json" =
//                               {"marked": true}
//   postResponseMap "stamp"     each record with "stamp" = its response's id (an import's), or
//                               the number of records its response's data holds (a lookup's)
#include <algorithm>
#include <cctype>
#include <string>

#include <boost/json.hpp>
#include <sluice/hooks.hpp>
#include <sluice/json_path.hpp>

namespace {

namespace json = boost::json;

const json::array& array_at(const json::object& in, std::string_view key) {
  static const json::array empty;
  const json::value* v = in.if_contains(key);
  return v != nullptr && v->is_array() ? v->get_array() : empty;
}

std::string id_of(const json::value& record) {
  const json::object* o = record.if_object();
  const json::value* id = o != nullptr ? o->if_contains("id") : nullptr;
  return id != nullptr && id->is_string() ? std::string(id->get_string()) : std::string();
}

sluice::Result<json::value> drop_even(sluice::Context&, const json::object& in) {
  json::array kept;
  const json::value* page = in.if_contains("pageIndex");
  for (const json::value& record : array_at(in, "data")) {
    json::object r = record.as_object();
    const json::value* n = r.if_contains("n");
    if (n != nullptr && n->is_int64() && n->get_int64() % 2 == 0) continue;
    r["page"] = page != nullptr ? *page : json::value(nullptr);
    kept.push_back(std::move(r));
  }
  return json::value(json::object{{"data", std::move(kept)}});
}
SLUICE_HOOK(SLUICE_HOOK_PRE_SAVE_PAGE, "dropEven", drop_even)

sluice::Result<json::value> upper_id(sluice::Context&, const json::object& in) {
  json::array refused;  // options.settings.import.refuseIds
  if (const json::value* ids = sluice::find_path(in, "settings.import.refuseIds");
      ids != nullptr && ids->is_array()) {
    refused = ids->get_array();
  }
  json::array out;
  for (const json::value& record : array_at(in, "data")) {
    json::object r = record.as_object();
    std::string id = id_of(record);
    if (std::find(refused.begin(), refused.end(), json::value(id)) != refused.end()) {
      out.push_back(json::object{
          {"errors",
           json::array{json::object{{"code", "refused"}, {"message", "upperId refused " + id}}}}});
      continue;
    }
    for (char& c : id) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    r["id"] = id;
    out.push_back(json::object{{"data", std::move(r)}});
  }
  return json::value(std::move(out));
}
SLUICE_HOOK(SLUICE_HOOK_PRE_MAP, "upperId", upper_id)

sluice::Result<json::value> drop_one(sluice::Context&, const json::object& in) {
  json::array out;
  const json::array& data = array_at(in, "data");
  for (size_t i = 1; i < data.size(); ++i) out.push_back(json::object{{"data", data[i]}});
  return json::value(std::move(out));
}
SLUICE_HOOK(SLUICE_HOOK_PRE_MAP, "dropOne", drop_one)

sluice::Result<json::value> tag_mapped(sluice::Context&, const json::object& in) {
  json::array out;
  const json::array& pre = array_at(in, "preMapData");
  const json::array& post = array_at(in, "postMapData");
  for (size_t i = 0; i < post.size(); ++i) {
    json::object r = post[i].as_object();
    r["mappedFrom"] = i < pre.size() ? id_of(pre[i]) : std::string();
    out.push_back(json::object{{"data", std::move(r)}});
  }
  return json::value(std::move(out));
}
SLUICE_HOOK(SLUICE_HOOK_POST_MAP, "tagMapped", tag_mapped)

sluice::Result<json::value> fail_page(sluice::Context&, const json::object&) {
  return sluice::make_error(sluice::Status::kRemoteError, "the tagging service is down");
}
SLUICE_HOOK(SLUICE_HOOK_POST_MAP, "failPage", fail_page)

sluice::Result<json::value> mark_results(sluice::Context&, const json::object& in) {
  json::array out;
  const json::array& post = array_at(in, "postMapData");
  const json::array& responses = array_at(in, "responseData");
  for (size_t i = 0; i < responses.size(); ++i) {
    json::object r = responses[i].as_object();
    r["id"] = "M-" + (i < post.size() ? id_of(post[i]) : std::string());
    r["_json"] = json::object{{"marked", true}};
    out.push_back(std::move(r));
  }
  return json::value(std::move(out));
}
SLUICE_HOOK(SLUICE_HOOK_POST_SUBMIT, "markResults", mark_results)

sluice::Result<json::value> stamp(sluice::Context&, const json::object& in) {
  json::array out;
  const json::array& records = array_at(in, "postResponseMapData");
  const json::array& responses = array_at(in, "responseData");
  for (size_t i = 0; i < records.size(); ++i) {
    json::object r = records[i].as_object();
    const json::object* response = i < responses.size() ? responses[i].if_object() : nullptr;
    const json::value* id = response != nullptr ? response->if_contains("id") : nullptr;
    const json::value* data = response != nullptr ? response->if_contains("data") : nullptr;
    if (data != nullptr && data->is_array()) {
      r["stamp"] = data->get_array().size();
    } else {
      r["stamp"] = id != nullptr ? *id : json::value(nullptr);
    }
    out.push_back(std::move(r));
  }
  return json::value(std::move(out));
}
SLUICE_HOOK(SLUICE_HOOK_POST_RESPONSE_MAP, "stamp", stamp)

}  // namespace
