#include "checker/engine/fleet.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "checker/engine/pack.hpp"
#include "checker/snapshot/key_scan.hpp"
#include "common/fs.hpp"
#include "common/limits.hpp"
#include "checker/engine/cache_codec.hpp"
#include "common/stack_thread.hpp"

namespace kbl {

namespace {

// How the cluster id of a file is learnt: none (the pack names no cluster id, or a path the engine
// never finds a string at), by the scan, or only by a parse (a table on the way ignores case).
enum class key_mode { none, scan, parse };

key_mode mode_for(const pack& p, const std::vector<std::string>& ci_tables, std::vector<std::string>& path) {
    if (!p.cluster_id) return key_mode::none;
    std::string dotted;
    const schema_node* sn = p.schema.get();
    bool ignores_case = std::find(ci_tables.begin(), ci_tables.end(), dotted) != ci_tables.end();
    for (const auto& seg : *p.cluster_id) {
        if (seg.k != ast::path_seg::kind::key) return key_mode::none;
        if (sn && sn->nocase) ignores_case = true;
        if (!path.empty() && std::find(ci_tables.begin(), ci_tables.end(), dotted) != ci_tables.end()) ignores_case = true;
        path.push_back(seg.key);
        dotted = path.size() == 1 ? seg.key : snap::child_path(dotted, seg.key);
        sn = sn ? sn->child(seg.key) : nullptr;
    }
    return ignores_case ? key_mode::parse : key_mode::scan;
}

// The bytes of file `i` kept for its load when they fit what is left of the budget `used`.
void keep_bytes(fleet_plan& plan, std::uint32_t i, std::string&& text, std::atomic<std::size_t>& used) {
    const std::size_t size = text.size();
    std::size_t before = used.load();
    do {
        if (size > limits::max_kept_scan_bytes - before) return;
    } while (!used.compare_exchange_weak(before, before + size));
    plan.kept[i] = std::move(text);
}

// The cluster key of file `i` (empty: a cluster of its own); nullopt when it failed to load.
// The bytes of a file the scan read for sure and found within the depth and value limits are kept
// within the budget `used` (their load skips its own limit scan; any other file is read again).
std::optional<std::string> file_key(const pack& p, const fleet_files& in, key_mode mode, const std::vector<std::string>& path,
                                    std::uint32_t i, fleet_plan& plan, std::atomic<std::size_t>& used) {
    if (mode == key_mode::none) return std::string();
    const std::string& name = (*in.files)[i];
    io::read_result r = io::read_file(name, in.lim.max_file_bytes);
    if (!r.ok()) return std::string();  // reported when its group is loaded
    if (!plan.hashed.empty()) {
        plan.hashes[i] = content_hash(r.text);
        plan.sizes[i] = r.text.size();
        plan.hashed[i] = 1;
    }
    if (mode == key_mode::scan) {
        snap::key_scan k = snap::scan_string_at(r.text, path);
        if (k.outcome != snap::scan_outcome::unsure) {
            if (snap::within_limits(k, in.lim)) keep_bytes(plan, i, std::move(r.text), used);
            return k.outcome == snap::scan_outcome::found ? cluster_group_key(k.value) : std::string();
        }
    }
    std::optional<snap::snapshot> s = snap::load_snapshot(name, std::move(r.text), in.lim, in.ci_tables, plan.errors[i]);
    if (!s) {
        plan.failed[i] = 1;
        return std::nullopt;
    }
    return cluster_of(p, normalized(p, *s)).key;
}

} // namespace

void for_each_index(std::size_t n, unsigned jobs_wanted, bool fail_for_test, const std::function<void(std::size_t)>& work) {
    std::atomic<std::size_t> next{0};
    std::exception_ptr failure;
    std::mutex failure_mutex;
    auto worker = [&] {
        try {
            if (fail_for_test) throw std::logic_error("internal error injected by KBLINT_TEST_INTERNAL_ERROR");
            for (std::size_t i = next.fetch_add(1); i < n; i = next.fetch_add(1)) work(i);
        } catch (...) {
            std::lock_guard<std::mutex> lock(failure_mutex);
            if (!failure) failure = std::current_exception();
            next.store(n);
        }
    };
    unsigned jobs = std::max(1u, std::min<unsigned>(jobs_wanted, static_cast<unsigned>(std::max<std::size_t>(1, n))));
    {
        std::vector<std::unique_ptr<stack_thread>> threads;
        for (unsigned t = 0; t < jobs; ++t) threads.push_back(std::make_unique<stack_thread>(worker));
        for (auto& t : threads) t->join();
    }
    if (failure) std::rethrow_exception(failure);
}

fleet_plan plan_fleet(const pack& p, const fleet_files& in, unsigned jobs, bool keep_hashes) {
    const std::size_t n = in.files->size();
    fleet_plan plan;
    plan.errors.resize(n);
    plan.failed.assign(n, 0);
    plan.kept.resize(n);
    if (keep_hashes) {
        plan.hashed.assign(n, 0);
        plan.sizes.assign(n, 0);
        plan.hashes.resize(n);
    }
    std::vector<std::string> path;
    const key_mode mode = mode_for(p, in.ci_tables, path);
    std::vector<std::optional<std::string>> keys(n);
    std::atomic<std::size_t> used{0};
    for_each_index(mode == key_mode::none ? 0 : n, jobs, false, [&](std::size_t i) {
        keys[i] = file_key(p, in, mode, path, static_cast<std::uint32_t>(i), plan, used);
    });
    std::map<std::string, std::uint32_t> group_of;
    for (std::uint32_t i = 0; i < n; ++i) {
        if (mode != key_mode::none && !keys[i]) continue;
        const std::string key = mode == key_mode::none ? std::string() : std::move(*keys[i]);
        auto [it, fresh] = group_of.emplace(key, static_cast<std::uint32_t>(plan.groups.size()));
        if (key.empty() || fresh) {
            it->second = static_cast<std::uint32_t>(plan.groups.size());
            plan.groups.emplace_back();
            plan.keys.push_back(key);
        }
        plan.groups[it->second].push_back(i);
    }
    return plan;
}

} // namespace kbl
