// A list of campaign configurations, as kvm.sh's --configs and CFLIST give them: one entry a
// token or a line, "[N*]SCENARIO [DESIGN]" (N repeats the scenario's effort N times; no design:
// the scenario's own, or the one the command line gives). `#` starts a comment.
#pragma once
#include <string>
#include <vector>

namespace hazsim {

struct ConfigEntry {
  std::string scenario;
  std::string design;  // empty: the scenario's own (or --design's)
  int times = 1;
};

// Lines of "[N*]SCENARIO [DESIGN]"; `source` names the text in errors ("FILE:LINE: ...").
bool parse_config_lines(const std::string& text, const std::string& source, std::vector<ConfigEntry>* out,
                        std::string* err);
// Space-separated "[N*]SCENARIO" tokens (--configs "TORTURE 2*IRQ NESTING").
bool parse_config_tokens(const std::string& text, std::vector<ConfigEntry>* out, std::string* err);
// A duration as kvm.sh's --duration takes it: N, Ns, Nm, Nh or Nd (N a positive whole number;
// no unit: seconds).
bool parse_duration(const std::string& text, double* seconds, std::string* err);

}  // namespace hazsim
