#pragma once
// The evaluator (internal to checker/): evaluates compiled expressions and rules against the
// snapshots of one cluster. Pure: it reads snapshots and the pack, and writes only its own
// frames and the findings it returns. One evaluator per thread.
#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "checker/engine/builtins.hpp"
#include "checker/engine/pack.hpp"
#include "checker/engine/trace.hpp"

namespace kbl {

/// A snapshot as the engine sees it: loaded file, node name and cluster.
struct snap_entry {
    const snap::snapshot* s = nullptr;
    std::string node_name;    ///< from the schema's node_id, else the file name without extension
    std::uint32_t cluster = 0;
};

struct cluster_entry {
    std::string name;                  ///< as written in the first snapshot that names it (may be empty)
    std::vector<std::uint32_t> members;  ///< snapshot indices, in file order
};

/// Read-only data shared by every evaluator of one `check` call (or one simulated cluster).
struct eval_world {
    const pack* p = nullptr;
    std::vector<snap_entry> snaps;
    std::vector<cluster_entry> clusters;
    eval_limits lim;
    std::vector<snap::snapshot>* state = nullptr;  ///< simulation: the snapshots steps may change
    std::vector<snap::node_ptr>* keep = nullptr;   ///< simulation: replaced trees kept alive for held values
    bool strict_schema = false;                    ///< `--strict-schema`: undeclared keys are violations
    trace_recorder* trace = nullptr;               ///< `explain --trace`: records each evaluation (one thread)
};

/// The step being checked or applied.
struct step_ctx {
    rt::value step;               ///< the step table
    std::int64_t index = 0;       ///< 1-based
    std::string action;
    std::uint32_t target = rt::origin::none;  ///< snapshot the step runs on
    std::string target_name;      ///< as the step wrote it (for messages)
};

/// The runbook (or planned change) being simulated.
struct runbook_ctx {
    std::vector<rt::value> steps;
    std::vector<std::string> actions;  ///< action of each step
    std::vector<std::uint32_t> ordinals;  ///< of each step among the steps of its action on its node
    rt::value table;                   ///< `[runbook]` or `[planned]`
    std::uint32_t holder = 0;          ///< snapshot holding it

    /// The 0-based index of the step whose table is `s` (the last one when a table is listed twice),
    /// or `steps.size()` when `s` is no step of this runbook. Built once, on the first call.
    std::size_t step_index_of(const rt::value& s) const;

private:
    mutable std::unordered_map<const snap::node*, std::size_t> step_at_;  ///< step table -> index
};

/// A limit was hit: the message names the limit and its flag.
struct eval_limit_error : std::runtime_error {
    source_ptr file;  ///< the rule (or def) file and the expression where the limit was hit
    pos where;
    source_ptr subject_file;  ///< the snapshot being evaluated (null when none)
    pos subject_where;        ///< its step table when a step was evaluated, else 1:1
    eval_limit_error(source_ptr f, pos p, const std::string& msg) : std::runtime_error(msg), file(std::move(f)), where(p) {}
};

class evaluator {
public:
    evaluator(const eval_world& w, std::uint32_t cluster);

    /// Evaluate `r` over this cluster (each member for node scope, once for cluster scope).
    void run_rule(const crule& r, std::vector<finding>& out, std::vector<not_evaluated>& skipped);

    /// Runbook context for the following calls (null to clear).
    void set_context(const step_ctx* step, const runbook_ctx* rb) { step_ = step; rb_ = rb; }

    /// Evaluate a before/after rule against the current step (`set_context` first).
    void run_rule_step(const crule& r, std::vector<finding>& out, std::vector<not_evaluated>& skipped, bool after = false);

    /// Evaluate a rule of scope runbook against the current runbook.
    void run_rule_runbook(const crule& r, std::vector<finding>& out, std::vector<not_evaluated>& skipped);

    /// Apply the effects of `a` for the current step to the world's state.
    void apply(const caction& a, std::vector<not_evaluated>& skipped);

    /// The snapshot whose node name matches `name` (ignoring case, white space and a leading `\\`).
    std::uint32_t find_node(const std::string& name) const;

    /// Evaluate `d` with the given arguments.
    rt::value call(const cdef& d, std::vector<rt::value> args);

    /// The schema violations of snapshot `snap` as records (message, path), each located at its value.
    std::vector<rt::value> schema_violations(std::uint32_t snap);

    // What the built-ins (builtins.cpp) read of the current evaluation.

