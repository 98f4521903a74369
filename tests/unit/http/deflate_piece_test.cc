#include "http/deflate_piece.h"

#include <gtest/gtest.h>

#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "gunzip.h"

namespace webjobs {
namespace {

std::string JobText(int index) {
  return R"({"name":"job-)" + std::to_string(index) +
         R"(","type":"triggered","url":"http://127.0.0.1:8420/api/triggeredwebjobs/job-)" +
         std::to_string(index) + R"(","run_command":"run.sh","settings":{}})";
}

std::string RandomBytes(size_t size, unsigned seed) {
  std::mt19937 generator(seed);
  std::string bytes(size, '\0');
  for (char& byte : bytes) byte = static_cast<char>(generator());
  return bytes;
}

TEST(DeflatePieceTest, GzipTextRoundTrips) {
  for (const std::string& text : {std::string(), std::string("["), JobText(1),
                                  std::string(100000, 'x'), RandomBytes(300000, 7)}) {
    std::string gzip = GzipText(text, kDefaultCompression);
    EXPECT_EQ(Gunzip(gzip), text) << "text of " << text.size() << " bytes";
  }
}

TEST(DeflatePieceTest, GzipHasHeaderAndTrailer) {
  std::string gzip = GzipText("hello", kFastCompression);
  ASSERT_GE(gzip.size(), 18u);
  EXPECT_EQ(static_cast<unsigned char>(gzip[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(gzip[1]), 0x8b);
  EXPECT_EQ(gzip[2], 8);  // deflate
  // ISIZE, little-endian, in the last four bytes.
  EXPECT_EQ(gzip.substr(gzip.size() - 4), std::string("\x05\0\0\0", 4));
}

TEST(DeflatePieceTest, JoinedPiecesFormOneMember) {
  std::vector<std::string> texts = {"[", JobText(1), ",", JobText(2), ",", JobText(3), "]"};
  std::vector<DeflatePiece> pieces;
  std::string whole;
  std::string previous;
  for (const std::string& text : texts) {
    pieces.push_back(DeflateText(text, previous, kDefaultCompression));
    whole += text;
    previous = text;
  }
  std::vector<const DeflatePiece*> joined;
  for (const DeflatePiece& piece : pieces) joined.push_back(&piece);
  EXPECT_EQ(Gunzip(JoinGzip(joined)), whole);
}

TEST(DeflatePieceTest, PrecedingTextMakesSimilarPiecesSmall) {
  std::string previous = JobText(1);
  std::string text = "," + JobText(2);
  DeflatePiece alone = DeflateText(text, "", kDefaultCompression);
  DeflatePiece after = DeflateText(text, previous, kDefaultCompression);
  EXPECT_LT(after.data.size() * 3, alone.data.size())
      << "alone " << alone.data.size() << " bytes, after its predecessor " << after.data.size();
  DeflatePiece first = DeflateText(previous, "", kDefaultCompression);
  EXPECT_EQ(Gunzip(JoinGzip({&first, &after})), previous + text);
}

TEST(DeflatePieceTest, LongPrecedingTextUsesItsLastWindow) {
  // Only the last 32 KiB of the preceding text can be referred to, and the
  // joined stream must still decode.
  std::string preceding = RandomBytes(100000, 3) + "the tail that repeats";
  std::string text = "the tail that repeats, and more";
  DeflatePiece first = DeflateText(preceding, "", kFastCompression);
  DeflatePiece second = DeflateText(text, preceding, kFastCompression);
  EXPECT_EQ(Gunzip(JoinGzip({&first, &second})), preceding + text);
}

TEST(DeflatePieceTest, EmptyPiecesAndEmptyJoin) {
  DeflatePiece empty = DeflateText("", "", kDefaultCompression);
  DeflatePiece text = DeflateText("abc", "", kDefaultCompression);
  EXPECT_EQ(Gunzip(JoinGzip({&empty, &text, &empty})), "abc");
  EXPECT_EQ(Gunzip(JoinGzip({})), "");
}

TEST(DeflatePieceTest, EveryLevelRoundTrips) {
  std::string text = JobText(1) + JobText(2) + RandomBytes(5000, 1);
  for (int level = 1; level <= 9; ++level) {
    EXPECT_EQ(Gunzip(GzipText(text, level)), text) << "level " << level;
  }
}

TEST(DeflatePieceTest, LevelOutsideRangeThrows) {
  EXPECT_THROW(DeflateText("a", "", 0), std::invalid_argument);
  EXPECT_THROW(DeflateText("a", "", 10), std::invalid_argument);
}

}  // namespace
}  // namespace webjobs
