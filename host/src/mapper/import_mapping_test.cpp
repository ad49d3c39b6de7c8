// Mapper 2.0 as import mappings need it: buildArrayHelper (with Celigo's documented composite
// objects), sourceDataType, the envelope input context, and record_created / record_updated.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "mapper/mapper.hpp"

namespace sluice::mapper {
namespace {

namespace json = boost::json;

Result<Mapper> compile_import(std::string_view mappings,
                              InputContext input = InputContext::kRecord) {
  return Mapper::compile_mappings(json::parse(mappings), nullptr, Mode::kCreate,
                                  "imports/x.json: mappings", Target::kImport, input);
}

Mapper compiled(std::string_view mappings, InputContext input = InputContext::kRecord) {
  auto mapper = compile_import(mappings, input);
  EXPECT_TRUE(mapper.has_value()) << (mapper ? "" : mapper.error().message);
  return mapper.value();
}

std::string compile_error(std::string_view mappings) {
  auto mapper = compile_import(mappings);
  return mapper ? "<compiled>" : mapper.error().message;
}

std::string mapped(const Mapper& mapper, std::string_view record, const MapContext& context = {}) {
  auto out = mapper.apply(json::parse(record), context);
  return out ? json::serialize(*out) : "error: " + out.error().message;
}

TEST(BuildArrayHelper, SimpleArraysCollectEveryExtractedValueConverted) {
  const Mapper mapper = compiled(R"([{"generate": "productNames", "dataType": "stringarray",
    "buildArrayHelper": [{"extract": "$.products[*].name"}, {"extract": "$.featured"},
                         {"extract": "$.tags"}, {"extract": "$.none", "default": "n/a"}]},
    {"generate": "prices", "dataType": "numberarray",
     "buildArrayHelper": [{"extract": "$.products[*].price"}]}])");
  EXPECT_EQ(
      mapped(mapper, R"({"products": [{"name": "A", "price": "1.5"}, {"name": "B", "price": 2}],
                               "featured": 7, "tags": ["x", "y"]})"),
      R"({"productNames":["A","B","7","x","y","n/a"],"prices":[1.5E0,2]})");
}

TEST(BuildArrayHelper, ExtractOnlyPullsExistingObjectsFromSeveralArrays) {
  const Mapper mapper = compiled(R"([{"generate": "contacts", "dataType": "objectarray",
    "buildArrayHelper": [{"extract": "$.account.primaryContacts[*]"},
                         {"extract": "$.account.secondaryContacts[*]"},
                         {"extract": "$.subsidiaries[*].mainContact"}]}])");
  EXPECT_EQ(mapped(mapper, R"({"account": {"primaryContacts": [{"n": 1}],
                                           "secondaryContacts": [{"n": 2}, {"n": 3}]},
                               "subsidiaries": [{"mainContact": {"n": 4}}, {"other": 0}]})"),
            R"({"contacts":[{"n":1},{"n":2},{"n":3},{"n":4}]})");
}

TEST(BuildArrayHelper, MappingsOnlyBuildOneObjectPerEntry) {
  const Mapper mapper = compiled(R"([{"generate": "contactInfo", "dataType": "objectarray",
    "buildArrayHelper": [
      {"mappings": [{"generate": "type", "dataType": "string", "extract": "primary"},
                    {"generate": "email", "dataType": "string", "extract": "$.primaryEmail"}]},
      {"mappings": [{"generate": "type", "dataType": "string", "extract": "secondary"},
                    {"generate": "email", "dataType": "string", "extract": "$.secondaryEmail"}]}]}])");
  EXPECT_EQ(
      mapped(mapper, R"({"primaryEmail": "a@x", "secondaryEmail": "b@x"})"),
      R"({"contactInfo":[{"type":"primary","email":"a@x"},{"type":"secondary","email":"b@x"}]})");
}

