// test_ranking links muster_ranking and muster_store but not muster_demo, so
// the synthetic roster generator is compiled into the test binary here. If
// CMake later links muster_demo into test_ranking this stays harmless: the
// archive member is never pulled in, as every symbol is already defined.
#include "demo/synthetic_roster.cc"  // NOLINT(bugprone-suspicious-include)
