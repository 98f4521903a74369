#include "process/line_framer.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace webjobs {
namespace {

using Lines = std::vector<std::string>;

// Feeds `chunks` in order, then finishes, and returns every line.
Lines Frame(const std::vector<std::string_view>& chunks,
            size_t max_line_bytes = LineFramer::kDefaultMaxLineBytes) {
  LineFramer framer(max_line_bytes);
  Lines lines;
  LineFramer::LineSink sink = [&lines](std::string_view line) { lines.emplace_back(line); };
  for (std::string_view chunk : chunks) framer.Feed(chunk, sink);
  framer.Finish(sink);
  return lines;
}

TEST(LineFramerTest, LfEndsLine) { EXPECT_EQ(Frame({"a\nbc\n"}), (Lines{"a", "bc"})); }

TEST(LineFramerTest, LoneCrEndsLine) { EXPECT_EQ(Frame({"a\rbc\r"}), (Lines{"a", "bc"})); }

TEST(LineFramerTest, CrLfIsOneLineEnd) { EXPECT_EQ(Frame({"a\r\nbc\r\n"}), (Lines{"a", "bc"})); }

TEST(LineFramerTest, SplitCrLfIsOneLineEnd) {
  EXPECT_EQ(Frame({"a\r", "\nb\r", "\n"}), (Lines{"a", "b"}));
}

TEST(LineFramerTest, CrLfAroundEmptyFeedIsOneLineEnd) {
  EXPECT_EQ(Frame({"a\r", "", "\nb\n"}), (Lines{"a", "b"}));
}

TEST(LineFramerTest, TwoCrsEndTwoLines) { EXPECT_EQ(Frame({"a\r\rb\n"}), (Lines{"a", "", "b"})); }

TEST(LineFramerTest, LfThenCrEndTwoLines) { EXPECT_EQ(Frame({"a\n\rb\n"}), (Lines{"a", "", "b"})); }

TEST(LineFramerTest, CrAfterSplitCrLfStartsEmptyLine) {
  EXPECT_EQ(Frame({"a\r", "\r\nb\n"}), (Lines{"a", "", "b"}));
}

TEST(LineFramerTest, EmptyLinesAreKept) { EXPECT_EQ(Frame({"\n\n"}), (Lines{"", ""})); }

TEST(LineFramerTest, LineSpanningFeedsIsJoined) {
  EXPECT_EQ(Frame({"hel", "lo\nwor", "ld\n"}), (Lines{"hello", "world"}));
}

TEST(LineFramerTest, Utf8SequenceSplitAcrossFeedsStaysIntact) {
  // "é" is C3 A9 and "€" is E2 82 AC.
  EXPECT_EQ(Frame({"caf\xC3", "\xA9 \xE2\x82", "\xAC\n"}), (Lines{"caf\xC3\xA9 \xE2\x82\xAC"}));
}

TEST(LineFramerTest, InvalidUtf8PassesThroughUnchanged) {
  EXPECT_EQ(Frame({"\xFF\xFE\x80ok\n"}), (Lines{"\xFF\xFE\x80ok"}));
}

TEST(LineFramerTest, FinishEmitsUnterminatedLine) {
  EXPECT_EQ(Frame({"first\nla", "st"}), (Lines{"first", "last"}));
}

TEST(LineFramerTest, FinishAfterTerminatorEmitsNothing) {
  EXPECT_EQ(Frame({"a\n"}), (Lines{"a"}));
  EXPECT_EQ(Frame({"a\r"}), (Lines{"a"}));
  EXPECT_EQ(Frame({}), (Lines{}));
}

TEST(LineFramerTest, FinishResetsForNextStream) {
  LineFramer framer(16);
  Lines lines;
  LineFramer::LineSink sink = [&lines](std::string_view line) { lines.emplace_back(line); };
  framer.Feed("one\r", sink);
  framer.Finish(sink);
  framer.Feed("\ntwo\n", sink);  // a new stream: this LF is a line end of its own
  EXPECT_EQ(lines, (Lines{"one", "", "two"}));
}

TEST(LineFramerTest, LineOfExactlyLimitIsWhole) {
  EXPECT_EQ(Frame({"12345678\n"}, 8), (Lines{"12345678"}));
  EXPECT_EQ(Frame({"1234", "5678", "\n"}, 8), (Lines{"12345678"}));
}

TEST(LineFramerTest, SplitsLineLongerThanLimit) {
  EXPECT_EQ(Frame({"123456789abcdefghij\n"}, 8), (Lines{"12345678", "9abcdefg", "hij"}));
}

TEST(LineFramerTest, SplitsLongLineFedByteByByte) {
  std::string input = "123456789abcdefghij\n";
  std::vector<std::string_view> chunks;
  for (size_t i = 0; i < input.size(); ++i) chunks.push_back(std::string_view(input).substr(i, 1));
  EXPECT_EQ(Frame(chunks, 8), (Lines{"12345678", "9abcdefg", "hij"}));
}

TEST(LineFramerTest, LongLineWithoutTerminatorSplitAndFinished) {
  EXPECT_EQ(Frame({"123456789abcdefgh"}, 8), (Lines{"12345678", "9abcdefg", "h"}));
}

TEST(LineFramerTest, DefaultLimitIs64KiB) {
  std::string line(64 * 1024 + 10, 'x');
  Lines lines = Frame({line + "\n"});
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].size(), 65536u);
  EXPECT_EQ(lines[1].size(), 10u);
}

