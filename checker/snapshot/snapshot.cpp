// Loading a snapshot: the size limit, the checks on the bytes and the limits counted before toml++
// sees them (prescan.cpp), then the parse and the conversion of the tree (convert.cpp).
#include "checker/snapshot/snapshot.hpp"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "checker/snapshot/internal.hpp"
#include "common/check_ids.hpp"
#include "common/fs.hpp"
#include "common/limits.hpp"
#include "common/text.hpp"

namespace kbl::snap {

namespace {

std::string size_limit_message(std::uintmax_t size, std::size_t limit) {
    return fmt::format("file is {} bytes, larger than the limit of {} (--max-file-size)", size, limit);
}

} // namespace

load_limits default_load_limits() {
    return load_limits{limits::max_file_bytes, limits::max_toml_depth, limits::max_toml_values};
}

std::optional<snapshot> load_snapshot(std::string name, std::string text, const load_limits& lim,
                                      const std::vector<std::string>& ci_tables, diagnostics& errs, bool limits_checked) {
    auto file = std::make_shared<const source_file>(std::move(name), std::move(text));
    const std::size_t size = file->text().size();
    if (size > lim.max_file_bytes) {
        errs.push_back(error_at(file, pos{1, 1}, size_limit_message(size, lim.max_file_bytes), check_ids::limit));
        return std::nullopt;
    }
    const std::uint32_t depth_limit = detail::depth_limit(lim);
    std::optional<diagnostic> problem = detail::check_bytes(file);
    if (!problem && !limits_checked) problem = detail::check_limits(file, depth_limit, lim);
    if (problem) {
        errs.push_back(std::move(*problem));
        return std::nullopt;
    }
    node_ptr root = detail::parse_tree(file, depth_limit, ci_tables, errs);
    if (!root) return std::nullopt;
    return snapshot{std::move(file), std::move(root)};
}

std::optional<snapshot> load_snapshot_file(const std::string& path, const load_limits& lim,
                                           const std::vector<std::string>& ci_tables, diagnostics& errs) {
    const auto fail = [&](std::string message, pos where = pos{}, std::string check_id = check_ids::io) {
        errs.push_back(error_in(path, where, std::move(message), std::move(check_id)));
        return std::nullopt;
    };

    io::read_result r = io::read_file(path, lim.max_file_bytes);
    if (r.status == io::read_status::too_large)
        return fail(size_limit_message(r.size, lim.max_file_bytes), pos{1, 1}, check_ids::limit);
    if (r.status == io::read_status::not_regular && r.error == 0) {
        const std::string_view what = io::file_type_name(r.file_type);
        return fail(!what.empty() ? fmt::format("cannot read file: it is {}, not a regular file", what)
                                  : std::string("cannot read file: not a regular file"));
    }
    if (!r.ok()) return fail(fmt::format("cannot read file: {}", system_message(r.error)));
    return load_snapshot(path, std::move(r.text), lim, ci_tables, errs);
}

} // namespace kbl::snap
