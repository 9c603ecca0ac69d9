// A strict parser for Prometheus text format 0.0.4, used to check /metrics:
// every line is a HELP/TYPE comment or `name{labels} value`, every sample
// belongs to a family with a TYPE declared before it, histogram buckets are
// cumulative and end at le="+Inf" equal to _count. Throws std::runtime_error
// naming the line on any violation.
#pragma once

#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace muster::testing {

struct PromSample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct PromText {
  std::map<std::string, std::string> types;  // family -> counter|gauge|histogram|...
  std::map<std::string, std::string> help;
  std::vector<PromSample> samples;

  // The value of the series with exactly these labels, or NaN.
  double Value(const std::string& name,
               const std::map<std::string, std::string>& labels = {}) const {
    for (const auto& s : samples) {
      if (s.name == name && s.labels == labels) return s.value;
    }
    return std::nan("");
  }
};

inline bool PromNameChar(char c, bool first, bool colon) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':') ||
         (!first && c >= '0' && c <= '9');
}

inline PromText ParsePrometheusText(const std::string& text) {
  PromText out;
  std::set<std::string> families_with_samples;
  // Histogram state: (family, labels without le) -> last cumulative count.
  std::map<std::pair<std::string, std::map<std::string, std::string>>, double> last_bucket;
  std::map<std::pair<std::string, std::map<std::string, std::string>>, double> inf_bucket;
  if (!text.empty() && text.back() != '\n') throw std::runtime_error("no final newline");
  std::istringstream in(text);
  std::string line;
  int n = 0;
  auto fail = [&](const std::string& why) {
    throw std::runtime_error("line " + std::to_string(n) + " (" + line + "): " + why);
  };
  auto parse_name = [&](size_t& i, bool colon) {
    size_t start = i;
    while (i < line.size() && PromNameChar(line[i], i == start, colon)) ++i;
    if (i == start) fail("expected a name");
    return line.substr(start, i - start);
  };
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) fail("empty line");
    if (line[0] == '#') {
      std::istringstream words(line);
      std::string hash, kind, name;
      words >> hash >> kind >> name;
      if (hash != "#" || (kind != "HELP" && kind != "TYPE") || name.empty()) fail("bad comment");
      std::string rest;
      std::getline(words, rest);
      if (!rest.empty() && rest[0] == ' ') rest.erase(0, 1);
      if (kind == "TYPE") {
        static const std::set<std::string> kTypes = {"counter", "gauge", "histogram", "summary",
                                                     "untyped"};
        if (!kTypes.count(rest)) fail("unknown type");
        if (out.types.count(name)) fail("second TYPE");
        if (families_with_samples.count(name)) fail("TYPE after samples");
        out.types[name] = rest;
      } else {
        if (out.help.count(name)) fail("second HELP");
        out.help[name] = rest;
      }
      continue;
    }
    PromSample s;
    size_t i = 0;
    s.name = parse_name(i, true);
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        std::string label = parse_name(i, false);
        if (i + 1 >= line.size() || line[i] != '=' || line[i + 1] != '"') fail("expected =\"");
        i += 2;
        std::string value;
        while (i < line.size() && line[i] != '"') {
          if (line[i] == '\\') {
            if (i + 1 >= line.size()) fail("dangling escape");
            char e = line[i + 1];
            if (e == '\\')
              value += '\\';
            else if (e == '"')
              value += '"';
            else if (e == 'n')
              value += '\n';
            else
              fail("bad escape");
            i += 2;
          } else {
            value += line[i++];
          }
        }
        if (i >= line.size()) fail("unterminated label value");
        ++i;  // closing quote
        if (!s.labels.emplace(label, value).second) fail("repeated label");
        if (i < line.size() && line[i] == ',') {
          ++i;
          if (i < line.size() && line[i] == '}') fail("trailing comma");
        } else if (i < line.size() && line[i] != '}') {
          fail("expected , or }");
        }
      }
      if (i >= line.size()) fail("unterminated labels");
      ++i;
    }
    if (i >= line.size() || line[i] != ' ') fail("expected a space before the value");
    std::string value_text = line.substr(i + 1);
    if (value_text == "+Inf") {
      s.value = INFINITY;
    } else if (value_text == "-Inf") {
      s.value = -INFINITY;
    } else if (value_text == "NaN") {
      s.value = NAN;
    } else {
      char* end = nullptr;
      s.value = std::strtod(value_text.c_str(), &end);
      if (value_text.empty() || *end != '\0') fail("bad value");
    }
    // Which family does this sample belong to?
    std::string family = s.name;
    std::string suffix;
    if (!out.types.count(family)) {
      for (std::string sfx : {"_bucket", "_sum", "_count"}) {
        if (family.size() > sfx.size() &&
            family.compare(family.size() - sfx.size(), sfx.size(), sfx) == 0 &&
            out.types.count(family.substr(0, family.size() - sfx.size()))) {
          suffix = sfx;
          family = family.substr(0, family.size() - sfx.size());
          break;
        }
      }
    }
    auto type = out.types.find(family);
    if (type == out.types.end()) fail("sample without a TYPE");
    families_with_samples.insert(family);
    if (type->second == "histogram") {
      if (suffix.empty()) fail("histogram sample without _bucket/_sum/_count");
      auto labels = s.labels;
      if (suffix == "_bucket") {
        auto le = labels.find("le");
        if (le == labels.end()) fail("bucket without le");
        std::string le_value = le->second;
        labels.erase(le);
        auto key = std::make_pair(family, labels);
        if (last_bucket.count(key) && s.value < last_bucket[key]) fail("buckets not cumulative");
        if (inf_bucket.count(key)) fail("bucket after +Inf");
        last_bucket[key] = s.value;
        if (le_value == "+Inf") inf_bucket[key] = s.value;
      } else if (suffix == "_count") {
        auto key = std::make_pair(family, labels);
        if (!inf_bucket.count(key)) fail("_count before the +Inf bucket");
        if (inf_bucket[key] != s.value) fail("_count differs from the +Inf bucket");
      } else if (s.labels.count("le")) {
        fail("le on _sum");
      }
    } else if (!suffix.empty()) {
      fail("suffix on a non-histogram");
    } else if (type->second == "counter" && !(s.value >= 0)) {
      fail("negative or NaN counter");
    }
    out.samples.push_back(std::move(s));
  }
  for (const auto& [key, v] : last_bucket) {
    if (!inf_bucket.count(key))
      throw std::runtime_error("histogram " + key.first + " has no +Inf bucket");
  }
  return out;
}

}  // namespace muster::testing
