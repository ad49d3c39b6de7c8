// Specifies the Page (runtime/page.hpp) and the Pipeline (runtime/pipeline.hpp) alone: record
// states, the retry data as a record entered the step that failed it, raw-text reuse for records
// no step changed, replacing the live records (the counting rule), steps that cannot run, and
// the size limits at every step.
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "runtime/page.hpp"
#include "runtime/pipeline.hpp"
#include "runtime/record_json.hpp"

namespace sluice::runtime {
namespace {

namespace json = boost::json;

std::shared_ptr<PageSource> source(std::string text) {
  auto parsed = parse_page_source(std::move(text));
  EXPECT_NE(parsed, nullptr);
  return parsed;
}

// A page of the whole of `text`'s records.
Page whole(const std::string& text) {
  auto s = source(text);
  const size_t n = s->size();
  return Page(s, 0, n);
}

std::string submitted(const Page& page) {
  std::string out;
  for (size_t i = 0; i < page.size(); ++i) {
    if (!out.empty()) out += '|';
    page.append_json(i, out);
  }
  return out;
}

TEST(PageSource, FindsTheRawTextOfEveryRecordWhateverItsStringsHold) {
  auto s = source(R"( { "done" : true, "state": {"records": [1]},
      "records" : [ {"a": "x]}\"{["} , 1.50,"s" ,[ [], {} ] ,null ] } )");
  ASSERT_EQ(s->raw.size(), 5u);
  EXPECT_EQ(s->raw[0], R"({"a": "x]}\"{["})");
  EXPECT_EQ(s->raw[1], "1.50");
  EXPECT_EQ(s->raw[2], R"("s")");
  EXPECT_EQ(s->raw[3], "[ [], {} ]");
  EXPECT_EQ(s->raw[4], "null");
}

TEST(PageSource, AQuoteAfterAnEvenRunOfBackslashesEndsTheStringAndAfterAnOddRunDoesNot) {
  // In JSON text: "a\\" ends after two backslashes (one escaped backslash); "\\\"]" holds
  // an escaped backslash then an escaped quote, so its ] is inside the string.
  auto s = source(R"({"records": [{"k": "a\\"}, {"k": "\\\"]", "[": "\\\\"}, "\""]})");
  ASSERT_EQ(s->raw.size(), 3u);
  EXPECT_EQ(s->raw[0], R"({"k": "a\\"})");
  EXPECT_EQ(s->raw[1], R"({"k": "\\\"]", "[": "\\\\"})");
  EXPECT_EQ(s->raw[2], R"("\"")");
}

TEST(PageSource, ATextThatIsNotAPageIsRefused) {
  EXPECT_EQ(parse_page_source(R"({"records": 1})"), nullptr);
  EXPECT_EQ(parse_page_source(R"([1, 2])"), nullptr);
  EXPECT_EQ(parse_page_source(R"({"records": [)"), nullptr);
}

TEST(PageSource, RecordsAreParsedOnlyWhenAStepReadsThem) {
  auto s = source(R"({"records": [{"a": 1}, {"b": [2, 3]}], "done": false, "state": {"p": 1}})");
  ASSERT_EQ(s->size(), 2u);
  EXPECT_FALSE(s->parsed(0));
  EXPECT_FALSE(s->parsed(1));
  EXPECT_EQ(s->doc.at("state"), json::parse(R"({"p": 1})"));  // the rest is parsed at once
  Page page(s, 0, 2);
  std::string out;
  page.append_json(1, out);  // raw text: still not parsed
  EXPECT_EQ(out, R"({"b": [2, 3]})");
  EXPECT_FALSE(s->parsed(1));
  EXPECT_EQ(page.record(1), json::parse(R"({"b": [2, 3]})"));
  EXPECT_TRUE(s->parsed(1));
  EXPECT_FALSE(s->parsed(0));
}

