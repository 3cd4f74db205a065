#pragma once
// The evaluation trace (`kblint explain --trace`): for one rule on one node, cluster or step, each
// sub-expression the evaluator computed, its value, and where a value read from a snapshot was
// read. Off unless an `eval_world` carries a recorder: the evaluator then checks one pointer.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace kbl {

struct cexpr;

/// One sub-expression evaluated: `depth` 0 is a `when`/`require`/`let` condition itself.
struct trace_line {
    std::uint32_t depth = 0;
    std::string expr;   ///< the sub-expression as written (see expr_label)
    std::string value;  ///< short text of its value (`missing: 'x' is missing` for missing data)
    std::string at;     ///< `file:line:col` of a value read from a snapshot (`set by step N (ACTION) at
                        ///< file:line:col` for a value of the simulated state a step made), else empty
};

/// One rule evaluated on one node (node scope), once on a cluster, or on one runbook step.
struct trace_run {
    std::string rule;
    std::string subject;  ///< `on node NAME`, `on cluster NAME`, or `before|after step N (ACTION on NODE)`
    std::string file;     ///< the node's snapshot (the cluster's first one, the step's file)
    std::vector<trace_line> lines;
    std::string outcome;  ///< "finding: MESSAGE", "no finding", "not applicable: ...", "unknown: ..."
};

/// Collects the trace of every evaluation while it is set on an `eval_world`. Single-threaded:
/// a traced check runs on one thread.
class trace_recorder {
public:
    /// Start the trace of `rule` on `subject`.
    void start(std::string rule, std::string subject, std::string file);
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);
    /// A sub-expression is about to be evaluated: its line (value unset), in evaluation order;
    /// `npos` outside a started evaluation (actions applied by a simulation are not traced).
    std::size_t open(const cexpr& c);
    /// Its value: `at` is empty unless the value was read from a snapshot.
    void close(std::size_t line, std::string value, std::string at);
    /// How the current evaluation ended.
    void finish(std::string outcome);

    const std::vector<trace_run>& runs() const { return runs_; }

private:
    std::vector<trace_run> runs_;
    std::uint32_t depth_ = 0;
    bool active_ = false;
};

/// The widest label a trace line shows, in terminal columns.
inline constexpr std::size_t max_label_columns = 60;

/// `text` cut to `columns` terminal columns, ending in `…` when it was longer (never inside a
/// UTF-8 sequence).
std::string cut_to_width(std::string text, std::size_t columns);

/// How `c` reads in a trace: the expression it was compiled from as `kblint fmt` writes it on one
/// line, cut to `max_label_columns`; without one, its path, constant, operator or function.
std::string expr_label(const cexpr& c);

/// The trace as text: per run a header `RULE SUBJECT (FILE)`, then one line per sub-expression,
/// indented by depth, `expr = value    (file:line:col)`, then `  => OUTCOME`.
std::string render_trace(const std::vector<trace_run>& runs);

} // namespace kbl
