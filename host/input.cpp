#include "input.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "h5.h"

namespace fs = std::filesystem;

namespace corridor {

static std::string join_lines(const std::vector<std::string>& l) {
  std::string s;
  for (size_t i = 0; i < l.size(); ++i) s += (i ? "\n" : "") + l[i];
  return s;
}
InputError::InputError(std::vector<std::string> l) : std::runtime_error(join_lines(l)), lines(std::move(l)) {}

const std::vector<MetaDef>& meta_schema() {
  static const std::vector<MetaDef> m = {
      {"schema_version", 'i', true,
       "input schema version: 1 or 2 (2 adds the network: routes, new corridors, captures, markets)"},
      {"title", 's', true, "short title of the input"},
      {"base_year", 'i', true, "year of the observed base values"},
      {"horizon_year", 'i', true, "last projected year (> base_year)"},
      {"description", 's', false, "free text"},
      {"sources", 's', false, "general sources of the input"},
  };
  return m;
}

const std::vector<TableDef>& input_schema() {
  static const std::vector<TableDef> t = {
      {"ports",
       true,
       "Xinjiang border ports: land crossings, air gateways, pipeline entries",
       {{"id", 's', true, "", "", "short unique id"},
        {"name", 's', true, "", "", "name"},
        {"kind", 's', true, "", "", "land, air or pipeline"},
        {"lat", 'r', true, "", "degrees_north", "latitude"},
        {"lon", 'r', true, "", "degrees_east", "longitude"},
        {"closure_prob", 'r', false, "0", "1/year", "annual probability of a closure"},
        {"closure_loss_min", 'r', false, "0", "1", "smallest fraction of the year lost in a closure"},
        {"closure_loss_max", 'r', false, "0", "1", "largest fraction of the year lost (uniform between)"},
        {"source", 's', false, "", "", "source of the figures, or 'assumption: reasoning'"},
        {"note", 's', false, "", "", "free text"}}},
      {"partners",
       true,
       "Central Asian partners and transit destinations",
       {{"id", 's', true, "", "", "ISO3 code (EUR for Europe)"},
        {"name", 's', true, "", "", "name"},
        {"kind", 's', true, "", "", "partner or transit"},
        {"lat", 'r', false, "nan", "degrees_north", "latitude where maps draw the partner (empty: not drawn)"},
        {"lon", 'r', false, "nan", "degrees_east", "longitude where maps draw the partner (empty: not drawn)"},
        {"source", 's', false, "", "", "source"},
        {"note", 's', false, "", "", "free text"}}},
      {"metrics",
       true,
       "what is measured",
       {{"id", 's', true, "", "", "freight, passengers, gas, oil, trade_value, trains, vehicles, flights, ..."},
        {"unit", 's', true, "", "", "unit per year"},
        {"long_name", 's', false, "", "", "description"}}},
      {"series",
       true,
       "one row per projected figure: a corridor (port, partner, mode) and a metric",
       {{"id", 's', true, "", "", "unique id"},
        {"port", 's', true, "", "", "ports.id"},
        {"partner", 's', true, "", "", "partners.id"},
        {"mode", 's', true, "", "", "rail, road, air or pipeline"},
        {"metric", 's', true, "", "", "metrics.id"},
        {"kind", 's', true, "", "", "load (own demand, uses capacity) or derived (load times an intensity)"},
        {"source_series", 's', false, "", "", "derived: the load series of the same corridor it follows"},
        {"base_value", 'r', true, "", "metric unit",
         "value in the base year (> 0; 0 for a new corridor of corridors.csv)"},
        {"mu", 'r', true, "", "1/year", "load: mean log growth; derived: mean drift of the log intensity"},
        {"tau", 'r', false, "0", "1/year", "load: sd of the path's trend growth around mu"},
        {"sigma", 'r', false, "0", "1/year", "load: idiosyncratic sd; derived: intensity volatility"},
        {"phi", 'r', false, "0", "1", "load: momentum of growth deviations, in (-1, 1)"},
        {"b_region", 'r', false, "0", "1/year", "loading on the regional factor"},
        {"b_partner", 'r', false, "0", "1/year", "loading on the partner factor"},
        {"b_port", 'r', false, "0", "1/year", "loading on the port factor"},
        {"shock_exposure", 'r', false, "1", "1", "multiplier on shock log drops"},
        {"cost", 'r', false, "0", "money/unit",
         "load (version 2): money cost per unit, part of the generalized cost (>= 0)"},
        {"time", 'r', false, "0", "hours",
         "load (version 2): hours a unit spends outside the nodes of its route (>= 0)"},
        {"unlimited", 's', false, "", "",
         "load (version 2): why the series has no route (no capacity limit); required for one without a route that "
         "can receive diverted or captured traffic"},
        {"source", 's', false, "", "", "source of base_value, or 'assumption: reasoning'"},
        {"note", 's', false, "", "", "free text"}, // columns added later go last: an input without them keeps its bytes
        {"intensity", 'r', false, "nan", "metric unit per source unit",
         "derived series of a new corridor (its source_series starts at 0): the base-year intensity, units of this "
         "metric per unit of the load's (e.g. trains per tonne; > 0), required there and only there (elsewhere the "
         "intensity is base_value over the source's base_value)"},
        {"share_group", 's', false, "", "",
         "load: a name shared by the load series whose idiosyncratic draws (trend and yearly noise) split one "
         "total, such as the ports of one corridor (same partner, mode and metric): each member's standard normal "
         "is its deviation from the members' mean, rescaled to unit variance, so the deviations sum to 0 (one port's "
         "gain is the others' loss) and each series alone keeps its tau and sigma; the members' demands then split "
         "the group's total without those deviations in proportion to their demands with them (a logistic-normal "
         "split: no member above the total); empty: none"}}},
      {"groups",
       false,
       "capacity nodes (groups): a port's crossing, station, yard or line section of one mode and load metric "
       "(version 1: one per port, mode and metric)",
       {{"id", 's', true, "", "", "unique id"},
        {"port", 's', true, "", "", "ports.id (its closures cut the node)"},
        {"mode", 's', true, "", "", "mode"},
        {"metric", 's', true, "", "", "metrics.id of the load"},
        {"capacity", 'r', true, "", "metric unit",
         "nominal capacity in the base year (> 0; version 2: 0 allowed for a node an expansion builds)"},
        {"capacity_low", 'r', false, "nan", "metric unit",
         "version 2: low end of the base capacity where sources disagree (> 0, <= capacity, and times overload at "
         "least the base-year load of the series routed through the node; empty: the capacity); "
         "each path draws its base capacity once, for every year and scenario, from the triangular distribution "
         "(capacity_low, mode capacity, capacity_high)"},
        {"capacity_high", 'r', false, "nan", "metric unit",
         "version 2: high end of the base capacity where sources disagree (>= capacity; empty: the capacity)"},
        {"overload", 'r', false, "1", "1", "soft limit as a multiple of capacity (>= 1)"},
        {"free_time", 'r', false, "0", "hours", "version 2: hours a unit spends at the node when it is empty (>= 0)"},
        {"bpr_alpha", 'r', false, "0", "1",
         "version 2: congestion, node time = free_time (1 + bpr_alpha x^bpr_beta), x = utilisation (>= 0)"},
        {"bpr_beta", 'r', false, "0", "1", "version 2: exponent of the congestion (>= 1 when bpr_alpha > 0)"},
        {"response_threshold", 'r', false, "0", "1",
         "version 2: capacity response: utilisation above which a year counts (> 0; empty or 0: no response)"},
        {"response_years", 'i', false, "0", "years",
         "version 2: consecutive years above the threshold that order an expansion (>= 1)"},
        {"response_size", 'r', false, "0", "metric unit", "version 2: capacity an ordered expansion adds (> 0)"},
        {"response_cap", 'r', false, "0", "metric unit", "version 2: most capacity responses may add in all (>= size)"},
        {"response_lag", 's', false, "", "years",
         "version 2: years from order to opening, list separated by | (whole years >= 1)"},
        {"response_lag_prob", 's', false, "", "1",
         "version 2: probability of each response_lag, list separated by | (sum 1)"},
        {"source", 's', false, "", "", "source"},
        {"note", 's', false, "", "", "free text"}}},
      {"routes",
       false,
       "version 2 (required there): the chain of nodes each load series passes through, one row per (series, node), "
       "chain order = row order; a load series without rows has no capacity limit",
       {{"series", 's', true, "", "", "series.id of a load series"},
        {"node", 's', true, "", "", "groups.id, of the series' metric"},
        {"source", 's', false, "", "", "source"}}},
      {"expansions",
       false,
       "scheduled capacity expansions",
       {{"id", 's', true, "", "", "unique id"},
        {"group", 's', true, "", "", "groups.id"},
        {"capacity_add", 'r', true, "", "metric unit", "capacity added from the opening year on"},
        {"ramp", 's', false, "1", "1",
         "version 2: share of maturity in the opening year, the next, ... (list separated by |, in [0, 1], "
         "non-decreasing, last 1, which holds after); applies to the capacity added and to the captures of its "
         "corridors"},
        {"source", 's', false, "", "", "source"},
        {"note", 's', false, "", "", "free text"}, // columns added later go last: an input without them keeps its bytes
        {"capacity_add_low", 'r', false, "nan", "metric unit",
         "version 2: low end of the capacity added where sources disagree (> 0, <= capacity_add; with "
         "capacity_add_high, both or neither; empty: capacity_add itself); each path draws the size once, for every "
         "year and scenario, from the triangular distribution (capacity_add_low, mode capacity_add, "
         "capacity_add_high)"},
        {"capacity_add_high", 'r', false, "nan", "metric unit",
         "version 2: high end of the capacity added where sources disagree (>= capacity_add; with capacity_add_low, "
         "both or neither)"}}},
      {"expansion_years",
       false,
       "opening-year distribution of each expansion, per scenario",
       {{"expansion", 's', true, "", "", "expansions.id"},
        {"scenario", 's', false, "*", "", "scenarios.id, or * for every scenario without its own rows"},
        {"year", 'i', true, "", "", "opening year (> base_year; horizon_year + 1 means after the horizon)"},
        {"probability", 'r', true, "", "1", "probability; they sum to 1 per expansion and scenario"}}},
      {"corridors",
       false,
       "version 2: new corridors, load series (base_value 0) that open with an expansion and carry nothing before",
       {{"series", 's', true, "", "", "series.id of a load series with base_value 0"},
        {"expansion", 's', true, "", "", "expansions.id: the corridor opens when it opens"},
        {"source", 's', false, "", "", "source"},
        {"note", 's', false, "", "", "free text"}}},
      {"captures",
       false,
       "version 2: demand a new corridor takes from a load series of the same metric while open (applied so that a "
       "source's own captures come first; no cycles)",
       {{"corridor", 's', true, "", "", "corridors.series"},
        {"from", 's', true, "", "", "series.id of a load series of the corridor's metric"},
        {"share", 'r', true, "", "1", "kappa: share of the source's demand taken at maturity, in (0, 1]"},
        {"source", 's', false, "", "", "source"},
        {"note", 's', false, "", "", "free text"}}},
      {"markets",
       false,
       "version 2: route choice parameters of a market, the load series of one partner and metric (unlisted: 0, 0, "
       "0)",
       {{"partner", 's', true, "", "", "partners.id"},
        {"metric", 's', true, "", "", "metrics.id"},
        {"logit_scale", 'r', false, "0", "money/unit", "theta of the route choice logit (>= 0; 0: off)"},
        {"elasticity", 'r', false, "0", "1", "of the market's demand to its mean generalized cost (<= 0; 0: off)"},
        {"value_of_time", 'r', false, "0", "money/unit/hour", "money per unit per hour of time (>= 0)"},
        {"source", 's', false, "", "", "source"}}},
      {"scenarios",
       true,
       "scenarios run together with common random numbers; the first is the baseline",
       {{"id", 's', true, "", "", "unique id"},
        {"name", 's', true, "", "", "name"},
        {"region_shock_prob", 'r', false, "0", "1/year", "annual probability of a regional shock"},
        {"region_shock_mean", 'r', false, "0", "1", "mean log drop of a regional shock"},
        {"region_shock_sd", 'r', false, "0", "1", "sd of the log drop (drops below 0 count as 0)"},
        {"partner_shock_prob", 'r', false, "0", "1/year", "annual probability of a shock per partner"},
        {"partner_shock_mean", 'r', false, "0", "1", "mean log drop of a partner shock"},
        {"partner_shock_sd", 'r', false, "0", "1", "sd of the partner log drop"},
        {"shock_decay", 'r', false, "0.5", "1", "rho: share of a transient shock left after a year, in [0, 1)"},
        {"closure_scale", 'r', false, "1", "1", "multiplier on every port's closure probability"},
        {"diversion_friction", 'r', false, "0", "1", "share of diverted flow lost on the longer route"},
        {"cross_mode_share", 'r', false, "0", "1", "share of unserved road demand offered to rail"},
        {"route_choice", 'i', false, "0", "", "version 2: 1 turns route choice and elasticity on (0 or 1)"},
        {"responsive", 'i', false, "0", "", "version 2: 1 turns the capacity response of the nodes on (0 or 1)"},
        {"description", 's', false, "", "", "free text"}}},
      {"adjustments",
       false,
       "policy adjustments a_s(t) to growth, by selector and year range",
       {{"scenario", 's', true, "", "", "scenarios.id or *"},
        {"port", 's', false, "*", "", "ports.id or *"},
        {"partner", 's', false, "*", "", "partners.id or *"},
        {"mode", 's', false, "*", "", "mode or *"},
        {"metric", 's', false, "*", "", "metrics.id or *"},
        {"year_from", 'i', true, "", "", "first year"},
        {"year_to", 'i', true, "", "", "last year"},
        {"growth", 'r', true, "", "1/year", "added to the log growth rate"},
        {"source", 's', false, "", "", "source or reasoning"}}},
      {"targets",
       false,
       "policy targets: P(sum of flows >= value) is reported per year",
       {{"id", 's', true, "", "", "unique id"},
        {"name", 's', true, "", "", "name"},
        {"metric", 's', true, "", "", "metrics.id"},
        {"ports", 's', false, "*", "", "ports.id list separated by |, or *"},
        {"partners", 's', false, "*", "", "partners.id list separated by |, or *"},
        {"modes", 's', false, "*", "", "mode list separated by |, or *"},
        {"value", 'r', true, "", "metric unit", "target value (> 0)"},
        {"source", 's', false, "", "", "source"}}},
      {"history",
       false,
       "observed values for calibration and backtests",
       {{"series", 's', true, "", "", "series.id"},
        {"year", 'i', true, "", "", "year (<= base_year)"},
        {"value", 'r', true, "", "metric unit", "observed value for the covered part of the year"},
        {"coverage", 'r', false, "1", "1", "fraction of the year covered (partial-year figures < 1)"},
        {"source", 's', false, "", "", "source"}}},
  };
  return t;
}

const TableDef* find_table(const std::string& name) {
  for (const auto& t : input_schema())
    if (t.name == name) return &t;
  return nullptr;
}

std::string Table::row_ref(size_t r) const {
  std::string s = "row " + std::to_string(r + 1);
  if (r < line.size() && line[r] > 0) s += " (line " + std::to_string(line[r]) + ")";
  return s;
}

std::string format_number(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  std::snprintf(buf, sizeof buf, "%.17g", v);
  // shortest representation that round-trips
  for (int p = 1; p <= 17; ++p) {
    char b2[64];
    std::snprintf(b2, sizeof b2, "%.*g", p, v);
    if (std::strtod(b2, nullptr) == v) return b2;
  }
  return buf;
}

std::string csv_escape(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos && (s.empty() || s[0] != '#')) return s;
  std::string o = "\"";
  for (char c : s) {
    if (c == '"') o += '"';
    o += c;
  }
  return o + "\"";
}

