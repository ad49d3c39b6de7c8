#include "mapper/mapper.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace sluice::mapper {
namespace {

namespace json = boost::json;

Mapper compiled(std::string_view transform) {
  auto mapper = Mapper::compile(json::parse(transform), "transform");
  EXPECT_TRUE(mapper.has_value()) << (mapper ? "" : mapper.error().message);
  return mapper.value();
}

std::string compile_error(std::string_view transform) {
  auto mapper = Mapper::compile(json::parse(transform), "transform");
  return mapper ? "<compiled>" : mapper.error().message;
}

std::string mapped(const Mapper& mapper, std::string_view record, const MapContext& context = {}) {
  auto out = mapper.apply(json::parse(record), context);
  return out ? json::serialize(*out) : "error: " + out.error().message;
}

std::string v1(std::string_view rules) {
  return R"({"type":"expression","expression":{"version":"1","rules":)" + std::string(rules) + "}}";
}

std::string v2(std::string_view mode, std::string_view mappings, std::string_view lookups = "[]") {
  return R"({"type":"expression","expression":{"version":"2","rulesTwoDotZero":{"mode":")" +
         std::string(mode) + R"(","mappings":)" + std::string(mappings) + R"(,"lookups":)" +
         std::string(lookups) + "}}}";
}

// --- Transformation 1.0 -------------------------------------------------------------------

TEST(TransformV1, OutputHoldsOnlyWhatTheRulesGenerate) {
  const Mapper mapper = compiled(v1(
      R"([[{"extract":"id","generate":"orderId"},{"extract":"fulfillment.shipment_id","generate":"shipment.id"}]])"));
  EXPECT_EQ(mapped(mapper, R"({"id":5,"secret":"x","fulfillment":{"shipment_id":"S-9"}})"),
            R"({"orderId":5,"shipment":{"id":"S-9"}})");
}

TEST(TransformV1, MissingExtractsGenerateNothing) {
  const Mapper mapper =
      compiled(v1(R"([[{"extract":"nope","generate":"a"},{"extract":"id","generate":"b"}]])"));
  EXPECT_EQ(mapped(mapper, R"({"id":1})"), R"({"b":1})");
}

TEST(TransformV1, ARecordNoRuleFindsAnythingInBecomesAnEmptyObject) {
  const Mapper mapper = compiled(v1(R"([[{"extract":"nope","generate":"a"}]])"));
  EXPECT_EQ(mapped(mapper, R"({"id":1})"), R"({})");
}

TEST(TransformV1, IndexesXmlPathsAndBracketedNames) {
  const Mapper mapper = compiled(v1(
      R"([[{"extract":"SDF[0]","generate":"first"},{"extract":"/FeedProcessingStatus/Status","generate":"status"},{"extract":"[Internal ID]","generate":"SDF.Filter.ID"}]])"));
  EXPECT_EQ(
      mapped(mapper,
             R"({"SDF":["a","b"],"FeedProcessingStatus":{"Status":"Done"},"Internal ID":12})"),
      R"({"first":"a","status":"Done","SDF":{"Filter":{"ID":12}}})");
}

TEST(TransformV1, WildcardExtractIntoPlainGenerateGivesAnArray) {
  const Mapper mapper = compiled(v1(R"([[{"extract":"lines.*.sku","generate":"skus"}]])"));
  EXPECT_EQ(mapped(mapper, R"({"lines":[{"sku":"A"},{"sku":"B"},{"qty":1}]})"),
            R"({"skus":["A","B"]})");
}

TEST(TransformV1, WildcardGenerateSpreadsValuesOverArrayElements) {
  const Mapper mapper = compiled(v1(
      R"([[{"extract":"lines[*].sku","generate":"items[*].code"},{"extract":"lines[*].qty","generate":"items[*].quantity"}]])"));
  EXPECT_EQ(mapped(mapper, R"({"lines":[{"sku":"A","qty":1},{"sku":"B","qty":2}]})"),
            R"({"items":[{"code":"A","quantity":1},{"code":"B","quantity":2}]})");
}

TEST(TransformV1, RuleGroupsChainEachReadingThePreviousOutput) {
  const Mapper mapper = compiled(v1(
      R"([[{"extract":"a.b","generate":"flat"},{"extract":"id","generate":"id"}],[{"extract":"flat","generate":"result.value"}]])"));
  EXPECT_EQ(mapped(mapper, R"({"id":1,"a":{"b":"x"}})"), R"({"result":{"value":"x"}})");
}

