// FUZZ_CHECK: a property every input must keep. A broken one prints what was
// expected and aborts, which libFuzzer (and replay_main.cc) report as a crash
// with the input saved. Active in every build type (not assert()).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

#define FUZZ_CHECK(cond, what)                                                                    \
  do {                                                                                            \
    if (!(cond)) {                                                                                \
      std::fprintf(stderr, "%s:%d: property broken: %s (%s)\n", __FILE__, __LINE__, what, #cond); \
      std::abort();                                                                               \
    }                                                                                             \
  } while (0)

namespace muster::fuzz {

inline std::string_view AsText(const unsigned char* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

}  // namespace muster::fuzz
