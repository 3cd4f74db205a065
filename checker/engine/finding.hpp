#pragma once
// Findings: plain values produced by evaluation and consumed by renderers.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/source.hpp"

namespace kbl {

enum class severity : std::uint8_t { info = 0, warning = 1, error = 2 };
enum class status : std::uint8_t { fail, unknown, waived, baselined };
enum class rule_scope : std::uint8_t { node, cluster, runbook };

std::string_view to_string(severity s);
std::string_view to_string(status s);
std::string_view to_string(rule_scope s);

/// A place in a snapshot file; `path` is the TOML key path of the value (or table) there.
struct location {
    source_ptr file;
    pos where;        ///< 1-based; line 1 column 1 when the deciding value is absent and nothing better exists
    std::string path; ///< e.g. "services.ClusSvc.state"; empty for the file itself
};

struct related_location {
    location loc;
    std::string message;
};

struct step_ref {
    std::uint32_t index = 0;  ///< 1-based
    std::string action;
    std::uint32_t ordinal = 1;  ///< 1-based, among the steps of this action on the same node in its runbook
};

struct kb_ref {
    std::string article;  ///< e.g. "Q241573"
    std::string section;
};

/// The waiver that gave a finding the status `waived`.
struct waiver_ref {
    std::string reason;
    std::string expires;      ///< YYYY-MM-DD
    std::string approved_by;  ///< may be empty
    std::string file;         ///< the waiver file
    pos where;                ///< its `[[waiver]]` table
};

struct finding {
    std::string rule;
    severity sev = severity::error;
    status st = status::fail;
    rule_scope scope = rule_scope::node;
    std::string node;     ///< node blamed (netbios name as written); may be empty
    std::string cluster;  ///< cluster name as written; may be empty
    std::string title;
    std::string message;
    std::string fix;
    kb_ref ref;
    location loc;
    std::optional<step_ref> step;
    std::vector<related_location> related;
    std::string fingerprint;  ///< hex hash of rule, cluster, node, key path, step index
    std::optional<waiver_ref> waiver;  ///< set when the status is `waived`
};

/// Stable fingerprint: 16 hex digits of a 64-bit FNV-1a over rule, upper(cluster), upper(node), path
/// and step. A runbook step is named by its array without the index, its action and its ordinal, so
/// that inserting an unrelated step keeps the fingerprints of the others.
std::string make_fingerprint(const finding& f);

/// Deterministic report order: file name, line, column, rule id, node, then message.
bool finding_less(const finding& a, const finding& b);

} // namespace kbl
