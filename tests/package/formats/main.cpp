// Converts one XML and one CSV document and prints both as JSON on one line each; exits 1 on an
// error. package_test.sh compares the output.
#include <cstdio>

#include <boost/json/serialize.hpp>

#include "sluice/support/formats/csv.hpp"
#include "sluice/support/formats/xml.hpp"

int main() {
  auto xml = sluice::support::formats::xml_to_json(R"(<a k="v"><b>1</b><b>2</b></a>)");
  auto csv = sluice::support::formats::csv_to_json("id,name\n1,\"Ada, L\"\n");
  if (!xml || !csv) return 1;
  std::printf("%s\n%s\n", boost::json::serialize(*xml).c_str(),
              boost::json::serialize(*csv).c_str());
  return 0;
}
