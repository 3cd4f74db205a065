#include "cli/lsp/builtin_docs.hpp"

namespace kbl::lsp {

// clang-format off
const std::vector<builtin_doc>& builtin_docs() {
    static const std::vector<builtin_doc> rows = {
        {"lower", "lower(x)", "`x` in lower case; on a list, each string"},
        {"upper", "upper(x)", "`x` in upper case; on a list, each string"},
        {"trim", "trim(x)", "`x` without surrounding white space; on a list, each string"},
        {"len", "len(x)", "length of a string, list or table"},
        {"count", "count(list)", "number of elements"},
        {"starts_with", "starts_with(s, p)", "whether `s` starts with `p`"},
        {"ends_with", "ends_with(s, p)", "whether `s` ends with `p`"},
        {"replace", "replace(s, from, to)", "`s` with every `from` replaced by `to`"},
        {"split", "split(s, sep)", "the parts of `s` between the separators `sep`"},
        {"join", "join(list, sep)", "the strings of `list` joined by `sep`"},
        {"substr", "substr(s, start[, len])", "the part of `s` from `start` (of `len` characters)"},
        {"hex", "hex(i)", "`0x` and 8 upper-case hex digits of the low 32 bits (`hex(3)` = `\"0x00000003\"`)"},
        {"int", "int(x)", "an integer from an integer or a string (`\"42\"`, `\"-7\"`, `\"0x1F\"`); missing if it does not parse"},
        {"parse_int", "parse_int(s, base)", "digits of `s` in base 2..36 (no prefix); missing if it does not parse"},
        {"u32", "u32(i)", "`i` modulo 2^32 when `i` is in -2^31..2^32-1; missing otherwise"},
        {"capture", "capture(s, 're')", "the first capture group of an RE2 match (or the whole match), or missing"},
        {"type", "type(x)", "`\"string\"`, `\"int\"`, `\"float\"`, `\"bool\"`, `\"datetime\"`, `\"list\"` or `\"table\"`"},
        {"keys", "keys(t)", "the keys of a table (each remembers where it was written)"},
        {"values", "values(t)", "the values of a table"},
        {"key", "key(x)", "the key under which the table value `x` is stored"},
        {"exists", "exists(x)", "whether `x` is present (true or false, never unknown)"},
        {"default", "default(x, d)", "`x`, or `d` when `x` is missing (same as `x ?? d`)"},
        {"other", "other(n)", "the one other node of `n`'s cluster (missing, with a reason, unless there is exactly one)"},
        {"others", "others(n)", "the other nodes of `n`'s cluster"},
        {"schema_violations", "schema_violations()", "(node scope) the ways `self` breaks the schema: records with `message` and `path`"},
        {"unique", "unique(list)", "the list without duplicates"},
        {"sort", "sort(list)", "the list sorted"},
        {"step_index", "step_index(s)", "the 1-based position of a runbook step"},
        {"node_of", "node_of(s)", "the node a step runs on, or missing"},
        {"is_action", "is_action(name)", "whether an action of that name is declared"},
        {"actions", "actions()", "the names of the declared actions"},
        {"trigger", "trigger()", "where the rule is evaluated: `\"snapshot\"`, `\"before\"`, `\"after\"`, `\"final\"` or `\"runbook\"`"},
        {"str", "str(x)", "`x` as text (numbers in decimal, lists as `[a, b]`)"},
    };
    return rows;
}
// clang-format on

const builtin_doc* find_builtin_doc(std::string_view name) {
    for (const auto& b : builtin_docs())
        if (b.name == name) return &b;
    return nullptr;
}

} // namespace kbl::lsp