TEST(PageSource, APageThatIsNotValidJsonIsRefusedThoughItsRecordsAreNotParsed) {
  EXPECT_EQ(parse_page_source(R"({"records": [{"a": 1,}]})"), nullptr);
  EXPECT_EQ(parse_page_source(R"({"records": [1, 2]} trailing)"), nullptr);
  EXPECT_EQ(parse_page_source(R"({"records": ["\x"]})"), nullptr);
}

TEST(PageSource, ReadingARecordSetsTheHintAndTheNextPageIsParsedWholeWithTheSameRawText) {
  const ReadHint hint = std::make_shared<std::atomic<bool>>(false);
  const std::string text =
      R"({"records": [{"_id": "a", "n": 1.50}, [ 2 ], "\u0041"], "done": false})";
  auto first = parse_page_source(text, hint);
  ASSERT_NE(first, nullptr);
  EXPECT_FALSE(first->parsed(0));
  EXPECT_FALSE(hint->load());
  Page page(first, 0, first->size());
  std::string out;
  page.append_json(0, out);  // raw text: no parse, no hint
  EXPECT_FALSE(hint->load());
  EXPECT_EQ(page.record(1), json::parse("[2]"));
  EXPECT_TRUE(hint->load());

  auto second = parse_page_source(text, hint);
  ASSERT_NE(second, nullptr);
  ASSERT_EQ(second->size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_TRUE(second->parsed(i)) << i;
  EXPECT_EQ(second->raw, first->raw);
  EXPECT_EQ(second->raw[0], R"({"_id": "a", "n": 1.50})");
  EXPECT_EQ(second->doc, json::parse(R"({"records": [], "done": false})"));
  EXPECT_EQ(second->record(0), json::parse(R"({"_id": "a", "n": 1.5})"));
  EXPECT_EQ(second->record(2), json::value("A"));
  Page next(second, 0, second->size());
  EXPECT_EQ(submitted(next), R"({"_id": "a", "n": 1.50}|[ 2 ]|"\u0041")");
  EXPECT_EQ(next.record_id(0, 7), json::value("a"));
}

TEST(PageSource, APageParsedWholeByTheHintIsRefusedOrKeptAsALazyOneWouldBe) {
  const ReadHint hint = std::make_shared<std::atomic<bool>>(true);
  EXPECT_EQ(parse_page_source(R"({"records": [{"a": 1,}]})", hint), nullptr);
  EXPECT_EQ(parse_page_source(R"({"records": [1, 2]} trailing)", hint), nullptr);
  EXPECT_EQ(parse_page_source(R"({"records": 1})", hint), nullptr);
  EXPECT_EQ(parse_page_source(R"([1, 2])", hint), nullptr);
  auto twice = parse_page_source(R"({"records": [1, 2], "records": [3, 4]})", hint);
  ASSERT_NE(twice, nullptr);
  EXPECT_TRUE(twice->raw.empty());
  EXPECT_EQ(twice->id_text(0), nullptr);
  Page page(twice, 0, 2);
  EXPECT_EQ(submitted(page), "3|4");
}

TEST(Page, RecordIdsComeFromTheRawTextAndAgreeWithAParse) {
  auto s = source(R"({"records": [{"_id": "a", "id": 1}, {"id": 7.5}, {"x": {"_id": "no"}},
      {"_id": "q\"r"}, {"\u005fid": "esc"}, {"_id": null, "id": "b"}, {"_id": "x", "_id": "y"}, 3]})");
  Page page(s, 0, s->size());
  EXPECT_EQ(page.record_id(0, 100), json::value("a"));
  EXPECT_EQ(page.record_id(1, 101), json::value(7.5));
  EXPECT_EQ(page.record_id(2, 102), json::value("#102"));  // only top-level members count
  EXPECT_FALSE(s->parsed(0));
  EXPECT_FALSE(s->parsed(1));
  EXPECT_FALSE(s->parsed(2));
  EXPECT_EQ(page.record_id(3, 103), json::value("q\"r"));  // an escaped value: parsed
  EXPECT_EQ(page.record_id(4, 104), json::value("esc"));   // an escaped key: parsed
  EXPECT_EQ(page.record_id(5, 105), json::value("b"));     // _id not a string nor a number
  EXPECT_EQ(page.record_id(6, 106), json::value("y"));     // the last of two, as a parse has it
  EXPECT_EQ(page.record_id(7, 107), json::value("#107"));  // not an object
}

