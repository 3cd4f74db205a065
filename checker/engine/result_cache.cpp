#include "checker/engine/result_cache.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <system_error>
#include <tuple>
#include <utility>

#include <fmt/format.h>

#include "checker/engine/cache_codec.hpp"
#include "checker/engine/pack.hpp"
#include "common/fs.hpp"
#include "common/hash.hpp"
#include "common/text.hpp"

namespace kbl {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view magic = "KBLCACHE";
constexpr std::uint32_t format_version = 1;
constexpr std::string_view entry_extension = ".kbc";
// An entry is never larger than this: a bigger file in the folder is not one of ours to read.
constexpr std::size_t max_entry_bytes = std::size_t(1) << 30;

void add_u64(std::string& out, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}

void add_str(std::string& out, std::string_view s) {
    add_u64(out, s.size());
    out.append(s);
}

std::uint64_t get_u64(std::string_view s, std::size_t at) {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(s[at + i])) << (8 * i);
    return v;
}

std::uint64_t fnv(std::string_view s) {
    fnv1a h;
    h.text(s);
    return h.h;
}

// The header of an entry after the magic and the format: its kblint version and key material.
std::string header_of(std::string_view version, std::uint64_t pack, std::uint64_t options, const group_files& g) {
    std::string out;
    add_str(out, version);
    add_u64(out, pack);
    add_u64(out, options);
    add_u64(out, g.names.size());
    for (std::size_t k = 0; k < g.names.size(); ++k) {
        add_str(out, g.names[k]);
        add_u64(out, g.sizes[k]);
        add_u64(out, g.file_hash[k][0]);
        add_u64(out, g.file_hash[k][1]);
    }
    return out;
}

// The options of a run that change what a cluster gives (the gate, applied later, is not one).
std::string options_text(const check_options& opt, const snap::load_limits& lim, const pack& p) {
    std::string t = fmt::format("lim {} {} {} {}|load {} {} {}|strict {}|keep {} {} {}|only", opt.lim.max_depth,
                                opt.lim.max_steps, opt.lim.max_runbook_steps, opt.lim.max_cluster_nodes,
                                lim.max_file_bytes, lim.max_depth, lim.max_values, opt.strict_schema, opt.keep_evaluated,
                                opt.keep_skipped, opt.keep_timelines);
    for (const auto& g : opt.only) add_str(t, g);
    t += "|skip";
    for (const auto& g : opt.skip) add_str(t, g);
    t += "|ci";
    for (const auto& c : p.ci_tables) add_str(t, c);
    return t;
}

