#include "common/check_ids.hpp"

#include <algorithm>
#include <array>

namespace kbl {

namespace {

constexpr std::array table = {
#define KBL_CHECK_ID(name, id, description) check_id_info{id, description},
#include "common/check_ids.def"
};

} // namespace

std::span<const check_id_info> all_check_ids() { return table; }

const check_id_info* find_check_id(std::string_view id) {
    auto it = std::find_if(table.begin(), table.end(), [&](const check_id_info& c) { return c.id == id; });
    return it == table.end() ? nullptr : &*it;
}

} // namespace kbl
