#pragma once
// What each built-in function of the rule language does (docs/language.md, "Functions"), shown by
// hover and completion. tests/lsp_features_test.cpp checks it against the engine's own table.
#include <string_view>
#include <vector>

namespace kbl::lsp {

/// One built-in function: its name, how it is called, what it gives.
struct builtin_doc {
    std::string_view name;
    std::string_view signature;
    std::string_view doc;
};

/// Every built-in function, one row each.
const std::vector<builtin_doc>& builtin_docs();

/// The row of `name`, or null.
const builtin_doc* find_builtin_doc(std::string_view name);

} // namespace kbl::lsp