TEST(TransformV1, CompileErrorsNameThePathInsideRules) {
  EXPECT_EQ(compile_error(v1(R"([[{"extract":"id"}]])")),
            "transform.expression.rules[0][0].generate: missing; expected a path in the output "
            "record");
  EXPECT_EQ(compile_error(v1(R"([[{"extract":"id","generate":"x","note":1}]])")),
            "transform.expression.rules[0][0].note: unknown field; expected one of extract, "
            "generate, key");
  EXPECT_EQ(compile_error(v1(R"([{"extract":"id","generate":"x"}])")),
            "transform.expression.rules[0]: found an object, expected an array of {extract, "
            "generate} rules");
  EXPECT_EQ(compile_error(v1(R"([[{"extract":"a..b","generate":"x"}]])")),
            "transform.expression.rules[0][0].extract: found '.', expected a name in path "
            "\"a..b\" at character 3");
  EXPECT_EQ(compile_error(v1(R"([[{"extract":3,"generate":"x"}]])")),
            "transform.expression.rules[0][0].extract: found 3 (a number), expected a string");
  EXPECT_EQ(compile_error(v1(R"([[{"extract":"id","generate":"x[*]"}]])")),
            "transform.expression.rules[0][0].generate: a * in generate needs a * in extract "
            "(\"id\" names one value)");
  EXPECT_EQ(compile_error(v1("[]")),
            "transform.expression.rules: found an empty array, expected at least one rule group");
}

// --- the transform document ----------------------------------------------------------------

TEST(TransformDocument, RefusesWrongTypesVersionsAndStrayFields) {
  EXPECT_EQ(compile_error(R"({"type":"mapping"})"),
            "transform.type: found \"mapping\", expected \"expression\" or \"script\"");
  EXPECT_EQ(compile_error(R"({"type":"expression","expression":{"version":"3"}})"),
            "transform.expression.version: found \"3\", expected \"1\" or \"2\"");
  EXPECT_EQ(compile_error(R"({"type":"expression"})"),
            "transform.expression: missing; expected {version, rules} or {version, "
            "rulesTwoDotZero}");
  EXPECT_EQ(
      compile_error(R"({"type":"expression","expression":{"version":"1","rules":[[]]},"extra":1})"),
      "transform.extra: unknown field; expected one of type, expression, script");
  EXPECT_EQ(
      compile_error(
          R"({"type":"expression","expression":{"version":"1","rules":[[]],"rulesTwoDotZero":{}}})"),
      "transform.expression.rulesTwoDotZero: not used with version \"1\"; remove it (or set "
      "version \"2\")");
  EXPECT_EQ(compile_error(
                R"({"type":"expression","expression":{"version":"1","rules":[[]]},"script":{}})"),
            "transform.script: not used when type is \"expression\"; remove it (or set type "
            "\"script\")");
  EXPECT_EQ(compile_error("[]"), "transform: found an array, expected an object");
}

TEST(TransformDocument, ScriptCompilesToAReferenceForTheScriptEngine) {
  const Mapper mapper =
      compiled(R"({"type":"script","script":{"_scriptId":"s1","function":"transform"}})");
  ASSERT_EQ(mapper.kind(), Mapper::Kind::kScript);
  EXPECT_EQ(mapper.script()->script_id, "s1");
  EXPECT_EQ(mapper.script()->function, "transform");
  auto out = mapper.apply(json::parse("{}"), {});
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().status, Status::kUnsupported);
}

TEST(TransformDocument, ScriptShapeIsChecked) {
  EXPECT_EQ(compile_error(R"({"type":"script","script":{"_scriptId":"s1"}})"),
            "transform.script.function: missing; expected the name of a function of the script");
  EXPECT_EQ(compile_error(R"({"type":"script"})"),
            "transform.script: missing; expected {_scriptId, function} with type \"script\"");
  EXPECT_EQ(compile_error(R"({"type":"script","script":{"_scriptId":"s1","function":"f","x":1}})"),
            "transform.script.x: unknown field; expected one of _scriptId, function");
  EXPECT_EQ(compile_error(
                R"({"type":"script","script":{"_scriptId":"s","function":"f"},"expression":{}})"),
            "transform.expression: not used when type is \"script\"; remove it (or set type "
            "\"expression\")");
}

// --- Transformation 2.0 / Mapper 2.0 ----------------------------------------------------------