TEST(PageSource, DuplicateRecordsKeysGiveNoRawTextSoNothingWrongIsCopied) {
  auto s = source(R"({"records": [1, 2], "records": [3, 4]})");
  EXPECT_TRUE(s->raw.empty());
  Page page(s, 0, 2);
  EXPECT_EQ(submitted(page), "3|4");
}

TEST(Page, RecordsNoStepChangedAreSubmittedAsTheExportWroteThem) {
  Page page = whole(R"({"records": [{"id": "A1", "total": 1.50}, {"id":"A2"}]})");
  EXPECT_EQ(submitted(page), R"({"id": "A1", "total": 1.50}|{"id":"A2"})");
}

TEST(Page, ARecordTakenMutablyLosesItsRawTextAndIsSerialized) {
  Page page = whole(R"({"records": [{"id": "A1", "total": 1.50}, {"id":"A2"}]})");
  page.begin_step();
  page.mutable_record(0).as_object()["x"] = 1;
  EXPECT_TRUE(page.raw(0).empty());
  EXPECT_EQ(page.raw(1), R"({"id":"A2"})");
  EXPECT_EQ(submitted(page), R"({"id":"A1","total":1.5,"x":1}|{"id":"A2"})");
}

TEST(Page, JsonSizeKeepsTheSerializationAsTheRecordsRawText) {
  Page page = whole(R"({"records": [{"id": "A1"}]})");
  page.mutable_record(0).as_object()["id"] = "B";
  EXPECT_EQ(page.json_size(0), 10u);
  EXPECT_EQ(page.raw(0), R"({"id":"B"})");
}

TEST(Page, TheSizeBoundOfARecordIsTakenAgainOnlyAfterAStepChangedIt) {
  Page page = whole(R"({"records": [{"id": "A1"}, {"id": "A2"}]})");
  EXPECT_EQ(page.json_size_bound(0), 12u);  // the raw text, space and all
  page.begin_step();
  page.mutable_record(0).as_object()["id"] = "B";
  EXPECT_EQ(page.json_size_bound(0), 10u);  // {"id":"B"}
  EXPECT_EQ(page.json_size_bound(0), 10u);
  page.begin_step();
  page.mutable_record(0).as_object()["id"] = "BCDE";
  EXPECT_EQ(page.json_size_bound(0), 13u);  // {"id":"BCDE"}: taken anew, not the one kept
  json::value replacement = page.new_value();
  replacement = json::object{{"id", "C"}, {"n", 7}};
  page.set_record(1, std::move(replacement));
  EXPECT_EQ(page.json_size_bound(1), 16u);  // {"id":"C","n":7}
  EXPECT_EQ(page.json_size_bound(0), 13u);
}

TEST(Page, ASliceHoldsOnlyItsRecordsAllAlive) {
  auto s = source(R"({"records": [1, 2, 3, 4, 5]})");
  Page page(s, 1, 4);
  ASSERT_EQ(page.size(), 3u);
  EXPECT_EQ(page.record(0), 2);
  EXPECT_EQ(page.record(2), 4);
  EXPECT_EQ(page.count(RecordState::kAlive), 3u);
}

TEST(Page, ASkipLastsUntilTheNextStepAndChangesNoState) {
  Page page = whole(R"({"records": [1, 2, 3]})");
  page.begin_step();
  page.skip(1);
  EXPECT_TRUE(page.skipped(1));
  EXPECT_FALSE(page.active(1));
  EXPECT_TRUE(page.alive(1));
  EXPECT_TRUE(page.active(0));
  EXPECT_EQ(page.count(RecordState::kAlive), 3u);
  page.begin_step();
  EXPECT_FALSE(page.skipped(1));
  EXPECT_TRUE(page.active(1));
}

