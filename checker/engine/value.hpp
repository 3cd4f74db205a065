#pragma once
// Runtime values of the evaluator. A value read from a snapshot remembers where it came from
// (its origin), so findings can point at the value that decided them.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "checker/snapshot/snapshot.hpp"

namespace kbl::rt {

enum class vkind : std::uint8_t { missing, boolean, integer, floating, string, datetime, list, table };

/// Where a value was read: snapshot index, position and key path.
struct origin {
    static constexpr std::uint32_t none = 0xFFFFFFFFu;
    std::uint32_t snap = none;
    pos where;
    const std::string* path = nullptr;  ///< points into a snap::node that outlives evaluation
    const source_ptr* file = nullptr;   ///< the file, when it is not the snapshot's own (simulated values)
    std::uint32_t step = 0;             ///< the simulated step that made the value (0: loaded)
    [[nodiscard]] bool valid() const noexcept { return snap != none; }
};

struct value;
using list_ptr = std::shared_ptr<const std::vector<value>>;

struct value {
    vkind k = vkind::missing;
    bool b = false;
    bool spread = false;        ///< list made by a wildcard: later path steps map over it
    bool optional = false;      ///< missing value marked optional (`?`): the requirement is skipped
    std::int64_t i = 0;
    double f = 0.0;
    std::string s;              ///< string, datetime text, or (missing) the reason
    std::string missing_path;   ///< missing: the path that was absent (may be empty)
    list_ptr items;             ///< computed lists
    const snap::node* node = nullptr;  ///< snapshot/record tables and arrays
    snap::node_ptr hold;        ///< keeps a computed record alive
    origin org;

    static value boolean(bool v, origin o = {});
    static value integer(std::int64_t v, origin o = {});
    static value floating(double v, origin o = {});
    static value string(std::string v, origin o = {});
    static value list(std::vector<value> v, origin o = {});
    static value missing(std::string reason, std::string path = {}, origin o = {});
    /// A snapshot node as a value (scalars are converted, tables/arrays referenced).
    static value from_node(const snap::node& n, std::uint32_t snap);

    [[nodiscard]] bool is_missing() const noexcept { return k == vkind::missing; }
    [[nodiscard]] bool is_list() const noexcept { return k == vkind::list; }
    /// Number of elements of a list (snapshot array or computed).
    [[nodiscard]] std::size_t size() const;
    /// Element `idx` of a list, with its origin.
    [[nodiscard]] value at(std::size_t idx) const;
    /// Element `idx` of a list without a copy when the list is computed (a reference into it); else
    /// `tmp`, made to hold the element.
    [[nodiscard]] const value& at_ref(std::size_t idx, value& tmp) const {
        if (node) return tmp = at(idx);
        return items->at(idx);
    }
};

/// What a tree made from a value records about where it was made.
struct node_stamp {
    pos where;                ///< position of every node made
    source_ptr src;           ///< the file of the simulated step that made it (may be null)
    std::uint32_t step = 0;   ///< that step's 1-based index (0: not made by a step)
};

/// The one conversion of a runtime value back into a tree node: scalars by kind, lists and tables
/// element by element (a table keeps its key order and case-insensitivity), each node with its path.
std::shared_ptr<snap::node> to_node(const value& v, const std::string& path, const node_stamp& stamp);

/// "string", "int", "float", "bool", "datetime", "list", "table", "missing".
std::string_view type_name(vkind k);

/// Display form for messages: strings raw, lists `[a, b]`, tables `{...}`.
std::string display(const value& v);

/// Lower-case ASCII copy.
std::string ascii_lower(std::string_view s);

/// Three-way result of comparing two values.
enum class cmp_result { less, equal, greater, unordered, type_mismatch };

/// Compare `a` and `b`: numbers numerically, strings/datetimes bytewise (or ignoring case),
/// lists element-wise, tables by content.
cmp_result compare(const value& a, const value& b, bool ignore_case = false);

/// True when two lists hold the same elements as sets, ignoring case.
bool same_set_ci(const value& a, const value& b);

} // namespace kbl::rt
