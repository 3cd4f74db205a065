#pragma once
// The built-in functions (internal to checker/engine/): one table, one row per function (name,
// arity, static result type, implementation). The compiler resolves a call to its row and types it
// with the row; the evaluator calls the row's implementation. The rows are in builtins.cpp, the
// implementations in builtins.cpp and builtins_numeric.cpp (builtins_util.hpp).
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "checker/engine/compile_types.hpp"
#include "checker/engine/value.hpp"

namespace kbl {

class evaluator;
struct cexpr;
struct builtin_types;  // compile_internal.hpp

/// The most arguments a built-in takes (the evaluator keeps them in a fixed array).
inline constexpr std::size_t max_builtin_args = 3;

/// The evaluated arguments of one call, by reference: a variable or a constant argument is read in
/// place (the frame's or the pack's value), not copied for the call.
class builtin_arg_refs {
public:
    builtin_arg_refs(const std::array<const rt::value*, max_builtin_args>& p, std::size_t n) : p_(p), n_(n) {}
    [[nodiscard]] std::size_t size() const noexcept { return n_; }
    [[nodiscard]] const rt::value& operator[](std::size_t i) const { return *p_[i]; }

private:
    const std::array<const rt::value*, max_builtin_args>& p_;
    std::size_t n_;
};

/// One call of a built-in being evaluated.
struct builtin_args {
    builtin_arg_refs a;            ///< the evaluated arguments (none missing unless the row sees missing ones)
    const cexpr& call;             ///< the compiled call: its name (`key`) and compiled pattern (`re`)
    evaluator& ev;                 ///< the cluster, `self`, the runbook being simulated
};

/// A built-in's implementation: its value for the given arguments (missing, with a reason, on a wrong type).
using builtin_impl = rt::value (*)(const builtin_args&);

/// A built-in's typing beyond its row's result kind: sets the call's static type from the argument
/// types, and makes the load-time checks of its arguments.
using builtin_typing = void (*)(builtin_types&);

/// What a built-in does with missing arguments.
enum class missing_args : std::uint8_t {
    propagate,  ///< the first missing argument is the result; the implementation never sees one
    seen,       ///< the implementation gets them (`exists`, `default`)
};

/// One built-in function: one row of the table.
struct builtin_def {
    std::string_view name;
    std::uint8_t min_args;
    std::uint8_t max_args;
    sbase result;           ///< the static kind of its value
    builtin_typing typing;  ///< refines `result` and checks arguments; null when `result` says it all
    builtin_impl impl;
    missing_args missing;
    std::string_view signature;  ///< how it is called, e.g. `substr(s, start[, len])`
    std::string_view doc;        ///< what it gives, one line (docs/language.md says more)
    /// Its value depends only on its arguments and the cluster's current state, not on the node in
    /// scope, the step, the runbook or the trigger: a def that calls it may be remembered across a
    /// cluster's rules. False unless its row says so, so that a new built-in is never wrongly remembered.
    bool context_free = false;
};

/// Every built-in function, one row each.
std::span<const builtin_def> builtin_table();

/// The row of the built-in named `name`, or null.
const builtin_def* find_builtin(std::string_view name);


} // namespace kbl