TEST(BuildArrayHelper, ExtractAndMappingsIterateCompositeObjectsWithParentData) {
  const Mapper mapper = compiled(R"([{"generate": "lineItems", "dataType": "objectarray",
    "buildArrayHelper": [{"extract": "$.order.items[*]", "mappings": [
      {"generate": "sku", "dataType": "string", "extract": "$.order.items.productId"},
      {"generate": "quantity", "dataType": "number", "extract": "$.order.items.qty"},
      {"generate": "orderNumber", "dataType": "string", "extract": "$.order.id"},
      {"generate": "customerName", "dataType": "string", "extract": "$.customerName"},
      {"generate": "label", "dataType": "string",
       "extract": "{{record.order.items.productId}} x{{record.order.items.qty}}"}]}]}])");
  EXPECT_EQ(mapped(mapper, R"({"customerName": "Ada", "order": {"id": 77, "items": [
                                 {"productId": "P1", "qty": "2"}, {"productId": "P2", "qty": 1}]}})"),
            R"({"lineItems":[{"sku":"P1","quantity":2,"orderNumber":"77","customerName":"Ada",)"
            R"("label":"P1 x2"},{"sku":"P2","quantity":1,"orderNumber":"77",)"
            R"("customerName":"Ada","label":"P2 x1"}]})");
}

TEST(BuildArrayHelper, HelperTemplatesSeeTheCompositeAsRecordAndEnvelopeTemplatesTheRecord) {
  const char* mappings = R"([{"generate": "l", "dataType": "objectarray",
    "buildArrayHelper": [{"extract": "$.items[*]", "mappings": [
      {"generate": "t", "dataType": "string",
       "extract": "{{#if record.items.big}}BIG {{record.items.sku}}{{else}}{{record.items.sku}}{{/if}}"},
      {"generate": "n", "dataType": "string", "extract": "{{record.items.sku}}/{{record.id}}"}]}]}])";
  const char* record = R"({"id": 3, "items": [{"sku": "A", "big": true}, {"sku": "B"}]})";
  EXPECT_EQ(mapped(compiled(mappings), record),
            R"({"l":[{"t":"BIG A","n":"A/3"},{"t":"B","n":"B/3"}]})");
  // In envelope context `record` in a template is the record, not the composite.
  const char* envelope = R"([{"generate": "l", "dataType": "objectarray",
    "buildArrayHelper": [{"extract": "$.record.items[*]", "mappings": [
      {"generate": "sku", "dataType": "string", "extract": "$.record.items.sku"},
      {"generate": "n", "dataType": "string", "extract": "{{record.id}}"},
      {"generate": "c", "dataType": "string", "extract": "{{#if record.items.sku}}composite{{else}}record{{/if}}"}]}]}])";
  EXPECT_EQ(mapped(compiled(envelope, InputContext::kEnvelope), record),
            R"({"l":[{"sku":"A","n":"3","c":"record"},{"sku":"B","n":"3","c":"record"}]})");
}

TEST(BuildArrayHelper, NestedArraysCollapseToTheCurrentElementAtEveryLevel) {
  // Celigo's documented example: $.customer.orders[*].items[*].
  const Mapper mapper = compiled(R"([{"generate": "lines", "dataType": "objectarray",
    "buildArrayHelper": [{"extract": "$.customer.orders[*].items[*]", "mappings": [
      {"generate": "sku", "dataType": "string", "extract": "$.customer.orders.items.sku"},
      {"generate": "order", "dataType": "string", "extract": "$.customer.orders.id"},
      {"generate": "name", "dataType": "string", "extract": "$.customer.name"}]}]}])");
  EXPECT_EQ(mapped(mapper, R"({"customer": {"name": "John Doe", "orders": [
      {"id": "O-001", "items": [{"sku": "ABC", "qty": 2}, {"sku": "XYZ", "qty": 1}]},
      {"id": "O-002", "items": [{"sku": "DEF", "qty": 3}]}]}})"),
            R"({"lines":[{"sku":"ABC","order":"O-001","name":"John Doe"},)"
            R"({"sku":"XYZ","order":"O-001","name":"John Doe"},)"
            R"({"sku":"DEF","order":"O-002","name":"John Doe"}]})");
}

TEST(BuildArrayHelper, ArrayArraysBuildOneInnerArrayPerRow) {
  const Mapper mapper = compiled(R"([{"generate": "matrix", "dataType": "arrayarray",
    "buildArrayHelper": [{"extract": "$.rows[*]", "mappings": [
      {"dataType": "numberarray", "buildArrayHelper": [{"extract": "$.rows.columns[*]"}]}]}]}])");
  EXPECT_EQ(mapped(mapper, R"({"rows": [{"columns": [1, "2"]}, {"columns": [3]}]})"),
            R"({"matrix":[[1,2],[3]]})");
}

