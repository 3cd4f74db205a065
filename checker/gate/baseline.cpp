#include "checker/gate/baseline.hpp"
#include "common/check_ids.hpp"
#include "common/json_position.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace kbl {

namespace {

constexpr std::string_view check_id = check_ids::baseline;
constexpr int report_version = 1;
// Values deeper than this (below /findings/N/KEY) are skipped without recording their position.
constexpr int max_recorded_depth = 3;

using json_text::parse_message;
using json_text::pos_at_offset;
using json_text::position_index;
using json_text::too_deep;

// A problem found while reading, located later by its JSON pointer.
struct problem {
    std::string pointer;
    std::string message;
    std::string help;
};

// One element of `findings` (a report) or `entries` (a baseline file), as read.
struct item {
    std::size_t index = 0;
    std::optional<std::string> rule, fingerprint, status;
    bool mistyped = false;  // a key it needs is there with another type (already reported)
    baseline_entry hints;
};

// An entry kept, with its index in the list until it is located.
struct kept_entry {
    baseline_entry e;
    std::size_t index = 0;
};

// Reads a baseline or a report event by event (nlohmann's SAX interface): only the version and the
// keys of each element are kept, so nesting and size elsewhere cost nothing.
class collector : public nlohmann::json_sax<nlohmann::json> {
public:
    std::optional<std::string> root_type;  // set when the document is not an object
    std::optional<std::string> kblint_type;
    bool has_kblint = false, has_findings = false, has_entries = false;
    std::optional<std::string> report_version, baseline_version;  // as written
    std::optional<std::string> findings_type, entries_type;       // set when not an array
    std::vector<problem> findings_problems, entries_problems;
    std::map<std::pair<std::string, std::string>, kept_entry> findings, entries;
    std::optional<std::pair<std::size_t, std::string>> syntax;  // offset, message

    bool null() override { return scalar("null", "null"); }
    bool boolean(bool v) override { return scalar("a boolean", v ? "true" : "false"); }
    bool number_integer(number_integer_t v) override { return scalar("an integer", std::to_string(v)); }
    bool number_unsigned(number_unsigned_t v) override { return scalar("an integer", std::to_string(v)); }
    bool number_float(number_float_t, const string_t& s) override { return scalar("a number", s); }
    bool string(string_t& v) override { return scalar("a string", nlohmann::json(v).dump(), &v); }
    bool binary(binary_t&) override { return scalar("a value", "?"); }
    bool start_object(std::size_t) override { return open(true); }
    bool start_array(std::size_t) override { return open(false); }
    bool key(string_t& k) override {
        frames_.back().key = k;
        return true;
    }
    bool end_object() override { return close(); }
    bool end_array() override { return close(); }
    bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) override {
        syntax = {position > 0 ? position - 1 : 0, parse_message(e.what())};
        return false;
    }

private:
    enum class role : std::uint8_t { none, root, kblint, findings, entries, item };
    struct frame {
        role r = role::none;
        std::string key;            // of the value being read, in an object
        std::size_t next = 0;       // index of the next element, in an array
        bool key_is_index = false;  // an array
    };
    std::vector<frame> frames_;
    item current_;

    // The key or index of a new value in its parent (empty for the document itself).
    std::string slot() {
        if (frames_.empty()) return {};
        frame& f = frames_.back();
        return f.key_is_index ? std::to_string(f.next++) : f.key;
    }
    // The role of the parent of a new value at the depth where it matters, else none.
    [[nodiscard]] role parent(std::size_t depth) const {
        return frames_.size() == depth && depth > 0 ? frames_.back().r : role::none;
    }
    static std::string list_name(role r) { return r == role::findings ? "findings" : "entries"; }
    std::vector<problem>& problems(role r) { return r == role::findings ? findings_problems : entries_problems; }

