#pragma once
// Loading a pack: parse every rule file (parser/), check it statically and compile it into an
// immutable `pack` (compile.cpp), read in the order the phases run.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "checker/engine/finding.hpp"
#include "common/diagnostic.hpp"
#include "common/limits.hpp"

namespace kbl {

/// Metadata of one loaded rule, for `kblint rules`, `explain` and report renderers.
struct rule_info {
    std::string id;
    std::string title;
    severity sev = severity::error;
    rule_scope scope = rule_scope::node;
    kb_ref ref;
    std::vector<std::string> tags;
    std::string fix;
    std::string doc;
    std::string when_text;   ///< the rule's applicability conditions as written (may be empty)
    std::string source_text; ///< the rule's declaration as written in its file
    source_ptr file;
    pos where;
};

class pack;  ///< compiled rules, immutable, shared by all threads

/// Result of loading rule files: a pack (null when any error was found) and every diagnostic.
struct pack_result {
    std::shared_ptr<const pack> p;
    diagnostics diags;
};

/// A rule file parsed ahead of time (the built-in pack's, at build time): `image` is its AST as
/// parser/ast_codec.hpp encodes it.
struct prebuilt_ast {
    source_ptr src;
    std::string_view image;
};

/// Parse, statically check and compile the given rule files together (and the files they `use`,
/// each a regular file of at most `max_file_bytes`). A file of `prebuilt` whose image fits
/// (decode_ast) is decoded instead of parsed.
pack_result load_pack(const std::vector<source_ptr>& rule_files, std::uint32_t max_rule_depth = limits::max_rule_depth,
                      std::size_t max_file_bytes = limits::max_file_bytes, const std::vector<prebuilt_ast>& prebuilt = {});

/// Every rule of the pack in id order.
std::vector<rule_info> pack_rules(const pack& p);

/// A built-in function of the rule language: its name, how many arguments it takes, and its documentation.
struct builtin_function {
    std::string name;
    std::uint32_t min_args = 0;
    std::uint32_t max_args = 0;
    std::string signature;  ///< how it is called, e.g. `substr(s, start[, len])`
    std::string doc;        ///< what it gives, one line
};

/// Every built-in function, in the order of the engine's table (`kblint lsp` completes and documents them).
std::vector<builtin_function> builtin_functions();

/// Dotted paths of tables whose keys the pack's schema marks case-insensitive.
std::vector<std::string> pack_ci_tables(const pack& p);

} // namespace kbl
