#include "package/argument_splitter.h"

namespace webjobs {
namespace {

Error ArgumentError(std::string_view problem, size_t offset) {
  return InvalidArgument("invalid arguments: " + std::string(problem) + " at offset " +
                         std::to_string(offset) +
                         "; arguments are split like a POSIX shell splits words, so close "
                         "every quote and escape a literal backslash as \\\\");
}

bool IsWordSeparator(char ch) { return ch == ' ' || ch == '\t' || ch == '\n'; }

// The state of one pass over the text; `word_started` distinguishes an
// empty quoted word ("") from no word at all.
struct Splitter {
  std::vector<std::string> words;
  std::string word;
  bool word_started = false;

  void EndWord() {
    if (word_started) words.push_back(std::move(word));
    word.clear();
    word_started = false;
  }
};

// Consumes a single-quoted part; `pos` is at the opening quote on entry and
// after the closing quote on success.
Status ReadSingleQuoted(std::string_view text, size_t& pos, Splitter& splitter) {
  size_t close = text.find('\'', pos + 1);
  if (close == std::string_view::npos) return ArgumentError("unterminated single quote", pos);
  splitter.word.append(text.substr(pos + 1, close - pos - 1));
  pos = close + 1;
  return Status::Ok();
}

Status ReadDoubleQuoted(std::string_view text, size_t& pos, Splitter& splitter) {
  size_t open = pos;
  for (++pos; pos < text.size(); ++pos) {
    char ch = text[pos];
    if (ch == '"') {
      ++pos;
      return Status::Ok();
    }
    if (ch == '\\' && pos + 1 < text.size()) {
      char next = text[pos + 1];
      if (next == '\n') {
        ++pos;
        continue;
      }
      if (next == '$' || next == '`' || next == '"' || next == '\\') {
        splitter.word += next;
        ++pos;
        continue;
      }
    }
    splitter.word += ch;
  }
  return ArgumentError("unterminated double quote", open);
}

}  // namespace

Result<std::vector<std::string>> SplitArguments(std::string_view text) {
  size_t nul = text.find('\0');
  if (nul != std::string_view::npos) {
    return InvalidArgument("invalid arguments: a NUL byte at offset " + std::to_string(nul) +
                           "; a process argument cannot hold one, so remove it (it may come "
                           "from %00 in the query string)");
  }

  Splitter splitter;
  size_t pos = 0;
  while (pos < text.size()) {
    char ch = text[pos];
    if (IsWordSeparator(ch)) {
      splitter.EndWord();
      ++pos;
      continue;
    }
    if (ch == '\\') {
      if (pos + 1 == text.size()) return ArgumentError("trailing backslash", pos);
      if (text[pos + 1] != '\n') {  // backslash-newline joins lines and adds nothing
        splitter.word_started = true;
        splitter.word += text[pos + 1];
      }
      pos += 2;
      continue;
    }
    splitter.word_started = true;
    Status status = Status::Ok();
    if (ch == '\'') {
      status = ReadSingleQuoted(text, pos, splitter);
    } else if (ch == '"') {
      status = ReadDoubleQuoted(text, pos, splitter);
    } else {
      splitter.word += ch;
      ++pos;
    }
    if (!status.ok()) return status.error();
  }
  splitter.EndWord();
  return std::move(splitter.words);
}

}  // namespace webjobs
