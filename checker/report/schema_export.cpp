#include "checker/report/schema_export.hpp"
#include "common/text.hpp"

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <optional>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/diagnostic.hpp"
#include "checker/engine/pack.hpp"

namespace kbl {

namespace {

using ojson = nlohmann::ordered_json;
using tkind = ast::type_ref::kind;

// TOML date-times and times as TOML editors hand them to a JSON Schema: strings. A local date-time
// (no offset) or a time is not an RFC 3339 "date-time" or "time", and taplo enforces formats, so
// these patterns accept them (a date-time with an offset passes the "date-time" format).
constexpr std::string_view local_date_time =
    R"(^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?$)";
constexpr std::string_view local_time = R"(^[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?$)";

// Per kind of type, in the order of ast::type_ref::kind: its name in the rule language, and the
// JSON Schema `type`, `format` and `pattern` of the TOML values that eval.cpp's type_matches()
// accepts for it (no `type` for `any`; a float also accepts an integer, as JSON's "number" does;
// with both a format and a pattern, a value passes either).
struct kind_info {
    std::string_view name;
    std::string_view json_type;
    std::string_view format;
    std::string_view pattern;
};
constexpr kind_info kinds[] = {
    {"string", "string", "", ""},
    {"int", "integer", "", ""},
    {"float", "number", "", ""},
    {"bool", "boolean", "", ""},
    {"datetime", "string", "date-time", local_date_time},
    {"date", "string", "date", ""},
    {"time", "string", "", local_time},
    {"table", "object", "", ""},
    {"list", "array", "", ""},
    {"enum", "string", "", ""},
    {"any", "", "", ""},
};
static_assert(std::size(kinds) == static_cast<std::size_t>(tkind::any) + 1, "one entry per type kind");

const kind_info& info(tkind k) { return kinds[static_cast<std::size_t>(k)]; }

std::string json_text(const ojson& j) { return j.dump(-1, ' ', false, ojson::error_handler_t::replace); }

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool has_letter(std::string_view s) { return std::any_of(s.begin(), s.end(), is_ascii_letter); }

// A regular expression (ECMA 262, and Python's) matching `s` with ASCII letters in any case.
std::string any_case(std::string_view s) {
    constexpr std::string_view special = "\\^$.|?*+()[]{}";
    std::string out;
    for (char c : s) {
        if (is_ascii_letter(c)) {
            char lower = static_cast<char>(c | 0x20);
            out += fmt::format("[{}{}]", static_cast<char>(lower - 'a' + 'A'), lower);
        } else {
            if (special.find(c) != std::string_view::npos) out += '\\';
            out += c;
        }
    }
    return out;
}

// A type as the rule language writes it: `int | string`, `list(string)`, `enum("a", "b")`.
std::string type_text(const ast::type_ref& t) {
    std::vector<std::string> parts;
    if (!t.alternatives.empty()) {
        for (const auto& a : t.alternatives) parts.push_back(type_text(a));
        return fmt::format("{}", fmt::join(parts, " | "));
    }
    if (t.k == tkind::list && !t.elem.empty()) return fmt::format("list({})", type_text(t.elem[0]));
    if (t.k != tkind::enum_) return std::string(info(t.k).name);
    for (const auto& v : t.enum_values) parts.push_back(json_text(v));
    return fmt::format("enum({})", fmt::join(parts, ", "));
}

// Schema paths as a snapshot names them: bare TOML keys, else quoted; `.*` any key, `[*]` any element.
std::string key_text(std::string_view key) {
    bool bare = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
        return is_ascii_letter(c) || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
    return bare ? std::string(key) : json_text(std::string(key));
}

std::string member_path(const std::string& parent, const std::string& member) {
    return parent.empty() ? member : parent + "." + member;
}

std::string path_text(const std::vector<ast::path_seg>& segs) {
    std::string out;
    for (const auto& s : segs) out = member_path(out, key_text(s.key));  // keys only (the parser checks)
    return out;
}

// The keys that name the node, its cluster, its time and a change: a label and the path ("" when not declared).
std::vector<std::pair<std::string_view, std::string>> identity_keys(const pack& p) {
    std::vector<std::pair<std::string_view, std::string>> out;
    auto add = [&](std::string_view label, const std::optional<std::vector<ast::path_seg>>& path) {
        out.emplace_back(label, path ? path_text(*path) : std::string());
    };
    add("node id", p.node_id);
    add("cluster id", p.cluster_id);
    add("snapshot time", p.taken_at);
    add("planned step", p.planned);
    add("runbook steps", p.runbook);
    add("step action", p.step_action);
    add("step node", p.step_node);
    return out;
}

// ---------------------------------------------------------------------------------------------
// Text

struct field_row {
    const schema_node* n = nullptr;
    std::string path;
};

// Every declared field below `n` (whose path is `path`).
void collect_fields(const schema_node& n, const std::string& path, std::vector<field_row>& out) {
    if (n.declared) out.push_back({&n, path});
    for (const auto& [key, child] : n.keys) collect_fields(*child, member_path(path, key_text(key)), out);
    if (n.any_key) collect_fields(*n.any_key, member_path(path, "*"), out);
    if (n.any_index) collect_fields(*n.any_index, path + "[*]", out);
}

// `s` with spaces up to `width` columns on screen.
std::string padded(const std::string& s, std::size_t width) {
    return s + std::string(width - std::min(width, display_width(s)), ' ');
}

// ---------------------------------------------------------------------------------------------
// JSON Schema

// The JSON Schema type constraints of `t` as eval.cpp's type_matches() checks them: one schema per
// accepted type (deduplicated), none at all when `any` is among them.
std::vector<ojson> type_branches(const ast::type_ref& t) {
    std::vector<ojson> out;
    if (!t.alternatives.empty()) {
        for (const auto& a : t.alternatives) {
            std::vector<ojson> more = type_branches(a);
            if (more.empty()) return {};
            for (auto& m : more)
                if (std::find(out.begin(), out.end(), m) == out.end()) out.push_back(std::move(m));
        }
        return out;
    }
    const kind_info& k = info(t.k);
    if (k.json_type.empty()) return out;
    ojson j = ojson::object();
    j["type"] = k.json_type;
    ojson format = ojson::object(), pattern = ojson::object();
    if (!k.format.empty()) format["format"] = k.format;
    if (!k.pattern.empty()) pattern["pattern"] = k.pattern;
    if (!format.empty() && !pattern.empty()) j["anyOf"] = ojson::array({std::move(format), std::move(pattern)});
    else if (!format.empty()) j.update(format);
    else if (!pattern.empty()) j.update(pattern);
    out.push_back(std::move(j));
    return out;
}

// Add the constraints of `branches` to `s`: their keys, a list of types, or an `anyOf`.
void add_types(ojson& s, const std::vector<ojson>& branches) {
    if (branches.size() == 1) {
        for (const auto& [key, value] : branches[0].items()) s[key] = value;
        return;
    }
    if (branches.empty()) return;
    if (std::all_of(branches.begin(), branches.end(), [](const ojson& b) { return b.size() == 1; })) {
        ojson types = ojson::array();
        for (const auto& b : branches) types.push_back(b["type"]);
        s["type"] = std::move(types);
    } else {
        s["anyOf"] = branches;
    }
}

// An enumeration: kblint compares the values ignoring case, so a pattern accepts every spelling;
// the canonical values stay listed for the editor's completion.
void add_enum(ojson& s, const std::vector<std::string>& values) {
    ojson canonical = ojson::array();
    for (const auto& v : values)
        if (std::find(canonical.begin(), canonical.end(), v) == canonical.end()) canonical.push_back(v);
    if (!std::any_of(values.begin(), values.end(), [](const std::string& v) { return has_letter(v); })) {
        s["enum"] = std::move(canonical);
        return;
    }
    std::vector<std::string> alternatives;
    for (const auto& v : values) alternatives.push_back(any_case(v));
    ojson by_value = ojson::object();
    by_value["enum"] = std::move(canonical);
    ojson by_pattern = ojson::object();
    by_pattern["pattern"] = fmt::format("^(?:{})$", fmt::join(alternatives, "|"));
    s["anyOf"] = ojson::array({std::move(by_value), std::move(by_pattern)});
}

// "a key matching `pattern` is present" for an object; anything else passes.
ojson key_present(const std::string& pattern) {
    ojson name = ojson::object();
    name["pattern"] = pattern;
    ojson other = ojson::object();
    other["not"] = std::move(name);
    ojson names = ojson::object();
    names["propertyNames"] = std::move(other);
    ojson then = ojson::object();
    then["not"] = std::move(names);
    ojson rule = ojson::object();
    rule["if"] = ojson{{"type", "object"}};
    rule["then"] = std::move(then);
    return rule;
}

class json_schema_writer {
public:
    explicit json_schema_writer(const pack& p) {
        for (auto& [label, path] : identity_keys(p))
            if (!path.empty() && !label.starts_with("step ")) roles_.emplace_back(std::move(path), label);
    }