    /// The snapshots, clusters and pack being evaluated.
    const eval_world& world() const { return w_; }
    /// The snapshot `self` stands for, or `rt::origin::none` (no node in scope).
    std::uint32_t self() const { return self_; }
    /// The runbook being simulated, or null.
    const runbook_ctx* runbook() const { return rb_; }
    /// Where this evaluation runs: "snapshot", "before", "after", "final" or "runbook".
    const char* trigger_name() const;
    /// Snapshot `snap` as a value: its root table, located at line 1 when the root has no position.
    rt::value node_value(std::uint32_t snap) const;

private:
    using frame = std::vector<rt::value>;

    // Expressions (eval.cpp): `eval` dispatches on the operation to one function per kind.
    rt::value eval(const cexpr& c, frame& f) {
        if (trace_) [[unlikely]] return eval_traced(c, f);
        return eval_op(c, f);
    }
    rt::value eval_op(const cexpr& c, frame& f);
    /// An operand of an expression: read in place when it is a variable or a constant (a reference
    /// into the frame or the pack), else evaluated into `own`, constructed there rather than assigned.
    struct operand {
        rt::value own;
        const rt::value* in_place = nullptr;
        [[nodiscard]] const rt::value& get() const { return in_place ? *in_place : own; }
        /// The operand as a value of its own: copied when read in place, else moved out.
        [[nodiscard]] rt::value take() { return in_place ? *in_place : std::move(own); }
    };
    /// `c` as an operand; read in place, it counts as one step like `eval`.
    operand eval_operand(const cexpr& c, frame& f) {
        if (trace_ || (c.op != cop::var && c.op != cop::constant)) return operand{eval(c, f)};
        tick(c.where);
        if (depth_ + 1 > w_.lim.max_depth) too_deep(c.where);
        depth_peak_ = std::max(depth_peak_, depth_ + 1);
        return operand{rt::value{}, c.op == cop::var ? &f[c.slot] : &c.k};
    }
    /// `op(a, b)` of the two operands of binary `c`, read left to right; a missing operand is the
    /// result (the right one is then not evaluated).
    template <class Op>
    rt::value with_operands(const cexpr& c, frame& f, Op&& op) {
        operand a = eval_operand(*c.kids[0], f);
        if (a.get().is_missing()) return a.take();
        operand b = eval_operand(*c.kids[1], f);
        if (b.get().is_missing()) return b.take();
        return op(a.get(), b.get());
    }
    rt::value eval_traced(const cexpr& c, frame& f);  ///< trace.cpp's recorder is set: record `c` and its value
    /// Tracing: start the trace of the current rule on the current node (or cluster, or step) and
    /// end it with what the evaluation gave (findings and skips after the marks).
    void trace_start();
    void trace_finish(const std::vector<finding>& out, std::size_t out_mark, const std::vector<not_evaluated>& skipped,
                      std::size_t skip_mark);
    rt::value eval_context(const cexpr& c);
    rt::value eval_nodes();
    rt::value eval_member(const cexpr& c, frame& f);
    /// `.key` (no `idx`) or `[idx]` of `base`, mapped over it when it is a spread list; `drop`: elements where it is missing are dropped.
    rt::value member_each(const cexpr& c, const rt::value& base, const rt::value* idx, bool drop);
    rt::value eval_spread(const cexpr& c, frame& f);
    rt::value eval_optional(const cexpr& c, frame& f);
    rt::value eval_builtin(const cexpr& c, frame& f);  ///< builtins.cpp
    /// eval_builtin from argument `i` on, the operands of those before it in `ops` (builtins.cpp).
    rt::value builtin_from(const cexpr& c, frame& f, std::size_t i, std::array<operand*, max_builtin_args>& ops);
    rt::value eval_call(const cexpr& c, frame& f);
    rt::value eval_table_lookup(const cexpr& c, frame& f);
    rt::value eval_neg(const cexpr& c, frame& f);
    rt::value eval_not(const cexpr& c, frame& f);
    rt::value eval_logic(const cexpr& c, frame& f);
    rt::value eval_compare(const cexpr& c, frame& f);
    rt::value eval_default(const cexpr& c, frame& f);
    rt::value eval_arith(const cexpr& c, frame& f);
    rt::value eval_product(const cexpr& c, frame& f);
    rt::value eval_quant(const cexpr& c, frame& f);
    rt::value eval_cond(const cexpr& c, frame& f);
    rt::value eval_list(const cexpr& c, frame& f);
    rt::value eval_record(const cexpr& c, frame& f);
    rt::value member(const rt::value& base, const std::string& key, pos where);
    rt::value index(const rt::value& base, const rt::value& idx, pos where);
    std::string render(const ctemplate* t, frame& f);
    void tick(pos where) {
        if (++steps_ > w_.lim.max_steps) too_many_steps(where);
    }
    [[noreturn]] void too_many_steps(pos where) const;
    [[noreturn]] void too_deep(pos where) const;  ///< --max-eval-depth was exceeded at `where`
    /// Throw eval_limit_error at `where` of the current rule file, naming the snapshot evaluated.
    [[noreturn]] void limit_hit(pos where, const std::string& message) const;
    /// Start a new evaluation context (a rule on one node, cluster, step or runbook, or an action):
    /// the one place that resets the evaluator's per-evaluation state.
    void begin(const crule* r, const source_ptr& file, std::vector<not_evaluated>& skipped);
    bool required_by_schema(const std::string& path) const;
    /// True when the schema marks `path` (the first absent key of a missing value) `optional` (absent: not applicable).
    bool optional_by_schema(const std::string& path) const;