    // Every value goes through here; `str` is set for strings. Returns the role of a container.
    role value(const char* type, const std::string& text, const std::string* str) {
        std::string at = slot();
        bool object = std::string_view(type) == "an object";
        if (frames_.empty()) {
            if (!object) root_type = type;
            return object ? role::root : role::none;
        }
        if (parent(1) == role::root) return top_level(at, type);
        if (parent(2) == role::kblint) version(at, text);
        if (parent(2) == role::findings || parent(2) == role::entries) {
            role list = frames_.back().r;
            if (object) {
                current_ = item{};
                current_.index = std::stoul(at);
                return role::item;
            }
            problems(list).push_back({fmt::format("/{}/{}", list_name(list), at),
                                      fmt::format("'{}[{}]' is {}, not an object", list_name(list), at, type), {}});
        }
        if (parent(3) == role::item) item_key(at, type, str);
        return role::none;
    }
    bool open(bool object) {
        role r = value(object ? "an object" : "an array", object ? "{...}" : "[...]", nullptr);
        frames_.push_back({r, {}, 0, !object});
        return true;
    }
    bool close() {
        role r = frames_.back().r;
        frames_.pop_back();
        if (r == role::item) finish_item(frames_.back().r);
        return true;
    }
    bool scalar(const char* type, const std::string& text, const std::string* str = nullptr) {
        value(type, text, str);
        return true;
    }
    role top_level(const std::string& key, const char* type) {
        bool object = std::string_view(type) == "an object", array = std::string_view(type) == "an array";
        if (key == "kblint") {
            has_kblint = true;
            if (!object) kblint_type = type;
            return object ? role::kblint : role::none;
        }
        if (key == "findings" || key == "entries") {
            (key == "findings" ? has_findings : has_entries) = true;
            if (!array) (key == "findings" ? findings_type : entries_type) = type;
            return array ? (key == "findings" ? role::findings : role::entries) : role::none;
        }
        return role::none;
    }
    void version(const std::string& key, const std::string& text) {
        if (key == "report_version") report_version = text;
        if (key == "baseline_version") baseline_version = text;
    }
    // A key of an element: rule, fingerprint and (in a report) status are checked; the hints of a
    // baseline entry must be strings too; a report's cluster and node are kept when they are.
    void item_key(const std::string& key, const char* type, const std::string* str) {
        role list = frames_[1].r;
        bool report = list == role::findings;
        bool hint = key == "cluster" || key == "node" || key == "path" || key == "step";
        bool checked = key == "rule" || key == "fingerprint" || (report ? key == "status" : hint);
        if (str == nullptr) {
            if (key == "rule" || key == "fingerprint") current_.mistyped = true;
            if (checked)
                problems(list).push_back({fmt::format("/{}/{}/{}", list_name(list), current_.index, key),
                                          fmt::format("the '{}' of '{}[{}]' is {}, not a string", key, list_name(list),
                                                      current_.index, type),
                                          {}});
            return;
        }
        if (key == "rule") current_.rule = *str;
        if (key == "fingerprint") current_.fingerprint = *str;
        if (key == "status" && report) current_.status = *str;
        if (key == "cluster") current_.hints.cluster = *str;
        if (key == "node") current_.hints.node = *str;
        if (key == "path" && !report) current_.hints.path = *str;
        if (key == "step" && !report) current_.hints.step = *str;
    }
    void finish_item(role list) {
        std::string pointer = fmt::format("/{}/{}", list_name(list), current_.index);
        std::string name = fmt::format("'{}[{}]'", list_name(list), current_.index);
        bool ok = true;
        for (const char* key : {"rule", "fingerprint"}) {
            const auto& v = std::string_view(key) == "rule" ? current_.rule : current_.fingerprint;
            if (!v) {
                if (!current_.mistyped) problems(list).push_back({pointer, fmt::format("{} has no '{}'", name, key), {}});
                ok = false;
            } else if (v->empty()) {
                problems(list).push_back({pointer + "/" + key, fmt::format("the '{}' of {} is empty", key, name), {}});
                ok = false;
            }
        }
        // A waived finding is never recorded: once its waiver expires it must fail.
        if (!ok || (list == role::findings && current_.status == "waived")) return;
        baseline_entry e = std::move(current_.hints);
        e.rule = *current_.rule;
        e.fingerprint = *current_.fingerprint;
        auto& kept = list == role::findings ? findings : entries;
        std::pair<std::string, std::string> key{e.rule, e.fingerprint};
        kept.try_emplace(std::move(key), kept_entry{std::move(e), current_.index});
    }
};

} // namespace

