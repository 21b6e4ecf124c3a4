#include "numbers.h"

#include <cmath>
#include <cstdlib>
#include <limits>

#include "command.h"

namespace corridor {
namespace {

[[noreturn]] void refuse(const std::string& option, const std::string& text, const std::string& what) {
  // the value as given, bounded and without control characters, so the message stays one line
  std::string shown;
  for (char c : text.substr(0, 64)) shown += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
  if (text.size() > 64) shown += "...";
  throw UsageError(option + ": '" + shown + "' is not " + what);
}

bool all_digits(const std::string& s, size_t from) {
  if (from >= s.size()) return false;
  for (size_t i = from; i < s.size(); ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

// digits (no sign) <= limit, compared as decimal text: no conversion can overflow
bool digits_at_most(const std::string& digits, uint64_t limit) {
  size_t i = 0;
  while (i + 1 < digits.size() && digits[i] == '0') ++i;
  const std::string d = digits.substr(i), l = std::to_string(limit);
  return d.size() != l.size() ? d.size() < l.size() : d <= l;
}

uint64_t to_u64(const std::string& digits) { // digits_at_most(digits, UINT64_MAX) holds
  uint64_t v = 0;
  for (char c : digits) v = v * 10 + static_cast<uint64_t>(c - '0');
  return v;
}

// optional '-', digits, optional '.' digits, optional exponent: what strtod reads as decimal, nothing else
bool decimal_real(const std::string& s) {
  size_t i = 0, n = s.size();
  if (i < n && s[i] == '-') ++i;
  size_t digits = 0;
  while (i < n && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  if (i < n && s[i] == '.') {
    ++i;
    while (i < n && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    if (!all_digits(s.substr(0, n), i)) return false;
    size_t e = i;
    while (e < n && s[e] == '0') ++e;
    return n - e <= 4; // an exponent beyond 9999 is no command-line number
  }
  return i == n;
}

std::string range_text(double lo, double hi) {
  char b[96];
  std::snprintf(b, sizeof b, "a number in [%.17g, %.17g]", lo, hi);
  return b;
}

} // namespace

uint64_t parse_unsigned(const std::string& option, const std::string& text, uint64_t lo, uint64_t hi) {
  const std::string what = "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  if (!all_digits(text, 0) || !digits_at_most(text, hi)) refuse(option, text, what);
  const uint64_t v = to_u64(text);
  if (v < lo) refuse(option, text, what);
  return v;
}

int64_t parse_signed(const std::string& option, const std::string& text, int64_t lo, int64_t hi) {
  const std::string what = "an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
  const bool neg = !text.empty() && text[0] == '-';
  if (!all_digits(text, neg ? 1 : 0)) refuse(option, text, what);
  const std::string digits = text.substr(neg ? 1 : 0);
  // magnitudes up to 2^63 fit the bounds below; compare as text first
  const uint64_t bound =
      neg ? (lo < 0 ? static_cast<uint64_t>(-(lo + 1)) + 1 : 0) : (hi > 0 ? static_cast<uint64_t>(hi) : 0);
  if (!digits_at_most(digits, bound)) refuse(option, text, what);
  const uint64_t mag = to_u64(digits);
  const int64_t v = neg ? (mag == 0 ? 0 : -static_cast<int64_t>(mag - 1) - 1) : static_cast<int64_t>(mag);
  if (v < lo || v > hi) refuse(option, text, what);
  return v;
}

double parse_real(const std::string& option, const std::string& text, double lo, double hi) {
  if (!decimal_real(text)) refuse(option, text, range_text(lo, hi));
  const double v = std::strtod(text.c_str(), nullptr);
  if (!std::isfinite(v) || v < lo || v > hi) refuse(option, text, range_text(lo, hi));
  return v == 0 ? 0.0 : v; // -0 reads as 0
}

uint64_t parse_size(const std::string& option, const std::string& text) {
  if (text == "auto") return 0;
  const std::string what = "a size like 2G, 512M or auto (K, M, G, T: powers of 1024; below 2^64 bytes)";
  std::string s = text;
  if (!s.empty() && (s.back() == 'B' || s.back() == 'b')) s.pop_back();
  double mult = 1;
  const char u = s.empty() ? '0' : static_cast<char>(std::toupper(static_cast<unsigned char>(s.back())));
  if (u == 'K' || u == 'M' || u == 'G' || u == 'T') {
    mult = u == 'K' ? 0x1p10 : u == 'M' ? 0x1p20 : u == 'G' ? 0x1p30 : 0x1p40;
    s.pop_back();
  }
  if (s.empty() || s[0] == '-' || !decimal_real(s)) refuse(option, text, what);
  const double v = std::strtod(s.c_str(), nullptr) * mult;
  if (!std::isfinite(v) || v < 1 || v >= 0x1p64) refuse(option, text, what);
  return static_cast<uint64_t>(v);
}

std::vector<double> parse_probabilities(const std::string& option, const std::string& text, int max_count) {
  std::vector<double> q;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const double v = parse_real(option, item, 0.0, 1.0);
    if (!q.empty() && v <= q.back())
      throw UsageError(option + ": '" + item + "' does not increase on the probability before it");
    q.push_back(v);
    if (static_cast<int>(q.size()) > max_count)
      throw UsageError(option + ": more than " + std::to_string(max_count) + " probabilities");
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return q;
}

} // namespace corridor
