// `sluice plugin info http` lists every setting with its help text: no setting the http or the
// legacy rest connector declares may go without help (each names what it is and what it does).
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "connector.hpp"
#include "rest_connector.hpp"

namespace sluice::plugins::http {
namespace {

namespace json = boost::json;

// "connector/section: path" of every field of `schema` whose help text is empty.
void without_help(const std::string& where, const Schema& schema, std::vector<std::string>& out) {
  for (const Field& f : schema.fields()) {
    const json::object field = f.to_json();
    const json::value* help = field.if_contains("description");
    if (help == nullptr || !help->is_string() || help->get_string().empty())
      out.push_back(where + ": " + f.path());
  }
}

TEST(SettingsHelp, EverySettingOfTheHttpAndRestConnectorsHasHelpText) {
  std::vector<std::string> missing;
  for (const ConnectorInfo& info : {HttpConnector().describe(), RestConnector().describe()}) {
    without_help(info.name + " connection", info.connection, missing);
    without_help(info.name + " export", info.export_settings, missing);
    without_help(info.name + " import", info.import_settings, missing);
    EXPECT_FALSE(info.connection.fields().empty()) << info.name;
  }
  std::string list;
  for (const std::string& m : missing) list += "\n  " + m;
  EXPECT_TRUE(missing.empty()) << missing.size() << " settings without help:" << list;
}

}  // namespace
}  // namespace sluice::plugins::http
