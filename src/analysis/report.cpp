#include "advx/analysis/report.h"

#include <cmath>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "advx/common/counted.h"

namespace advx {

namespace {

/// Display width of UTF-8 text: code points (λ, ±, ↑, − are one column wide).
std::size_t width(const std::string& s) {
  std::size_t w = 0;
  for (unsigned char c : s) w += (c & 0xC0) != 0x80;
  return w;
}

std::string num(double v) {
  if (std::isnan(v)) return "–";
  const double a = std::fabs(v);
  if (a != 0 && (a >= 1e4 || a < 1e-3)) return fmt::format("{:.4g}", v);
  return fmt::format("{:.4f}", v);
}

std::string stat(const Stat& s) {
  if (s.n == 0) return "–";
  if (s.n < 2) return num(s.mean);
  // The spread in the mean's notation, so columns line up and a tiny std does not switch to exponents.
  const double a = std::fabs(s.mean);
  if (a != 0 && (a >= 1e4 || a < 1e-3)) return fmt::format("{:.4g} ± {:.2g}", s.mean, s.std);
  return fmt::format("{:.4f} ± {:.4f}", s.mean, s.std);
}

/// Table header of a grid key: "adversaries.gender.lambda" → "λ_gender".
std::string key_header(const std::string& key) {
  const std::string pre = "adversaries.", post = ".lambda";
  if (key.size() > pre.size() + post.size() && key.rfind(pre, 0) == 0 &&
      key.compare(key.size() - post.size(), post.size(), post) == 0)
    return "λ_" + key.substr(pre.size(), key.size() - pre.size() - post.size());
  return key;
}

/// Paper-style name of a metric: "test.ndcg@10" → "NDCG@10", "attack.age.mae" → "MAE age".
std::string metric_header(const std::string& m) {
  if (m.rfind("test.ndcg@", 0) == 0) return "NDCG@" + m.substr(10);
  if (m.rfind("test.recall@", 0) == 0) return "Recall@" + m.substr(12);
  if (m.rfind("attack.", 0) == 0) {
    const auto dot = m.rfind('.');
    const auto attr = m.substr(7, dot - 7), what = m.substr(dot + 1);
    if (what == "bacc") return "BAcc " + attr;
    if (what == "mae") return "MAE " + attr;
  }
  return m;
}

using Rows = std::vector<std::vector<std::string>>;

std::string text_table(const std::vector<std::string>& header, const Rows& rows) {
  std::vector<std::size_t> w(header.size());
  for (std::size_t c = 0; c < header.size(); ++c) w[c] = width(header[c]);
  for (const auto& r : rows)
    for (std::size_t c = 0; c < r.size(); ++c) w[c] = std::max(w[c], width(r[c]));
  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    std::string l;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      l += cells[c];
      if (c + 1 < cells.size()) l += std::string(w[c] - width(cells[c]) + 2, ' ');
    }
    while (!l.empty() && l.back() == ' ') l.pop_back();
    out += l + '\n';
  };
  line(header);
  std::vector<std::string> rule;
  for (auto x : w) rule.push_back(std::string(x, '-'));
  line(rule);
  for (const auto& r : rows) line(r);
  return out;
}

