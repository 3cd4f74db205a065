// Calls of a `def`: evaluated in a frame of their own, and remembered (the memo) within a context
// and, for a def that reads no evaluation context, across a cluster's rules.
#include "checker/engine/eval.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <optional>
#include <span>
#include <utility>

#include "checker/engine/eval_util.hpp"

namespace kbl {

using rt::value;
using rt::vkind;

namespace {

// One step of the memo's hash (a 64-bit multiply-xorshift mix).
std::uint64_t memo_mix(std::uint64_t h, std::uint64_t x) {
    h = (h ^ x) * 0x9E3779B97F4A7C15ull;
    return h ^ (h >> 29);
}

// same_memo_arg and memo_hash name every member of a value (but the missing reason and path: a
// missing argument is never remembered, and `hold` only keeps `node` alive). A member they miss
// would let two different arguments share one remembered result, so a change of the structs fails
// the build here until both are updated.
#if defined(__x86_64__) && defined(__GLIBCXX__)
static_assert(sizeof(value) == 168 && sizeof(rt::origin) == 40,
              "rt::value or rt::origin changed: update same_memo_arg and evaluator::memo_hash");
#endif

// Two arguments are the same for the memo: same kind, flags, origin and content (snapshot
// tables and computed lists by identity, floats bit for bit).
bool same_memo_arg(const value& a, const value& b) {
    return a.k == b.k && a.spread == b.spread && a.optional == b.optional && a.b == b.b && a.org.snap == b.org.snap &&
           a.org.where == b.org.where && a.org.path == b.org.path && a.org.file == b.org.file &&
           a.org.step == b.org.step && a.node == b.node && a.items == b.items && a.i == b.i &&
           std::bit_cast<std::uint64_t>(a.f) == std::bit_cast<std::uint64_t>(b.f) && a.s == b.s;
}

} // namespace

// The hash of a call for the memo: the def, then each argument's kind, flags, origin and content.
// Nullopt when the call must not be remembered: an argument is missing (its reason and path vary)
// or the call's arguments are large (their fixed fields and strings over 4 KB).
std::optional<std::uint64_t> evaluator::memo_hash(const cdef& d, std::span<const value> args) const {
    constexpr std::size_t max_key_bytes = 4096;
    constexpr std::size_t fixed_bytes = 2 + 4 * sizeof(std::uint32_t) + 4 * sizeof(void*) + 3 * 8;
    std::size_t bytes = sizeof(&d);
    std::uint64_t h = memo_mix(0, reinterpret_cast<std::uintptr_t>(&d));
    for (const value& a : args) {
        if (a.is_missing()) return std::nullopt;
        h = memo_mix(h, static_cast<std::uint64_t>(a.k) | (a.spread ? 0x100u : 0u) | (a.optional ? 0x200u : 0u) |
                            (a.b ? 0x400u : 0u) | (std::uint64_t{a.org.snap} << 32));
        h = memo_mix(h, (std::uint64_t{a.org.where.line} << 32) | a.org.where.column);
        h = memo_mix(h, reinterpret_cast<std::uintptr_t>(a.org.path) ^ (std::uint64_t{a.org.step} << 48));
        h = memo_mix(h, reinterpret_cast<std::uintptr_t>(a.org.file) ^ reinterpret_cast<std::uintptr_t>(a.node));
        h = memo_mix(h, reinterpret_cast<std::uintptr_t>(a.items.get()) ^ static_cast<std::uint64_t>(a.i));
        h = memo_mix(h, std::bit_cast<std::uint64_t>(a.f) ^ std::hash<std::string_view>{}(a.s));
        bytes += fixed_bytes + a.s.size();
        if (bytes > max_key_bytes) return std::nullopt;
    }
    return h;
}

evaluator::memo_entry* evaluator::recall(memo_map& m, std::uint64_t h, const cdef& d, std::span<const value> args) {
    auto [it, end] = m.equal_range(h);
    for (; it != end; ++it) {
        memo_entry& e = it->second;
        if (e.def == &d && std::equal(args.begin(), args.end(), e.args.begin(), e.args.end(), same_memo_arg)) return &e;
    }
    return nullptr;
}

// A call remembered in the context that made or last used it is free, as any repeated call in one
// context. From an earlier context it costs what its evaluation would cost here: its own steps and
// those of the calls it made that this context has not made yet; it is evaluated again when that
// would pass --max-eval-steps or could pass --max-eval-depth, so that the limit is hit where the
// evaluation hits it.
std::optional<std::uint64_t> evaluator::charge(memo_entry& e) {
    if (e.epoch == epoch_) return 0;
    if (depth_ + e.depth > w_.lim.max_depth) return std::nullopt;
    std::vector<memo_entry*> seen;
    const std::uint64_t cost = walk_cost(e, ++walks_, seen);
    if (steps_ + cost > w_.lim.max_steps) return std::nullopt;
    for (memo_entry* m : seen) m->epoch = epoch_;
    steps_ += cost;
    return cost;
}

std::uint64_t evaluator::walk_cost(memo_entry& e, std::uint64_t walk, std::vector<memo_entry*>& seen) const {
    e.walk = walk;
    seen.push_back(&e);
    std::uint64_t cost = e.own_steps;
    for (memo_entry* m : e.calls)
        if (m->epoch != epoch_ && m->walk != walk) cost += walk_cost(*m, walk, seen);
    return cost;
}

// A memo emptied. clear() would zero the whole bucket array, as large as the largest context
// made it, at every new context (most of which call nothing): a large one is given back instead.
void evaluator::forget_calls(memo_map& m) {
    constexpr std::size_t kept_buckets = 64;
    if (m.bucket_count() > kept_buckets) m = memo_map{};
    else if (!m.empty()) m.clear();
}

value evaluator::eval_call(const cexpr& c, frame& f) {
    const cdef& d = *c.def;
    if (!d.body) return value::missing(fmt::format("'{}' could not be compiled", d.name));
    // Frames are reused: a call takes one from the pool and gives it back. Only the parameters are
    // set: the other slots belong to quantifiers and `let`, which write a slot before it is read,
    // so what a former call left there is never seen (and only outlives that call until overwritten).
    frame callee;
    if (!frame_pool_.empty()) {
        callee = std::move(frame_pool_.back());
        frame_pool_.pop_back();
    }
    const std::size_t size = std::max<std::uint32_t>(d.frame_size, d.params);
    if (callee.size() < size) callee.resize(size);
    for (std::size_t i = 0; i < d.params; ++i) callee[i] = i < c.kids.size() ? eval(*c.kids[i], f) : value{};
    // A new context (none of whose calls is being evaluated): a new memo, and a new lasting one
    // when a step changed the cluster.
    if (memo_epoch_ != epoch_) {
        forget_calls(memo_);
        memo_epoch_ = epoch_;
        if (lasting_state_ != state_version_) {
            forget_calls(lasting_);
            lasting_kept_.clear();
            lasting_state_ = state_version_;
        }
    }
    const std::span<const value> args(callee.data(), d.params);
    memo_map& memo = d.reads_context || trace_ ? memo_ : lasting_;
    const std::optional<std::uint64_t> h = memo_hash(d, args);
    memo_entry* hit = h ? recall(memo, *h, d, args) : nullptr;
    std::optional<std::uint64_t> cost = hit ? charge(*hit) : std::nullopt;
    value v;
    if (cost) {
        depth_peak_ = std::max(depth_peak_, depth_ + hit->depth);
        if (log_) {
            log_->calls.push_back(hit);
            log_->steps += *cost;
        }
        v = hit->result;
    } else {
        v = evaluate_call(d, callee, memo, h, hit);
    }
    if (frame_pool_.size() < 64) frame_pool_.push_back(std::move(callee));
    return v;
}

value evaluator::evaluate_call(const cdef& d, frame& callee, memo_map& m, std::optional<std::uint64_t> h, memo_entry* stale) {
    call_log mine;
    call_log* outer = log_;
    if (h) log_ = &mine;  // a call not remembered leaves the calls it makes to the one around it
    const std::uint32_t outer_peak = std::exchange(depth_peak_, depth_);
    const std::uint64_t before = steps_;
    source_ptr saved = cur_file_;
    cur_file_ = d.file;
    value v = eval(*d.body, callee);
    cur_file_ = saved;
    const std::uint64_t spent = steps_ - before;
    const std::uint32_t depth = depth_peak_ - depth_;
    depth_peak_ = std::max(outer_peak, depth_peak_);
    log_ = outer;
    if (!h) return v;
    memo_entry* e = stale;
    if (stale) stale->epoch = epoch_;
    else
        e = remember(m, *h, d, std::span<value>(callee.data(), d.params), v, spent - mine.steps, depth, std::move(mine));
    if (log_) {
        log_->calls.push_back(e);
        log_->steps += spent;
    }
    return v;
}

// Bounded: a context with more distinct calls than this starts over (`begin` bounds `lasting_`).
evaluator::memo_entry* evaluator::remember(memo_map& m, std::uint64_t h, const cdef& d, std::span<value> args,
                                           const value& v, std::uint64_t steps, std::uint32_t depth, call_log&& log) {
    if (&m == &memo_ && m.size() >= 65536) forget_calls(m);
    auto it = m.emplace(h, memo_entry{&d,
                                      std::vector<value>(std::make_move_iterator(args.begin()), std::make_move_iterator(args.end())),
                                      v, steps, depth, epoch_, 0, std::move(log.calls)});
    return &it->second;
}

value evaluator::call(const cdef& d, std::vector<value> args) {
    if (!d.body) return value::missing(fmt::format("'{}' could not be compiled", d.name));
    frame callee(std::max<std::uint32_t>(d.frame_size, d.params));
    for (std::size_t i = 0; i < args.size() && i < callee.size(); ++i) callee[i] = std::move(args[i]);
    cur_file_ = d.file;
    steps_ = 0;
    ++epoch_;
    depth_ = 0;
    log_ = nullptr;
    return eval(*d.body, callee);
}

} // namespace kbl