TEST(MappingsV2, CreateModeBuildsOnlyMappedFields) {
  const Mapper mapper =
      compiled(v2("create",
                  R"([{"generate":"id","dataType":"string","extract":"$.id","status":"Active"},
          {"generate":"email","dataType":"string","extract":"$.customer.email"}])"));
  EXPECT_EQ(mapped(mapper, R"({"id":17,"customer":{"email":"a@b.c"},"other":1})"),
            R"({"id":"17","email":"a@b.c"})");
}

TEST(MappingsV2, ModifyModeKeepsUnmappedFields) {
  const Mapper mapper =
      compiled(v2("modify",
                  R"([{"generate":"total","dataType":"number","extract":"$.total"},
          {"generate":"source","dataType":"string","extract":"shopify"}])"));
  EXPECT_EQ(mapped(mapper, R"({"id":1,"total":"9.5"})"),
            R"({"id":1,"total":9.5E0,"source":"shopify"})");
}

TEST(MappingsV2, HandlebarsExtractRendersAgainstRecordAndSettings) {
  const Mapper mapper = compiled(v2(
      "create",
      R"([{"generate":"customer","dataType":"string","extract":"{{record.first_name}} {{record.last_name}}"},
          {"generate":"region","dataType":"string","extract":"{{settings.flow.region}}"},
          {"generate":"state","dataType":"string","extract":"{{#if record.active}}Active{{else}}Inactive{{/if}}"}])"));
  const json::value settings = json::parse(R"({"flow":{"region":"EU"}})");
  MapContext context;
  context.settings = &settings;
  EXPECT_EQ(
      mapped(mapper, R"({"first_name":"Ada","last_name":"Lovelace","active":false})", context),
      R"({"customer":"Ada Lovelace","region":"EU","state":"Inactive"})");
  EXPECT_TRUE(mapper.uses_templates());
}

TEST(MappingsV2, HandlebarsExtractOfAnArrayOrObjectIsRenderedByTheEngine) {
  const Mapper mapper =
      compiled(v2("create",
                  R"([{"generate":"tags","dataType":"string","extract":"{{record.tags}}"},
          {"generate":"upper","dataType":"string","extract":"{{uppercase record.name}}"}])"));
  EXPECT_EQ(mapped(mapper, R"({"tags":["a","b"],"name":"ada"})"),
            R"({"tags":"a,b","upper":"ADA"})");
}

TEST(MappingsV2, HandlebarsExtractThatFailsFailsTheRecord) {
  const Mapper mapper = compiled(v2(
      "create", R"([{"generate":"x","dataType":"string","extract":"{{noSuchHelper record.a}}"}])"));
  auto out = mapper.apply(json::parse(R"({"a":1})"), {});
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message,
            "field x: the extract template failed: template "
            "'transform.expression.rulesTwoDotZero.mappings[0].extract' line 1, column 3: unknown "
            "helper 'noSuchHelper' (no helper or built-in has that name)");
}

TEST(MappingsV2, TemplatesSeeTheExtraNamesOfTheContextAndNothingWhenSettingsAreAbsent) {
  const Mapper mapper =
      compiled(v2("create",
                  R"([{"generate":"job","dataType":"string","extract":"{{job._id}}/{{record.id}}"},
          {"generate":"region","dataType":"string","extract":"[{{settings.flow.region}}]"}])"));
  const json::object extra = json::parse(R"({"job":{"_id":"J1"}})").as_object();
  MapContext context;
  context.extra = &extra;
  EXPECT_EQ(mapped(mapper, R"({"id":5})", context), R"({"job":"J1/5","region":"[]"})");
}

TEST(MappingsV2, LiteralExtractIsAHardCodedValueConvertedToItsType) {
  const Mapper mapper =
      compiled(v2("create",
                  R"([{"generate":"status","dataType":"string","extract":"primary"},
          {"generate":"flag","dataType":"boolean","extract":"true"},
          {"generate":"count","dataType":"number","extract":"3"}])"));
  EXPECT_EQ(mapped(mapper, "{}"), R"({"status":"primary","flag":true,"count":3})");
}

TEST(MappingsV2, DefaultFillsMissingNullAndEmptyValues) {
  const Mapper mapper =
      compiled(v2("create",
                  R"([{"generate":"a","dataType":"string","extract":"$.a","default":"N/A"},
          {"generate":"b","dataType":"number","extract":"$.b","default":"0"},
          {"generate":"c","dataType":"string","extract":"$.c","default":"none"},
          {"generate":"d","dataType":"string","default":"fixed"}])"));
  EXPECT_EQ(mapped(mapper, R"({"b":null,"c":""})"), R"({"a":"N/A","b":0,"c":"none","d":"fixed"})");
}