namespace {

const std::string what_it_is =
    "a baseline is written by 'kblint baseline create' (a report of 'kblint check --format json' is read too)";
// At most this many problems of one baseline are reported.
constexpr std::size_t max_problems = 100;

// The problems of the document as a whole: its type, 'kblint', the version and the list.
std::vector<problem> document_problems(const collector& c) {
    std::vector<problem> out;
    if (c.root_type) {
        out.push_back({"", fmt::format("not a kblint baseline: the document is {}, not an object", *c.root_type), what_it_is});
        return out;
    }
    bool report = !c.baseline_version.has_value();
    if (!c.has_kblint) {
        out.push_back({"", "not a kblint baseline: it has no 'kblint' key", what_it_is});
    } else if (c.kblint_type) {
        out.push_back({"/kblint", fmt::format("not a kblint baseline: 'kblint' is {}, not an object", *c.kblint_type), what_it_is});
    } else if (report && !c.report_version) {
        out.push_back({"/kblint", "not a kblint baseline: 'kblint' has no 'baseline_version'", what_it_is});
    } else if (report && *c.report_version != std::to_string(report_version)) {
        out.push_back({"/kblint/report_version",
                       fmt::format("the baseline has report version {}; this kblint reads version {}", *c.report_version,
                                   report_version),
                       "write the baseline again with 'kblint baseline create'"});
    } else if (!report && *c.baseline_version != std::to_string(baseline_version)) {
        out.push_back({"/kblint/baseline_version",
                       fmt::format("the baseline has version {}; this kblint reads version {}", *c.baseline_version,
                                   baseline_version),
                       "write the baseline again with 'kblint baseline create'"});
    }
    std::string list = report ? "findings" : "entries";
    const auto& type = report ? c.findings_type : c.entries_type;
    if (!(report ? c.has_findings : c.has_entries))
        out.push_back({"", fmt::format("not a kblint baseline: it has no '{}' key", list), what_it_is});
    else if (type)
        out.push_back({"/" + list, fmt::format("'{}' is {}, not an array", list, *type), what_it_is});
    return out;
}

} // namespace

std::optional<baseline> load_baseline(std::string name, std::string text, std::uint32_t max_depth, diagnostics& errs) {
    auto file = std::make_shared<const source_file>(name, std::move(text));
    const std::string& bytes = file->text();
    auto error = [&](pos where, std::string message, std::string help = {}) {
        diagnostic d;
        d.file = file;
        d.where = where;
        d.message = std::move(message);
        d.check_id = std::string(check_id);
        if (!help.empty()) d.notes.push_back({diag_note::kind::help, std::move(help), nullptr, {}});
        errs.push_back(std::move(d));
    };
    if (auto deep = too_deep(bytes, max_depth)) {
        error(pos_at_offset(bytes, *deep), fmt::format("the baseline nests deeper than {} levels (--max-toml-depth)", max_depth),
              what_it_is);
        return std::nullopt;
    }
    collector c;
    nlohmann::json::sax_parse(bytes, &c);
    if (c.syntax) {
        error(pos_at_offset(bytes, c.syntax->first), fmt::format("invalid JSON in the baseline: {}", c.syntax->second),
              what_it_is);
        return std::nullopt;
    }
    std::vector<problem> found = document_problems(c);
    bool report = !c.baseline_version.has_value();
    auto& list_problems = report ? c.findings_problems : c.entries_problems;
    found.insert(found.end(), list_problems.begin(), list_problems.end());
    auto& kept = report ? c.findings : c.entries;

    std::set<std::string> wanted;
    for (const auto& p : found) wanted.insert(p.pointer);
    std::string list = report ? "/findings/" : "/entries/";
    for (const auto& [key, k] : kept) wanted.insert(list + std::to_string(k.index));
    position_index where(bytes, wanted, max_recorded_depth);
    std::size_t shown = std::min(found.size(), max_problems);
    for (std::size_t i = 0; i < shown; ++i) error(where.at(found[i].pointer), found[i].message, found[i].help);
    if (found.size() > shown)
        error(where.at(""), fmt::format("{} more problems in the baseline are not shown", found.size() - shown));
    if (!found.empty()) return std::nullopt;

    baseline out;
    out.name = name;
    out.entries.reserve(kept.size());
    for (auto& [key, k] : kept) {
        k.e.file = name;
        k.e.where = where.at(list + std::to_string(k.index));
        out.entries.push_back(std::move(k.e));
    }
    return out;
}