TEST(Page, AliveRecordsNoImportWasGivenAreIgnoredAtTheEnd) {
  Page page = whole(R"({"records": [1, 2, 3, 4]})");
  page.mark_submitted(0);
  page.mark_submitted(2);
  page.fail(2, "x", "c", "m");
  page.fail(3, "x", "c", "m");
  EXPECT_EQ(page.ignore_unsubmitted(), 1u);  // record 1: alive, never submitted
  EXPECT_EQ(page.state(0), RecordState::kAlive);
  EXPECT_EQ(page.state(1), RecordState::kIgnored);
  EXPECT_EQ(page.state(2), RecordState::kFailed);
  EXPECT_EQ(page.state(3), RecordState::kFailed);
}

TEST(Page, RetryDataIsTheRecordAsItEnteredTheStepThatFailedIt) {
  Page page = whole(R"({"records": [{"n": 0}, {"n": 0}]})");
  page.begin_step();  // step 1 changes both
  page.mutable_record(0).as_object()["n"] = 1;
  page.mutable_record(1).as_object()["n"] = 1;
  page.begin_step();  // step 2 changes both again, then fails them
  page.mutable_record(0).as_object()["n"] = 2;
  page.fail(0, "s2", "bad", "step 2 refused it");
  json::value replacement = page.new_value();
  replacement = json::object{{"n", 3}};
  page.set_record(1, std::move(replacement));
  page.fail(1, "s2", "bad", "step 2 refused it too");
  ASSERT_NE(page.error(0), nullptr);
  EXPECT_EQ(page.error(0)->retry_data, json::parse(R"({"n": 1})"));
  EXPECT_EQ(page.error(1)->retry_data, json::parse(R"({"n": 1})"));
  EXPECT_EQ(page.error(0)->step_id, "s2");
  EXPECT_EQ(page.error(0)->code, "bad");
  EXPECT_EQ(page.state(0), RecordState::kFailed);
}

TEST(Page, RetryDataOfARecordTheStepDidNotChangeIsTheRecordItself) {
  Page page = whole(R"({"records": [{"n": 7}]})");
  page.begin_step();
  page.fail(0, "s", "c", "m");
  EXPECT_EQ(page.error(0)->retry_data, json::parse(R"({"n": 7})"));
}

TEST(Page, AFailedRecordIsNeitherIgnoredNorFailedTwice) {
  Page page = whole(R"({"records": [1]})");
  page.fail(0, "a", "first", "m");
  page.fail(0, "b", "second", "m");
  page.ignore(0);
  EXPECT_EQ(page.state(0), RecordState::kFailed);
  EXPECT_EQ(page.error(0)->code, "first");
  EXPECT_EQ(page.take_errors().size(), 1u);
  EXPECT_EQ(page.error(0), nullptr);
}

TEST(Page, ReplacingLiveRecordsByFewerCountsTheMissingAsIgnored) {
  Page page = whole(R"({"records": [1, 2, 3, 4]})");
  page.fail(0, "s", "c", "m");
  page.ignore(1);
  std::vector<json::value> one;
  one.push_back(json::value(9));
  page.replace_live(std::move(one));  // records 3 and 4 were alive: one left
  EXPECT_EQ(page.size(), 3u);
  EXPECT_EQ(page.dropped(), 1);
  EXPECT_EQ(page.added(), 0);
  EXPECT_EQ(page.count(RecordState::kFailed), 1u);
  EXPECT_EQ(page.count(RecordState::kIgnored), 1u);
  EXPECT_EQ(page.count(RecordState::kAlive), 1u);
  // The identity over the page: 4 exported = 1 success + (1 ignored + 1 dropped) + 1 error.
  EXPECT_EQ(4 + page.added(), static_cast<int64_t>(page.count(RecordState::kAlive)) +
                                  static_cast<int64_t>(page.count(RecordState::kIgnored)) +
                                  page.dropped() +
                                  static_cast<int64_t>(page.count(RecordState::kFailed)));
  EXPECT_EQ(submitted(page), "1|2|9");
}

