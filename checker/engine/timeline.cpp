#include "checker/engine/timeline.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "checker/engine/value.hpp"
#include "common/text.hpp"

namespace kbl {

namespace {

// Longer values are cut (on a character boundary) and end in "...".
constexpr std::size_t max_value_text = 60;

std::string short_text(const snap::node_ptr& n) {
    if (!n) return "(absent)";
    std::string s = rt::display(rt::value::from_node(*n, 0));
    if (n->k == snap::kind::string && s.empty()) s = "''";
    if (s.size() <= max_value_text) return s;
    std::size_t cut = 0;
    while (cut < s.size()) {
        std::size_t len = std::max<std::size_t>(utf8_sequence_length(s, cut), 1);
        if (cut + len > max_value_text) break;
        cut += len;
    }
    return s.substr(0, cut) + "...";
}

void push(std::vector<effect>& out, effect::kind k, const std::string& node, const std::string& path, std::string before,
          std::string after) {
    out.push_back({k, node, path, std::move(before), std::move(after)});
}

void diff_node(const snap::node_ptr& a, const snap::node_ptr& b, const std::string& node, const std::string& path,
               std::vector<effect>& out);

void diff_table(const snap::node& a, const snap::node& b, const std::string& node, const std::string& path,
                std::vector<effect>& out) {
    for (const auto& eb : b.entries) {
        const snap::entry* ea = a.find(eb.key);
        std::string child = snap::child_path(path, eb.key);
        if (!ea) push(out, effect::kind::created, node, child, {}, short_text(eb.value));
        else diff_node(ea->value, eb.value, node, child, out);
    }
    for (const auto& ea : a.entries)
        if (!b.find(ea.key)) push(out, effect::kind::deleted, node, snap::child_path(path, ea.key), short_text(ea.value), {});
}

// Lists of one length are compared element by element; otherwise the elements one has and the
// other has not (by their text, as multisets) are the removed and added ones.
void diff_list(const snap::node& a, const snap::node& b, const std::string& node, const std::string& path,
               std::vector<effect>& out) {
    if (a.items.size() == b.items.size()) {
        for (std::size_t i = 0; i < a.items.size(); ++i) diff_node(a.items[i], b.items[i], node, fmt::format("{}[{}]", path, i), out);
        return;
    }
    std::vector<std::string> ta, tb;
    for (const auto& n : a.items) ta.push_back(short_text(n));
    for (const auto& n : b.items) tb.push_back(short_text(n));
    std::vector<std::string> left = tb;
    for (const auto& t : ta) {
        auto it = std::find(left.begin(), left.end(), t);
        if (it != left.end()) left.erase(it);
        else push(out, effect::kind::removed, node, path, t, {});
    }
    std::vector<std::string> gone = ta;
    for (const auto& t : tb) {
        auto it = std::find(gone.begin(), gone.end(), t);
        if (it != gone.end()) gone.erase(it);
        else push(out, effect::kind::added, node, path, {}, t);
    }
}

void diff_node(const snap::node_ptr& a, const snap::node_ptr& b, const std::string& node, const std::string& path,
               std::vector<effect>& out) {
    if (a == b) return;
    if (a && b && a->k == b->k && a->k == snap::kind::table) return diff_table(*a, *b, node, path, out);
    if (a && b && a->k == b->k && a->k == snap::kind::array) return diff_list(*a, *b, node, path, out);
    std::string ta = short_text(a), tb = short_text(b);
    if (ta != tb) push(out, effect::kind::set, node, path, ta, tb);
}

void add_once(std::vector<timeline_finding>& to, const finding& f) {
    timeline_finding ref{f.rule, f.fingerprint};
    if (std::find(to.begin(), to.end(), ref) == to.end()) to.push_back(std::move(ref));
}

} // namespace

std::string effect_text(const effect& e) {
    switch (e.k) {
    case effect::kind::set: return fmt::format("{}: {} -> {}", e.path, e.before, e.after);
    case effect::kind::created: return fmt::format("{}: (absent) -> {}", e.path, e.after);
    case effect::kind::deleted: return fmt::format("{}: {} -> (deleted)", e.path, e.before);
    case effect::kind::added: return fmt::format("{}: + {}", e.path, e.after);
    case effect::kind::removed: return fmt::format("{}: - {}", e.path, e.before);
    }
    return e.path;
}

void diff_state(const snap::node_ptr& before, const snap::node_ptr& after, const std::string& node, std::vector<effect>& out) {
    diff_node(before, after, node, "", out);
}

void attach_findings(timeline& t, const std::vector<finding>& fs, std::size_t from, std::size_t final_from) {
    for (std::size_t i = from; i < fs.size(); ++i) {
        const finding& f = fs[i];
        if (i >= final_from) add_once(t.end_state, f);
        else if (f.step && f.step->index >= 1 && f.step->index <= t.steps.size()) add_once(t.steps[f.step->index - 1].findings, f);
        else add_once(t.whole, f);
    }
}

} // namespace kbl
