// Cron schedules: both forms, the field syntax, the dayOfMonth/dayOfWeek rule, the messages, and
// next run times over the real 2026 DST transitions of New York and Berlin.
#include "serve/schedule/cron.hpp"

#include <date/tz.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sluice::serve::schedule {
namespace {

using ::testing::ElementsAre;

std::chrono::system_clock::time_point at(std::string_view iso) {
  auto parsed = parse_instant(iso, *date::locate_zone("UTC"));
  EXPECT_TRUE(parsed) << iso;
  return parsed ? *parsed : std::chrono::system_clock::time_point{};
}

// The next `count` runs of `text` in `zone` after `from`, in UTC.
std::vector<std::string> runs(std::string_view text, std::string_view zone, std::string_view from,
                              int count) {
  auto schedule = parse_cron(text);
  EXPECT_TRUE(schedule) << schedule.error().message;
  if (!schedule) return {};
  auto tz = find_zone(zone);
  EXPECT_TRUE(tz);
  std::vector<std::string> out;
  auto after = at(from);
  for (int i = 0; i < count; ++i) {
    auto next = next_run(*schedule, **tz, after);
    EXPECT_TRUE(next) << next.error().message;
    if (!next) break;
    out.push_back(format_utc(*next));
    after = *next;
  }
  return out;
}

std::string parse_error(std::string_view text) {
  auto schedule = parse_cron(text);
  EXPECT_FALSE(schedule) << text;
  if (schedule) return {};
  EXPECT_EQ(schedule.error().status, Status::kInvalidConfig);
  return schedule.error().message;
}

TEST(Cron, ReadsIntegratorIoSixFieldsWithTheFirstAlwaysQuestionMark) {
  EXPECT_THAT(runs("? 0 2 ? * *", "UTC", "2026-01-10T02:00:00Z", 2),
              ElementsAre("2026-01-11T02:00:00Z", "2026-01-12T02:00:00Z"));
  EXPECT_THAT(runs("? */5 * * * *", "UTC", "2026-01-10T00:03:00Z", 2),
              ElementsAre("2026-01-10T00:05:00Z", "2026-01-10T00:10:00Z"));
  EXPECT_THAT(runs("? 5 0,6,12,18 ? * *", "UTC", "2026-01-10T06:05:00Z", 3),
              ElementsAre("2026-01-10T12:05:00Z", "2026-01-10T18:05:00Z", "2026-01-11T00:05:00Z"));
}

TEST(Cron, ReadsStandardFiveFieldsWithRangesListsAndSteps) {
  auto schedule = parse_cron("1-10/2 */6 1,15 * *");
  ASSERT_TRUE(schedule);
  EXPECT_EQ(schedule->minutes.to_string().substr(60 - 11), "01010101010");
  EXPECT_EQ(schedule->hours.count(), 4u);
  EXPECT_TRUE(schedule->hours[0] && schedule->hours[6] && schedule->hours[12] &&
              schedule->hours[18]);
  EXPECT_EQ(schedule->days.count(), 2u);
  EXPECT_TRUE(schedule->days_restricted);
  EXPECT_FALSE(schedule->weekdays_restricted);
  EXPECT_THAT(runs("5/20 * * * *", "UTC", "2026-01-10T00:00:00Z", 4),
              ElementsAre("2026-01-10T00:05:00Z", "2026-01-10T00:25:00Z", "2026-01-10T00:45:00Z",
                          "2026-01-10T01:05:00Z"));
}

TEST(Cron, ReadsMonthAndWeekdayNamesInAnyCase) {
  auto schedule = parse_cron("0 9 * jan,JUL Mon-Fri");
  ASSERT_TRUE(schedule);
  EXPECT_EQ(schedule->months.to_string(), "0000010000010");
  EXPECT_EQ(schedule->weekdays.to_string(), "0111110");
}

TEST(Cron, WeekdaySevenAndZeroAreSunday) {
  // 2026-01-01 is a Thursday.
  EXPECT_THAT(runs("0 0 * * 7", "UTC", "2026-01-01T00:00:00Z", 1),
              ElementsAre("2026-01-04T00:00:00Z"));
  EXPECT_THAT(runs("0 0 * * 0", "UTC", "2026-01-01T00:00:00Z", 1),
              ElementsAre("2026-01-04T00:00:00Z"));
  EXPECT_EQ(parse_cron("0 0 * * 5-7")->weekdays.to_string(), "1100001");
}

TEST(Cron, RestrictedDayOfMonthAndDayOfWeekMatchEitherAsVixieCron) {
  // The 13th or any Friday.
  EXPECT_THAT(runs("0 0 13 * FRI", "UTC", "2026-01-01T00:00:00Z", 4),
              ElementsAre("2026-01-02T00:00:00Z", "2026-01-09T00:00:00Z", "2026-01-13T00:00:00Z",
                          "2026-01-16T00:00:00Z"));
  // A dayOfMonth starting with "*" is not restricted: odd days that are Fridays.
  EXPECT_THAT(runs("0 0 */2 * FRI", "UTC", "2026-01-01T00:00:00Z", 2),
              ElementsAre("2026-01-09T00:00:00Z", "2026-01-23T00:00:00Z"));
}

TEST(Cron, RefusesAWrongNumberOfFields) {
  EXPECT_EQ(parse_error("0 2 * *"),
            "schedule \"0 2 * *\": has 4 fields; write 5 (minute hour dayOfMonth month dayOfWeek, "
            "e.g. \"0 2 * * *\") or integrator.io's 6 (? minute hour dayOfMonth month dayOfWeek, "
            "e.g. \"? 0 2 ? * *\")");
}

TEST(Cron, RefusesAFirstFieldOtherThanQuestionMarkInTheSixFieldForm) {
  EXPECT_EQ(parse_error("5 0 2 ? * *"),
            "schedule \"5 0 2 ? * *\": field 1 of 6 is \"5\"; in integrator.io's form it is "
            "always \"?\" (? minute hour dayOfMonth month dayOfWeek)");
}

TEST(Cron, NamesTheFieldAndTheAcceptedFormsOfAValueOutOfRange) {
  EXPECT_EQ(parse_error("? 61 2 ? * *"),
            "schedule \"? 61 2 ? * *\": minute (field 2 of 6, \"61\"): 61 is outside 0-59; "
            "accepted forms: *, N, N-M, */S, N-M/S, N/S, or a comma-separated list of them "
            "(e.g. 0,15,30-45/5), minute 0-59");
}

TEST(Cron, RefusesBadNamesRangesStepsAndQuestionMarks) {
  EXPECT_THAT(parse_error("0 0 * MON *"),
              ::testing::HasSubstr("month (field 4 of 5, \"MON\"): \"MON\" is not a month (1-12 "
                                   "or JAN-DEC); accepted forms"));
  EXPECT_THAT(parse_error("0 0 * * 5-1"),
              ::testing::HasSubstr("dayOfWeek (field 5 of 5, \"5-1\"): range \"5-1\" goes "
                                   "backwards; write it as two ranges;"));
  EXPECT_THAT(parse_error("*/0 * * * *"),
              ::testing::HasSubstr("minute (field 1 of 5, \"*/0\"): step \"0\" in \"*/0\" is not "
                                   "a number from 1 to 59;"));
  EXPECT_THAT(parse_error("? 0 ? * *"),
              ::testing::HasSubstr("minute (field 1 of 5, \"?\"): \"?\" is only allowed in "
                                   "dayOfMonth and dayOfWeek;"));
  EXPECT_THAT(parse_error("0 0 1,,2 * *"),
              ::testing::HasSubstr("dayOfMonth (field 3 of 5, \"1,,2\"): an empty list item;"));
  EXPECT_THAT(parse_error("0 x * * *"),
              ::testing::HasSubstr("hour (field 2 of 5, \"x\"): \"x\" is not a number;"));
}

TEST(Cron, RefusesADayThatNeverOccursInTheMonths) {
  EXPECT_EQ(parse_error("0 0 30 2 *"),
            "schedule \"0 0 30 2 *\": dayOfMonth \"30\" never occurs in the months \"2\" "
            "(February has 29 days at most, April, June, September and November 30); the "
            "schedule would never run");
  EXPECT_TRUE(parse_cron("0 0 29 FEB *"));
}

TEST(Cron, NextRunEndsItsSearchWithAnErrorForAScheduleThatNeverRuns) {
  CronSchedule never = *parse_cron("0 0 1 1 *");
  never.text = "0 0 30 2 *";
  never.days.reset();
  never.days.set(30);
  never.months.reset();
  never.months.set(2);
  auto next = next_run(never, *date::locate_zone("UTC"), at("2026-01-01T00:00:00Z"));
  ASSERT_FALSE(next);
  EXPECT_EQ(next.error().message,
            "schedule \"0 0 30 2 *\" never runs in the 9 years after 2026-01-01T00:00:00Z; check "
            "its dayOfMonth and month");
}

TEST(Cron, LeapDayRunsInTheNextLeapYear) {
  EXPECT_THAT(runs("0 0 29 2 *", "UTC", "2026-01-01T00:00:00Z", 1),
              ElementsAre("2028-02-29T00:00:00Z"));
}

TEST(Cron, RefusesAnUnknownZone) {
  auto zone = find_zone("Mars/Olympus");
  ASSERT_FALSE(zone);
  EXPECT_EQ(zone.error().message,
            "time zone \"Mars/Olympus\" is not an IANA time zone name of this system's tzdata; "
            "write one such as \"UTC\", \"Europe/Berlin\" or \"America/New_York\"");
}

// New York, 2026-03-08: 02:00 EST becomes 03:00 EDT (07:00Z); 02:00-02:59 does not exist.
TEST(CronDst, NewYorkSpringATimeInTheGapRunsAtTheTransition) {
  EXPECT_THAT(runs("30 2 * * *", "America/New_York", "2026-03-07T12:00:00Z", 3),
              ElementsAre("2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z"));
}

TEST(CronDst, NewYorkSpringSeveralTimesInTheGapRunOnce) {
  EXPECT_THAT(runs("*/15 * * * *", "America/New_York", "2026-03-08T06:40:00Z", 3),
              ElementsAre("2026-03-08T06:45:00Z", "2026-03-08T07:00:00Z", "2026-03-08T07:15:00Z"));
}

// New York, 2026-11-01: 02:00 EDT becomes 01:00 EST (06:00Z); 01:00-01:59 happens twice.
TEST(CronDst, NewYorkAutumnATwiceHappeningTimeRunsOnceAtItsFirstOccurrence) {
  EXPECT_THAT(runs("30 1 * * *", "America/New_York", "2026-10-31T12:00:00Z", 2),
              ElementsAre("2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"));
  EXPECT_THAT(runs("0 * * * *", "America/New_York", "2026-11-01T04:30:00Z", 3),
              ElementsAre("2026-11-01T05:00:00Z", "2026-11-01T07:00:00Z", "2026-11-01T08:00:00Z"));
}

TEST(CronDst, NewYorkAutumnFromTheSecondOccurrenceDoesNotRunItAgain) {
  // 06:10Z is 01:10 EST, the second 01:10; 01:30 already ran at 05:30Z.
  EXPECT_THAT(runs("30 1 * * *", "America/New_York", "2026-11-01T06:10:00Z", 1),
              ElementsAre("2026-11-02T06:30:00Z"));
}

// Berlin, 2026-03-29: 02:00 CET becomes 03:00 CEST (01:00Z).
TEST(CronDst, BerlinSpringATimeInTheGapRunsAtTheTransition) {
  EXPECT_THAT(runs("? 30 2 ? * *", "Europe/Berlin", "2026-03-28T12:00:00Z", 2),
              ElementsAre("2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"));
}

// Berlin, 2026-10-25: 03:00 CEST becomes 02:00 CET (01:00Z); 02:00-02:59 happens twice.
TEST(CronDst, BerlinAutumnATwiceHappeningTimeRunsOnce) {
  EXPECT_THAT(runs("? 30 2 ? * *", "Europe/Berlin", "2026-10-24T12:00:00Z", 2),
              ElementsAre("2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"));
}

TEST(CronTime, FormatsLocalTimesWithTheirOffset) {
  const auto* zone = date::locate_zone("America/New_York");
  EXPECT_EQ(format_local(date::floor<std::chrono::seconds>(at("2026-03-08T07:00:00Z")), *zone),
            "2026-03-08T03:00:00-04:00");
  EXPECT_EQ(format_local(date::floor<std::chrono::seconds>(at("2026-01-08T07:00:00Z")), *zone),
            "2026-01-08T02:00:00-05:00");
}

TEST(CronTime, ParsesIsoTimesWithZOffsetsOrInTheZone) {
  const auto* zone = date::locate_zone("America/New_York");
  const auto utc = [&](std::string_view text) {
    auto parsed = parse_instant(text, *zone);
    EXPECT_TRUE(parsed) << text;
    return parsed ? date::format("%FT%TZ", date::floor<std::chrono::milliseconds>(*parsed))
                  : std::string();
  };
  EXPECT_EQ(utc("2026-03-08T02:30:00Z"), "2026-03-08T02:30:00.000Z");
  EXPECT_EQ(utc("2026-03-08T02:30:00.250Z"), "2026-03-08T02:30:00.250Z");
  EXPECT_EQ(utc("2026-03-08T02:30:00+01:00"), "2026-03-08T01:30:00.000Z");
  EXPECT_EQ(utc("2026-03-08T02:30"), "2026-03-08T07:00:00.000Z");     // in the gap
  EXPECT_EQ(utc("2026-11-01 01:30:00"), "2026-11-01T05:30:00.000Z");  // first occurrence
  EXPECT_EQ(utc("2026-01-08"), "2026-01-08T05:00:00.000Z");
  auto bad = parse_instant("yesterday", *zone);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message,
            "\"yesterday\" is not an ISO 8601 time; write e.g. 2026-03-08T02:30:00Z, "
            "2026-03-08T02:30:00+01:00 or 2026-03-08T02:30 (in the flow's zone)");
}

}  // namespace
}  // namespace sluice::serve::schedule