TEST(Page, ReplacingLiveRecordsByMoreCountsTheExtraAsExported) {
  Page page = whole(R"({"records": [1, 2]})");
  std::vector<json::value> three{json::value(7), json::value(8), json::value(9)};
  page.replace_live(std::move(three));
  EXPECT_EQ(page.added(), 1);
  EXPECT_EQ(page.dropped(), 0);
  EXPECT_EQ(page.count(RecordState::kAlive), 3u);
  EXPECT_EQ(2 + page.added(), 3);
  EXPECT_EQ(submitted(page), "7|8|9");
}

// A test step: does `act` to the page.
class LambdaStep : public Step {
 public:
  LambdaStep(std::string id, std::function<Result<StepResult>(Page&)> act)
      : id_(std::move(id)), act_(std::move(act)) {}
  std::string_view kind() const override { return "test"; }
  const std::string& name() const override { return id_; }
  const std::string& step_id() const override { return id_; }
  Result<StepResult> run(Page& page, const StepContext&) override { return act_(page); }

 private:
  std::string id_;
  std::function<Result<StepResult>(Page&)> act_;
};

TEST(Pipeline, AStepThatCannotRunFailsTheLiveRecordsAtItAndNoLaterStepRuns) {
  Page page = whole(R"({"records": [{"id": "A1"}, {"id": "A2"}]})");
  bool later_ran = false;
  Pipeline pipeline("e", "orders", PipelineLimits{});
  pipeline.add(std::make_unique<LambdaStep>("first", [](Page& p) -> Result<StepResult> {
    p.ignore(0);
    return StepResult{};
  }));
  pipeline.add(std::make_unique<LambdaStep>("broken", [](Page&) -> Result<StepResult> {
    return make_error(Status::kInvalidConfig, "the script does not compile");
  }));
  pipeline.add(std::make_unique<LambdaStep>("later", [&](Page&) -> Result<StepResult> {
    later_ran = true;
    return StepResult{};
  }));
  auto ran = pipeline.run(page, StepContext{});
  ASSERT_FALSE(ran);
  EXPECT_EQ(ran.error().message, "the script does not compile");
  EXPECT_FALSE(later_ran);
  EXPECT_EQ(page.state(0), RecordState::kIgnored);
  ASSERT_EQ(page.state(1), RecordState::kFailed);
  EXPECT_EQ(page.error(1)->step_id, "broken");
  EXPECT_EQ(page.error(1)->message, "the script does not compile");
}

TEST(Pipeline, AbortAndJobErrorsOfEveryStepAreReturned) {
  Page page = whole(R"({"records": [1]})");
  Pipeline pipeline("e", "orders", PipelineLimits{});
  pipeline.add(std::make_unique<LambdaStep>("hook", [](Page&) -> Result<StepResult> {
    StepResult r;
    r.abort = true;
    host::JobError e;
    e.message = "the hook says no";
    r.job_errors.push_back(e);
    return r;
  }));
  pipeline.add(std::make_unique<LambdaStep>(
      "next", [](Page&) -> Result<StepResult> { return StepResult{}; }));
  auto ran = pipeline.run(page, StepContext{});
  ASSERT_TRUE(ran);
  EXPECT_TRUE(ran->abort);
  ASSERT_EQ(ran->job_errors.size(), 1u);
  EXPECT_EQ(ran->job_errors[0].message, "the hook says no");
}

