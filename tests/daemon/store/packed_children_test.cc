#include "store/packed_children.h"

#include <catch2/catch.hpp>

#include "store/sqlite_db.h"
#include "store/sqlite_statement.h"
#include "support/temp_dir.h"

namespace muster {
namespace {

// Text that JSON must escape, multi-byte UTF-8 and an emoji (4 bytes).
const std::string kTricky =
    "Jo \"JJ\" O'Neil\\back\nline\ttab\x01\x1f caf\xc3\xa9 \xf0\x9f\x9a\x92 end";

Reservist Sample() {
  Reservist r;
  r.channels = {{ChannelKind::kSms, "+447700900123"},
                {ChannelKind::kEmail, "jo@example.org"},
                {ChannelKind::kWebhook, kTricky}};
  r.availability = {{1, 480, 1080}, {5, 1320, 360}, {7, 0, 1440}};
  r.unavailable = {{Date{20000}, Date{20003}, kTricky}, {Date{20100}, Date{20100}, ""}};
  return r;
}

// SQLite's JSON functions read the packed text as the same values: the
// format is real JSON, not merely something our own reader accepts.
std::string SqliteJsonText(const std::string& json, const char* path) {
  testing::TempDir dir;
  auto db = SqliteDb::Open(dir.File("json.db"), SqliteDbOptions());
  REQUIRE(db.ok());
  auto st = (*db)->Prepare("SELECT json_valid(?1), json_extract(?1, ?2)");
  REQUIRE(st.ok());
  SqliteStatement::AutoReset reset(**st);
  (*st)->BindText(1, json);
  (*st)->BindText(2, path);
  auto row = (*st)->Step();
  REQUIRE(row.ok());
  REQUIRE(*row);
  CHECK((*st)->ColumnInt(0) == 1);
  return (*st)->ColumnText(1);
}

}  // namespace

TEST_CASE("packed lists round-trip every field, escapes included", "[store][packed]") {
  const Reservist r = Sample();
  PackedChildren packed;
  PackChildren(r, packed);
  std::vector<ContactChannel> channels;
  std::vector<WeeklyWindow> windows;
  std::vector<Unavailability> unavailable;
  REQUIRE(UnpackChannels(packed.channels, channels).ok());
  REQUIRE(UnpackWindows(packed.windows, windows).ok());
  REQUIRE(UnpackUnavailability(packed.unavailability, unavailable).ok());
  CHECK(channels == r.channels);
  CHECK(windows == r.availability);
  CHECK(unavailable == r.unavailable);
  CHECK(packed.windows == "[[1,480,1080],[5,1320,360],[7,0,1440]]");

  CHECK(SqliteJsonText(packed.channels, "$[2][1]") == kTricky);
  CHECK(SqliteJsonText(packed.unavailability, "$[0][2]") == kTricky);
  CHECK(SqliteJsonText(packed.channels, "$[0][0]") == "1");

  // Empty lists, and the strings' storage is reused (cleared, not appended).
  PackChildren(Reservist(), packed);
  CHECK(packed.channels == "[]");
  CHECK(packed.windows == "[]");
  CHECK(packed.unavailability == "[]");
  REQUIRE(UnpackChannels(packed.channels, channels).ok());
  CHECK(channels.empty());
}

TEST_CASE("unpacking reads what SQLite's JSON functions write", "[store][packed]") {
  // Whitespace, \u escapes (a surrogate pair among them), '\/'.
  std::vector<ContactChannel> channels;
  REQUIRE(
      UnpackChannels(" [ [1 , \"a\\u00e9\\/\\ud83d\\ude92\"] ,[2,\"x@y.z\"] ] ", channels).ok());
  CHECK(channels == std::vector<ContactChannel>{{ChannelKind::kSms, "a\xc3\xa9/\xf0\x9f\x9a\x92"},
                                                {ChannelKind::kEmail, "x@y.z"}});
  std::vector<Unavailability> unavailable;
  REQUIRE(UnpackUnavailability("[[20000,20003,\"a\\nb\\t\\\"c\\\"\"]]", unavailable).ok());
  CHECK(unavailable == std::vector<Unavailability>{{Date{20000}, Date{20003}, "a\nb\t\"c\""}});
}

TEST_CASE("a damaged packed list is an Internal error naming the list", "[store][packed]") {
  std::vector<WeeklyWindow> windows = {{1, 2, 3}};
  for (const char* bad : {"", "[", "[[1,2,3]", "[[1,2,3]]x", "[[1,\"2\",3]]", "{}", "[[1;2;3]]"}) {
    INFO(bad);
    Status st = UnpackWindows(bad, windows);
    CHECK(st.code() == Code::kInternal);
    CHECK_THAT(st.message(), Catch::StartsWith("stored windows are not a packed list"));
    CHECK(windows.empty());
  }
  std::vector<ContactChannel> channels;
  for (const char* bad : {"[[1,\"unterminated]]", "[[1,\"bad \\q escape\"]]", "[[1,\"\\u12\"]]"}) {
    INFO(bad);
    CHECK(UnpackChannels(bad, channels).code() == Code::kInternal);
  }
}

// Found by tests/fuzz/packed_children_fuzz.cc (tests/fuzz/regressions/packed_children/).
TEST_CASE("a stored number too large for its field is a damaged list, not a wrapped value",
          "[store][packed]") {
  std::vector<WeeklyWindow> windows;
  // 4294967297 would wrap to day 1 in an int.
  CHECK(UnpackWindows("[[4294967297,0,1440]]", windows).code() == Code::kInternal);
  CHECK(UnpackWindows("[[1,-4294967296,1440]]", windows).code() == Code::kInternal);
  CHECK(windows.empty());
  std::vector<Unavailability> periods;
  CHECK(UnpackUnavailability("[[2147483648,0,\"\"]]", periods).code() == Code::kInternal);
  std::vector<ContactChannel> channels;
  CHECK(UnpackChannels("[[4294967298,\"x\"]]", channels).code() == Code::kInternal);
  // The largest values that fit still read.
  REQUIRE(UnpackUnavailability("[[2147483647,-2147483648,\"\"]]", periods).ok());
  REQUIRE(periods.size() == 1);
  CHECK(periods[0].from.days == 2147483647);
}

TEST_CASE("a broken surrogate pair in a stored string is a damaged list, not invalid UTF-8",
          "[store][packed]") {
  std::vector<ContactChannel> channels;
  for (const char* bad : {"[[1,\"\\ud800\"]]", "[[1,\"\\ud800\\u0041\"]]",
                          "[[1,\"\\udc00\\ud800\"]]", "[[1,\"\\ude00\"]]"}) {
    INFO(bad);
    CHECK(UnpackChannels(bad, channels).code() == Code::kInternal);
    CHECK(channels.empty());
  }
  REQUIRE(UnpackChannels("[[1,\"\\ud83d\\ude92\"]]", channels).ok());
  REQUIRE(channels.size() == 1);
  CHECK(channels[0].address == "\xF0\x9F\x9A\x92");
}

TEST_CASE("the store's own range checks name the field as the old constraints did",
          "[store][packed]") {
  CHECK(CheckPackedChildren(Sample()).ok());
  struct Case {
    void (*mutate)(Reservist&);
    const char* field;
  };
  const Case cases[] = {
      {[](Reservist& r) { r.channels[1].kind = static_cast<ChannelKind>(4); }, "channels[1].kind"},
      {[](Reservist& r) { r.channels[0].address.clear(); }, "channels[0].address"},
      {[](Reservist& r) { r.channels[2].address = std::string(501, 'a'); }, "channels[2].address"},
      {[](Reservist& r) { r.availability[0].day = 0; }, "availability[0].day"},
      {[](Reservist& r) { r.availability[1].day = 8; }, "availability[1].day"},
      {[](Reservist& r) { r.availability[2].start_min = 1440; }, "availability[2].start"},
      {[](Reservist& r) { r.availability[2].end_min = 1441; }, "availability[2].end"},
      {[](Reservist& r) { r.unavailable[1].until = Date{20099}; }, "unavailable[1].until"},
  };
  for (const Case& c : cases) {
    INFO(c.field);
    Reservist r = Sample();
    c.mutate(r);
    Status st = CheckPackedChildren(r);
    CHECK(st.code() == Code::kInvalidArgument);
    CHECK(st.field() == c.field);
  }
  // Lengths are characters, as SQLite's length() counted them: 500
  // two-byte characters are within the limit.
  Reservist r = Sample();
  r.channels[2].address.clear();
  for (int i = 0; i < 500; ++i) r.channels[2].address += "\xc3\xa9";
  CHECK(CheckPackedChildren(r).ok());
}

}  // namespace muster
