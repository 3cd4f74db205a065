#include "checker/engine/schema_check.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "checker/engine/eval_util.hpp"
#include "checker/engine/step_check.hpp"

namespace kbl {

namespace {

class schema_walker {
public:
    schema_walker(const schema_check_options& opt, std::vector<schema_issue>& out) : opt_(opt), out_(out) {}

    void table(const schema_node& sn, const snap::node& n) {
        for (const auto& [key, child] : sn.keys) {
            if (const snap::entry* e = n.find(key)) {
                value(*child, *e->value);
            } else if (child->required) {
                std::string path = n.path.empty() ? key : n.path + "." + key;
                std::string where_text = n.path.empty() ? "the file" : fmt::format("'{}'", n.path);
                if (!opt_.owner.empty())
                    add(n.where, path, fmt::format("required argument '{}' of {} is missing from {}", key, opt_.owner, where_text));
                else
                    add(n.where, path, fmt::format("required key '{}' is missing from {}", path, where_text));
            }
        }
        for (std::size_t i = 0; i < n.entries.size(); ++i) {
            const snap::entry& e = n.entries[i];
            if (opt_.collisions && sn.nocase) collision(n, i);
            if (named(sn, e.key)) continue;
            if (sn.any_key) value(*sn.any_key, *e.value);
            else if (opt_.strict && !sn.keys.empty()) undeclared(sn, e);
        }
    }

private:
    void value(const schema_node& sn, const snap::node& n) {
        if (sn.type) {
            if (!type_matches(*sn.type, n)) {
                add(n.where, n.path,
                    fmt::format("'{}' should be {}, but it is {}", n.path, type_text(*sn.type), snap::kind_with_article(n.k)));
                return;
            }
            if (sn.is_any()) return;
            enumeration(*sn.type, n);
            list_items(*sn.type, n);
        }
        if (n.k == snap::kind::table) table(sn, n);
        if (n.k == snap::kind::array && sn.any_index)
            for (const auto& item : n.items) value(*sn.any_index, *item);
    }

    void enumeration(const ast::type_ref& t, const snap::node& n) {
        if (!t.alternatives.empty() || t.k != ast::type_ref::kind::enum_ || n.k != snap::kind::string) return;
        bool ok = std::any_of(t.enum_values.begin(), t.enum_values.end(),
                              [&](const std::string& v) { return rt::ascii_lower(v) == rt::ascii_lower(n.str); });
        if (ok) return;
        std::string all;
        for (const auto& v : t.enum_values) all += (all.empty() ? "'" : ", '") + v + "'";
        add(n.where, n.path, fmt::format("'{}' is '{}', which is not one of {}{}", n.path, n.str, all, did_you_mean(n.str, t.enum_values)));
    }

    void list_items(const ast::type_ref& t, const snap::node& n) {
        if (!t.alternatives.empty() || t.k != ast::type_ref::kind::list || t.elem.empty() || n.k != snap::kind::array) return;
        for (const auto& item : n.items)
            if (!type_matches(t.elem[0], *item))
                add(item->where, item->path,
                    fmt::format("'{}' should be {}, but it is {}", item->path, type_text(t.elem[0]), snap::kind_with_article(item->k)));
    }

    // A key of a nocase table equal, ignoring case, to an earlier key of the same table.
    void collision(const snap::node& n, std::size_t i) {
        const snap::entry& e = n.entries[i];
        for (std::size_t j = 0; j < i; ++j)
            if (rt::ascii_lower(n.entries[j].key) == rt::ascii_lower(e.key)) {
                add(e.key_pos, snap::child_path(n.path, e.key),
                    fmt::format("'{}' has both '{}' and '{}', keys that differ only by case (they name one thing)",
                                n.path.empty() ? std::string("the file") : n.path, n.entries[j].key, e.key));
                return;
            }
    }

    void undeclared(const schema_node& sn, const snap::entry& e) {
        std::vector<std::string> declared;
        for (const auto& [key, child] : sn.keys) declared.push_back(key);
        std::string path = e.value->path.empty() ? e.key : e.value->path;
        if (!opt_.owner.empty())
            add(e.key_pos, path, fmt::format("'{}' is not an argument of {}{}", path, opt_.owner, did_you_mean(e.key, declared)));
        else
            add(e.key_pos, path, fmt::format("'{}' is not declared by the schema{}", path, did_you_mean(e.key, declared)));
    }

    static bool named(const schema_node& sn, const std::string& key) {
        return std::any_of(sn.keys.begin(), sn.keys.end(), [&](const auto& kv) {
            return kv.first == key || (sn.nocase && rt::ascii_lower(kv.first) == rt::ascii_lower(key));
        });
    }

    static std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
        std::string m = closest_match(word, candidates);
        return m.empty() ? std::string() : fmt::format(" (did you mean '{}'?)", m);
    }

    void add(pos where, const std::string& path, std::string message) {
        out_.push_back({where.valid() ? where : pos{1, 1}, path, std::move(message)});
    }

    const schema_check_options& opt_;
    std::vector<schema_issue>& out_;
};

} // namespace

std::vector<schema_issue> check_schema(const schema_node& schema, const snap::node& root, const schema_check_options& opt) {
    std::vector<schema_issue> out;
    schema_walker(opt, out).table(schema, root);
    if (opt.steps) check_steps(*opt.steps, root, opt.strict, out);
    return out;
}

const schema_node* schema_at(const schema_node* sn, const std::string& path) {
    if (!sn || path.empty()) return nullptr;
    std::size_t i = 0;
    while (i < path.size() && sn) {
        if (path[i] == '.') {
            ++i;
            continue;
        }
        if (path[i] == '[') {
            auto close = path.find(']', i);
            if (close == std::string::npos) return nullptr;
            sn = sn->any_index.get();
            i = close + 1;
            continue;
        }
        std::string key;
        if (path[i] == '"') {
            auto close = path.find('"', i + 1);
            if (close == std::string::npos) return nullptr;
            key = path.substr(i + 1, close - i - 1);
            i = close + 1;
        } else {
            std::size_t j = i;
            while (j < path.size() && path[j] != '.' && path[j] != '[') ++j;
            key = path.substr(i, j - i);
            i = j;
        }
        sn = sn->child(key);
    }
    return sn;
}

} // namespace kbl