TEST(Pipeline, ARecordOverTheRecordLimitAfterAStepFailsNamingTheStepTheRecordAndTheSize) {
  Page page = whole(R"({"records": [{"id": "A1"}, {"id": "A2"}]})");
  Pipeline pipeline("e", "orders", PipelineLimits{size_t{1} << 20, 100});
  pipeline.add(std::make_unique<LambdaStep>("grow", [](Page& p) -> Result<StepResult> {
    p.mutable_record(1).as_object()["pad"] = std::string(100, 'p');
    return StepResult{};
  }));
  StepContext context;
  context.page_index = 4;
  ASSERT_TRUE(pipeline.run(page, context));
  EXPECT_EQ(page.state(0), RecordState::kAlive);
  ASSERT_EQ(page.state(1), RecordState::kFailed);
  EXPECT_EQ(page.error(1)->step_id, "grow");
  EXPECT_EQ(page.error(1)->code, "record_too_large");
  EXPECT_EQ(page.error(1)->message,
            "record 2 (id \"A2\") of flow page 5 is 120 bytes of JSON after test grow, over the "
            "limit of 100 bytes per record (SLUICE_RECORD_LIMIT_BYTES); make it smaller at its "
            "source or in a transformation");
  // The retry data is the record as it entered the step that made it too large.
  EXPECT_EQ(page.error(1)->retry_data, json::parse(R"({"id": "A2"})"));
}

TEST(Pipeline, ARecordOverTheLimitAsTheExportGaveItFailsAtTheExport) {
  Page page = whole(R"({"records": [{"id": "A1", "pad": "pppppppppp"}]})");
  Pipeline pipeline("e", "orders", PipelineLimits{size_t{1} << 20, 20});
  ASSERT_TRUE(pipeline.run(page, StepContext{}));
  ASSERT_EQ(page.state(0), RecordState::kFailed);
  EXPECT_EQ(page.error(0)->step_id, "e");
  EXPECT_EQ(page.error(0)->message,
            "record 1 (id \"A1\") of flow page 1 is 33 bytes of JSON after export orders, over "
            "the limit of 20 bytes per record (SLUICE_RECORD_LIMIT_BYTES); make it smaller at its "
            "source or in a transformation");
}

TEST(Pipeline, APageOverThePageLimitFailsEachOfItsLiveRecordsNamingThePageAndItsSize) {
  Page page = whole(R"({"records": [{"id": "A1"}, {"id": "A2"}, {"id": "A3"}]})");
  page.ignore(2);
  Pipeline pipeline("e", "orders", PipelineLimits{20, 100});
  ASSERT_TRUE(pipeline.run(page, StepContext{}));
  EXPECT_EQ(page.state(2), RecordState::kIgnored);
  for (size_t i : {0, 1}) {
    ASSERT_EQ(page.state(i), RecordState::kFailed);
    EXPECT_EQ(page.error(i)->code, "page_too_large");
    EXPECT_EQ(page.error(i)->message,
              "flow page 1 (3 records) is 28 bytes of JSON after export orders, over the limit "
              "of 20 bytes per page (SLUICE_PAGE_LIMIT_BYTES); lower the export's pageSize");
  }
}

}  // namespace
}  // namespace sluice::runtime

