// Strict numbers on the command line: plain decimal only (no hex, octal, sign
// where none is allowed, whitespace, NaN or infinity), the range checked on
// the text before any conversion, so nothing wraps around or saturates. Each
// refusal is a UsageError naming the option and the value.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace corridor {

uint64_t parse_unsigned(const std::string& option, const std::string& text, uint64_t lo, uint64_t hi);
int64_t parse_signed(const std::string& option, const std::string& text, int64_t lo, int64_t hi);
double parse_real(const std::string& option, const std::string& text, double lo, double hi);
// "auto" (0) or a positive size with an optional K, M, G or T (powers of 1024) and B: 2G, 512M, 1.5GB
uint64_t parse_size(const std::string& option, const std::string& text);
// comma-separated strictly increasing probabilities in [0, 1], 1 to max_count of them
std::vector<double> parse_probabilities(const std::string& option, const std::string& text, int max_count);

} // namespace corridor
