#include "mapper/path.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace sluice::mapper {
namespace {

namespace json = boost::json;

const json::value kRecord = json::parse(R"({
  "id": 7,
  "fulfillment": {"shipment_id": "S-1"},
  "SDF": [{"ID": "a"}, {"ID": "b"}],
  "Internal ID": 42,
  "lines": [{"sku": "A", "tags": ["x", "y"]}, {"sku": "B", "tags": ["z"]}],
  "FeedProcessingStatus": {"Status": "Done"},
  "a.b": 1
})");

std::string find_text(const Path& path) {
  const json::value* v = path.find(kRecord);
  return v == nullptr ? "<none>" : json::serialize(*v);
}

std::string find_all_text(const Path& path) {
  std::vector<const json::value*> out;
  path.find_all(kRecord, out);
  json::array values;
  for (const json::value* v : out) values.push_back(*v);
  return json::serialize(values);
}

TEST(RulePath, ReadsBareNamesDotPathsAndIndexes) {
  EXPECT_EQ(find_text(Path::parse_rule("id", "r").value()), "7");
  EXPECT_EQ(find_text(Path::parse_rule("fulfillment.shipment_id", "r").value()), "\"S-1\"");
  EXPECT_EQ(find_text(Path::parse_rule("SDF[1].ID", "r").value()), "\"b\"");
  EXPECT_EQ(find_text(Path::parse_rule("SDF[2].ID", "r").value()), "<none>");
}

TEST(RulePath, ANameOfDigitsIndexesAnArrayAndNamesAnObjectField) {
  EXPECT_EQ(find_text(Path::parse_rule("lines.1.sku", "x").value()), "\"B\"");
  EXPECT_EQ(find_text(Path::parse_rule("lines.1.tags.0", "x").value()), "\"z\"");
  EXPECT_EQ(find_text(Path::parse_rule("lines.2.sku", "x").value()), "<none>");
  EXPECT_EQ(find_all_text(Path::parse_rule("lines.*.tags.0", "x").value()), R"(["x","z"])");
  const json::value keyed = json::parse(R"({"m": {"1": "one"}})");
  const json::value* one = Path::parse_rule("m.1", "x").value().find(keyed);
  ASSERT_NE(one, nullptr);
  EXPECT_EQ(json::serialize(*one), "\"one\"");
}

TEST(RulePath, ReadsBracketedNamesWithSpacesAndDots) {
  EXPECT_EQ(find_text(Path::parse_rule("[Internal ID]", "r").value()), "42");
  EXPECT_EQ(find_text(Path::parse_rule("[a.b]", "r").value()), "1");
}

TEST(RulePath, ReadsXmlStyleSlashPaths) {
  EXPECT_EQ(find_text(Path::parse_rule("/FeedProcessingStatus/Status", "r").value()), "\"Done\"");
}

TEST(RulePath, WildcardsExpandEveryElementInOrder) {
  EXPECT_EQ(find_all_text(Path::parse_rule("lines.*.sku", "r").value()), R"(["A","B"])");
  EXPECT_EQ(find_all_text(Path::parse_rule("lines[*].tags[*]", "r").value()), R"(["x","y","z"])");
  EXPECT_EQ(Path::parse_rule("lines.*.tags.*", "r").value().wildcards(), 2u);
}

TEST(RulePath, MalformedPathsNameTheSettingAndTheCharacter) {
  EXPECT_EQ(Path::parse_rule("a..b", "rules[0][0].extract").error().message,
            "rules[0][0].extract: found '.', expected a name in path \"a..b\" at character 3");
  EXPECT_EQ(Path::parse_rule("a[0", "x").error().message,
            "x: found '[' without its ']', expected [n], [*] or [name] in path \"a[0\" at "
            "character 2");
  EXPECT_EQ(Path::parse_rule("a.", "x").error().message,
            "x: the path ends, expected a name in path \"a.\" at character 2");
}

TEST(JsonPath, ReadsDollarPaths) {
  EXPECT_EQ(find_text(Path::parse_json("$", "e").value()), json::serialize(kRecord));
  EXPECT_EQ(find_text(Path::parse_json("$.fulfillment.shipment_id", "e").value()), "\"S-1\"");
  EXPECT_EQ(find_text(Path::parse_json("$.SDF[0].ID", "e").value()), "\"a\"");
  EXPECT_EQ(find_text(Path::parse_json("$['Internal ID']", "e").value()), "42");
  EXPECT_EQ(find_text(Path::parse_json("$[\"a.b\"]", "e").value()), "1");
  EXPECT_EQ(find_all_text(Path::parse_json("$.lines[*].sku", "e").value()), R"(["A","B"])");
  EXPECT_EQ(find_all_text(Path::parse_json("$.lines.*.sku", "e").value()), R"(["A","B"])");
}

TEST(JsonPath, AKeyIsFoundWhereverItIsInEachRecordWhateverTheOrderOfTheRecordBefore) {
  // A lookup tries where the key was in the last record first (KeyHint): records whose keys are
  // in another order, or that lack the key, must still give exactly what a search gives.
  const Path path = Path::parse_json("$.b.c", "e").value();
  const json::value records = json::parse(R"([
    {"a": 1, "b": {"x": 0, "c": "first"}},
    {"b": {"c": "second"}, "a": 1},
    {"a": 1, "b": {"c": 3, "x": 0}},
    {"a": 1, "b": {"x": 0}},
    {"a": 1, "c": {"c": "not b"}},
    {"b": {"x": 0, "y": 0, "c": "fourth"}},
    {"b": {"x": 0, "y": 0, "c": "fourth"}}])");
  std::vector<std::string> got;
  for (const json::value& record : records.as_array()) {
    const json::value* v = path.find(record);
    got.push_back(v == nullptr ? "<none>" : json::serialize(*v));
  }
  EXPECT_EQ(got, (std::vector<std::string>{"\"first\"", "\"second\"", "3", "<none>", "<none>",
                                           "\"fourth\"", "\"fourth\""}));
  std::vector<const json::value*> all;
  Path::parse_json("$[*].b.c", "e").value().find_all(records, all);
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(*all[2], 3);
}

TEST(KeyHint, FindsWhatIfContainsFindsForEveryKeyOfObjectsOfEverySize) {
  // Small objects are searched in order and large ones through a hash table (Boost.JSON): the
  // hint must agree with if_contains for both, and across objects of different sizes.
  KeyHint hint;
  for (int size : {0, 1, 3, 17, 18, 19, 40}) {
    json::object object;
    for (int k = 0; k < size; ++k) object[std::to_string(k)] = k;
    for (int k = -1; k <= size; ++k) {
      const std::string key = std::to_string(k);
      EXPECT_EQ(hint.find(object, key), object.if_contains(key)) << size << " " << key;
    }
  }
}

TEST(JsonPath, MalformedPathsSayWhatWasExpected) {
  EXPECT_EQ(Path::parse_json("a.b", "m.extract").error().message,
            "m.extract: a JSON path starts with '$' in path \"a.b\" at character 1");
  EXPECT_EQ(
      Path::parse_json("$.a[x]", "m.extract").error().message,
      "m.extract: found [x], expected [n], [*] or ['name'] in path \"$.a[x]\" at character 5");
  EXPECT_EQ(Path::parse_json("$.a.", "m.extract").error().message,
            "m.extract: expected a name after '.' in path \"$.a.\" at character 5");
}

}  // namespace
}  // namespace sluice::mapper