namespace sluice::runtime {
namespace {

TEST(PageProceeding, AFailedRecordThatProceedsIsTakenAndFailingAgainAddsASecondErrorAndStopsIt) {
  Page page = whole(R"({"records": [{"id": "A1"}, {"id": "A2"}]})");
  page.fail(0, "x", "c", "failed at x");
  page.fail(1, "x", "c", "failed at x");
  page.proceed(0);
  EXPECT_TRUE(page.takes(0));
  EXPECT_FALSE(page.takes(1));
  page.begin_step();
  page.fail(0, "y", "d", "failed at y");
  page.fail(1, "y", "d", "not taken: not recorded");
  EXPECT_FALSE(page.proceeds(0));
  EXPECT_FALSE(page.takes(0));
  EXPECT_EQ(page.count(RecordState::kFailed), 2u);
  EXPECT_EQ(page.error(0)->step_id, "x");
  std::vector<std::string> errors;
  for (const RecordError& e : page.take_errors()) errors.push_back(e.step_id + " " + e.message);
  EXPECT_EQ(errors, (std::vector<std::string>{"x failed at x", "x failed at x", "y failed at y"}));
}

TEST(PageProceeding, TheScopeOfAStepWithTheFlagMakesTheRecordsThatFailedInItProceed) {
  Page page = whole(R"({"records": [{"id": "A1"}, {"id": "A2"}, {"id": "A3"}]})");
  page.fail(1, "earlier", "c", "failed earlier");
  {
    const ProceedOnFailure scope(page, true);
    page.fail(0, "x", "c", "failed at x");
  }
  EXPECT_TRUE(page.proceeds(0));
  EXPECT_FALSE(page.proceeds(1)) << "it failed before the step, which did not take it";
  EXPECT_FALSE(page.proceeds(2)) << "alive";
  {
    const ProceedOnFailure scope(page, false);
    page.fail(2, "y", "c", "failed at y");
  }
  EXPECT_FALSE(page.proceeds(2));
  EXPECT_FALSE(page.takes(2));
}

TEST(RecordJson, WritesNumbersAsJavaScriptDoesAndEverythingElseAsJson) {
  const json::value record = json::parse(
      R"({"total": 744.12, "big": 1e21, "small": 5e-7, "negzero": -0.0, "int": 12, "u": 18446744073709551615,
          "s": "a\"b\\c\n\u0001é", "list": [true, false, null, 1.5], "empty": {}})");
  EXPECT_EQ(
      record_json(record),
      R"({"total":744.12,"big":1e+21,"small":5e-7,"negzero":0,"int":12,"u":18446744073709551615,)"
      R"("s":"a\"b\\c\n\u0001é","list":[true,false,null,1.5],"empty":{}})");
  // What it writes reads back to the same value (but -0, which JSON.stringify writes as 0).
  json::value copy = record;
  copy.as_object().erase("negzero");
  EXPECT_EQ(json::parse(record_json(copy)), copy);
}

TEST(RecordJson, TheSizeBoundIsTheExactLengthButForDoublesWhichItBoundsBy25Bytes) {
  const json::value no_doubles = json::parse(
      R"({"int": -9223372036854775808, "u": 18446744073709551615, "t": true, "f": false, "n": null,
          "s": "a\"b\\c\n\t\b\f\r\u0001\u001fé", "list": [1, [], {}, "x"], "empty": {},
          "k\"ey": [[0]]})");
  EXPECT_EQ(record_json_size_bound(no_doubles), record_json(no_doubles).size());
  const json::value doubles = json::parse(
      R"([744.12, 1e21, 5e-7, -2.2250738585072014e-308, 0.1, -1.7976931348623157e308])");
  const size_t exact = record_json(doubles).size();
  EXPECT_GE(record_json_size_bound(doubles), exact);
  EXPECT_LE(record_json_size_bound(doubles), exact + 6 * 25);
}

TEST(PipelineLimits, ARecordAtTheLimitPassesThoughItsBoundIsOverAndOneByteMoreFails) {
  // {"v":1.5} is 9 bytes, but its bound counts the double as 25: a limit of 9 must measure it.
  Page page = whole(R"({"records":[{"v":0},{"v":0}]})");
  Pipeline pipeline("e", "orders", PipelineLimits{1000, 9});
  pipeline.add(std::make_unique<LambdaStep>("set", [](Page& p) -> Result<StepResult> {
    p.set_record(0, json::parse(R"({"v": 1.5})", p.storage()));
    p.set_record(1, json::parse(R"({"v": 1.25})", p.storage()));
    return StepResult{};
  }));
  ASSERT_TRUE(pipeline.run(page, StepContext{}));
  EXPECT_TRUE(page.alive(0));
  ASSERT_EQ(page.state(1), RecordState::kFailed);
  EXPECT_EQ(page.error(1)->code, "record_too_large");
  EXPECT_NE(page.error(1)->message.find("10 bytes"), std::string::npos) << page.error(1)->message;
}

}  // namespace
}  // namespace sluice::runtime
