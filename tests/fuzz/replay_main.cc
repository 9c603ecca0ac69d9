// Replays inputs through a libFuzzer target without libFuzzer, so that every
// build (gcc too) runs the seed corpus and the saved crash inputs as a test.
//
//   fuzz_replay_<name> CORPUS_DIR [MORE_DIRS_OR_FILES...]
//
// The first directory must hold at least one file (a replay of nothing would
// pass having checked nothing); later directories may be absent or empty
// (tests/fuzz/regressions/<name>/ exists only once a crash has been found).
// A target reports a broken property by aborting, as under libFuzzer; under
// ASan/UBSan the sanitizers report too. Exit 0 when every input ran.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

namespace fs = std::filesystem;

std::vector<fs::path> FilesIn(const fs::path& where) {
  std::vector<fs::path> files;
  std::error_code ec;
  if (fs::is_regular_file(where, ec)) {
    files.push_back(where);
  } else if (fs::is_directory(where, ec)) {
    for (const auto& entry : fs::recursive_directory_iterator(where)) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

bool Replay(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", file.c_str());
    return false;
  }
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // A copy of exactly `size` bytes in its own allocation, as libFuzzer passes
  // it, so that ASan sees any read past the end.
  std::vector<uint8_t> data(bytes.begin(), bytes.end());
  std::fprintf(stderr, "replay %s (%zu bytes)\n", file.c_str(), data.size());
  static uint8_t empty = 0;
  LLVMFuzzerTestOneInput(data.empty() ? &empty : data.data(), data.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s CORPUS_DIR [DIR_OR_FILE...]\n", argv[0]);
    return 2;
  }
  size_t replayed = 0;
  for (int i = 1; i < argc; ++i) {
    std::vector<fs::path> files = FilesIn(argv[i]);
    if (i == 1 && files.empty()) {
      std::fprintf(stderr, "%s holds no input: nothing would be checked\n", argv[i]);
      return 1;
    }
    for (const auto& file : files) {
      if (!Replay(file)) return 1;
      ++replayed;
    }
  }
  std::fprintf(stderr, "replayed %zu inputs\n", replayed);
  return 0;
}
