#pragma once
// The result cache of `kblint check --cache DIR` (check_fleet): one entry per cluster of a fleet,
// keyed by kblint's version, the whole rule pack's bytes, the options that change a cluster's
// results and the cluster's files (names and bytes), holding everything the cluster gives every
// report. An entry is a file `DIR/<32 hex digits>.kbc`: a header (magic, format version, kblint
// version, the key and what it was made of, file by file), the results, a checksum. A corrupt or
// foreign entry is never trusted: it is ignored with a note and written again. Entries are written
// atomically (io::write_file); at the end of a run the least recently used ones go until the
// folder's entries fit the size bound. The cache never prints: its notes are taken by the caller.
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checker/engine/cluster_run.hpp"
#include "checker/engine/engine.hpp"

namespace kbl {

/// What one cluster of a fleet gave (check_fleet), as an entry holds it.
struct group_result {
    std::vector<std::uint32_t> loaded;  ///< its files that loaded (fleet indices; in an entry, indices in the group)
    std::string name;
    std::string incomplete;  ///< why it is incomplete, as its evaluation was told
    /// A cluster over --max-cluster-nodes, and why it is incomplete: behind pointers, since few
    /// clusters have either and every cluster's result is held until the report.
    std::shared_ptr<const diagnostic> oversized, note;
    cluster_out out;
    std::size_t runbooks = 0;
    checked_list checked;
    std::vector<diagnostics> file_errors;  ///< per file of the group: the errors of loading it
    std::vector<char> file_failed;         ///< per file of the group: it failed to load
};

/// The files of one cluster for its key: names as reported, sizes and hashes of their bytes, and the
/// bytes once read. The grouping hashes every file it reads (fleet_plan), so a cluster whose entry
/// needs no file of its own (a source of a finding) is never read again: `bytes` stays empty until
/// `read_bytes` reads them.
struct group_files {
    std::vector<std::string> names;
    std::vector<std::string> bytes;                        ///< every file's bytes, or empty before they are read
    std::vector<std::uint64_t> sizes;                      ///< per file: its size
    std::vector<std::array<std::uint64_t, 2>> file_hash;  ///< per file: both hashes of its bytes
    std::array<std::uint64_t, 2> key{};                    ///< two independent 64-bit hashes of the key material
    /// Reads `bytes` when empty; false when a file cannot be read or is no longer the one hashed
    /// (null: `bytes` were read before the key).
    std::function<bool()> read_bytes;
    bool changed = false;  ///< `read_bytes` failed: the entry is not used and the cluster not stored
};

/// What a run did with the cache (`check -v` prints it).
struct cache_stats {
    std::size_t hits = 0, misses = 0, written = 0, evicted = 0;
};

/// Default bound on the entries of a cache folder: 256 MiB.
inline constexpr std::uint64_t default_cache_max_bytes = 256ull << 20;

/// One cache folder for one run. Safe to use from the workers of check_fleet.
class result_cache {
public:
    /// `dir`: the folder (created when missing); `max_bytes`: the size bound; `version`: kblint's.
    result_cache(std::string dir, std::uint64_t max_bytes, std::string version);

    /// Bind the run: hash the pack's files and the options that change results. False (with a
    /// note) when the folder cannot be created: the run goes on without the cache.
    bool begin(const pack& p, const check_options& opt, const snap::load_limits& lim);

    /// True after a `begin` that could use the folder.
    bool usable() const;

    /// The key of a cluster's files (fills `g.key`, and `g.sizes` and `g.file_hash` from `g.bytes` when empty).
    void key(group_files& g) const;

    /// The entry of `g` restored into `out` (file sources made from `g.bytes`, read when needed); false
    /// when there is none, or it is corrupt or foreign (a note says which), or `g.changed`.
    bool load(const group_files& g, group_result& out);

    /// Write the entry of `g` (atomically); a failure is a note.
    void store(const group_files& g, const group_result& r);

    /// Count a cluster of the run: its results reused, or evaluated.
    void count(bool reused);

    /// Evict the least recently used entries until the folder's entries fit the bound.
    void finish();

    /// The notes of the run so far ("ignoring cache entry PATH: REASON"), each once, and cleared.
    std::vector<std::string> take_notes();

    cache_stats stats() const;

private:
    std::string path_of(const std::array<std::uint64_t, 2>& key) const;
    static std::string path_of(const std::array<std::uint64_t, 2>& key, const std::string& dir);
    void note(std::string text);
    std::string check_entry(std::string_view e, const group_files& g, std::size_t& payload_at) const;

    std::string dir_;
    std::string write_dir_;  ///< `dir_` made absolute once (empty: it could not be)
    std::uint64_t max_bytes_;
    std::string version_;
    std::uint64_t pack_hash_ = 0;
    std::uint64_t options_hash_ = 0;
    std::map<const source_file*, std::uint32_t> pack_files_;
    const std::vector<source_ptr>* pack_files_list_ = nullptr;
    bool usable_ = false;
    bool write_failed_ = false;
    std::mutex mutex_;
    std::vector<std::string> notes_;
    std::atomic<std::size_t> hits_{0}, misses_{0}, written_{0}, evicted_{0};
};

/// check_fleet (engine.hpp) with the result cache `cache` (null: none): each cluster whose entry
/// holds its results is not parsed or evaluated; each cluster evaluated is written to the cache,
/// and the cache's size bound is applied at the end. The result is the same as without the cache.
check_result check_fleet(const pack& p, const fleet_files& in, const check_options& opt, fleet_load& load,
                         result_cache* cache);

} // namespace kbl