std::string markdown_cell(std::string s) {
  std::string out;
  for (char c : s) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

std::string markdown_table(const std::vector<std::string>& header, const Rows& rows) {
  std::string out = "|";
  for (const auto& h : header) out.append(" ").append(markdown_cell(h)).append(" |");
  out += "\n|";
  for (std::size_t c = 0; c < header.size(); ++c) out += "---|";
  out += '\n';
  for (const auto& r : rows) {
    out += "|";
    for (const auto& c : r) out.append(" ").append(markdown_cell(c)).append(" |");
    out += '\n';
  }
  return out;
}

/// The first front as a table: identity, n, objective values, knee marker.
std::pair<std::vector<std::string>, Rows> front_table(const Analysis& a) {
  std::vector<std::string> header;
  if (a.per_replicate) header.push_back("trial_id");
  for (const auto& k : a.config_keys) header.push_back(key_header(k));
  header.push_back("n");
  for (const auto& o : a.objectives) header.push_back(o.label());
  header.push_back("pick");
  Rows rows;
  for (auto i : a.front) {
    const auto& p = a.points[i];
    std::vector<std::string> r;
    if (a.per_replicate) r.push_back(p.trial_ids.front());
    r.insert(r.end(), p.config.begin(), p.config.end());
    r.push_back(std::to_string(p.rows.size()));
    for (const auto& s : p.objectives) r.push_back(stat(s));
    r.push_back(i == a.knee ? "knee" : "");
    rows.push_back(std::move(r));
  }
  return {header, rows};
}

std::pair<std::vector<std::string>, Rows> paper_table(const Analysis& a) {
  std::vector<std::string> header{"pick", "model"};
  if (a.per_replicate) header.push_back("trial_id");
  for (const auto& k : a.config_keys) header.push_back(key_header(k));
  header.push_back("n");
  header.push_back("rank");
  for (const auto& m : a.paper_metrics) header.push_back(metric_header(m));
  Rows rows;
  for (const auto& t : a.table) {
    const auto& p = a.points[t.point];
    std::vector<std::string> r{t.role == "baseline" ? "" : t.role, t.model};
    if (a.per_replicate) r.push_back(p.trial_ids.front());
    r.insert(r.end(), p.config.begin(), p.config.end());
    r.push_back(std::to_string(p.rows.size()));
    r.push_back(std::to_string(p.rank));
    for (const auto& m : a.paper_metrics) r.push_back(stat(p.metrics.at(m)));
    rows.push_back(std::move(r));
  }
  return {header, rows};
}

std::string point_noun(const Analysis& a, std::size_t n) {
  return a.per_replicate ? (n == 1 ? "trial" : "trials") : (n == 1 ? "configuration" : "configurations");
}

std::string reference_text(const Analysis& a) {
  std::vector<std::string> parts;
  for (double r : a.reference) parts.push_back(fmt::format("{:.6g}", r));
  return fmt::format("({}; {})", fmt::join(parts, ", "),
                     a.reference_given ? "given by --reference"
                                       : "derived: each objective's worst point moved out by 10 % of its spread");
}

std::string summary_lines(const Analysis& a, const std::string& bullet) {
  std::string s = fmt::format("{}{}: sweep {}, checkpoint {}: {} of {} used", bullet, a.file, a.sweep_name,
                              a.checkpoint, a.trials_used, counted(a.trials_recorded, "trial"));
  if (a.trials_failed + a.trials_missing > 0)
    s += fmt::format(" ({} failed, {} without {} values excluded)", a.trials_failed, a.trials_missing, a.checkpoint);
  if (a.trials_diverged_used > 0)
    s += fmt::format(" ({} of them diverged later: their best checkpoint is from before)", a.trials_diverged_used);
  s += fmt::format(" → {} {}", a.points.size(), point_noun(a, a.points.size()));
  if (!a.replicate_keys.empty()) s += fmt::format(" (mean ± std over {})", fmt::join(a.replicate_keys, ", "));
  s += "\n";
  std::vector<std::string> objs;
  for (const auto& o : a.objectives) objs.push_back(o.label());
  s += fmt::format("{}objectives: {}\n", bullet, fmt::join(objs, ", "));
  return s;
}

nlohmann::ordered_json stat_json(const Stat& s) {
  return {{"mean", s.mean}, {"std", s.std}};
}

nlohmann::ordered_json point_json(const Analysis& a, std::size_t i) {
  const auto& p = a.points[i];
  nlohmann::ordered_json j;
  if (a.per_replicate) j["trial_id"] = p.trial_ids.front();
  nlohmann::ordered_json config = nlohmann::ordered_json::object();
  for (std::size_t k = 0; k < a.config_keys.size(); ++k) {
    const auto& text = p.config[k];
    std::size_t used = 0;
    double v = 0;
    try {
      v = std::stod(text, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == text.size() && !text.empty()) config[a.config_keys[k]] = v;
    else config[a.config_keys[k]] = text;
  }
  j["config"] = config;
  if (!a.per_replicate) j["trials"] = p.trial_ids;
  j["n"] = p.rows.size();
  j["rank"] = p.rank;
  j["roles"] = a.roles(i);
  nlohmann::ordered_json objs = nlohmann::ordered_json::object();
  for (std::size_t k = 0; k < a.objectives.size(); ++k) objs[a.objectives[k].metric] = stat_json(p.objectives[k]);
  j["objectives"] = objs;
  nlohmann::ordered_json metrics = nlohmann::ordered_json::object();
  for (const auto& [name, s] : p.metrics) metrics[name] = stat_json(s);
  j["metrics"] = metrics;
  return j;
}

std::string render_json(const Analysis& a) {
  nlohmann::ordered_json j;
  j["file"] = a.file;
  j["sweep"] = a.sweep_name;
  j["checkpoint"] = a.checkpoint;
  j["per_replicate"] = a.per_replicate;
  auto objs = nlohmann::ordered_json::array();
  for (const auto& o : a.objectives) {
    nlohmann::ordered_json oj{{"metric", o.metric},
                              {"column", a.checkpoint + "." + o.metric},
                              {"sense", o.sense == Sense::kMax ? "max" : o.sense == Sense::kMin ? "min" : "chance"},
                              {"spec", o.spec()}};
    if (o.sense == Sense::kChance) oj["chance"] = o.chance;
    // Levels that differ between trials (a fold lacking a class): "chance" is the first trial's, each
    // trial's value used its own, from chance_column.
    if (o.chance_varies) oj["chance_column"] = o.chance_column;
    objs.push_back(oj);
  }
  j["objectives"] = objs;
  j["config_keys"] = a.config_keys;
  j["replicate_keys"] = a.replicate_keys;
  j["paper_metrics"] = a.paper_metrics;
  j["trials"] = {{"recorded", a.trials_recorded}, {"used", a.trials_used}, {"failed", a.trials_failed},
                 {"missing_values", a.trials_missing}, {"diverged_used", a.trials_diverged_used}};
  if (a.plan) {  // what the file's last run planned: a stopped run or a shard is visible in the saved JSON
    j["trials"]["planned"] = a.plan->planned;
    j["trials"]["planned_without_row"] = a.plan->missing();
    j["trials"]["unplanned"] = a.plan->unplanned;
    j["trials"]["shard"] = a.plan->shard;
    j["trials"]["sweep_trials"] = a.plan->sweep_trials;
  }
  j["fronts"] = a.fronts;
  j["hypervolume"] = {{"value", a.hypervolume}, {"reference", a.reference},
                      {"reference_source", a.reference_given ? "given" : "derived"}};
  j["knee"] = point_json(a, a.knee);
  auto front = nlohmann::ordered_json::array();
  for (auto i : a.front) front.push_back(point_json(a, i));
  j["front"] = front;
  auto table = nlohmann::ordered_json::array();
  for (const auto& t : a.table) {
    auto row = point_json(a, t.point);
    nlohmann::ordered_json entry{{"role", t.role}, {"model", t.model}, {"point", t.point}};
    entry.update(row);
    table.push_back(entry);
  }
  j["table"] = table;
  auto points = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < a.points.size(); ++i) points.push_back(point_json(a, i));
  j["points"] = points;
  return j.dump(2) + "\n";
}

std::string csv_quote(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string render_csv(const Analysis& a) {
  std::vector<std::string> header;
  if (a.per_replicate) header.push_back("trial_id");
  header.insert(header.end(), a.config_keys.begin(), a.config_keys.end());
  for (const char* h : {"n", "rank", "roles"}) header.push_back(h);
  for (const auto& o : a.objectives) {
    header.push_back(o.metric);
    header.push_back(o.metric + ".std");
  }
  for (const auto& m : a.paper_metrics) {
    header.push_back("metric." + m);
    header.push_back("metric." + m + ".std");
  }
  auto cell = [](double v) { return std::isnan(v) ? std::string() : fmt::format("{}", v); };
  std::string out;
  auto emit = [&](const std::vector<std::string>& cells) {
    for (std::size_t c = 0; c < cells.size(); ++c) out.append(c == 0 ? "" : ",").append(csv_quote(cells[c]));
    out += '\n';
  };
  emit(header);
  for (std::size_t i = 0; i < a.points.size(); ++i) {
    const auto& p = a.points[i];
    std::vector<std::string> r;
    if (a.per_replicate) r.push_back(p.trial_ids.front());
    r.insert(r.end(), p.config.begin(), p.config.end());
    r.push_back(std::to_string(p.rows.size()));
    r.push_back(std::to_string(p.rank));
    r.push_back(fmt::format("{}", fmt::join(a.roles(i), ";")));
    for (const auto& s : p.objectives) {
      r.push_back(cell(s.mean));
      r.push_back(cell(s.std));
    }
    for (const auto& m : a.paper_metrics) {
      r.push_back(cell(p.metrics.at(m).mean));
      r.push_back(cell(p.metrics.at(m).std));
    }
    emit(r);
  }
  return out;
}

std::string render_tables(const Analysis& a, bool markdown) {
  auto table = [markdown](const auto& t) { return markdown ? markdown_table(t.first, t.second) : text_table(t.first, t.second); };
  const auto heading = [markdown](const std::string& s) { return markdown ? "### " + s + "\n\n" : s + "\n"; };
  std::string out = summary_lines(a, markdown ? "- " : "");
  out += "\n";
  out += heading(fmt::format("First front: {} of {} {} ({})", a.front.size(), a.points.size(),
                             point_noun(a, a.points.size()), counted(a.fronts, "front")));
  out += table(front_table(a));
  out += fmt::format("{}hypervolume {:.6g} with reference {}\n\n", markdown ? "\n" : "", a.hypervolume, reference_text(a));
  const auto rep = a.replicate_keys.empty() ? std::string("single trials")
                                            : fmt::format("mean ± std over {}", fmt::join(a.replicate_keys, ", "));
  out += heading(fmt::format("Paper table (checkpoint {}, {})", a.checkpoint, rep));
  out += table(paper_table(a));
  // The picks are made on the objectives, which the metric columns do not show: a chance objective is the
  // mean of each trial's |BAcc − chance|, so a pick can have a mean BAcc farther from chance than a row
  // whose trials scatter on both sides of it.
  std::vector<std::string> picks;
  for (const auto& row : a.table)
    if (row.objective >= 0) picks.push_back(fmt::format("{}: {}", row.role, a.objectives[static_cast<std::size_t>(row.objective)].label()));
  if (!picks.empty())
    out += fmt::format("{}picked by their objective{}: {}\n", markdown ? "\n" : "",
                       a.replicate_keys.empty() ? "" : fmt::format(" (mean over {} of each trial's value)", fmt::join(a.replicate_keys, ", ")),
                       fmt::join(picks, "; "));
  return out;
}

}  // namespace

std::string render_report(const Analysis& analysis, ReportFormat format) {
  switch (format) {
    case ReportFormat::kText: return render_tables(analysis, false);
    case ReportFormat::kMarkdown: return render_tables(analysis, true);
    case ReportFormat::kCsv: return render_csv(analysis);
    case ReportFormat::kJson: return render_json(analysis);
  }
  return "";
}

}  // namespace advx