TEST(MappingsV2, EmptyValuesWithoutDefault) {
  const Mapper mapper =
      compiled(v2("create",
                  R"([{"generate":"missing","dataType":"string","extract":"$.nope"},
          {"generate":"nul","dataType":"string","extract":"$.n"},
          {"generate":"blank","dataType":"string","extract":"$.e"},
          {"generate":"blankNumber","dataType":"number","extract":"$.e"}])"));
  EXPECT_EQ(mapped(mapper, R"({"n":null,"e":""})"),
            R"({"nul":null,"blank":"","blankNumber":null})");
}

TEST(MappingsV2, ConditionalExtractNotEmptySkipsTheField) {
  const Mapper mapper = compiled(v2(
      "create",
      R"([{"generate":"statusMessage","dataType":"string","extract":"$.status.message","default":"x","conditional":{"when":"extract_not_empty"}}])"));
  EXPECT_EQ(mapped(mapper, R"({"status":{}})"), "{}");
  EXPECT_EQ(mapped(mapper, R"({"status":{"message":""}})"), "{}");
  EXPECT_EQ(mapped(mapper, R"({"status":{"message":"ok"}})"), R"({"statusMessage":"ok"})");
}

TEST(MappingsV2, NestedObjectsExtractFromTheRootAtEveryLevel) {
  // Celigo's documented example: customer → contact → email from $.customerEmail.
  const Mapper mapper = compiled(v2("create",
                                    R"([{"generate":"customer","dataType":"object","mappings":[
            {"generate":"contact","dataType":"object","mappings":[
              {"generate":"email","dataType":"string","extract":"$.customerEmail"}]},
            {"generate":"firstName","dataType":"string","extract":"$.name.first","status":"Active"}]}])"));
  EXPECT_EQ(mapped(mapper, R"({"customerEmail":"x@y.z","name":{"first":"Jo"}})"),
            R"({"customer":{"contact":{"email":"x@y.z"},"firstName":"Jo"}})");
}

TEST(MappingsV2, ObjectExtractIsCopiedThenChildMappingsApply) {
  const Mapper mapper =
      compiled(v2("create",
                  R"([{"generate":"address","dataType":"object","extract":"$.shipping","mappings":[
            {"generate":"country","dataType":"string","extract":"$.country_code"}]},
          {"generate":"billing","dataType":"object","extract":"$.billing"}])"));
  EXPECT_EQ(
      mapped(mapper, R"({"shipping":{"city":"Oslo"},"country_code":"NO","billing":{"zip":"1"}})"),
      R"({"address":{"city":"Oslo","country":"NO"},"billing":{"zip":"1"}})");
}

TEST(MappingsV2, ModifyModeEditsNestedObjectsInPlace) {
  const Mapper mapper = compiled(v2("modify",
                                    R"([{"generate":"customer","dataType":"object","mappings":[
            {"generate":"name","dataType":"string","extract":"{{record.customer.first}} {{record.customer.last}}"}]}])"));
  EXPECT_EQ(mapped(mapper, R"({"id":1,"customer":{"first":"A","last":"B"}})"),
            R"({"id":1,"customer":{"first":"A","last":"B","name":"A B"}})");
}

TEST(MappingsV2, GenerateWithADotIsOneFieldName) {
  const Mapper mapper = compiled(
      v2("create", R"([{"generate":"customer.name","dataType":"string","extract":"$.n"}])"));
  EXPECT_EQ(mapped(mapper, R"({"n":"x"})"), R"({"customer.name":"x"})");
}

TEST(MappingsV2, ArrayTypesFromWildcardsAndArrays) {
  const Mapper mapper =
      compiled(v2("create",
                  R"([{"generate":"skus","dataType":"stringarray","extract":"$.items[*].sku"},
          {"generate":"qtys","dataType":"numberarray","extract":"$.items[*].qty"},
          {"generate":"items","dataType":"objectarray","extract":"$.items"},
          {"generate":"tags","dataType":"stringarray","extract":"$.tag"},
          {"generate":"flags","dataType":"booleanarray","extract":"$.flags"},
          {"generate":"matrix","dataType":"arrayarray","extract":"$.m"}])"));
  EXPECT_EQ(
      mapped(
          mapper,
          R"({"items":[{"sku":"A","qty":"2"},{"sku":"B","qty":3}],"tag":"one","flags":["true",0],"m":[[1],[2,3]]})"),
      R"({"skus":["A","B"],"qtys":[2,3],"items":[{"sku":"A","qty":"2"},{"sku":"B","qty":3}],"tags":["one"],"flags":[true,false],"matrix":[[1],[2,3]]})");
}

