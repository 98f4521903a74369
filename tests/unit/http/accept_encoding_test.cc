#include "http/accept_encoding.h"

#include <gtest/gtest.h>

#include <string>

namespace webjobs {
namespace {

struct Case {
  std::string header;
  bool gzip;
};

class AcceptsGzipTest : public testing::TestWithParam<Case> {};

TEST_P(AcceptsGzipTest, ReadsHeader) {
  EXPECT_EQ(AcceptsGzip(GetParam().header), GetParam().gzip) << "header: " << GetParam().header;
}

INSTANTIATE_TEST_SUITE_P(
    Headers, AcceptsGzipTest,
    testing::Values(
        // What browsers, curl --compressed and HTTP libraries send.
        Case{"gzip", true}, Case{"gzip, deflate, br", true}, Case{"gzip, deflate, br, zstd", true},
        Case{"deflate, gzip;q=1.0, *;q=0.5", true}, Case{"x-gzip", true}, Case{"GZIP", true},
        Case{" gzip ; q=0.8 ", true}, Case{"gzip;Q=1", true}, Case{"gzip;q=0.001", true},
        Case{"br;q=1, gzip;q=0.5", true},
        // No gzip.
        Case{"", false}, Case{"identity", false}, Case{"deflate, br", false}, Case{"gzipx", false},
        Case{"x-gzip2", false}, Case{"gz", false},
        // Rejected with q=0, also when "*" allows the rest.
        Case{"gzip;q=0", false}, Case{"gzip;q=0.000", false}, Case{"*, gzip;q=0", false},
        Case{"gzip;q=0, *", false}, Case{"gzip, gzip;q=0", false},
        // The wildcard.
        Case{"*", true}, Case{"*;q=0.1", true}, Case{"*;q=0", false}, Case{"identity, *", true},
        // Malformed q-values make the member count as absent.
        Case{"gzip;q=2", false}, Case{"gzip;q=1.5", false}, Case{"gzip;q=0.1234", false},
        Case{"gzip;q=", false}, Case{"gzip;q=abc", false}, Case{"gzip;q", false},
        Case{"gzip;q=-1", false}, Case{"gzip;q=.5", false}, Case{"gzip;q=1.", true},
        Case{"gzip;q=0.", false}, Case{"gzip;q=abc, *", true},
        // Other parameters are ignored, empty members skipped.
        Case{"gzip;level=9", true}, Case{",,gzip,,", true}, Case{"gzip;;q=1", true},
        Case{";q=1", false}, Case{", ;", false}));

}  // namespace
}  // namespace webjobs