std::vector<baseline_entry> apply_baseline(const baseline& b, std::vector<finding>& findings,
                                           const std::vector<bool>& expired_match) {
    std::vector<bool> used(b.entries.size(), false);
    auto less = [](const baseline_entry& e, const std::pair<std::string_view, std::string_view>& k) {
        return std::pair<std::string_view, std::string_view>(e.rule, e.fingerprint) < k;
    };
    for (std::size_t i = 0; i < findings.size(); ++i) {
        finding& f = findings[i];
        if (f.st != status::fail && f.st != status::unknown) continue;
        // A waiver's expiry always takes effect, whatever the baseline holds.
        if (i < expired_match.size() && expired_match[i]) continue;
        std::string fp = f.fingerprint.empty() ? make_fingerprint(f) : f.fingerprint;
        std::pair<std::string_view, std::string_view> key{f.rule, fp};
        auto it = std::lower_bound(b.entries.begin(), b.entries.end(), key, less);
        if (it == b.entries.end() || it->rule != f.rule || it->fingerprint != fp) continue;
        f.st = status::baselined;
        used[static_cast<std::size_t>(it - b.entries.begin())] = true;
    }
    std::vector<baseline_entry> stale;
    for (std::size_t i = 0; i < b.entries.size(); ++i)
        if (!used[i]) stale.push_back(b.entries[i]);
    return stale;
}

std::vector<baseline_entry> in_scope(std::vector<baseline_entry> stale, const std::vector<evaluation>& evaluated) {
    auto upper = [](std::string s) {
        for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return s;
    };
    std::set<std::tuple<std::string, std::string, std::string>> ran;  // rule, upper(cluster), upper(node)
    for (const auto& ev : evaluated) {
        ran.emplace(ev.rule, upper(ev.cluster), "");
        if (ev.cluster.empty()) ran.emplace(ev.rule, "", upper(ev.node));
    }
    std::erase_if(stale, [&](const baseline_entry& e) {
        return !ran.contains({e.rule, upper(e.cluster), e.cluster.empty() ? upper(e.node) : std::string()});
    });
    return stale;
}

baseline_entry entry_of(const finding& f) {
    baseline_entry e;
    e.rule = f.rule;
    e.fingerprint = f.fingerprint.empty() ? make_fingerprint(f) : f.fingerprint;
    e.cluster = f.cluster;
    e.node = f.node;
    e.path = f.loc.path;
    if (f.step) {
        // A runbook step's path holds its index: the hint keeps the array and names the step instead.
        if (!e.path.empty() && e.path.back() == ']') e.path.erase(e.path.rfind('['));
        e.step = fmt::format("{} #{}", f.step->action, f.step->ordinal);
    }
    return e;
}

std::string render_baseline(std::vector<baseline_entry> entries) {
    auto key = [](const baseline_entry& e) { return std::tie(e.rule, e.fingerprint); };
    std::sort(entries.begin(), entries.end(), [&](const auto& a, const auto& b) { return key(a) < key(b); });
    entries.erase(std::unique(entries.begin(), entries.end(), [&](const auto& a, const auto& b) { return key(a) == key(b); }),
                  entries.end());
    auto str = [](const std::string& s) { return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); };
    std::string out = fmt::format("{{\n  \"kblint\": {{\"baseline_version\": {}}},\n  \"entries\": [", baseline_version);
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const baseline_entry& e = entries[i];
        out += fmt::format("{}\n    {{\"rule\": {}, \"fingerprint\": {}", i == 0 ? "" : ",", str(e.rule), str(e.fingerprint));
        for (const auto& [k, v] : {std::pair{"cluster", &e.cluster}, {"node", &e.node}, {"path", &e.path}, {"step", &e.step}})
            if (!v->empty()) out += fmt::format(", \"{}\": {}", k, str(*v));
        out += "}";
    }
    out += entries.empty() ? "]\n}\n" : "\n  ]\n}\n";
    return out;
}

std::vector<notification> stale_notes(const std::vector<baseline_entry>& stale) {
    std::vector<notification> out;
    for (const auto& e : stale) {
        notification n;
        n.level = "note";
        n.kind = check_ids::baseline_stale;
        n.file = e.file;
        n.where = e.where;
        std::string what = fmt::format("'{}'", e.rule);
        if (!e.node.empty()) what += fmt::format(" on '{}'", e.node);
        if (!e.path.empty()) what += fmt::format(" at '{}'", e.path);
        if (!e.step.empty()) what += fmt::format(" ({})", e.step);
        n.message = fmt::format("stale baseline entry for {}: no finding matches it any more; 'kblint baseline update' drops it", what);
        out.push_back(std::move(n));
    }
    return out;
}

} // namespace kbl