TEST(MappingsV2, WildcardThatReachesNothingExtractsNothing) {
  const Mapper mapper =
      compiled(v2("create",
                  R"([{"generate":"skus","dataType":"stringarray","extract":"$.items[*].sku"},
          {"generate":"codes","dataType":"stringarray","extract":"$.items[*].sku","default":"none"}])"));
  EXPECT_EQ(mapped(mapper, R"({"items":[]})"), R"({"codes":["none"]})");
}

TEST(MappingsV2, StaticLookupTranslatesValues) {
  const Mapper mapper = compiled(v2(
      "create",
      R"([{"generate":"status","dataType":"string","extract":"$.statusCode","lookupName":"statusMapping"}])",
      R"([{"name":"statusMapping","map":{"A":"Active","I":"Inactive","P":"Pending"},"default":"Unknown Status"}])"));
  EXPECT_EQ(mapped(mapper, R"({"statusCode":"I"})"), R"({"status":"Inactive"})");
  EXPECT_EQ(mapped(mapper, R"({"statusCode":"Z"})"), R"({"status":"Unknown Status"})");
}

TEST(MappingsV2, LookupKeysAreTheValueAsText) {
  const Mapper mapper = compiled(
      v2("create",
         R"([{"generate":"name","dataType":"string","extract":"$.code","lookupName":"codes"}])",
         R"([{"name":"codes","map":{"1":"one","true":"yes"}}])"));
  EXPECT_EQ(mapped(mapper, R"({"code":1})"), R"({"name":"one"})");
  EXPECT_EQ(mapped(mapper, R"({"code":true})"), R"({"name":"yes"})");
}

TEST(MappingsV2, LookupMissFailsTheRecordNamingLookupAndValue) {
  const Mapper mapper = compiled(v2(
      "create",
      R"([{"generate":"country","dataType":"string","extract":"$.cc","lookupName":"countries"}])",
      R"([{"name":"countries","map":{"US":"United States"}}])"));
  auto out = mapper.apply(json::parse(R"({"cc":"FR"})"), {});
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message,
            "field country: lookup 'countries' has no entry for \"FR\" (add it to the map, or "
            "give the lookup a default or allowFailures: true)");
}

TEST(MappingsV2, LookupAllowFailuresLeavesTheFieldOutOrUsesTheMappingDefault) {
  const Mapper mapper = compiled(
      v2("create",
         R"([{"generate":"a","dataType":"string","extract":"$.cc","lookupName":"countries"},
          {"generate":"b","dataType":"string","extract":"$.cc","lookupName":"countries","default":"??"}])",
         R"([{"name":"countries","map":{"US":"United States"},"allowFailures":true}])"));
  EXPECT_EQ(mapped(mapper, R"({"cc":"FR"})"), R"({"b":"??"})");
  EXPECT_EQ(mapped(mapper, R"({"cc":"US"})"), R"({"a":"United States","b":"United States"})");
}

TEST(MappingsV2, DateConversionBetweenFormatsAndZones) {
  const Mapper mapper = compiled(v2(
      "create",
      R"([{"generate":"d","dataType":"string","extract":"$.d","extractDateFormat":"MM/DD/YYYY HH:mm","extractDateTimezone":"America/New_York","generateDateFormat":"YYYY-MM-DDTHH:mm:ssZ","generateDateTimezone":"Europe/Berlin"},
          {"generate":"iso","dataType":"string","extract":"$.d","extractDateFormat":"MM/DD/YYYY HH:mm"},
          {"generate":"day","dataType":"string","extract":"$.ts","generateDateFormat":"DD MMM YYYY"},
          {"generate":"epoch","dataType":"string","extract":"$.ms","generateDateFormat":"YYYY-MM-DD HH:mm:ss.SSS"}])"));
  EXPECT_EQ(
      mapped(mapper, R"({"d":"07/04/2024 18:30","ts":"2024-02-29T23:00:00Z","ms":86400123})"),
      R"({"d":"2024-07-05T00:30:00+02:00","iso":"2024-07-04T18:30:00.000Z","day":"29 Feb 2024","epoch":"1970-01-02 00:00:00.123"})");
}