// The text without a leading UTF-8 byte order mark.
static std::string without_bom(const std::string& text) {
  if (text.size() >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB &&
      (unsigned char)text[2] == 0xBF)
    return text.substr(3);
  return text;
}

// At the start of a record: true, with i and line moved past it, when the
// line there is blank or a '#' comment.
static bool skip_blank_or_comment(const std::string& text, size_t& i, long& line) {
  const size_t eol = text.find('\n', i);
  const size_t end = eol == std::string::npos ? text.size() : eol;
  std::string raw = text.substr(i, end - i);
  if (!raw.empty() && raw.back() == '\r') raw.pop_back();
  const bool blank = raw.find_first_not_of(" \t") == std::string::npos;
  if (!blank && raw[raw.find_first_not_of(" \t")] != '#') return false;
  i = end + 1;
  ++line;
  return true;
}

// One byte of a quoted field at text[i]: a doubled quote is a quote, a single
// one ends the quotes; anything else, newlines included, belongs to the field.
static void quoted_byte(const std::string& text, size_t& i, long& line, std::string& field, bool& quoted) {
  const char c = text[i];
  if (c == '"') {
    if (i + 1 < text.size() && text[i + 1] == '"') {
      field += '"';
      i += 2;
    } else {
      quoted = false;
      ++i;
    }
  } else {
    if (c == '\n') ++line;
    field += c;
    ++i;
  }
}

