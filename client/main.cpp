// musterctl: the command-line client of musterd. All logic is in the
// muster_client library (app.h); this only hands over the command line.
#include "app.h"

int main(int argc, char** argv) {
  return muster::client::RunMusterctl(argc, argv);
}