    // The schema of the values at `n` (path `path`, "" for the snapshot root). `elem` holds the
    // element type of the list declared by the parent, for the schema of its `[*]`.
    ojson node(const schema_node& n, const std::string& path, const ojson& elem = ojson()) const {
        ojson s = ojson::object();
        if (!path.empty()) s["description"] = describe(n, path);
        ojson my_elem;
        if (n.type) {
            const ast::type_ref& t = *n.type;
            add_types(s, type_branches(t));
            // Like schema_violations(): enumerations and list elements of a single type only.
            if (t.alternatives.empty() && t.k == tkind::enum_) add_enum(s, t.enum_values);
            if (t.alternatives.empty() && t.k == tkind::list && !t.elem.empty()) {
                std::vector<ojson> item_types = type_branches(t.elem[0]);
                if (!item_types.empty()) {
                    my_elem = ojson::object();
                    add_types(my_elem, item_types);
                }
            }
        }
        if (!elem.is_null()) {
            bool clash = false;
            for (const auto& [key, value] : elem.items()) clash = clash || s.contains(key);
            if (clash) s["allOf"] = ojson::array({elem});
            else for (const auto& [key, value] : elem.items()) s[key] = value;
        }
        if (n.any_index) s["items"] = node(*n.any_index, path + "[*]", my_elem);
        else if (!my_elem.is_null()) s["items"] = std::move(my_elem);
        add_keys(s, n, path);
        return s;
    }

private:
    std::vector<std::pair<std::string, std::string_view>> roles_;  ///< path, label