bool is_entry_name(const std::string& name) {
    if (name.size() != 32 + entry_extension.size() || !name.ends_with(entry_extension)) return false;
    return std::all_of(name.begin(), name.begin() + 32, [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

} // namespace

result_cache::result_cache(std::string dir, std::uint64_t max_bytes, std::string version)
    : dir_(std::move(dir)), max_bytes_(max_bytes), version_(std::move(version)) {}

bool result_cache::begin(const pack& p, const check_options& opt, const snap::load_limits& lim) {
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec || !fs::is_directory(dir_, ec)) {
        note(fmt::format("cannot use the cache folder '{}': {}; checking without it",
                         escape_for_terminal(dir_), ec ? ec.message() : std::string("it is not a folder")));
        return usable_ = false;
    }
    std::string material;
    pack_files_.clear();
    for (std::uint32_t i = 0; i < p.files.size(); ++i) {
        add_str(material, p.files[i]->name());
        add_str(material, p.files[i]->text());
        pack_files_.emplace(p.files[i].get(), i);
    }
    pack_files_list_ = &p.files;
    write_dir_ = fs::absolute(dir_, ec).string();
    if (ec) write_dir_.clear();
    pack_hash_ = fnv(material) ^ (mix_hash(material, 1) * 3);
    options_hash_ = fnv(options_text(opt, lim, p));
    return usable_ = true;
}

bool result_cache::usable() const { return usable_; }

void result_cache::key(group_files& g) const {
    if (g.file_hash.empty()) {
        for (const std::string& b : g.bytes) {
            g.file_hash.push_back(content_hash(b));
            g.sizes.push_back(b.size());
        }
    }
    const std::string material = header_of(version_, pack_hash_, options_hash_, g);
    g.key = {fnv(material), mix_hash(material, 0x6b626c696e74ull)};
}

std::string result_cache::path_of(const std::array<std::uint64_t, 2>& key) const { return path_of(key, dir_); }

std::string result_cache::path_of(const std::array<std::uint64_t, 2>& key, const std::string& dir) {
    return fmt::format("{}/{:016x}{:016x}{}", dir, key[0], key[1], entry_extension);
}

void result_cache::note(std::string text) {
    std::lock_guard<std::mutex> lock(mutex_);
    notes_.push_back(std::move(text));
}

// Why the bytes of an entry are not the results of `g` (empty when they are): its header checked
// field by field. `payload_at` is where the results start.
std::string result_cache::check_entry(std::string_view e, const group_files& g, std::size_t& payload_at) const {
    constexpr std::size_t fixed = magic.size() + 4;
    if (e.size() < magic.size() || e.substr(0, magic.size()) != magic) return "not a kblint cache entry";
    if (e.size() < fixed + 8) return "truncated";
    std::uint32_t format = 0;
    for (int i = 0; i < 4; ++i) format |= static_cast<std::uint32_t>(static_cast<unsigned char>(e[magic.size() + i])) << (8 * i);
    if (format != format_version) return fmt::format("written in cache format {}, not {}", format, format_version);
    if (mix_hash(e.substr(0, e.size() - 8), 2) != get_u64(e, e.size() - 8)) return "damaged or truncated (its checksum does not match)";
    const std::string header = header_of(version_, pack_hash_, options_hash_, g);
    const std::string_view body = e.substr(fixed, e.size() - fixed - 8);
    if (body.size() < 16 + header.size() || body.substr(16, header.size()) != header) {
        if (body.size() >= 24 && get_u64(body, 16) <= body.size() - 24 &&
            body.substr(24, get_u64(body, 16)) != version_)
            return fmt::format("written by kblint {}, not {}", escape_for_terminal(body.substr(24, get_u64(body, 16))), version_);
        return "a foreign entry: its key is not this cluster's";
    }
    if (get_u64(body, 0) != g.key[0] || get_u64(body, 8) != g.key[1]) return "a foreign entry: its key is not this cluster's";
    payload_at = fixed + 16 + header.size();
    return {};
}

bool result_cache::load(const group_files& g, group_result& out) {
    if (!usable_) return false;
    const std::string path = path_of(g.key);
    io::read_result r = io::read_file(path, max_entry_bytes);
    if (!r.ok()) {
        if (!(r.status == io::read_status::open_failed && r.error == ENOENT))
            note(fmt::format("ignoring cache entry {}: {}", escape_for_terminal(path), io::read_failure(r, max_entry_bytes)));
        return false;
    }
    std::size_t at = 0;
    std::string why = check_entry(r.text, g, at);
    codec_sources src{pack_files_list_, &pack_files_, &g};
    if (why.empty() && !decode_group(std::string_view(r.text).substr(at, r.text.size() - at - 8), src, out))
        why = "its results are malformed";
    if (g.changed) {  // a file changed since the grouping read it: the entry is not wrong, only not this run's
        out = group_result{};
        return false;
    }
    if (!why.empty()) {
        note(fmt::format("ignoring cache entry {}: {}", escape_for_terminal(path), why));
        out = group_result{};
        return false;
    }
    ::utimensat(AT_FDCWD, path.c_str(), nullptr, 0);  // used now: the last to be evicted
    return true;
}

void result_cache::store(const group_files& g, const group_result& r) {
    if (!usable_) return;
    std::string e(magic);
    for (int i = 0; i < 4; ++i) e.push_back(static_cast<char>(format_version >> (8 * i)));
    add_u64(e, g.key[0]);
    add_u64(e, g.key[1]);
    e += header_of(version_, pack_hash_, options_hash_, g);
    codec_sources src{pack_files_list_, &pack_files_, &g};
    encode_group(r, src, e);
    add_u64(e, mix_hash(e, 2));
    const std::string path = path_of(g.key);
    // Written by its absolute path: the writer looks for /proc in a relative one through getcwd,
    // which costs more than the rest of the write (notes still name the folder as given).
    const std::string target = write_dir_.empty() ? path : path_of(g.key, write_dir_);
    // Not durable: an entry lost or cut short by a crash fails its checksum and is written again.
    if (auto err = io::write_file(target, e, false)) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!write_failed_)
            notes_.push_back(fmt::format("cannot write cache entry {}: {}; the results do not depend on it",
                                         escape_for_terminal(path), *err));
        write_failed_ = true;
        return;
    }
    ++written_;
}

void result_cache::finish() {
    if (!usable_) return;
    std::vector<std::tuple<std::pair<std::int64_t, long>, std::uintmax_t, fs::path>> entries;  // (mtime, size, path)
    std::uintmax_t total = 0;
    std::error_code ec;
    for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
        if (!is_entry_name(it->path().filename().string())) continue;
        struct stat st {};  // one stat for the type, size and time (not one call of each)
        if (::stat(it->path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
        entries.emplace_back(std::pair<std::int64_t, long>(st.st_mtim.tv_sec, st.st_mtim.tv_nsec),
                             static_cast<std::uintmax_t>(st.st_size), it->path());
        total += static_cast<std::uintmax_t>(st.st_size);
    }
    std::sort(entries.begin(), entries.end());
    for (const auto& [when, size, path] : entries) {
        if (total <= max_bytes_) break;
        std::error_code rm;
        if (fs::remove(path, rm)) ++evicted_;
        total -= size;
    }
}

std::vector<std::string> result_cache::take_notes() {
    std::lock_guard<std::mutex> lock(mutex_);
    return std::exchange(notes_, {});
}

void result_cache::count(bool reused) { ++(reused ? hits_ : misses_); }

cache_stats result_cache::stats() const { return {hits_.load(), misses_.load(), written_.load(), evicted_.load()}; }

} // namespace kbl