// The fields of the record that starts at text[i]; i and line move past its
// end (a newline, CRLF, CR or the end of the text).
static std::vector<std::string> csv_record(const std::string& text, const std::string& where, size_t& i, long& line) {
  const size_t n = text.size();
  std::vector<std::string> row;
  std::string field;
  const long start_line = line;
  bool quoted = false, was_quoted = false;
  for (;;) {
    if (i >= n) {
      if (quoted) throw InputError({where + ": line " + std::to_string(start_line) + ": unterminated quoted field"});
      row.push_back(field);
      return row;
    }
    const char c = text[i];
    if (quoted) {
      quoted_byte(text, i, line, field, quoted);
    } else if (c == '"' && field.empty() && !was_quoted) {
      quoted = was_quoted = true;
      ++i;
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
      was_quoted = false;
      ++i;
    } else if (c == '\n' || c == '\r') {
      row.push_back(field);
      if (c == '\r' && i + 1 < n && text[i + 1] == '\n') ++i;
      ++i;
      ++line;
      return row;
    } else {
      if (was_quoted) throw InputError({where + ": line " + std::to_string(line) + ": text after a closing quote"});
      field += c;
      ++i;
    }
  }
}

std::vector<std::vector<std::string>> parse_csv(const std::string& text0, const std::string& where,
                                                std::vector<long>* lines) {
  const std::string text = without_bom(text0);
  std::vector<std::vector<std::string>> rows;
  size_t i = 0;
  long line = 1;
  while (i < text.size()) {
    if (skip_blank_or_comment(text, i, line)) continue;
    const long start_line = line;
    rows.push_back(csv_record(text, where, i, line));
    if (lines) lines->push_back(start_line);
  }
  return rows;
}

