#include "cli/table_format.h"

#include <algorithm>

namespace webjobs {
namespace {

using nlohmann::json;

size_t DisplayWidth(std::string_view text) {
  // Counts the bytes that start a UTF-8 sequence.
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char ch) {
    return (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
  }));
}

std::string Text(const json& object, const char* key, const std::string& fallback = "-") {
  auto found = object.find(key);
  if (found == object.end() || found->is_null()) return fallback;
  if (found->is_string()) return found->get<std::string>();
  return found->dump();
}

// A table cell must stay on one line.
std::string OneLine(std::string text) {
  std::replace_if(
      text.begin(), text.end(), [](char ch) { return ch == '\n' || ch == '\r' || ch == '\t'; },
      ' ');
  return text;
}

std::vector<std::string> JobRow(const json& job) {
  std::string type = Text(job, "type");
  std::string status;
  std::string last_run = "-";
  if (type == "continuous") {
    status = Text(job, "status");
  } else if (job.contains("latest_run") && job["latest_run"].is_object()) {
    status = Text(job["latest_run"], "status");
    last_run = ShortTime(Text(job["latest_run"], "start_time"));
  } else {
    status = "never run";
  }
  std::string next_run = Text(job, "next_scheduled_run");
  if (next_run != "-") next_run = ShortTime(next_run);
  return {OneLine(Text(job, "name")),     type,     OneLine(status),
          OneLine(Text(job, "schedule")), next_run, last_run};
}

}  // namespace

std::string FormatTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths(header.size(), 0);
  auto measure = [&widths](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(cells[i]));
    }
  };
  measure(header);
  for (const auto& row : rows) measure(row);

  std::string table;
  auto append = [&](const std::vector<std::string>& cells) {
    std::string line;
    for (size_t i = 0; i < widths.size(); ++i) {
      std::string cell = i < cells.size() ? cells[i] : std::string();
      line += cell;
      if (i + 1 < widths.size()) line += std::string(widths[i] - DisplayWidth(cell) + 2, ' ');
    }
    line.erase(line.find_last_not_of(' ') + 1);
    table += line + "\n";
  };
  append(header);
  for (const auto& row : rows) append(row);
  return table;
}

std::string FormatJobTable(const json& jobs) {
  std::vector<std::vector<std::string>> rows;
  for (const json& job : jobs) rows.push_back(JobRow(job));
  return FormatTable({"NAME", "TYPE", "STATUS", "SCHEDULE", "NEXT RUN", "LAST RUN"}, rows);
}

std::string FormatRunTable(const json& runs) {
  std::vector<std::vector<std::string>> rows;
  for (const json& run : runs) {
    std::string duration = Text(run, "duration");
    rows.push_back({Text(run, "id"), Text(run, "status"), ShortTime(Text(run, "start_time")),
                    duration == "-" ? duration : ShortDuration(duration), Text(run, "exit_code"),
                    OneLine(Text(run, "trigger"))});
  }
  return FormatTable({"ID", "STATUS", "START", "DURATION", "EXIT", "TRIGGER"}, rows);
}

std::string ShortTime(std::string_view iso_time) {
  // yyyy-MM-ddTHH:mm:ss is 19 characters.
  if (iso_time.size() < 20 || iso_time[10] != 'T' || iso_time.back() != 'Z') {
    return std::string(iso_time);
  }
  std::string text(iso_time.substr(0, 19));
  text[10] = ' ';
  return text + "Z";
}

std::string ShortDuration(std::string_view duration) {
  size_t colon = duration.rfind(':');
  size_t dot = duration.find('.', colon == std::string_view::npos ? 0 : colon);
  if (colon == std::string_view::npos || dot == std::string_view::npos) {
    return std::string(duration);
  }
  return std::string(duration.substr(0, std::min(duration.size(), dot + 4)));
}

}  // namespace webjobs