    void run_items(const crule& r, frame& f, std::vector<finding>& out, std::vector<not_evaluated>& skipped);
    /// `run_items`, traced when a recorder is set.
    void run_traced(const crule& r, frame& f, std::vector<finding>& out, std::vector<not_evaluated>& skipped);
    void require(const crule& r, const citem& item, const cexpr& c, frame& f, std::vector<finding>& out,
                 std::vector<not_evaluated>& skipped, const rt::value* element);
    /// A require's `at`: the finding points at that value (at the table where it should be when it is
    /// missing); the place chosen without `at` goes to `related` when it differs.
    void point_at(const citem& item, frame& f, finding& fd);
    void emit(const crule& r, const citem& item, frame& f, const rt::value& result, const rt::value* element,
              std::vector<finding>& out);
    rt::origin finding_origin(const rt::value& result, const rt::value* element) const;
    location location_of(const rt::origin& o) const;
    std::string deciding_note(const location& deciding, const rt::origin& o) const;
    void locate_at_step(finding& fd, const rt::origin& o) const;
    void locate_at_runbook_step(finding& fd, const rt::origin& o, const rt::value& element) const;
    void name_step(finding& fd, const rt::origin& o) const;
    void describe(finding& fd, const citem& item, frame& f, const rt::value& result);

    // Statements of actions (actions.cpp): `exec` dispatches on the statement kind.
    void exec(const cstmt& s, frame& f, std::vector<not_evaluated>& skipped);
    void exec_if(const cstmt& s, frame& f, std::vector<not_evaluated>& skipped);
    void exec_for(const cstmt& s, frame& f, std::vector<not_evaluated>& skipped);
    void exec_change(const cstmt& s, frame& f, std::vector<not_evaluated>& skipped);
    /// Record that statement `s` did nothing, and why.
    void skip_stmt(const cstmt& s, std::vector<not_evaluated>& skipped, const std::string& why) const;
    struct place {
        std::uint32_t snap = rt::origin::none;
        std::vector<snap::path_step> steps;
        std::string why;  ///< set when the place cannot be resolved
    };
    place resolve(const cstmt& s, frame& f);
    /// The new root of a snapshot (`root`) without the value at `pl`, or null when it is not there.
    snap::node_ptr deleted(const snap::node_ptr& root, const place& pl) const;
    /// The new root of a snapshot (`root`) after `set`, `add` or `remove` of `v` at `pl`, or null when it cannot change there.
    snap::node_ptr changed(const snap::node_ptr& root, const cstmt& s, const place& pl, const rt::value& v) const;
    /// Where nodes made by the current step are located (its table) and which step made them.
    rt::node_stamp step_stamp() const;
    std::shared_ptr<snap::node> make_node(const rt::value& v, const std::string& path) const;
    std::string action_of(std::uint32_t step) const;

