#pragma once
// The central list of check ids (the rows live in check_ids.def): one named constant per id, and
// the table of every id with its description, for documentation and tests.
#include <span>
#include <string_view>

namespace kbl {

namespace check_ids {
#define KBL_CHECK_ID(name, id, description) inline constexpr char name[] = id;
#include "common/check_ids.def"
} // namespace check_ids

/// One check id and what it reports.
struct check_id_info {
    std::string_view id;
    std::string_view description;
};

/// Every check id kblint reports, in the order of check_ids.def.
std::span<const check_id_info> all_check_ids();

/// The entry for `id`, or null when kblint has no such check.
const check_id_info* find_check_id(std::string_view id);

} // namespace kbl
