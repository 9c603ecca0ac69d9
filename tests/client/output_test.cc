#include "output.h"

#include <catch2/catch.hpp>

#include "connection.h"
#include "progress.h"
#include "roster_view.h"

namespace muster::client {
namespace {

namespace v1 = ::muster::v1;

TEST_CASE("Table aligns columns and trims trailing spaces", "[output]") {
  Table table({{"ID", Align::kRight}, {"NAME"}, {"AREA"}});
  table.AddRow({"7", "Jo Bloggs", "somerset"});
  table.AddRow({"1234", "Siân Llŷr", ""});
  CHECK(table.size() == 2);
  CHECK(table.Render() ==
        "  ID  NAME       AREA\n"
        "   7  Jo Bloggs  somerset\n"
        "1234  Siân Llŷr\n");
}

TEST_CASE("Table cuts long cells and flattens control characters", "[output]") {
  Table table({{"NAME", Align::kLeft, 8}, {"X"}});
  table.AddRow({"Bartholomew Featherstonehaugh", "a\nb"});
  table.AddRow({"Zoë Ñúñez", "tab\there"});
  CHECK(table.Render() ==
        "NAME      X\n"
        "Barthol…  a b\n"
        "Zoë Ñúñ…  tab here\n");
  Table missing({{"A"}, {"B"}});
  missing.AddRow({"only a"});
  CHECK(missing.Render() == "A       B\nonly a\n");
}

TEST_CASE("DisplayWidth and CellText count code points", "[output]") {
  CHECK(DisplayWidth("abc") == 3);
  CHECK(DisplayWidth("Siân") == 4);
  CHECK(DisplayWidth("") == 0);
  CHECK(CellText("abcdef", 4) == "abc…");
  CHECK(CellText("abcd", 4) == "abcd");
  CHECK(CellText("ŷŷŷŷŷ", 3) == "ŷŷ…");
}

TEST_CASE("RenderDetails aligns keys and continues lists", "[output]") {
  std::vector<DetailRow> rows = {{"id", {"7"}}, {"channels", {"sms:+44", "email:a@b"}}, {"x", {}}};
  CHECK(RenderDetails(rows) ==
        "id        7\n"
        "channels  sms:+44\n"
        "          email:a@b\n"
        "x         -\n");
}

TEST_CASE("ToJson uses proto names, prints defaults, one line", "[output]") {
  v1::Reservist r;
  r.set_id(12);
  r.set_name("Jo");
  r.set_status(v1::ACTIVE);
  std::string json = ToJson(r);
  CHECK(json.find('\n') == std::string::npos);
  CHECK(json.find("\"id\":\"12\"") != std::string::npos);
  CHECK(json.find("\"home_area\":\"\"") != std::string::npos);
  CHECK(json.find("\"status\":\"ACTIVE\"") != std::string::npos);
  CHECK(json.find("\"skills\":[]") != std::string::npos);
}

TEST_CASE("GroupThousands and FormatProgressLine", "[output]") {
  CHECK(GroupThousands(0) == "0");
  CHECK(GroupThousands(999) == "999");
  CHECK(GroupThousands(1000) == "1,000");
  CHECK(GroupThousands(1234567) == "1,234,567");
  CHECK(GroupThousands(-1234) == "-1,234");
  CHECK(FormatProgressLine(523000, 52, 100, 2.0) ==
        "[##########..........]  52%  523,000 rows  261,500 rows/s");
  CHECK(FormatProgressLine(10, 0, 0, 0) == "10 rows");
  CHECK(FormatProgressLine(10, 200, 100, 1) == "[####################] 100%  10 rows  10 rows/s");
}

TEST_CASE("ProgressBar draws only when enabled", "[output]") {
  std::ostringstream off;
  {
    ProgressBar bar(off, false, 100);
    bar.Update(5, 50);
  }
  CHECK(off.str().empty());
  std::ostringstream on;
  {
    ProgressBar bar(on, true, 100);
    auto t0 = ProgressBar::Clock::now();
    bar.UpdateAt(5, 50, t0);
    bar.UpdateAt(6, 60, t0 + std::chrono::milliseconds(99));  // within 100 ms: not drawn
    bar.UpdateAt(7, 70, t0 + std::chrono::milliseconds(100));
  }
  CHECK(on.str().starts_with("\r[##########..........]  50%  5 rows"));
  CHECK(on.str().ends_with("\r\x1b[K"));
  // "%  N rows": the row count, not the tail of a rows/s figure.
  CHECK(on.str().find("%  6 rows") == std::string::npos);
  CHECK(on.str().find("%  7 rows") != std::string::npos);
}

v1::Reservist Sample() {
  v1::Reservist r;
  r.set_id(42);
  r.set_external_id("GLO-42");
  r.set_name("Jo Bloggs");
  r.set_home_area("gloucestershire");
  r.set_status(v1::ACTIVE);
  r.set_lat(51.99);
  r.set_lon(-2.16);
  r.set_max_travel_km(40);
  auto* c = r.add_channels();
  c->set_kind(v1::ContactChannel::SMS);
  c->set_address("+447700900123");
  c = r.add_channels();
  c->set_kind(v1::ContactChannel::EMAIL);
  c->set_address("jo@example.org");
  auto* s = r.add_skills();
  s->set_skill("first_aid");
  s->set_level(2);
  s->set_cert_expires("2027-03-31");
  s = r.add_skills();
  s->set_skill("driver_4x4");
  s->set_level(1);
  r.mutable_created_at()->set_seconds(1767225600);
  return r;
}

TEST_CASE("RenderReservistTable", "[output]") {
  google::protobuf::RepeatedPtrField<v1::Reservist> list;
  *list.Add() = Sample();
  v1::Reservist other;
  other.set_id(7);
  other.set_name("Sam");
  other.set_home_area("somerset");
  other.set_status(v1::SUSPENDED);
  *list.Add() = other;
  CHECK(RenderReservistTable(list) ==
        "ID  EXTERNAL ID  NAME       AREA             STATUS     SKILLS                     "
        "CHANNELS\n"
        "42  GLO-42       Jo Bloggs  gloucestershire  active     first_aid:2, driver_4x4:1  "
        "2 sms\n"
        " 7  -            Sam        somerset         suspended  -                          "
        "0\n");
}

TEST_CASE("RenderReservistDetails", "[output]") {
  CHECK(RenderReservistDetails(Sample()) ==
        "id           42\n"
        "external id  GLO-42\n"
        "name         Jo Bloggs\n"
        "status       active\n"
        "area         gloucestershire\n"
        "at           51.99,-2.16\n"
        "postcode     -\n"
        "max travel   40 km\n"
        "channels     sms:+447700900123\n"
        "             email:jo@example.org\n"
        "skills       first_aid:2:2027-03-31\n"
        "             driver_4x4:1\n"
        "available    any time\n"
        "unavailable  -\n"
        "created      2026-01-01T00:00:00Z\n"
        "updated      -\n");
}

TEST_CASE("RenderSkillTable", "[output]") {
  v1::ListSkillsResponse response;
  auto* s = response.add_skills();
  s->set_code("first_aid");
  s->set_name("First aid");
  s->set_min_level(1);
  s->set_max_level(3);
  response.add_holders(1234);
  CHECK(RenderSkillTable(response) ==
        "CODE       NAME       LEVELS  HOLDERS\n"
        "first_aid  First aid  1-3        1234\n");
}

TEST_CASE("RenderImportSummary", "[output]") {
  v1::ImportSummary summary;
  summary.set_received(1000);
  summary.set_created(990);
  summary.set_rejected(12);
  summary.set_committed(true);
  auto* e = summary.add_errors();
  e->set_line(17);
  e->set_field("lat");
  e->set_message("\"abc\" is not a number");
  e = summary.add_errors();
  e->set_line(20);
  e->set_message("expected 12 fields (as in the header), found 3");
  CHECK(RenderImportSummary(summary, false) ==
        "errors:\n"
        "line 17: lat: \"abc\" is not a number\n"
        "line 20: expected 12 fields (as in the header), found 3\n"
        "... and 10 more not listed\n"
        "received   1000\n"
        "created    990\n"
        "updated    0\n"
        "rejected   12\n"
        "committed  yes\n");
  summary.clear_errors();
  summary.set_rejected(0);
  CHECK(RenderImportSummary(summary, false) ==
        "received   1000\ncreated    990\nupdated    0\nrejected   0\ncommitted  yes\n");
  summary.set_committed(false);
  CHECK(RenderImportSummary(summary, true).find("committed  no (dry run)\n") != std::string::npos);
  CHECK(RenderImportSummary(summary, false).find("committed  no (rows were rejected)\n") !=
        std::string::npos);
}

TEST_CASE("gRPC errors map to exit codes and messages", "[output]") {
  using grpc::StatusCode;
  CHECK(ExitCodeFor(StatusCode::OK) == kExitOk);
  CHECK(ExitCodeFor(StatusCode::INVALID_ARGUMENT) == kExitFailed);
  CHECK(ExitCodeFor(StatusCode::NOT_FOUND) == kExitFailed);
  CHECK(ExitCodeFor(StatusCode::INTERNAL) == kExitFailed);
  CHECK(ExitCodeFor(StatusCode::UNAVAILABLE) == kExitUnavailable);
  CHECK(ExitCodeFor(StatusCode::DEADLINE_EXCEEDED) == kExitUnavailable);
  CHECK(ExitCodeFor(StatusCode::UNAUTHENTICATED) == kExitDenied);
  CHECK(ExitCodeFor(StatusCode::PERMISSION_DENIED) == kExitDenied);
  CHECK(StatusCodeName(StatusCode::FAILED_PRECONDITION) == "FAILED_PRECONDITION");
  CHECK(StatusCodeName(StatusCode::UNAUTHENTICATED) == "UNAUTHENTICATED");
  CHECK(DescribeRpcError(grpc::Status(StatusCode::NOT_FOUND, "reservist 9 not found"), "h:1") ==
        "NOT_FOUND: reservist 9 not found");
  CHECK(DescribeRpcError(grpc::Status(StatusCode::UNAVAILABLE, "connection refused"), "h:1") ==
        "UNAVAILABLE: connection refused (is musterd running at h:1?)");
  CHECK(DescribeRpcError(grpc::Status(StatusCode::INTERNAL, ""), "h:1") ==
        "INTERNAL: (no message from the server)");
}

}  // namespace
}  // namespace muster::client
