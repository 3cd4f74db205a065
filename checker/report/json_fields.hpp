#pragma once
// JSON fields that the JSON report and its "shard" key (shard_json.hpp) write the same way.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace kbl::render {

/// A name, or null when it is empty (a snapshot that names no node or cluster).
inline nlohmann::ordered_json name_or_null(const std::string& s) {
    return s.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s);
}

/// A line or column, or null when it is not known.
inline nlohmann::ordered_json position_field(std::uint32_t v, bool valid) {
    return valid ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr);
}

} // namespace kbl::render