TEST(MappingsV2, DateThatDoesNotParseFailsTheRecord) {
  const Mapper mapper = compiled(v2(
      "create",
      R"([{"generate":"shipped","dataType":"string","extract":"$.d","extractDateFormat":"YYYY-MM-DD"}])"));
  auto out = mapper.apply(json::parse(R"({"d":"soon"})"), {});
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message,
            "field shipped: cannot read \"soon\" as a date (extractDateFormat in the mapping "
            "transform.expression.rulesTwoDotZero.mappings[0])");
}

TEST(MappingsV2, ValueThatCannotBeConvertedFailsTheRecordNamingFieldValueAndType) {
  const Mapper mapper = compiled(v2(
      "create",
      R"([{"generate":"order","dataType":"object","mappings":[{"generate":"total","dataType":"number","extract":"$.total_price"}]}])"));
  auto out = mapper.apply(json::parse(R"({"total_price":"12,5x"})"), {});
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().message, "field order.total: cannot convert \"12,5x\" to number");
  EXPECT_EQ(
      json::serialize(out.error().details),
      R"({"field":"order.total","value":"12,5x","dataType":"number","mapping":"transform.expression.rulesTwoDotZero.mappings[0].mappings[0]"})");
}

TEST(MappingsV2, ModifyModeRefusesARecordThatIsNotAnObject) {
  const Mapper mapper =
      compiled(v2("modify", R"([{"generate":"a","dataType":"string","extract":"x"}])"));
  EXPECT_EQ(mapped(mapper, "[1]"),
            "error: the record is not an object (found an array); mode \"modify\" edits the "
            "fields of an object");
}