TEST(LineFramerTest, CutNeverSplitsThreeByteSequence) {
  // "€" (E2 82 AC) occupies bytes 7..9 and would straddle the limit of 8.
  EXPECT_EQ(Frame({"1234567\xE2\x82\xAC"
                   "ab\n"},
                  8),
            (Lines{"1234567",
                   "\xE2\x82\xAC"
                   "ab"}));
}

TEST(LineFramerTest, CutNeverSplitsFourByteSequence) {
  // U+1F600 (F0 9F 98 80) at bytes 5..8: the limit falls after its third byte.
  EXPECT_EQ(Frame({"12345\xF0\x9F\x98\x80"
                   "z\n"},
                  8),
            (Lines{"12345",
                   "\xF0\x9F\x98\x80"
                   "z"}));
}

TEST(LineFramerTest, CutKeepsSequenceEndingAtLimit) {
  EXPECT_EQ(Frame({"12345\xE2\x82\xAC"
                   "9\n"},
                  8),
            (Lines{"12345\xE2\x82\xAC", "9"}));
}

TEST(LineFramerTest, CutNeverSplitsSequenceAcrossFeeds) {
  EXPECT_EQ(Frame({"1234567\xE2", "\x82",
                   "\xAC"
                   "ab\n"},
                  8),
            (Lines{"1234567",
                   "\xE2\x82\xAC"
                   "ab"}));
}

TEST(LineFramerTest, InvalidUtf8IsCutAtLimit) {
  EXPECT_EQ(Frame({"1234567\x80\x80\x80\x80\n"}, 8), (Lines{"1234567\x80", "\x80\x80\x80"}));
  EXPECT_EQ(Frame({"\x80\x80\x80\x80\x80\x80\x80\x80\x80\n"}, 8),
            (Lines{std::string(8, '\x80'), "\x80"}));
}

TEST(LineFramerTest, LimitBelowMinimumIsRaised) {
  EXPECT_EQ(LineFramer(0).max_line_bytes(), LineFramer::kMinMaxLineBytes);
  EXPECT_EQ(Frame({"\xF0\x9F\x98\x80\xF0\x9F\x98\x80\n"}, 1),
            (Lines{"\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80"}));
}

TEST(LineFramerTest, MemoryStaysBoundedWithoutTerminator) {
  LineFramer framer(1024);
  size_t pieces = 0;
  size_t longest = 0;
  LineFramer::LineSink sink = [&](std::string_view line) {
    ++pieces;
    longest = std::max(longest, line.size());
  };
  std::string chunk(1 << 20, 'y');
  for (int i = 0; i < 10; ++i) {
    framer.Feed(chunk, sink);
    EXPECT_LE(framer.buffered_bytes(), 1024u);
  }
  EXPECT_EQ(pieces, (10u << 20) / 1024 - 1);  // the last piece is still buffered
  EXPECT_EQ(longest, 1024u);
}

// A byte-at-a-time framer written from the rules, for comparison.
size_t ReferenceUtf8Length(unsigned char lead) {
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 1;
}

size_t ReferenceCut(const std::string& line, size_t limit) {
  // Walk the sequences of line[0..limit] from the start; cut before the
  // one that contains the byte at `limit`.
  size_t i = 0;
  while (i < limit) {
    size_t length = ReferenceUtf8Length(static_cast<unsigned char>(line[i]));
    size_t end = i + 1;
    while (end < i + length && end <= limit &&
           (static_cast<unsigned char>(line[end]) & 0xC0) == 0x80) {
      ++end;
    }
    if (end > limit) return i;
    i = end;
  }
  return limit;
}

Lines ReferenceFrame(std::string_view input, size_t limit) {
  Lines lines;
  std::string line;
  bool after_cr = false;
  auto end_line = [&]() {
    while (line.size() > limit) {
      size_t cut = ReferenceCut(line, limit);
      lines.push_back(line.substr(0, cut));
      line.erase(0, cut);
    }
    lines.push_back(line);
    line.clear();
  };
  for (char c : input) {
    bool skip = after_cr && c == '\n';
    after_cr = false;
    if (skip) continue;
    if (c == '\n' || c == '\r') {
      end_line();
      after_cr = c == '\r';
    } else {
      line += c;
    }
  }
  if (!line.empty()) end_line();
  return lines;
}

TEST(LineFramerTest, RandomChunkingsMatchReference) {
  const std::vector<std::string> alphabet = {
      "a",        "b",        "\n",           "\r",
      "\r\n",     "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80",
      "\x80",     "\xFF",     "\xE2",         "\xF0\x9F",
      "xyzxyzxyz"};
  std::mt19937 random(20261204);
  for (int round = 0; round < 2000; ++round) {
    std::string input;
    int tokens = std::uniform_int_distribution<int>(0, 60)(random);
    for (int i = 0; i < tokens; ++i) {
      input += alphabet[std::uniform_int_distribution<size_t>(0, alphabet.size() - 1)(random)];
    }
    size_t limit = std::uniform_int_distribution<size_t>(4, 24)(random);

    std::vector<std::string_view> chunks;
    size_t pos = 0;
    while (pos < input.size()) {
      size_t size = std::uniform_int_distribution<size_t>(0, 12)(random);
      chunks.push_back(std::string_view(input).substr(pos, size));
      pos += size;
    }
    ASSERT_EQ(Frame(chunks, limit), ReferenceFrame(input, limit))
        << "round " << round << ", limit " << limit;
  }
}

}  // namespace
}  // namespace webjobs
