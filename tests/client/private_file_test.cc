// Files musterctl writes with personal data are 0600 whatever the umask:
// a roster export (through its .part file) and the backup's temporary file.
#include "private_file.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <sstream>

#include "app.h"
#include "client/fake_roster_service.h"
#include "support/temp_dir.h"

namespace muster::client {
namespace {

// Sets the umask for the scope, as a login shell usually has it.
class Umask {
 public:
  explicit Umask(mode_t mask) : old_(::umask(mask)) {}
  ~Umask() { ::umask(old_); }

 private:
  mode_t old_;
};

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

TEST_CASE("a private file replaces a stale one and is 0600 under umask 022", "[client][files]") {
  Umask umask(022);
  muster::testing::TempDir dir;
  std::string path = dir.File("backup.db.partial");
  std::ofstream(path) << "stale";
  REQUIRE(::chmod(path.c_str(), 0644) == 0);
  std::ofstream out;
  REQUIRE(OpenPrivateFile(path, out));
  out << "new";
  out.close();
  CHECK(ModeOf(path) == 0600);
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  CHECK(text == "new");
  CHECK_FALSE(OpenPrivateFile(dir.File("missing/dir/file"), out));
}

TEST_CASE("roster export writes its file 0600 under umask 022", "[client][files]") {
  Umask umask(022);
  muster::testing::TempDir dir;
  std::string path = dir.File("roster.csv");
  std::ofstream(path) << "an older export, readable by all";
  REQUIRE(::chmod(path.c_str(), 0644) == 0);
  testing::FakeServer server;
  std::vector<std::string> args = {"musterctl", "roster", "export", path};
  std::vector<const char*> argv;
  for (const std::string& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  std::istringstream in;
  RunEnvironment env;
  env.out = &out;
  env.err = &err;
  env.in = &in;
  env.channel = server.channel();
  INFO(err.str());
  REQUIRE(RunMusterctl(static_cast<int>(argv.size()), argv.data(), env) == 0);
  CHECK(ModeOf(path) == 0600);
}

}  // namespace
}  // namespace muster::client