TEST(MappingsV2, CompileErrorsNameThePathFoundAndExpected) {
  EXPECT_EQ(compile_error(v2("create", R"([{"generate":"a","dataType":"numbr","extract":"$.a"}])")),
            "transform.expression.rulesTwoDotZero.mappings[0].dataType: found \"numbr\", expected "
            "one of string, number, boolean, object, stringarray, numberarray, booleanarray, "
            "objectarray, arrayarray");
  EXPECT_EQ(compile_error(v2("create", R"([{"dataType":"string","extract":"$.a"}])")),
            "transform.expression.rulesTwoDotZero.mappings[0].generate: missing; expected the "
            "output field's name");
  EXPECT_EQ(compile_error(v2("replace", "[]")),
            "transform.expression.rulesTwoDotZero.mode: found \"replace\", expected \"create\" or "
            "\"modify\"");
  EXPECT_EQ(
      compile_error(v2("create", R"([{"generate":"a","dataType":"string","extract":"$.a[x]"}])")),
      "transform.expression.rulesTwoDotZero.mappings[0].extract: found [x], expected [n], "
      "[*] or ['name'] in path \"$.a[x]\" at character 5");
  EXPECT_EQ(
      compile_error(
          v2("create", R"([{"generate":"a","dataType":"string","extract":"{{#if record.a}}x"}])")),
      "template 'transform.expression.rulesTwoDotZero.mappings[0].extract' line 1, column 1: "
      "found the end of the template, expected '{{/if}}' to close the block opened");
  EXPECT_EQ(
      compile_error(v2(
          "create", R"([{"generate":"a","dataType":"string","extract":"$.a","lookupName":"nope"}])",
          R"([{"name":"yes","map":{}}])")),
      "transform.expression.rulesTwoDotZero.mappings[0].lookupName: \"nope\" names no lookup; "
      "expected one of the lookups' names (yes)");
  EXPECT_EQ(
      compile_error(v2(
          "create",
          R"([{"generate":"a","dataType":"string","extract":"$.a"},{"generate":"a","dataType":"number","extract":"$.b"}])")),
      "transform.expression.rulesTwoDotZero.mappings[1].generate: \"a\" is generated twice "
      "(also by transform.expression.rulesTwoDotZero.mappings[0]); expected each field once "
      "per level");
  EXPECT_EQ(
      compile_error(v2(
          "create", R"([{"generate":"a","dataType":"string","status":"Inactive","extract":"x"}])")),
      "transform.expression.rulesTwoDotZero.mappings[0].status: found \"Inactive\", expected "
      "\"Active\"");
  EXPECT_EQ(
      compile_error(v2(
          "create",
          R"([{"generate":"a","dataType":"number","extract":"$.a","generateDateFormat":"YYYY"}])")),
      "transform.expression.rulesTwoDotZero.mappings[0].dataType: found \"number\" with a "
      "date format, expected \"string\" (dates are strings)");
  EXPECT_EQ(
      compile_error(v2(
          "create",
          R"([{"generate":"a","dataType":"string","extract":"$.a","extractDateTimezone":"Mars/Olympus"}])")),
      "transform.expression.rulesTwoDotZero.mappings[0].extractDateTimezone: the time zone "
      "\"Mars/Olympus\" is not an IANA zone name (e.g. \"America/New_York\", \"UTC\")");
  EXPECT_EQ(compile_error(v2("create", R"([{"generate":"a","dataType":"string"}])")),
            "transform.expression.rulesTwoDotZero.mappings[0]: has no extract, default or "
            "mappings; expected at least one");
  EXPECT_EQ(
      compile_error(v2(
          "create",
          R"([{"generate":"a","dataType":"string","extract":"$.a","conditional":{"when":"record_created"}}])")),
      "transform.expression.rulesTwoDotZero.mappings[0].conditional.when: \"record_created\" "
      "applies to import mappings only; a transform has no record being created or updated "
      "(use extract_not_empty)");
  EXPECT_EQ(compile_error(v2("create", R"([{"generate":"a","dataType":"string","extract":"$.a"}])",
                             R"([{"name":"x","map":{"a":{}}}])")),
            "transform.expression.rulesTwoDotZero.lookups[0].map.a: found an object, expected a "
            "string, number, boolean or null");
}

TEST(MappingsV2, TransformsBuildArraysWithBuildArrayHelperAndReadSourceDataType) {
  const Mapper mapper = compiled(v2(
      "create",
      R"([{"generate":"skus","dataType":"stringarray","buildArrayHelper":[{"extract":"$.lines[*].sku"}]},
          {"generate":"total","dataType":"string","extract":"$.t","sourceDataType":"number"}])"));
  EXPECT_EQ(mapped(mapper, R"({"lines":[{"sku":"A"},{"sku":"B"}],"t":"3.0"})"),
            R"({"skus":["A","B"],"total":"3"})");
}

TEST(MappingsV2, KnownButUnimplementedFieldsAreRefusedAsNotSupportedYet) {
  EXPECT_EQ(compile_error(v2("create", R"([{"generate":"a","dataType":"string","extract":"$.a"}])",
                             R"([{"name":"x","_lookupCacheId":"c1"}])")),
            "transform.expression.rulesTwoDotZero.lookups[0]._lookupCacheId: not supported yet "
            "(integrator.io has it; Sluice does not do it yet, see docs/mappings.md); remove it");
  EXPECT_EQ(
      compile_error(v2("create", R"([{"generate":"a","dataType":"objectarray","mappings":[]}])")),
      "transform.expression.rulesTwoDotZero.mappings[0].mappings: found mappings directly under "
      "an array dataType, expected them in buildArrayHelper: [{\"extract\": ..., \"mappings\": "
      "[...]}]");
}

TEST(MappingsV2, LookupAndConditionalShapesAreChecked) {
  const std::string one = R"([{"generate":"a","dataType":"string","extract":"$.a"}])";
  EXPECT_EQ(compile_error(v2("create", one, R"([{"name":"x","map":{}},{"name":"x","map":{}}])")),
            "transform.expression.rulesTwoDotZero.lookups[1].name: \"x\" names two lookups; "
            "expected unique names");
  EXPECT_EQ(compile_error(v2("create", one, R"([{"name":"x"}])")),
            "transform.expression.rulesTwoDotZero.lookups[0].map: missing; expected an object of "
            "value → value");
  EXPECT_EQ(compile_error(v2("create", one, R"([{"name":"x","map":{},"allowFailures":"yes"}])")),
            "transform.expression.rulesTwoDotZero.lookups[0].allowFailures: found \"yes\" (a "
            "string), expected true or false");
  EXPECT_EQ(compile_error(v2("create", one, R"({"name":"x"})")),
            "transform.expression.rulesTwoDotZero.lookups: found an object, expected an array of "
            "lookups");
  EXPECT_EQ(
      compile_error(v2(
          "create",
          R"([{"generate":"a","dataType":"string","extract":"$.a","conditional":{"when":"always"}}])")),
      "transform.expression.rulesTwoDotZero.mappings[0].conditional.when: found \"always\", "
      "expected extract_not_empty, record_created or record_updated");
  EXPECT_EQ(compile_error(v2("create", R"([{"generate":"a","dataType":"string","default":3}])")),
            "transform.expression.rulesTwoDotZero.mappings[0].default: found 3 (a number), "
            "expected a string");
  EXPECT_EQ(compile_error(v2("create", R"([{"generate":"a","dataType":"string","mappings":[]}])")),
            "transform.expression.rulesTwoDotZero.mappings[0].mappings: found child mappings "
            "under dataType \"string\", expected dataType \"object\"");
}

TEST(MappingsV2, NestingDeeperThanTheLimitIsRefused) {
  std::string mappings = R"([{"generate":"leaf","dataType":"string","extract":"x"}])";
  for (int i = 0; i < 64; ++i)
    mappings = R"([{"generate":"o","dataType":"object","mappings":)" + mappings + "}]";
  json::parse_options options;
  options.max_depth = 1000;
  const json::value doc = json::parse(v2("create", mappings), {}, options);
  auto mapper = Mapper::compile(doc, "transform");
  ASSERT_FALSE(mapper);
  EXPECT_NE(mapper.error().message.find("mappings nest more than 64 levels deep; expected at most "
                                        "64"),
            std::string::npos)
      << mapper.error().message;
}

// The mapped record lives in the storage the caller gives (the page's arena), all of it.
TEST(MapperApply, AllocatesTheOutputFromTheGivenStorage) {
  json::monotonic_resource arena;
  json::storage_ptr sp(&arena);
  const json::value record =
      json::parse(R"({"id":1,"items":[{"sku":"A"}],"n":"Ada","o":{"k":"v"}})");
  for (
      const std::string& doc :
      {v1(R"([[{"extract":"items[*].sku","generate":"skus"}],[{"extract":"skus","generate":"x.skus"}]])"),
       v2("create",
          R"([{"generate":"skus","dataType":"stringarray","extract":"$.items[*].sku"},
               {"generate":"name","dataType":"string","extract":"{{record.n}}!"},
               {"generate":"o","dataType":"object","extract":"$.o","mappings":[{"generate":"up","dataType":"string","extract":"{{uppercase record.n}}"}]}])"),
       v2("modify", R"([{"generate":"name","dataType":"string","extract":"$.n"}])")}) {
    auto out = compiled(doc).apply(record, {}, sp);
    ASSERT_TRUE(out) << out.error().message;
    EXPECT_EQ(out->storage().get(), sp.get()) << doc;
    for (const auto& member : out->as_object()) {
      EXPECT_EQ(member.value().storage().get(), sp.get()) << member.key();
      if (member.value().is_object()) {
        for (const auto& inner : member.value().as_object())
          EXPECT_EQ(inner.value().storage().get(), sp.get()) << inner.key();
      }
      if (member.value().is_array()) {
        for (const auto& element : member.value().as_array())
          EXPECT_EQ(element.storage().get(), sp.get()) << member.key();
      }
    }
  }
}

TEST(ImportMappings, RecordCreatedAndUpdatedFollowTheOperation) {
  auto mapper = Mapper::compile_mappings(
      json::parse(
          R"([{"generate":"created","dataType":"string","extract":"yes","conditional":{"when":"record_created"}},
                      {"generate":"updated","dataType":"string","extract":"yes","conditional":{"when":"record_updated"}}])"),
      nullptr, Mode::kCreate, "mappings", Target::kImport);
  ASSERT_TRUE(mapper) << mapper.error().message;
  MapContext create;
  create.operation = Operation::kCreate;
  MapContext update;
  update.operation = Operation::kUpdate;
  EXPECT_EQ(mapped(*mapper, "{}", create), R"({"created":"yes"})");
  EXPECT_EQ(mapped(*mapper, "{}", update), R"({"updated":"yes"})");
}

TEST(ImportMappings, ErrorsStartWithTheGivenPath) {
  auto mapper =
      Mapper::compile_mappings(json::parse(R"([{"generate":"a"}])"), nullptr, Mode::kCreate,
                               "imports/x.json: mappings", Target::kImport);
  ASSERT_FALSE(mapper);
  EXPECT_EQ(mapper.error().message,
            "imports/x.json: mappings[0].dataType: missing; expected one of string, number, "
            "boolean, object, stringarray, numberarray, booleanarray, objectarray, arrayarray");
}

}  // namespace
}  // namespace sluice::mapper