TEST(BuildArrayHelper, ExtractNotEmptySkipsEmptyElementsAndDefaultFillsThem) {
  const Mapper mapper = compiled(R"([{"generate": "a", "dataType": "stringarray",
      "buildArrayHelper": [{"extract": "$.v[*]", "conditional": {"when": "extract_not_empty"}}]},
    {"generate": "b", "dataType": "stringarray",
      "buildArrayHelper": [{"extract": "$.v[*]", "default": "-"}]},
    {"generate": "c", "dataType": "stringarray", "buildArrayHelper": [{"extract": "$.none[*]"}]}])");
  EXPECT_EQ(mapped(mapper, R"({"v": ["x", "", null, "y"]})"),
            R"({"a":["x","y"],"b":["x","-","-","y"]})");
}

TEST(BuildArrayHelper, AnElementThatDoesNotConvertFailsTheRecordNamingTheField) {
  const Mapper mapper = compiled(R"([{"generate": "qty", "dataType": "numberarray",
      "buildArrayHelper": [{"extract": "$.lines[*].q"}]}])");
  EXPECT_EQ(mapped(mapper, R"({"lines": [{"q": 1}, {"q": "2 kg"}]})"),
            "error: field qty: cannot convert \"2 kg\" to number");
}

TEST(BuildArrayHelper, CompileErrorsNameThePathWhatWasFoundAndWhatWasExpected) {
  EXPECT_EQ(compile_error(R"([{"generate": "a", "dataType": "string",
                               "buildArrayHelper": [{"extract": "$.x"}]}])"),
            "imports/x.json: mappings[0].buildArrayHelper: found under dataType \"string\", "
            "expected an array dataType (stringarray, numberarray, booleanarray, objectarray or "
            "arrayarray)");
  EXPECT_EQ(compile_error(R"([{"generate": "a", "dataType": "stringarray",
                               "buildArrayHelper": [{"extract": "x[*]"}]}])"),
            "imports/x.json: mappings[0].buildArrayHelper[0].extract: found \"x[*]\", expected a "
            "JSON path starting with $ (buildArrayHelper extracts are JSON paths)");
  EXPECT_EQ(compile_error(R"([{"generate": "a", "dataType": "stringarray", "buildArrayHelper": [
                               {"mappings": [{"generate": "b", "dataType": "string", "extract": "x"}]}]}])"),
            "imports/x.json: mappings[0].buildArrayHelper[0].mappings: found mappings under "
            "dataType \"stringarray\", expected dataType \"objectarray\" or \"arrayarray\" (a "
            "stringarray is built from extracts only)");
  EXPECT_EQ(compile_error(R"([{"generate": "a", "dataType": "arrayarray", "buildArrayHelper": [
                               {"mappings": [{"generate": "b", "dataType": "stringarray", "extract": "$.x"}]}]}])"),
            "imports/x.json: mappings[0].buildArrayHelper[0].mappings[0].generate: found \"b\" (a "
            "string), expected no generate (an inner array of an arrayarray has no name)");
  EXPECT_EQ(compile_error(R"([{"generate": "a", "dataType": "arrayarray", "buildArrayHelper": [
                               {"mappings": [{"dataType": "string", "extract": "$.x"}]}]}])"),
            "imports/x.json: mappings[0].buildArrayHelper[0].mappings[0].dataType: found "
            "\"string\", expected an array type (an element of an arrayarray is an array)");
  EXPECT_EQ(
      compile_error(R"([{"generate": "a", "dataType": "stringarray", "buildArrayHelper": []}])"),
      "imports/x.json: mappings[0].buildArrayHelper: found an empty array, expected at "
      "least one {extract, mappings}");
  EXPECT_EQ(compile_error(R"([{"generate": "a", "dataType": "stringarray", "extract": "$.x",
                               "buildArrayHelper": [{"extract": "$.y"}]}])"),
            "imports/x.json: mappings[0]: a mapping with buildArrayHelper takes no extract, "
            "default, lookupName, date formats or mappings of its own; put them in the "
            "buildArrayHelper entries");
  EXPECT_EQ(compile_error(R"([{"generate": "a", "dataType": "stringarray", "buildArrayHelper": [
                               {"extract": "$.y", "conditional": {"when": "record_created"}}]}])"),
            "imports/x.json: mappings[0].buildArrayHelper[0].conditional.when: found "
            "\"record_created\", expected extract_not_empty (the only condition of an array "
            "element)");
  EXPECT_EQ(
      compile_error(R"([{"generate": "a", "dataType": "stringarray", "buildArrayHelper": [{}]}])"),
      "imports/x.json: mappings[0].buildArrayHelper[0]: has no extract, default or "
      "mappings; expected at least one");
}