    const step_ctx* step_ = nullptr;
    const runbook_ctx* rb_ = nullptr;
    bool drop_missing_ = false;  ///< the member being evaluated is marked `?`: drop elements where it is missing
    bool step_mode_ = false;  ///< findings are located at the current step
    bool trigger_after_ = false;  ///< the current step rule runs after the step
    const eval_world& w_;
    trace_recorder* trace_ = nullptr;  ///< w_.trace
    std::uint32_t cluster_;
    std::uint32_t self_ = rt::origin::none;
    const crule* rule_ = nullptr;
    source_ptr cur_file_;  ///< rule file being evaluated, for limit errors
    std::uint64_t steps_ = 0;
    std::uint32_t depth_ = 0;
    std::vector<not_evaluated>* skipped_sink_ = nullptr;
    std::shared_ptr<const std::vector<rt::value>> nodes_cache_;  ///< `nodes` of the current state
    std::uint64_t nodes_version_ = 0, state_version_ = 0;
    std::vector<frame> frame_pool_;
    /// The records computed in this evaluation context (`begin` starts one): values derived from a
    /// record's field (`str(r.x)`, `r.x == 1`) keep its origin, which points into the record, so the
    /// record lives until the context's findings are made, whatever value still holds it.
    std::vector<snap::node_ptr> kept_;

    // Calls of `def` functions, remembered. A def is a pure function of its arguments and of the
    // evaluation context (`epoch_`: one rule on one node, cluster, step or runbook, on one state of
    // the cluster; anything that changes the context starts a new epoch), so a call with the same
    // arguments (same values, same origins, the same snapshot tables by identity) gives the same
    // value: the merged-view helpers that cross-node rules call once per node and group are
    // computed once. A def that reads the context (`cdef::reads_context`) is remembered for one
    // context (`memo_`); any other for every context of this evaluator (one cluster or one
    // simulation) on one state of the cluster (`lasting_`), except while tracing. The argument values are kept in the entry, so
    // that the tables they point to stay alive and their addresses cannot be reused by other tables.
    struct memo_entry {
        const cdef* def = nullptr;
        std::vector<rt::value> args;
        rt::value result;
        std::uint64_t own_steps = 0;  ///< the steps of its evaluation outside the remembered calls it made
        std::uint32_t depth = 0;      ///< the deepest its evaluation nests without the memo, below the call
        std::uint64_t epoch = 0;      ///< the last context that used it
        std::uint64_t walk = 0;       ///< charge's mark
        std::vector<memo_entry*> calls;  ///< the remembered calls its evaluation made, in order
    };
    /// The remembered calls made by the evaluation of a call, and the steps they were charged.
    struct call_log {
        std::vector<memo_entry*> calls;
        std::uint64_t steps = 0;
    };
    using memo_map = std::unordered_multimap<std::uint64_t, memo_entry>;  ///< by memo_hash
    memo_map memo_;
    memo_map lasting_;
    /// The records of past contexts (`kept_`), kept while `lasting_` may hold values that point into them.
    std::vector<snap::node_ptr> lasting_kept_;
    std::uint64_t epoch_ = 0, memo_epoch_ = ~0ull, walks_ = 0, lasting_state_ = 0;
    call_log* log_ = nullptr;      ///< of the innermost remembered call being evaluated
    std::uint32_t depth_peak_ = 0;  ///< the deepest the evaluation of that call went (or would without the memo)
    /// The hash of a call for the memo, or nullopt when the call must not be remembered.
    std::optional<std::uint64_t> memo_hash(const cdef& d, std::span<const rt::value> args) const;
    /// The entry of `m` for the call of `d` with `args` (hash `h`), or null.
    memo_entry* recall(memo_map& m, std::uint64_t h, const cdef& d, std::span<const rt::value> args);
    /// Count the steps a remembered call would take evaluated here; nullopt when it must be
    /// evaluated again (see eval.cpp).
    std::optional<std::uint64_t> charge(memo_entry& e);
    /// The steps of `e` and of the calls it made that this context has not made yet (marked `walk`).
    std::uint64_t walk_cost(memo_entry& e, std::uint64_t walk, std::vector<memo_entry*>& seen) const;
    /// The value of the call of `d` with `args`, evaluated in `callee` and remembered in `m` under
    /// `h` when `h` is set (`stale`: its entry there, which `charge` refused).
    rt::value evaluate_call(const cdef& d, frame& callee, memo_map& m, std::optional<std::uint64_t> h, memo_entry* stale);
    /// Remember the value `v` of the call of `d` with `args` (moved from), whose evaluation took
    /// `steps` outside the remembered calls in `log`, and nested `depth` below the call.
    memo_entry* remember(memo_map& m, std::uint64_t h, const cdef& d, std::span<rt::value> args, const rt::value& v,
                         std::uint64_t steps, std::uint32_t depth, call_log&& log);
    /// Empty a memo without zeroing a large bucket array (a new context, or the bound reached).
    static void forget_calls(memo_map& m);
};

} // namespace kbl
