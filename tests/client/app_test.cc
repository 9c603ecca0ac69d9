// musterctl end to end against an in-process fake RosterService (no sockets).
#include "app.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "client/fake_roster_service.h"
#include "roster_csv.h"

namespace muster::client {
namespace {

namespace fs = std::filesystem;
using testing::FakeServer;

struct Run {
  int code = -1;
  std::string out, err;
};

Run Musterctl(FakeServer* server, std::vector<std::string> args, const std::string& input = "",
              bool stdin_tty = false) {
  std::vector<const char*> argv = {"musterctl"};
  for (const std::string& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  std::istringstream in(input);
  RunEnvironment env;
  env.out = &out;
  env.err = &err;
  env.in = &in;
  env.stdin_is_terminal = stdin_tty;
  if (server != nullptr) env.channel = server->channel();
  Run run;
  run.code = RunMusterctl(static_cast<int>(argv.size()), argv.data(), env);
  run.out = out.str();
  run.err = err.str();
  return run;
}

// A file in the temp directory, removed at the end of the test.
class TempFile {
 public:
  explicit TempFile(const std::string& name)
      : path_(fs::temp_directory_path() /
              ("musterctl_test_" + std::to_string(getpid()) + "_" + name)) {}
  ~TempFile() {
    fs::remove(path_);
    fs::remove(path_.string() + ".part");
  }
  std::string path() const { return path_.string(); }
  void Write(const std::string& text) const { std::ofstream(path_, std::ios::binary) << text; }
  std::string Read() const {
    std::ifstream in(path_, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
  }

 private:
  fs::path path_;
};

const std::vector<std::string> kAddJo = {"reservist",     "add",
                                         "--name",        "Jo Bloggs",
                                         "--area",        "gloucestershire",
                                         "--at",          "51.99,-2.16",
                                         "--external-id", "GLO-1",
                                         "--channel",     "sms:+447700900123",
                                         "--channel",     "email:jo@example.org",
                                         "--skill",       "first_aid:2:2027-03-31:St John",
                                         "--available",   "mon 08:00-18:00",
                                         "--max-travel",  "40"};

std::string Csv(int rows, int first = 0) {
  std::string csv =
      "external_id,name,home_area,status,lat,lon,postcode,max_travel_km,channels,skills,"
      "availability,unavailable\n";
  for (int i = first; i < first + rows; ++i) {
    csv += "EXT-" + std::to_string(i) + ",\"Person " + std::to_string(i) +
           ", Jr\",somerset,active,51." + std::to_string(i) + ",-2.5,,25,sms:+447700900" +
           std::to_string(i) + ",first_aid:1,,\n";
  }
  return csv;
}

TEST_CASE("musterctl usage and help", "[app]") {
  Run help = Musterctl(nullptr, {"--help"});
  CHECK(help.code == 0);
  CHECK(help.out.find("Exit codes:") != std::string::npos);
  Run sub_help = Musterctl(nullptr, {"reservist", "update", "--help"});
  CHECK(sub_help.code == 0);
  CHECK(sub_help.out.find("--clear-skills") != std::string::npos);
  Run nothing = Musterctl(nullptr, {});
  CHECK(nothing.code == 2);
  Run group = Musterctl(nullptr, {"roster"});
  CHECK(group.code == 2);
  CHECK(group.err.find("import") != std::string::npos);
  Run bad = Musterctl(nullptr, {"reservist", "list", "--bogus"});
  CHECK(bad.code == 2);
  CHECK(bad.err.starts_with("error: "));
  Run bad_output = Musterctl(nullptr, {"--output", "xml", "skill", "list"});
  CHECK(bad_output.code == 2);
  Run bad_ref = Musterctl(nullptr, {"reservist", "get", "jo"});
  CHECK(bad_ref.code == 2);
  CHECK(bad_ref.err ==
        "error: \"jo\" is not a reservist reference (expected a numeric id or ext:EXTERNAL_ID)\n");
}

TEST_CASE("musterctl reservist add, get, update", "[app]") {
  FakeServer server;
  Run add = Musterctl(&server, kAddJo);
  REQUIRE(add.code == 0);
  CHECK(add.out.starts_with("created reservist 1 (Jo Bloggs)\nid           1\n"));
  CHECK(add.err.empty());

  Run again = Musterctl(&server, kAddJo);
  CHECK(again.code == 1);
  CHECK(again.err.find("already has external id \"GLO-1\"") != std::string::npos);

  Run get = Musterctl(&server, {"reservist", "get", "ext:GLO-1"});
  CHECK(get.code == 0);
  CHECK(get.out.find("skills       first_aid:2:2027-03-31:St John\n") != std::string::npos);
  CHECK(get.out.find("channels     sms:+447700900123\n             email:jo@example.org\n") !=
        std::string::npos);

  Run update = Musterctl(&server, {"reservist", "update", "1", "--skill", "driver_4x4:2",
                                   "--postcode", "GL20 5AA", "--output", "json"});
  REQUIRE(update.code == 0);
  auto json = nlohmann::json::parse(update.out);
  CHECK(json["created"] == false);
  CHECK(json["reservist"]["postcode"] == "GL20 5AA");
  CHECK(json["reservist"]["skills"].size() == 2);
  CHECK(json["reservist"]["name"] == "Jo Bloggs");

  Run none = Musterctl(&server, {"reservist", "update", "1"});
  CHECK(none.code == 2);
  Run missing = Musterctl(&server, {"reservist", "get", "99"});
  CHECK(missing.code == 1);
  CHECK(missing.err == "error: NOT_FOUND: no such reservist\n");
}

TEST_CASE("musterctl reports flag and server errors", "[app]") {
  FakeServer server;
  std::vector<std::string> args = kAddJo;
  args.push_back("--skill");
  args.push_back("first_aid:high");
  Run bad_flag = Musterctl(&server, args);
  CHECK(bad_flag.code == 2);
  CHECK(bad_flag.err ==
        "error: --skill: \"first_aid:high\": level: \"high\" is not a whole number\n");
  args.back() = "juggling:1";
  Run rejected = Musterctl(&server, args);
  CHECK(rejected.code == 1);
  CHECK(rejected.err ==
        "error: INVALID_ARGUMENT: reservist.skills[1].skill: unknown skill \"juggling\"\n");
  Run missing_required = Musterctl(&server, {"reservist", "add", "--name", "X"});
  CHECK(missing_required.code == 2);
}

TEST_CASE("musterctl suspend, reactivate, delete", "[app]") {
  FakeServer server;
  REQUIRE(Musterctl(&server, kAddJo).code == 0);
  Run suspend = Musterctl(&server, {"reservist", "suspend", "ext:GLO-1", "--reason", "on leave"});
  CHECK(suspend.code == 0);
  CHECK(suspend.out == "reservist 1 (Jo Bloggs) is now suspended\n");
  Run reactivate = Musterctl(&server, {"--output", "json", "reservist", "reactivate", "1"});
  CHECK(reactivate.code == 0);
  CHECK(nlohmann::json::parse(reactivate.out)["status"] == "ACTIVE");

  Run no_yes = Musterctl(&server, {"reservist", "delete", "1"});
  CHECK(no_yes.code == 2);
  CHECK(no_yes.err == "error: not deleting without --yes (stdin is not a terminal)\n");
  Run declined = Musterctl(&server, {"reservist", "delete", "1"}, "n\n", /*stdin_tty=*/true);
  CHECK(declined.code == 1);
  CHECK(
      declined.err.starts_with("delete reservist 1 (Jo Bloggs) and everything stored about "
                               "them? [y/N] error: not deleted"));
  CHECK(server.service().size() == 1);
  Run confirmed = Musterctl(&server, {"reservist", "delete", "1"}, "y\n", /*stdin_tty=*/true);
  CHECK(confirmed.code == 0);
  CHECK(confirmed.out == "deleted reservist 1 (Jo Bloggs)\n");
  CHECK(server.service().size() == 0);
  REQUIRE(Musterctl(&server, kAddJo).code == 0);
  CHECK(Musterctl(&server, {"reservist", "delete", "--yes", "ext:GLO-1"}).code == 0);
  CHECK(Musterctl(&server, {"reservist", "delete", "-y", "ext:GLO-1"}).code == 1);
}

TEST_CASE("musterctl skill list and add", "[app]") {
  FakeServer server;
  Run add = Musterctl(&server, {"skill", "add", "boat", "--name", "Boat crew", "--max-level", "3"});
  CHECK(add.code == 0);
  CHECK(add.out == "saved skill boat (Boat crew, levels 1-3)\n");
  Run list = Musterctl(&server, {"skill", "list"});
  CHECK(list.code == 0);
  CHECK(
      list.out.starts_with("CODE          NAME          LEVELS  HOLDERS\n"
                           "boat          Boat crew     1-3           0\n"));
  Run json = Musterctl(&server, {"skill", "list", "--output", "json"});
  CHECK(nlohmann::json::parse(json.out)["skills"].size() == 4);
  CHECK(Musterctl(&server, {"skill", "add", "x", "--name", "X", "--min-level", "0"}).code == 2);
}

TEST_CASE("musterctl roster import reports rows and errors", "[app]") {
  FakeServer server;
  TempFile file("import.csv");
  std::string csv = Csv(3);
  csv += "BAD-1,Bad,somerset,active,north,-2,,,sms:+44,,,\n";         // line 5: client-side
  csv += "BAD-2,Bad,somerset,active,51,-2,,,sms:+44,juggling:1,,\n";  // line 6: server-side
  file.Write(csv);
  Run run = Musterctl(&server, {"roster", "import", file.path()});
  CHECK(run.code == 1);
  CHECK(run.out ==
        "errors:\n"
        "line 5: lat: \"north\" is not a number\n"
        "line 6: reservist.skills[0].skill: unknown skill \"juggling\"\n"
        "received   5\n"
        "created    3\n"
        "updated    0\n"
        "rejected   2\n"
        "committed  yes\n");
  CHECK(server.service().size() == 3);

  file.Write(Csv(2, 3));
  Run dry = Musterctl(&server, {"roster", "import", "--dry-run", file.path()});
  CHECK(dry.code == 0);
  CHECK(dry.out.find("committed  no (dry run)") != std::string::npos);
  CHECK(server.service().size() == 3);

  file.Write(Csv(2, 2));  // EXT-2 exists: updated; EXT-3 created
  Run json = Musterctl(&server, {"roster", "import", file.path(), "--atomic", "--output", "json"});
  CHECK(json.code == 0);
  auto summary = nlohmann::json::parse(json.out);
  CHECK(summary["created"] == "1");
  CHECK(summary["updated"] == "1");
  CHECK(summary["committed"] == true);
}

TEST_CASE("musterctl roster import checks the header before sending", "[app]") {
  FakeServer server;
  TempFile file("header.csv");
  file.Write("name,home_area,lat,lon,phone\n");
  Run run = Musterctl(&server, {"roster", "import", file.path()});
  CHECK(run.code == 1);
  CHECK(run.err == "error: " + file.path() +
                       ": line 1: unknown column(s) \"phone\"; missing required column(s) "
                       "\"channels\" (see docs/roster-csv.md)\n");
  CHECK(server.service().import_calls == 0);
  Run no_file = Musterctl(&server, {"roster", "import", "/nonexistent/x.csv"});
  CHECK(no_file.code == 1);
  CHECK(no_file.err.starts_with("error: cannot open /nonexistent/x.csv: "));
}

TEST_CASE("musterctl roster import of a header-only file or a broken quote", "[app]") {
  FakeServer server;
  Run empty = Musterctl(&server, {"roster", "import", "-"}, Csv(0));
  CHECK(empty.code == 0);
  CHECK(empty.out.starts_with("received   0\n"));
  // Without another quote further on, the stray one swallows the rest.
  Run broken = Musterctl(&server, {"roster", "import", "-"},
                         Csv(2) + "\"EXT-9,oops\nEXT-5,Five,somerset,,51,-2,,,sms:+44,,,\n");
  CHECK(broken.code == 1);
  CHECK(broken.out.starts_with(
      "errors:\nline 4: quoted field has no closing quote; the rest of the input was not read\n"
      "received   3\ncreated    2\n"));
}

TEST_CASE("musterctl roster import streams in chunks, also from stdin", "[app]") {
  FakeServer server;
  Run run = Musterctl(&server, {"roster", "import", "-", "--chunk-rows", "100"}, Csv(1050));
  CHECK(run.code == 0);
  CHECK(run.out.starts_with("received   1050\ncreated    1050\n"));
  CHECK(server.service().chunks_received == 11);
}

TEST_CASE("musterctl roster export round-trips through import", "[app]") {
  FakeServer first;
  REQUIRE(Musterctl(&first, kAddJo).code == 0);
  REQUIRE(Musterctl(&first, {"roster", "import", "-"}, Csv(300)).code == 0);
  REQUIRE(Musterctl(&first, {"reservist", "suspend", "ext:EXT-7"}).code == 0);
  Run exported = Musterctl(&first, {"roster", "export", "--no-id"});
  REQUIRE(exported.code == 0);
  CHECK(exported.out.starts_with(RosterCsvHeader({.include_id = false})));

  FakeServer second;
  Run imported = Musterctl(&second, {"roster", "import", "-"}, exported.out);
  REQUIRE(imported.code == 0);
  Run again = Musterctl(&second, {"roster", "export", "--no-id"});
  CHECK(again.out == exported.out);

  // With ids, and to a file.
  TempFile file("export.csv");
  Run to_file = Musterctl(&second, {"roster", "export", file.path(), "--status", "suspended"});
  CHECK(to_file.code == 0);
  CHECK(to_file.out == "exported 1 reservists to " + file.path() + "\n");
  CHECK(file.Read().starts_with(RosterCsvHeader()));
  CHECK(file.Read().find(",EXT-7,") != std::string::npos);

  Run lines = Musterctl(&second, {"roster", "export", "--output", "json", "--area", "somerset"});
  CHECK(std::count(lines.out.begin(), lines.out.end(), '\n') == 300);
  CHECK(nlohmann::json::parse(lines.out.substr(0, lines.out.find('\n')))["home_area"] ==
        "somerset");
}

TEST_CASE("musterctl reservist list pages", "[app]") {
  FakeServer server;
  REQUIRE(Musterctl(&server, {"roster", "import", "-"}, Csv(1250)).code == 0);
  Run some = Musterctl(&server, {"reservist", "list", "--limit", "3"});
  CHECK(some.code == 0);
  CHECK(some.out ==
        "ID  EXTERNAL ID  NAME          AREA      STATUS  SKILLS       CHANNELS\n"
        " 1  EXT-0        Person 0, Jr  somerset  active  first_aid:1  1 sms\n"
        " 2  EXT-1        Person 1, Jr  somerset  active  first_aid:1  1 sms\n"
        " 3  EXT-2        Person 2, Jr  somerset  active  first_aid:1  1 sms\n"
        "(showing 3 of 1250; more with --all, --limit N or --page-token 3)\n");
  Run all = Musterctl(&server, {"reservist", "list", "--all", "--output", "json"});
  auto json = nlohmann::json::parse(all.out);
  CHECK(json["reservists"].size() == 1250);
  CHECK(json["total"] == "1250");
  CHECK(json["next_page_token"] == "");
  Run next = Musterctl(&server, {"reservist", "list", "--page-token", "1248"});
  CHECK(next.out.find("EXT-1249") != std::string::npos);
  Run none = Musterctl(&server, {"reservist", "list", "--area", "cumbria"});
  CHECK(none.out == "no reservists match\n");
}

TEST_CASE("musterctl without a server exits 3", "[app]") {
  Run run = Musterctl(nullptr, {"--server", "unix:/nonexistent/muster.sock", "--timeout", "2",
                                "reservist", "get", "1"});
  CHECK(run.code == 3);
  CHECK(run.err.starts_with("error: UNAVAILABLE: "));
  CHECK(run.err.ends_with("(is musterd running at unix:/nonexistent/muster.sock?)\n"));
  TempFile file("never.csv");
  Run exported = Musterctl(
      nullptr, {"--server", "unix:/nonexistent/muster.sock", "roster", "export", file.path()});
  CHECK(exported.code == 3);
  CHECK_FALSE(fs::exists(file.path()));
  CHECK_FALSE(fs::exists(file.path() + ".part"));
}

TEST_CASE("musterctl roster import gives up on a stalled server", "[app]") {
  FakeServer server;
  server.service().stall_import = true;
  Run run = Musterctl(&server, {"--timeout", "0.3", "roster", "import", "-"}, Csv(10));
  CHECK(run.code == 3);
  CHECK(run.err.starts_with("error: DEADLINE_EXCEEDED: the import made no progress for"));
}

}  // namespace
}  // namespace muster::client