TEST(SourceDataType, TheExtractedValueIsReadAsTheSourceTypeBeforeTheDataType) {
  const Mapper mapper = compiled(R"([
    {"generate": "price", "dataType": "string", "extract": "$.p", "sourceDataType": "number"},
    {"generate": "raw", "dataType": "string", "extract": "$.p", "sourceDataType": "string"},
    {"generate": "flag", "dataType": "number", "extract": "$.f", "sourceDataType": "boolean"}])");
  EXPECT_EQ(mapped(mapper, R"({"p": "12.50", "f": "true"})"),
            R"({"price":"12.5","raw":"12.50","flag":1})");
  EXPECT_EQ(mapped(mapper, R"({"p": "twelve", "f": "true"})"),
            "error: field price: cannot read \"twelve\" as number (sourceDataType)");
  EXPECT_EQ(compile_error(R"([{"generate": "a", "dataType": "string", "extract": "$.a",
                               "sourceDataType": "text"}])"),
            "imports/x.json: mappings[0].sourceDataType: found \"text\", expected one of string, "
            "number, boolean, object, stringarray, numberarray, booleanarray, objectarray, "
            "arrayarray");
}

TEST(InputContext, EnvelopePathsReadRecordSettingsAndTheExtraNames) {
  const Mapper mapper = compiled(R"([
    {"generate": "id", "dataType": "string", "extract": "$.record.id"},
    {"generate": "region", "dataType": "string", "extract": "$.settings.flow.region"},
    {"generate": "jobType", "dataType": "string", "extract": "$.job.type"},
    {"generate": "name", "dataType": "string", "extract": "{{record.name}}"},
    {"generate": "lines", "dataType": "objectarray", "buildArrayHelper": [
      {"extract": "$.record.lines[*]", "mappings": [
        {"generate": "sku", "dataType": "string", "extract": "$.record.lines.sku"},
        {"generate": "user", "dataType": "string", "extract": "$.settings.connection.user"}]}]}])",
                                 InputContext::kEnvelope);
  const json::value settings =
      json::parse(R"({"flow": {"region": "eu"}, "connection": {"user": "api"}})");
  const json::object extra = {{"job", json::object{{"type", "flow"}}}};
  MapContext context;
  context.settings = &settings;
  context.extra = &extra;
  EXPECT_EQ(
      mapped(mapper, R"({"id": 5, "name": "Ada", "lines": [{"sku": "A"}, {"sku": "B"}]})", context),
      R"({"id":"5","region":"eu","jobType":"flow","name":"Ada",)"
      R"("lines":[{"sku":"A","user":"api"},{"sku":"B","user":"api"}]})");
  const Mapper record_context =
      compiled(R"([{"generate": "id", "dataType": "string", "extract": "$.record.id"}])");
  EXPECT_EQ(mapped(record_context, R"({"id": 5})", context), R"({})");
}

TEST(ImportConditions, RecordCreatedAndUpdatedApplyOnlyWithTheirOperationDefaultsIncluded) {
  const Mapper mapper = compiled(R"([
    {"generate": "created", "dataType": "string", "default": "c",
     "conditional": {"when": "record_created"}},
    {"generate": "updated", "dataType": "string", "extract": "$.x",
     "conditional": {"when": "record_updated"}},
    {"generate": "nested", "dataType": "object", "mappings": [
      {"generate": "onCreate", "dataType": "number", "extract": "$.n",
       "conditional": {"when": "record_created"}}]}])");
  MapContext create;
  create.operation = Operation::kCreate;
  MapContext update;
  update.operation = Operation::kUpdate;
  EXPECT_EQ(mapped(mapper, R"({"x": "u", "n": "3"})", create),
            R"({"created":"c","nested":{"onCreate":3}})");
  EXPECT_EQ(mapped(mapper, R"({"x": "u", "n": "3"})", update), R"({"updated":"u","nested":{}})");
  EXPECT_EQ(mapped(mapper, R"({"x": "u", "n": "3"})"), R"({"nested":{}})");
}

}  // namespace
}  // namespace sluice::mapper
