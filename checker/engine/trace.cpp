#include "checker/engine/trace.hpp"

#include <fmt/format.h>

#include "checker/engine/builtins.hpp"
#include "checker/engine/eval.hpp"
#include "checker/engine/pack.hpp"
#include "common/text.hpp"
#include "parser/format.hpp"

namespace kbl {

void trace_recorder::start(std::string rule, std::string subject, std::string file) {
    runs_.push_back({std::move(rule), std::move(subject), std::move(file), {}, {}});
    depth_ = 0;
    active_ = true;
}

std::size_t trace_recorder::open(const cexpr& c) {
    if (!active_) return npos;  // an evaluation outside a rule (an action's effects): not traced
    auto& lines = runs_.back().lines;
    lines.push_back({depth_++, expr_label(c), {}, {}});
    return lines.size() - 1;
}

void trace_recorder::close(std::size_t line, std::string value, std::string at) {
    if (line == npos) return;
    trace_line& l = runs_.back().lines[line];
    l.value = std::move(value);
    l.at = std::move(at);
    --depth_;
}

void trace_recorder::finish(std::string outcome) {
    if (!runs_.empty()) runs_.back().outcome = std::move(outcome);
    active_ = false;
}

namespace {

std::string_view quant_text(ast::quant q) {
    switch (q) {
    case ast::quant::all: return "all";
    case ast::quant::any: return "any";
    case ast::quant::none: return "none";
    case ast::quant::count: return "count";
    case ast::quant::the: return "the";
    case ast::quant::map: return "map";
    case ast::quant::filter: return "filter";
    }
    return "?";
}

// The label of an operation that has no text of its own.
std::string_view op_label(cop op) {
    switch (op) {
    case cop::self: return "node";
    case cop::nodes: return "nodes";
    case cop::step: return "step";
    case cop::step_index: return "step.index";
    case cop::target: return "target";
    case cop::steps: return "steps";
    case cop::runbook: return "runbook";
    case cop::neg: return "-";
    case cop::not_: return "not";
    case cop::and_: return "and";
    case cop::or_: return "or";
    case cop::default_: return "??";
    case cop::add: return "+";
    case cop::sub: return "-";
    case cop::mul: return "*";
    case cop::div: return "/";
    case cop::mod: return "%";
    case cop::cond: return "if";
    case cop::list: return "[...]";
    case cop::record: return "{...}";
    default: return "?";
    }
}

} // namespace

std::string cut_to_width(std::string text, std::size_t columns) {
    if (display_width(text) <= columns) return text;
    std::size_t used = 0, i = 0;
    while (i < text.size()) {
        std::size_t n = std::max<std::size_t>(utf8_sequence_length(text, i), 1);
        std::size_t w = display_width(std::string_view(text).substr(i, n));
        if (used + w + 1 > columns) break;  // room for the `…`
        used += w;
        i += n;
    }
    text.resize(i);
    return text + "…";
}

std::string expr_label(const cexpr& c) {
    if (c.src) return cut_to_width(expression_text(*c.src), max_label_columns);
    switch (c.op) {
    case cop::constant:
        return c.k.k == rt::vkind::string ? fmt::format("\"{}\"", c.k.s) : rt::display(c.k);
    case cop::var: return c.key.empty() ? std::string("variable") : c.key;
    case cop::builtin: return fmt::format("{}(...)", c.fn ? c.fn->name : std::string_view("?"));
    case cop::call: return fmt::format("{}(...)", c.def ? c.def->name : std::string("?"));
    case cop::compare: return std::string(binop_text(c.bop));
    case cop::quant: return fmt::format("{} {}", quant_text(c.q), c.key);
    default: break;
    }
    if (!c.text.empty()) return c.text;
    if (!c.key.empty() && (c.op == cop::root_key || c.op == cop::member)) return c.key;
    return std::string(op_label(c.op));
}

std::string render_trace(const std::vector<trace_run>& runs) {
    std::string out;
    for (const auto& r : runs) {
        out += fmt::format("{} {} ({})\n", r.rule, r.subject, r.file);
        for (const auto& l : r.lines) {
            std::string line = fmt::format("{:{}}{} = {}", "", 2 + 2 * l.depth, l.expr, l.value);
            if (!l.at.empty()) line += fmt::format("    ({})", l.at);
            out += line + '\n';
        }
        out += fmt::format("  => {}\n", r.outcome);
    }
    return out;
}

namespace {

// A value as a trace shows it: strings quoted, missing values with their reason, at most 80 columns.
std::string value_text(const rt::value& v) {
    return cut_to_width(v.is_missing() ? fmt::format("missing ({})", v.s)
                        : v.k == rt::vkind::string ? fmt::format("\"{}\"", v.s)
                                                  : rt::display(v),
                        80);
}

// Operations that read the snapshots: their value's origin is where it was read.
bool reads_snapshot(cop op) {
    switch (op) {
    case cop::self:
    case cop::root_key:
    case cop::member:
    case cop::index:
    case cop::member_star:
    case cop::index_star:
    case cop::optional:
    case cop::var:
    case cop::table_lookup: return true;
    default: return false;
    }
}

} // namespace

rt::value evaluator::eval_traced(const cexpr& c, frame& f) {
    std::size_t line = trace_->open(c);
    rt::value v = eval_op(c, f);
    std::string at;
    if (reads_snapshot(c.op) && v.org.valid()) {
        location l = location_of(v.org);
        at = fmt::format("{}:{}:{}", l.file ? l.file->name() : std::string("?"), l.where.line, l.where.column);
        if (v.org.step > 0) at = fmt::format("set by step {} ({}) at {}", v.org.step, action_of(v.org.step), at);
    }
    trace_->close(line, value_text(v), std::move(at));
    return v;
}

void evaluator::trace_start() {
    std::string subject, file;
    std::uint32_t snap = self_;
    if (step_) {
        subject = fmt::format("{} step {} ({} on {})", trigger_after_ ? "after" : "before", step_->index, step_->action,
                              step_->target_name);
        file = location_of(step_->step.org).file->name();
    } else if (self_ != rt::origin::none) {
        subject = fmt::format("on node {}", w_.snaps[self_].node_name);
    } else {
        const cluster_entry& ce = w_.clusters[cluster_];
        subject = fmt::format("on cluster {}", ce.name.empty() ? std::string("(unnamed)") : ce.name);
        if (!ce.members.empty()) snap = ce.members.front();
    }
    if (file.empty() && snap != rt::origin::none) file = w_.snaps[snap].s->file->name();
    trace_->start(rule_ ? rule_->info.id : std::string("?"), std::move(subject), std::move(file));
}

void evaluator::trace_finish(const std::vector<finding>& out, std::size_t out_mark,
                             const std::vector<not_evaluated>& skipped, std::size_t skip_mark) {
    std::string outcome;
    for (std::size_t i = out_mark; i < out.size(); ++i) {
        const finding& fd = out[i];
        if (!outcome.empty()) outcome += "\n  => ";
        outcome += fmt::format("{}: {}    ({}:{}:{})", fd.st == status::unknown ? "unknown" : "finding", fd.message,
                               fd.loc.file ? fd.loc.file->name() : std::string("?"), fd.loc.where.line, fd.loc.where.column);
    }
    if (outcome.empty() && skipped.size() > skip_mark) outcome = skipped.back().reason;
    if (outcome.empty()) outcome = "no finding";
    trace_->finish(std::move(outcome));
}

} // namespace kbl