    std::string describe(const schema_node& n, const std::string& path) const {
        std::string out = path;
        if (n.declared) {
            out += ": " + type_text(*n.type);
            if (n.required) out += ", required";
            if (n.nocase) out += ", keys match ignoring case";
        }
        for (const auto& [role_path, label] : roles_)
            if (role_path == path) out += fmt::format(" (the {})", label);
        if (!n.doc.empty()) out += ". " + n.doc;
        return out;
    }

    // The keys of a table: declared ones as properties (and, in a `nocase` table, as patterns of any
    // case), `*` as additionalProperties, and which must be present.
    void add_keys(ojson& s, const schema_node& n, const std::string& path) const {
        ojson props = ojson::object(), patterns = ojson::object(), required = ojson::array(), present = ojson::array();
        for (const auto& [key, child] : n.keys) {
            ojson c = node(*child, member_path(path, key_text(key)), ojson());
            bool any_case_key = n.nocase && has_letter(key);
            std::string pattern = "^" + any_case(key) + "$";
            if (any_case_key) patterns[pattern] = c;
            props[key] = std::move(c);
            if (child->required && any_case_key) present.push_back(key_present(pattern));
            else if (child->required) required.push_back(key);
        }
        if (!props.empty()) s["properties"] = std::move(props);
        if (!patterns.empty()) s["patternProperties"] = std::move(patterns);
        if (n.any_key) s["additionalProperties"] = node(*n.any_key, member_path(path, "*"), ojson());
        if (!required.empty()) s["required"] = std::move(required);
        if (present.empty()) return;
        if (!s.contains("allOf")) s["allOf"] = ojson::array();
        for (auto& r : present) s["allOf"].push_back(std::move(r));
    }
};

} // namespace

std::string schema_type_text(const ast::type_ref& t) { return type_text(t); }

std::vector<std::pair<std::string, const schema_node*>> schema_children(const pack& p, const schema_node& n) {
    std::vector<std::pair<std::string, const schema_node*>> out;
    for (const auto& [key, child] : n.keys) out.emplace_back(key, child.get());
    if (n.any_key) out.emplace_back("*", n.any_key.get());
    if (n.any_index) out.emplace_back("[*]", n.any_index.get());
    auto rank = [&](const schema_node* c) {
        auto file = std::find_if(p.asts.begin(), p.asts.end(), [&](const ast::file& a) { return a.src == c->file; });
        return std::make_tuple(!c->declared, file - p.asts.begin(), c->where.line, c->where.column);
    };
    std::stable_sort(out.begin(), out.end(), [&](const auto& a, const auto& b) { return rank(a.second) < rank(b.second); });
    return out;
}

bool pack_has_schema(const pack& p) { return p.schema != nullptr; }

std::string render_schema_text(const pack& p) {
    std::vector<field_row> rows;
    if (p.schema) collect_fields(*p.schema, "", rows);
    // Declaration order: by file (as loaded), then place in the file.
    auto rank = [&](const field_row& r) {
        auto file = std::find_if(p.asts.begin(), p.asts.end(), [&](const ast::file& a) { return a.src == r.n->file; });
        return std::make_tuple(file - p.asts.begin(), r.n->where.line, r.n->where.column);
    };
    std::stable_sort(rows.begin(), rows.end(),
                     [&](const field_row& a, const field_row& b) { return rank(a) < rank(b); });

    std::vector<std::pair<std::string, std::string>> cells;  // path, type, as shown
    std::size_t path_w = 0, type_w = 0;
    for (const auto& r : rows) {
        cells.emplace_back(escape_for_terminal(r.path), escape_for_terminal(type_text(*r.n->type)));
        path_w = std::max(path_w, display_width(cells.back().first));
        if (r.n->required || r.n->nocase) type_w = std::max(type_w, display_width(cells.back().second));
    }
    std::string out;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        std::string line = padded(cells[i].first, path_w) + "  " + cells[i].second;
        std::vector<std::string_view> flags;
        if (rows[i].n->required) flags.push_back("required");
        if (rows[i].n->nocase) flags.push_back("nocase");
        if (!flags.empty()) line = fmt::format("{}  {}", padded(line, path_w + 2 + type_w), fmt::join(flags, " "));
        if (!rows[i].n->doc.empty()) line = fmt::format("{}\n{}  {}", line, std::string(path_w, ' '), escape_for_terminal(rows[i].n->doc));
        out += line + "\n";
    }
    if (rows.empty()) out += "(no field declared)\n";
    out += "\n";
    auto ids = identity_keys(p);
    std::size_t label_w = 0;
    for (const auto& id : ids) label_w = std::max(label_w, id.first.size());
    for (const auto& [label, path] : ids)
        out += fmt::format("{}  {}\n", padded(std::string(label), label_w), path.empty() ? "-" : escape_for_terminal(path));
    return out;
}

std::string render_json_schema(const pack& p) {
    std::vector<std::string> ids;
    for (const auto& [label, path] : identity_keys(p))
        if (!path.empty()) ids.push_back(fmt::format("{} '{}'", label, path));
    std::string description =
        "A node snapshot for kblint, as the schema of the loaded rule pack declares it ('kblint schema --format "
        "json-schema'). Keys the schema does not name are allowed; enumerated strings match in any case.";
    if (!ids.empty()) description += fmt::format(" Keys: {}.", fmt::join(ids, "; "));

    ojson root = ojson::object();
    root["$schema"] = "http://json-schema.org/draft-07/schema#";
    root["title"] = "kblint snapshot";
    root["description"] = description;
    root["type"] = "object";
    if (p.schema) {
        ojson body = json_schema_writer(p).node(*p.schema, "");
        for (const auto& [key, value] : body.items()) root[key] = value;
    }
    return root.dump(2, ' ', false, ojson::error_handler_t::replace) + "\n";
}

} // namespace kbl
