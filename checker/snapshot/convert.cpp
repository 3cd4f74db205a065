// The parse by toml++ and the conversion of its tree into kblint's: one arena of nodes per file,
// members in source order, dates and times as canonical text.
#include <algorithm>
#include <iterator>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "checker/snapshot/internal.hpp"
#include "common/text.hpp"

namespace kbl::snap::detail {

namespace {

std::string fraction_text(std::uint32_t nanosecond) {
    if (nanosecond == 0) return {};
    std::string digits = fmt::format("{:09}", nanosecond);
    while (digits.size() > 3 && digits.back() == '0') digits.pop_back();
    return "." + digits;
}

std::string date_text(std::int64_t y, unsigned m, unsigned d) {
    return y >= 0 ? fmt::format("{:04}-{:02}-{:02}", y, m, d) : fmt::format("-{:04}-{:02}-{:02}", -y, m, d);
}

std::string time_text(const toml::time& t) {
    return fmt::format("{:02}:{:02}:{:02}{}", t.hour, t.minute, t.second, fraction_text(t.nanosecond));
}

std::string date_time_text(const toml::date_time& dt) {
    if (!dt.offset) {
        return fmt::format("{}T{}", date_text(dt.date.year, dt.date.month, dt.date.day), time_text(dt.time));
    }
    std::int64_t minutes = days_from_civil(dt.date.year, dt.date.month, dt.date.day) * 1440 +
                           dt.time.hour * 60 + dt.time.minute - dt.offset->minutes;
    std::int64_t days = minutes >= 0 ? minutes / 1440 : -((-minutes + 1439) / 1440);
    minutes -= days * 1440;
    const civil_date c = civil_from_days(days);
    return fmt::format("{}T{:02}:{:02}:{:02}{}Z", date_text(c.year, c.month, c.day), minutes / 60, minutes % 60,
                       dt.time.second, fraction_text(dt.time.nanosecond));
}

// The loaded tree lives in one array per snapshot: every node_ptr shares the array's control
// block (the aliasing constructor), so a snapshot costs one allocation for all its nodes instead of
// one each, and no per-node control block. Strings are moved out of toml++'s tree, which is
// discarded afterwards.
std::size_t count_nodes(const toml::node& n) {
    std::size_t count = 1;
    if (const auto* t = n.as_table()) {
        for (const auto& [k, v] : *t) count += count_nodes(v);
    } else if (const auto* a = n.as_array()) {
        for (const auto& v : *a) count += count_nodes(v);
    }
    return count;
}

void set_scalar(node& out, toml::node& n) {
    switch (n.type()) {
    case toml::node_type::string:
        out.k = kind::string;
        out.str = std::move(n.as_string()->get());
        break;
    case toml::node_type::integer:
        out.k = kind::integer;
        out.i = n.as_integer()->get();
        break;
    case toml::node_type::floating_point:
        out.k = kind::floating;
        out.f = n.as_floating_point()->get();
        break;
    case toml::node_type::boolean:
        out.k = kind::boolean;
        out.b = n.as_boolean()->get();
        break;
    case toml::node_type::date: {
        out.k = kind::local_date;
        const auto& d = n.as_date()->get();
        out.str = date_text(d.year, d.month, d.day);
        break;
    }
    case toml::node_type::time:
        out.k = kind::local_time;
        out.str = time_text(n.as_time()->get());
        break;
    case toml::node_type::date_time: {
        const auto& dt = n.as_date_time()->get();
        out.k = dt.offset ? kind::offset_datetime : kind::local_datetime;
        out.str = date_time_text(dt);
        break;
    }
    case toml::node_type::table:
    case toml::node_type::array:
    case toml::node_type::none:
        break;
    }
}

class converter {
public:
    converter(std::string_view text, const std::vector<std::string>& ci_tables)
        : positions_(text), ci_tables_(ci_tables) {}

    node_ptr root(toml::table& t) {
        arena_ = std::make_shared<node[]>(count_nodes(t));
        node& out = next();
        out.k = kind::table;
        out.where = pos{1, 1};
        fill_table(out, t);
        return node_ptr(arena_, &out);
    }

private:
    node& next() { return arena_[used_++]; }

    pos convert_pos(const toml::source_position& p) { return positions_.convert(p.line, p.column); }

    node_ptr convert(toml::node& n, std::string&& path) {
        node& out = next();
        out.where = convert_pos(n.source().begin);
        out.path = std::move(path);
        if (auto* t = n.as_table()) {
            out.k = kind::table;
            fill_table(out, *t);
        } else if (auto* arr = n.as_array()) {
            out.k = kind::array;
            out.items.reserve(arr->size());
            for (std::size_t idx = 0; idx < arr->size(); ++idx)
                out.items.push_back(convert((*arr)[idx], element_path(out.path, idx)));
        } else {
            set_scalar(out, n);
        }
        // A node inside the arena must not own the arena: that would be a cycle, and the file's
        // nodes would never be freed. Only the root owns it; a child is valid while its root is.
        return node_ptr(node_ptr(), &out);
    }

    static std::string element_path(const std::string& array_path, std::size_t idx) {
        std::string path;
        path.reserve(array_path.size() + 8);
        path += array_path;
        path += '[';
        fmt::format_to(std::back_inserter(path), "{}", idx);
        path += ']';
        return path;
    }

    // Members in source order (toml++ keeps them sorted by key); `members_` is shared by every
    // table of the snapshot: each call appends its own range and removes it before returning.
    void fill_table(node& out, toml::table& t) {
        out.ci_keys = std::find(ci_tables_.begin(), ci_tables_.end(), out.path) != ci_tables_.end();
        const std::size_t first = members_.size();
        for (auto&& [k, v] : t) members_.emplace_back(&k, &v);
        const auto begin = members_.begin() + static_cast<std::ptrdiff_t>(first);
        std::stable_sort(begin, members_.end(), [](const auto& a, const auto& b) {
            return a.first->source().begin < b.first->source().begin;
        });
        const std::size_t count = members_.size() - first;
        out.entries.resize(count);
        for (std::size_t m = 0; m < count; ++m) {
            const auto [k, v] = members_[first + m];
            entry& e = out.entries[m];
            e.key = std::string(k->str());
            e.key_pos = convert_pos(k->source().begin);
            e.value = convert(*v, child_path(out.path, e.key));
        }
        members_.resize(first);
    }

    position_map positions_;
    const std::vector<std::string>& ci_tables_;
    std::shared_ptr<node[]> arena_;
    std::size_t used_ = 0;
    std::vector<std::pair<const toml::key*, toml::node*>> members_;
};

} // namespace

node_ptr parse_tree(const source_ptr& file, std::uint32_t depth_limit, const std::vector<std::string>& ci_tables,
                    diagnostics& errs) {
    const std::string_view bytes = file->text();
    toml::table parsed;
    try {
        parsed = toml::parse(bytes);
    } catch (const toml::parse_error& e) {
        const toml::source_position& at = e.source().begin;
        errs.push_back(toml_error(file, e.description(), at.line, at.column, depth_limit));
        return nullptr;
    }
    converter conv(bytes, ci_tables);
    return conv.root(parsed);
}

} // namespace kbl::snap::detail