static std::string trim(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t");
  if (a == std::string::npos) return "";
  const size_t b = s.find_last_not_of(" \t");
  return s.substr(a, b - a + 1);
}

std::string text_problem(const std::string& s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  for (size_t i = 0; i < n;) {
    const unsigned c = p[i];
    if (c == 0) return "NUL byte at byte " + std::to_string(i + 1);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    unsigned cp = 0, min = 0;
    if ((c & 0xE0) == 0xC0)
      len = 2, cp = c & 0x1F, min = 0x80;
    else if ((c & 0xF0) == 0xE0)
      len = 3, cp = c & 0x0F, min = 0x800;
    else if ((c & 0xF8) == 0xF0)
      len = 4, cp = c & 0x07, min = 0x10000;
    bool ok = len != 0 && i + len <= n;
    for (size_t k = 1; ok && k < len; ++k) {
      ok = (p[i + k] & 0xC0) == 0x80;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if (!ok || cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return "invalid UTF-8 at byte " + std::to_string(i + 1);
    i += len;
  }
  return "";
}

// Strict decimal syntax: [+-]digits[.digits][e[+-]digits] (integers: [+-]digits).
static bool decimal_syntax(const std::string& s, bool integer) {
  size_t i = 0, n = s.size();
  if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
  size_t d = 0;
  while (i < n && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++d;
  if (integer) return d > 0 && i == n;
  if (i < n && s[i] == '.') {
    ++i;
    while (i < n && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++d;
  }
  if (d == 0) return false;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    size_t e = 0;
    while (i < n && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++e;
    if (e == 0) return false;
  }
  return i == n;
}

std::string parse_value(const std::string& s0, char type, bool nan_ok, double& v) {
  const std::string s = trim(s0);
  if (s.empty()) return "missing value";
  const std::string q = "'" + s + "'";
  if (nan_ok && (s == "nan" || s == "NaN" || s == "NAN")) {
    v = std::nan("");
    return "";
  }
  if (type == 'i') {
    if (!decimal_syntax(s, true)) return q + " is not an integer";
    errno = 0;
    char* e = nullptr;
    const long long x = std::strtoll(s.c_str(), &e, 10);
    if (errno == ERANGE || x < INT_MIN || x > INT_MAX)
      return q + " is out of range for an integer (" + std::to_string(INT_MIN) + " to " + std::to_string(INT_MAX) + ")";
    v = static_cast<double>(x);
    return "";
  }
  if (!decimal_syntax(s, false)) return q + " is not a number";
  errno = 0;
  char* e = nullptr;
  v = std::strtod(s.c_str(), &e);
  if (errno == ERANGE && std::isinf(v)) return q + " is out of range for a number";
  if (errno == ERANGE && v == 0) return q + " is too small for a number (underflows to 0)";
  return "";
}

// The header's known columns by name, with their positions; non-UTF-8,
// unknown and duplicate column names are reported.
static std::map<std::string, int> header_positions(const TableDef& def, const std::string& where,
                                                   const std::vector<std::string>& header,
                                                   std::vector<std::string>& err) {
  std::map<std::string, int> pos;
  for (size_t c = 0; c < header.size(); ++c) {
    const std::string h = trim(header[c]);
    const std::string bad = text_problem(h);
    if (!bad.empty()) {
      err.push_back(where + ": header: column " + std::to_string(c + 1) + ": " + bad);
      continue;
    }
    const bool known = std::any_of(def.cols.begin(), def.cols.end(), [&](const ColumnDef& d) { return d.name == h; });
    if (!known)
      err.push_back(where + ": header: unknown column '" + h + "'");
    else if (pos.count(h))
      err.push_back(where + ": header: duplicate column '" + h + "'");
    else
      pos[h] = static_cast<int>(c);
  }
  return pos;
}

// Rows with more or fewer fields than the header are reported.
static void check_field_counts(const Table& t, const std::vector<std::string>& header,
                               const std::vector<std::vector<std::string>>& rows, std::vector<std::string>& err) {
  for (size_t r = 0; r < rows.size(); ++r)
    if (rows[r].size() != header.size())
      err.push_back(t.where + ": " + t.row_ref(r) + ": " + std::to_string(rows[r].size()) + " fields, header has " +
                    std::to_string(header.size()));
}

// Every cell is UTF-8 text without NUL bytes (also in unknown columns): the
// problems are reported, and the cells that have one are marked true.
static std::vector<std::vector<bool>> check_cell_text(const Table& t, const std::vector<std::string>& header,
                                                      const std::vector<std::vector<std::string>>& rows,
                                                      std::vector<std::string>& err) {
  std::vector<std::vector<bool>> bad_cell(rows.size());
  for (size_t r = 0; r < rows.size(); ++r) {
    bad_cell[r].assign(rows[r].size(), false);
    for (size_t c = 0; c < rows[r].size(); ++c) {
      const std::string bad = text_problem(rows[r][c]);
      if (bad.empty()) continue;
      bad_cell[r][c] = true;
      std::string col = "column " + std::to_string(c + 1);
      if (c < header.size() && text_problem(header[c]).empty()) col = "column '" + trim(header[c]) + "'";
      err.push_back(t.where + ": " + t.row_ref(r) + ": " + col + ": " + bad);
    }
  }
  return bad_cell;
}

// The cells of one column of the schema, at position `c` of the rows (-1:
// not in the header): the default where a row is short or the column absent,
// and where an optional cell is empty; numbers trimmed.
static std::vector<std::string> column_cells(const ColumnDef& cd, int c,
                                             const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::string> col(rows.size());
  for (size_t r = 0; r < rows.size(); ++r) {
    col[r] = c < 0 || static_cast<size_t>(c) >= rows[r].size() ? cd.def : rows[r][c];
    if (cd.type != 's') col[r] = trim(col[r]);
    if (col[r].empty() && !cd.required) col[r] = cd.def;
  }
  return col;
}

// The values of a number column from its cells (position `c` as for
// column_cells); cells whose text was reported already are skipped (0).
static std::vector<double> column_numbers(const Table& t, const ColumnDef& cd, int c,
                                          const std::vector<std::string>& cells,
                                          const std::vector<std::vector<bool>>& bad_cell,
                                          std::vector<std::string>& err) {
  std::vector<double> v(cells.size());
  const bool nan_ok = cd.def == "nan";
  for (size_t r = 0; r < cells.size(); ++r) {
    if (c >= 0 && static_cast<size_t>(c) < bad_cell[r].size() && bad_cell[r][c]) continue; // already reported
    const std::string bad = parse_value(cells[r], cd.type, nan_ok, v[r]);
    if (!bad.empty()) err.push_back(t.where + ": " + t.row_ref(r) + ": column '" + cd.name + "': " + bad);
  }
  return v;
}

// Fill one table from header + rows of strings, checking columns and types.
static Table table_from_strings(const TableDef& def, const std::string& where, const std::vector<std::string>& header,
                                const std::vector<std::vector<std::string>>& rows, const std::vector<long>& lines,
                                std::vector<std::string>& err) {
  Table t;
  t.where = where;
  t.rows = rows.size();
  t.line = lines;
  const std::map<std::string, int> pos = header_positions(def, where, header, err);
  check_field_counts(t, header, rows, err);
  const std::vector<std::vector<bool>> bad_cell = check_cell_text(t, header, rows, err);
  for (const auto& cd : def.cols) {
    const auto it = pos.find(cd.name);
    if (it == pos.end() && cd.required) {
      err.push_back(where + ": header: missing required column '" + cd.name + "'");
      continue;
    }
    const int c = it == pos.end() ? -1 : it->second;
    std::vector<std::string> cells = column_cells(cd, c, rows);
    if (cd.type == 's')
      t.str[cd.name] = std::move(cells);
    else
      t.num[cd.name] = column_numbers(t, cd, c, cells, bad_cell, err);
  }
  return t;
}

static std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// A meta value: UTF-8 text without NUL bytes; integers strictly in int range.
static void check_meta_value(const std::string& where, const std::string& key, const std::string& value,
                             std::vector<std::string>& err) {
  std::string bad = text_problem(key);
  if (!bad.empty()) return err.push_back(where + ": key: " + bad);
  bad = text_problem(value);
  if (!bad.empty()) return err.push_back(where + ": '" + key + "': " + bad);
  for (const auto& md : meta_schema())
    if (md.key == key && md.type == 'i') {
      double v = 0;
      bad = parse_value(value, 'i', false, v);
      if (!bad.empty()) err.push_back(where + ": '" + key + "': " + bad);
    }
}

// The rows of meta.csv (key,value; an optional "key,value" header line) into
// `meta`, each checked.
static void read_meta_rows(const std::string& where, const std::vector<std::vector<std::string>>& rows,
                           const std::vector<long>& lines, std::map<std::string, std::string>& meta,
                           std::vector<std::string>& err) {
  for (size_t r = 0; r < rows.size(); ++r) {
    if (r == 0 && rows[r].size() >= 2 && trim(rows[r][0]) == "key") continue;
    const std::string wl = where + ": line " + std::to_string(lines[r]);
    if (rows[r].size() != 2) {
      err.push_back(wl + ": expected key,value");
      continue;
    }
    const size_t before = err.size();
    check_meta_value(wl, trim(rows[r][0]), rows[r][1], err);
    if (err.size() == before) meta[trim(rows[r][0])] = rows[r][1];
  }
}

// A table without rows, with every column of the schema.
static Table empty_table(const TableDef& def, const std::string& where) {
  Table t;
  t.where = where;
  t.given = false;
  for (const auto& c : def.cols) (c.type == 's' ? (void)t.str[c.name] : (void)t.num[c.name]);
  return t;
}

// The tables of the schema without a file in `dir`: required ones reported,
// optional ones empty.
static void add_absent_tables(const std::string& dir, const std::set<std::string>& seen, Input& in,
                              std::vector<std::string>& err) {
  for (const auto& t : input_schema())
    if (!seen.count(t.name)) {
      if (t.required)
        err.push_back((fs::path(dir) / (t.name + ".csv")).string() + ": missing table '" + t.name + "'");
      else
        in.tables[t.name] = empty_table(t, (fs::path(dir) / (t.name + ".csv")).string());
    }
}

Input read_csv_texts(const std::string& dir, const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<std::string> err;
  Input in;
  in.origin = dir;
  std::set<std::string> seen;
  for (const auto& file : files) {
    const fs::path p(file.first);
    const std::string name = p.stem().string();
    const std::string where = (fs::path(dir) / p.filename()).string();
    std::vector<long> lines;
    std::vector<std::vector<std::string>> rows;
    try {
      rows = parse_csv(file.second, where, &lines);
    } catch (const InputError& e) {
      err.insert(err.end(), e.lines.begin(), e.lines.end());
      continue;
    }
    if (name == "meta") {
      seen.insert(name);
      read_meta_rows(where, rows, lines, in.meta, err);
      continue;
    }
    if (!text_problem(name).empty()) {
      err.push_back(dir + ": a file name that is not UTF-8 text: " + text_problem(name));
      continue;
    }
    const TableDef* def = find_table(name);
    if (!def) {
      err.push_back(where + ": unknown table '" + name + "' (expected one of the tables in inputs/README.md)");
      continue;
    }
    seen.insert(name);
    if (rows.empty()) {
      err.push_back(where + ": empty file: a header line is required");
      continue;
    }
    std::vector<std::vector<std::string>> body(rows.begin() + 1, rows.end());
    std::vector<long> blines(lines.begin() + 1, lines.end());
    in.tables[name] = table_from_strings(*def, where, rows[0], body, blines, err);
  }
  if (!seen.count("meta")) err.push_back((fs::path(dir) / "meta.csv").string() + ": missing table 'meta'");
  add_absent_tables(dir, seen, in, err);
  if (!err.empty()) throw InputError(err);
  return in;
}

Input read_csv_dir(const std::string& dir) {
  if (!fs::is_directory(dir)) throw InputError({dir + ": not a folder of CSV tables"});
  std::vector<fs::path> paths;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".csv") paths.push_back(e.path());
  std::sort(paths.begin(), paths.end());
  std::vector<std::pair<std::string, std::string>> files;
  files.reserve(paths.size());
  for (const auto& p : paths) files.emplace_back(p.filename().string(), slurp(p));
  return read_csv_texts(dir, files);
}

// Whether column `cd` of table `def` goes into a written file (CSV or HDF5).
// The capacity ranges of groups and expansions and the intensity and share
// group of series (added after the files were first written) are left out
// when every row is empty:
// reading fills them back, and an input without them writes the bytes it wrote
// before.
static bool column_written(const TableDef& def, const ColumnDef& cd, const Table& t) {
  const bool late = (def.name == "groups" && (cd.name == "capacity_low" || cd.name == "capacity_high")) ||
                    (def.name == "series" && (cd.name == "intensity" || cd.name == "share_group")) ||
                    (def.name == "expansions" && (cd.name == "capacity_add_low" || cd.name == "capacity_add_high"));
  if (!late) return true;
  if (cd.type == 's') {
    const std::vector<std::string>& v = t.str.at(cd.name);
    return std::any_of(v.begin(), v.end(), [](const std::string& x) { return !x.empty(); });
  }
  const std::vector<double>& v = t.num.at(cd.name);
  return std::any_of(v.begin(), v.end(), [](double x) { return !std::isnan(x); });
}

void write_csv_dir(const Input& in, const std::string& dir) {
  fs::create_directories(dir);
  {
    std::ofstream f(fs::path(dir) / "meta.csv");
    f << "key,value\n";
    for (const auto& md : meta_schema()) {
      const auto it = in.meta.find(md.key);
      if (it != in.meta.end()) f << md.key << "," << csv_escape(it->second) << "\n";
    }
    f.close();
    if (!f) throw std::runtime_error((fs::path(dir) / "meta.csv").string() + ": cannot write (disk full?)");
  }
  for (const auto& def : input_schema()) {
    const auto it = in.tables.find(def.name);
    if (it == in.tables.end()) continue;
    const Table& t = it->second;
    std::ofstream f(fs::path(dir) / (def.name + ".csv"));
    std::vector<const ColumnDef*> cols;
    for (const auto& cd : def.cols)
      if (column_written(def, cd, t)) cols.push_back(&cd);
    for (size_t c = 0; c < cols.size(); ++c) f << (c ? "," : "") << cols[c]->name;
    f << "\n";
    for (size_t r = 0; r < t.rows; ++r) {
      for (size_t c = 0; c < cols.size(); ++c) {
        const auto& cd = *cols[c];
        f << (c ? "," : "");
        if (cd.type == 's')
          f << csv_escape(t.str.at(cd.name)[r]);
        else
          f << format_number(t.num.at(cd.name)[r]);
      }
      f << "\n";
    }
    f.close();
    if (!f) throw std::runtime_error((fs::path(dir) / (def.name + ".csv")).string() + ": cannot write (disk full?)");
  }
}

// ---------------------------------------------------------------- HDF5 ----

void write_h5_input(const Input& in, const std::string& path) {
  h5::Quiet quiet;
  // checksummed metadata (h5::file_access_props), fixed-length strings and
  // Fletcher32 chunks: damage anywhere is detected on reading
  h5::Id f = h5::create_file(path);
  for (const auto& md : meta_schema()) {
    const auto it = in.meta.find(md.key);
    if (it == in.meta.end()) continue;
    if (md.type == 'i')
      h5::write_attr_int(f, md.key, std::stoll(it->second));
    else
      h5::write_attr_string(f, md.key, it->second);
  }
  const h5::Id gcpl = h5::untimed_props(H5P_GROUP_CREATE); // the same input, the same bytes
  for (const auto& def : input_schema()) {
    const auto it = in.tables.find(def.name);
    if (it == in.tables.end()) continue;
    const Table& t = it->second;
    h5::Id g = h5::check(H5Gcreate2(f, def.name.c_str(), H5P_DEFAULT, gcpl, H5P_DEFAULT),
                         path + ": cannot create group " + def.name);
    h5::write_attr_string(g, "description", def.doc);
    for (const auto& cd : def.cols) {
      if (!column_written(def, cd, t)) continue;
      if (cd.type == 's') {
        h5::write_fixed_strings(g, cd.name, t.str.at(cd.name));
      } else if (cd.type == 'r') {
        h5::write_doubles_checked(g, cd.name, t.num.at(cd.name));
      } else {
        std::vector<long long> v(t.rows);
        for (size_t r = 0; r < t.rows; ++r) v[r] = static_cast<long long>(t.num.at(cd.name)[r]);
        h5::write_ints_checked(g, cd.name, v);
      }
      h5::Id d = h5::check(H5Dopen2(g, cd.name.c_str(), H5P_DEFAULT), "H5Dopen2");
      if (!cd.unit.empty()) h5::write_attr_string(d, "units", cd.unit);
      h5::write_attr_string(d, "long_name", cd.doc);
    }
  }
  h5::check(H5Fflush(f, H5F_SCOPE_GLOBAL), path + ": cannot flush");
  h5::check(H5Fclose(f), path + ": cannot write (disk full?)");
}

namespace {

constexpr hsize_t kMaxRows = 10'000'000; // per table
constexpr hsize_t kMaxMembers = 10'000;  // links in the root group or a table's group
constexpr size_t kMaxInputBytes = size_t(1) << 30;

// The names of the links of a group, by name; false (and a message) when the
// group cannot be listed or a name is not UTF-8 text.
bool member_names(hid_t g, const std::string& where, std::set<std::string>& out, std::vector<std::string>& err) {
  H5G_info_t info;
  if (H5Gget_info(g, &info) < 0) {
    err.push_back(where + ": cannot list members (truncated or damaged?)");
    return false;
  }
  if (info.nlinks > kMaxMembers) {
    err.push_back(where + ": " + std::to_string(info.nlinks) + " members, more than an input has (at most " +
                  std::to_string(kMaxMembers) + ")");
    return false;
  }
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    char name[512];
    const ssize_t len = H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof name, H5P_DEFAULT);
    if (len < 0) {
      err.push_back(where + ": cannot read the name of member " + std::to_string(i + 1) + " (damaged?)");
      return false;
    }
    if (static_cast<size_t>(len) >= sizeof name) {
      err.push_back(where + ": member " + std::to_string(i + 1) + ": name longer than " +
                    std::to_string(sizeof name - 1) + " bytes");
      continue;
    }
    const std::string nm(name, static_cast<size_t>(len));
    const std::string bad = text_problem(nm);
    if (!bad.empty()) {
      err.push_back(where + ": member " + std::to_string(i + 1) + ": name: " + bad);
      continue;
    }
    out.insert(nm);
  }
  return true;
}

bool has_hdf5_signature(const std::string& image) {
  static const char sig[] = "\x89HDF\r\n\x1a\n";
  for (size_t off = 0; off + 8 <= image.size(); off = off ? off * 2 : 512)
    if (image.compare(off, 8, sig, 8) == 0) return true;
  return false;
}

// Opens a file image read-only with the core driver (libhdf5 keeps its own
// copy; H5LTopen_file_image without copies leaks its callback data).
h5::Id open_image(const std::string& image) {
  if (image.empty()) return h5::Id();
  h5::Id fapl(H5Pcreate(H5P_FILE_ACCESS));
  if (!fapl.valid() || H5Pset_fapl_core(fapl, 1 << 16, 0) < 0 ||
      H5Pset_file_image(fapl, const_cast<char*>(image.data()), image.size()) < 0)
    return h5::Id();
  // the core driver refuses a name that exists on disk when given an image:
  // a path that cannot exist (messages name the file themselves)
  return h5::Id(H5Fopen("/dev/null/corridor-file-image", H5F_ACC_RDONLY, fapl));
}

// The meta attributes of the root group that are present, each checked; an
// integer may be stored as a number or as text.
void read_h5_meta(hid_t f, const std::string& path, Input& in, std::vector<std::string>& err) {
  for (const auto& md : meta_schema()) {
    std::string s;
    double d;
    const std::string wm = path + ": meta";
    if (md.type == 'i') {
      if (h5::read_attr_double(f, md.key, d))
        s = format_number(d);
      else if (!h5::read_attr_string(f, md.key, s))
        continue;
    } else if (!h5::read_attr_string(f, md.key, s)) {
      continue;
    }
    const size_t before = err.size();
    check_meta_value(wm, md.key, s, err);
    if (err.size() == before) in.meta[md.key] = s;
  }
}

// The row count `n` of a column's dataset: false (and a message) unless it is
// 1-D with at most kMaxRows rows.
bool dataset_rows(hid_t d, const std::string& dw, hsize_t& n, std::vector<std::string>& err) {
  h5::Id sp(H5Dget_space(d));
  const int nd = sp.valid() ? H5Sget_simple_extent_ndims(sp) : -1;
  if (nd != 1) {
    err.push_back(dw + ": expected a 1-D dataset, found " + std::to_string(nd) + " dimensions");
    return false;
  }
  H5Sget_simple_extent_dims(sp, &n, nullptr);
  if (n > kMaxRows) {
    err.push_back(dw + ": " + std::to_string(n) + " rows, more than an input table may have (" +
                  std::to_string(kMaxRows) + ")");
    return false;
  }
  return true;
}

// The `n` values of a string column, each UTF-8 text without NUL bytes.
bool read_h5_strings(hid_t d, const std::string& dw, hsize_t n, const Table& t, std::vector<std::string>& v,
                     std::vector<std::string>& err) {
  if (!h5::read_string_values(d, v) || v.size() != n) {
    err.push_back(dw + ": cannot read (truncated or damaged?)");
    return false;
  }
  for (size_t r = 0; r < v.size(); ++r) {
    const std::string bad = text_problem(v[r]);
    if (!bad.empty()) err.push_back(dw + ": " + t.row_ref(r) + ": " + bad);
  }
  return true;
}

// The values of an integer column, into v (sized): read as 64-bit integers (a
// larger or unsigned type clips to the int64 range, which the check below
// refuses), then within int.
bool read_h5_ints(hid_t d, const std::string& dw, const Table& t, std::vector<double>& v,
                  std::vector<std::string>& err) {
  const size_t n = v.size();
  std::vector<long long> x(n);
  if (n && H5Dread(d, H5T_NATIVE_LLONG, H5S_ALL, H5S_ALL, H5P_DEFAULT, x.data()) < 0) {
    err.push_back(dw + ": cannot read (truncated or damaged?)");
    return false;
  }
  for (size_t r = 0; r < n; ++r) {
    if (x[r] < INT_MIN || x[r] > INT_MAX)
      err.push_back(dw + ": " + t.row_ref(r) + ": " + std::to_string(x[r]) + " is out of range for an integer (" +
                    std::to_string(INT_MIN) + " to " + std::to_string(INT_MAX) + ")");
    v[r] = static_cast<double>(x[r]);
  }
  return true;
}

// The values of a real column, into v (sized): finite, or NaN where allowed.
bool read_h5_reals(hid_t d, const std::string& dw, bool nan_ok, const Table& t, std::vector<double>& v,
                   std::vector<std::string>& err) {
  const size_t n = v.size();
  if (n && H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0) {
    err.push_back(dw + ": cannot read (truncated or damaged?)");
    return false;
  }
  for (size_t r = 0; r < n; ++r) {
    if (std::isnan(v[r]) && !nan_ok)
      err.push_back(dw + ": " + t.row_ref(r) + ": NaN is not a value here");
    else if (std::isinf(v[r]))
      err.push_back(dw + ": " + t.row_ref(r) + ": infinite value");
  }
  return true;
}

// One column of a table's group into t.str or t.num, its type and row count
// checked; `rows` is the row count of the first column read (-1 before).
void read_h5_column(hid_t g, const ColumnDef& cd, const std::string& dw, long& rows, Table& t,
                    std::vector<std::string>& err) {
  h5::Id d(H5Dopen2(g, cd.name.c_str(), H5P_DEFAULT));
  if (!d.valid()) return err.push_back(dw + ": not a dataset");
  hsize_t n = 0;
  if (!dataset_rows(d, dw, n, err)) return;
  if (rows < 0)
    rows = static_cast<long>(n);
  else if (static_cast<long>(n) != rows)
    return err.push_back(dw + ": " + std::to_string(n) + " rows, other columns have " + std::to_string(rows));
  h5::Id ft(H5Dget_type(d));
  const H5T_class_t cls = H5Tget_class(ft);
  if (cd.type == 's') {
    if (cls != H5T_STRING) return err.push_back(dw + ": expected strings");
    std::vector<std::string> v;
    if (read_h5_strings(d, dw, n, t, v, err)) t.str[cd.name] = std::move(v);
    return;
  }
  if (cls != H5T_INTEGER && cls != H5T_FLOAT) return err.push_back(dw + ": expected numbers");
  if (cd.type == 'i' && cls != H5T_INTEGER) return err.push_back(dw + ": expected integers");
  const std::string problem = h5::numeric_type_problem(ft);
  if (!problem.empty()) return err.push_back(dw + ": " + problem);
  std::vector<double> v(n);
  const bool ok = cd.type == 'i' ? read_h5_ints(d, dw, t, v, err) : read_h5_reals(d, dw, cd.def == "nan", t, v, err);
  if (ok) t.num[cd.name] = std::move(v);
}

// Absent optional columns: their default in every row.
void fill_absent_columns(const TableDef& def, Table& t) {
  for (const auto& cd : def.cols) {
    if (cd.type == 's' && !t.str.count(cd.name)) t.str[cd.name].assign(t.rows, cd.def);
    if (cd.type != 's' && !t.num.count(cd.name))
      t.num[cd.name].assign(t.rows, cd.def.empty() ? 0.0 : std::stod(cd.def));
  }
}

// One table from its group `t.where`: columns checked and read, defaults for
// absent optional ones. False when the group cannot be opened or listed.
bool read_h5_table(hid_t f, const TableDef& def, Table& t, std::vector<std::string>& err) {
  const std::string& gw = t.where;
  h5::Id g(H5Gopen2(f, def.name.c_str(), H5P_DEFAULT));
  if (!g.valid()) {
    err.push_back(gw + ": not a group");
    return false;
  }
  std::set<std::string> cols;
  if (!member_names(g, gw, cols, err)) return false;
  for (const auto& c : cols)
    if (std::none_of(def.cols.begin(), def.cols.end(), [&](const ColumnDef& d) { return d.name == c; }))
      err.push_back(gw + "/" + c + ": unknown column");
  long rows = -1;
  for (const auto& cd : def.cols) {
    const std::string dw = gw + "/" + cd.name;
    if (cols.count(cd.name))
      read_h5_column(g, cd, dw, rows, t, err);
    else if (cd.required)
      err.push_back(dw + ": missing required column");
  }
  t.rows = rows < 0 ? 0 : static_cast<size_t>(rows);
  fill_absent_columns(def, t);
  return true;
}

Input read_h5_open(hid_t f, const std::string& path) {
  std::vector<std::string> err;
  Input in;
  in.origin = path;
  read_h5_meta(f, path, in, err);
  std::set<std::string> present;
  if (!member_names(f, path + ":/", present, err)) throw InputError(err);
  for (const auto& p : present)
    if (!find_table(p)) err.push_back(path + ":/" + p + ": unknown table");
  for (const auto& def : input_schema()) {
    const std::string gw = path + ":/" + def.name;
    if (!present.count(def.name)) {
      if (def.required) err.push_back(gw + ": missing table");
      in.tables[def.name] = empty_table(def, gw);
      continue;
    }
    Table t;
    t.where = gw;
    if (read_h5_table(f, def, t, err)) in.tables[def.name] = std::move(t);
  }
  if (!err.empty()) throw InputError(err);
  return in;
}

} // namespace

Input read_h5_input_image(const std::string& name, const std::string& image) {
  h5::Quiet quiet;
  if (!has_hdf5_signature(image)) throw InputError({name + ": not an HDF5 file (or truncated)"});
  h5::Id f = open_image(image);
  if (!f.valid()) throw InputError({name + ": cannot open as HDF5 (truncated or damaged?)"});
  return read_h5_open(f, name);
}

std::string probe_h5_input_image(const std::string& name, const std::string& image, double timeout_s, bool parse) {
  return h5::probe_readable(name, timeout_s, [&](const std::string&) {
    h5::Quiet quiet;
    h5::Id f = open_image(image);
    if (!f.valid()) throw std::runtime_error("cannot open as HDF5 (truncated or damaged?)");
    h5::walk_open_file(f);
    if (parse) {
      try {
        read_h5_open(f, name);
      } catch (const InputError&) {
        // the parent reports these itself
      }
    }
  });
}

Input read_h5_input(const std::string& path) {
  if (!fs::exists(path)) throw InputError({path + ": no such file"});
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) throw InputError({path + ": cannot read: " + ec.message()});
  if (size > kMaxInputBytes)
    throw InputError({path + ": " + std::to_string(size) + " bytes, larger than an input may be (1 GiB)"});
  const std::string image = slurp(path);
  if (image.size() != size) throw InputError({path + ": cannot read (changed while reading?)"});
  if (!has_hdf5_signature(image)) throw InputError({path + ": not an HDF5 file (or truncated)"});
  const std::string refused = probe_h5_input_image(path, image, h5::default_probe_timeout(), true);
  if (!refused.empty()) throw InputError({refused});
  return read_h5_input_image(path, image);
}

} // namespace corridor
