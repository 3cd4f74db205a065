#pragma once
// Report renderers: turn findings and diagnostics into bytes. They never evaluate anything.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "checker/engine/engine.hpp"

namespace kbl {

/// A run-level message that is neither a finding nor an input error (expired or unused waiver...).
struct notification {
    std::string level;  ///< "warning" | "note"
    std::string kind;   ///< e.g. "waiver-expired"
    std::string file;
    pos where;
    std::string message;
};

/// One entry of a baseline file: a finding accepted for now, keyed by rule id and fingerprint. The
/// other fields are hints for readers, never part of a match.
struct baseline_entry {
    std::string rule;
    std::string fingerprint;
    std::string cluster;  ///< hint
    std::string node;     ///< hint
    std::string path;     ///< hint: key path of the deciding value (a runbook step's without its index)
    std::string step;     ///< hint: "ACTION #N" for a step finding (N-th step of that action on the node)
    std::string file;     ///< the baseline file
    pos where;            ///< the entry in it
};

struct report_summary {
    std::size_t snapshots = 0, clusters = 0, runbooks = 0, rules = 0;
    std::size_t errors = 0, warnings = 0, infos = 0, unknown = 0, waived = 0, baselined = 0;
};

struct shard_info;  // checker/report/shard_json.hpp

/// Everything a renderer needs.
struct report {
    std::string version;              ///< kblint version
    std::string information_uri;      ///< kblint's home page (SARIF `informationUri`); empty: default_information_uri
    std::string source_root;          ///< absolute folder relative file names start from (SARIF `%SRCROOT%`); may be empty
    std::vector<finding> findings;    ///< sorted
    diagnostics errors;               ///< input errors (invalid TOML, unreadable files, bad rules) and notes about them
    std::vector<notification> notifications;
    std::vector<rule_info> rules;     ///< rules selected for evaluation
    std::vector<evaluation> evaluated;  ///< (rule, node) pairs evaluated (JUnit test cases, HTML matrix)
    bool baseline = false;            ///< a baseline was given (SARIF `baselineState` on every result)
    std::vector<baseline_entry> stale_baseline;  ///< baseline entries no finding matched (`baselineState: absent`)
    int exit_status = 0;              ///< exit status of the run (SARIF `invocations[0].exitCode`)
    report_summary summary;
    std::vector<timeline> timelines;  ///< `check --show-runbook`: each change simulated (else empty)
    bool show_runbook = false;        ///< `--show-runbook` was given: JSON "runbooks" (even empty), SARIF code flows
    std::shared_ptr<const shard_info> shard;  ///< `check --shard`: what `kblint merge` needs (JSON "shard")
    checked_list checked;             ///< the snapshots and changes checked (JSON "checked", text -v, HTML)
};

/// kblint's documented home, SARIF `informationUri` when the build names none.
inline constexpr char default_information_uri[] = "https://github.com/kblint/kblint";

/// Fill the severity/status counts of `r.summary` from `r.findings`.
void count_findings(report& r);

/// How every format names the severity of an entry of `errors`: "error", "warning" or "note" (an
/// info diagnostic is a note). Only errors are input errors: they alone make a run exit 2.
std::string_view input_severity(const diagnostic& d);

/// The entries of `r.errors` that are errors (notes and warnings are not counted).
std::size_t input_error_count(const report& r);

struct text_options {
    bool color = false;
    bool quiet = false;  ///< only the summary line and errors
    std::size_t width = 0;  ///< terminal columns to cut source lines to; 0: no limit
    bool show_baselined = false;  ///< text and concise: list baselined findings too (else only counted)
    bool verbose = false;  ///< text: a "Checked:" block (render_checked) before the summary
};

/// A finding as the one diagnostic shape: the status after the message, related places as located
/// notes, then the step, the fix (`help:`), the reference and the waiver as notes.
diagnostic to_diagnostic(const finding& f);

/// Compiler-style text: a block per finding (location, snippet, caret, related notes, help, note), then a summary.
/// Baselined findings are left out unless `opt.show_baselined`: a line before the summary counts them.
std::string render_text(const report& r, const text_options& opt);

/// `check --show-runbook`: each change of `r.timelines` as a compact timeline, one line per step
/// (index, node, action, its first effect), its other effects and its findings (`! RULE SEVERITY
/// (line N)`) on the lines below, aligned; then the whole-runbook findings and the end state's
/// (render_timeline_text.cpp).
std::string render_timelines_text(const report& r, const text_options& opt);

/// `check --show-runbook -f concise`: a note per effect of each step of `r.timelines` (`file:line:
/// note: step N (ACTION on NODE): path: before -> after`, the step's line, no column), and one
/// saying "no change" or "not simulated" for a step without effect.
std::string render_timelines_concise(const report& r, const text_options& opt);

/// The findings of `r` a timeline names (by rule and fingerprint), each once, in the order named.
std::vector<const finding*> timeline_findings(const report& r, const std::vector<timeline_finding>& refs);

/// One line per input error and finding (`file:line:col: severity: message [id]`, the gcc and
/// shellcheck form; the unknown findings of one node that share a missing path on one line that
/// lists their rules), then the summary line; baselined findings as in render_text.
std::string render_concise(const report& r, const text_options& opt);

/// Counts of findings per rule and severity (waived and baselined apart), most frequent first:
/// `  COUNT  RULE  SEVERITY  TITLE` lines under a header, for `--statistics`.
std::string render_statistics(const report& r);

/// GitLab Code Quality JSON: an array with an entry per failing or unknown finding and per entry of
/// `errors` (`description`, `check_name`, `fingerprint`, `severity`, `location.path`,
/// `location.lines.begin`; an input error is `blocker`, a note `info`); waived and baselined
/// findings are left out.
std::string render_gitlab(const report& r);

/// JSON report version 1 (keys in a fixed order, two-space indent, final newline). Each entry of
/// `errors` carries its check `id` after the message (`io` when the file could not be read: then
/// `line` and `column` are null and the message says why), then its `severity` (input_severity).
/// With `r.show_runbook`, a last key `runbooks`: per change its file, kind, cluster, steps (index,
/// node, action, line, simulated, effects, findings by rule and fingerprint), whole-runbook and
/// end-state findings.
std::string render_json(const report& r);

/// The JSON name of an effect's kind ("set", "created", "deleted", "added", "removed").
std::string_view effect_kind_name(effect::kind k);

/// The closing summary line of the text report ("1 error, 0 warnings, ... in 2 snapshots, ..."), with its newline;
/// with a baseline, its stale entries (in scope, matched by no finding) are "N fixed since the baseline".
std::string render_summary(const report& r);

/// The "Checked:" block of the text report: each snapshot with its node, cluster and time, each
/// change with its steps; empty when nothing was checked.
std::string render_checked(const report& r);

/// SARIF 2.1.0: one run, the selected rules in `tool.driver.rules`, a result per finding (waived
/// ones with a suppression, `baselineState` when a baseline was given), input errors and
/// notifications as `toolExecutionNotifications`; columns in Unicode code points.
std::string render_sarif(const report& r);

/// JUnit XML: a `<testsuite>` per cluster (or per snapshot outside any cluster), a `<testcase>` per
/// rule and node evaluated, a `<failure>` per failing finding, `<skipped>` for waived, baselined and
/// not applicable; input errors in a suite of their own (notes about them, which are no error, and
/// notifications in its `<system-err>`). Valid XML 1.0 whatever the input bytes.
std::string render_junit(const report& r);

/// GitHub Actions workflow commands, one line per finding, input error and notification
/// (`::error file=F,line=L,col=C,title=RULE-ID::message`); nothing else.
std::string render_github(const report& r);

/// One self-contained HTML page (inline CSS, one inline filter script allowed by its hash in the
/// page's CSP, no network): summaries by rule and by cluster, a matrix of the rules and clusters
/// with findings, and the findings grouped by cluster with their snapshot snippets.
std::string render_html(const report& r);

} // namespace kbl
