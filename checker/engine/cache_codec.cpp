#include "checker/engine/cache_codec.hpp"

#include <cstring>
#include <memory>
#include <optional>
#include <utility>

namespace kbl {

namespace {

// Little-endian integers and length-prefixed strings appended to a string.
class writer {
public:
    writer(std::string& out, const codec_sources& src) : out_(out), src_(src) {}
    void u8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
    void u32(std::uint32_t v) {
        for (int i = 0; i < 4; ++i) u8(static_cast<std::uint8_t>(v >> (8 * i)));
    }
    void u64(std::uint64_t v) {
        for (int i = 0; i < 8; ++i) u8(static_cast<std::uint8_t>(v >> (8 * i)));
    }
    void str(std::string_view s) {
        u64(s.size());
        out_.append(s);
    }
    void at(pos p) {
        u32(p.line);
        u32(p.column);
    }
    // A source: 0 none, 1 a file of the pack, 2 a file of the cluster (same name and bytes), 3 inline.
    void source(const source_ptr& f) {
        if (!f) return u8(0);
        if (auto it = src_.pack_index->find(f.get()); it != src_.pack_index->end()) {
            u8(1);
            return u32(it->second);
        }
        const group_files& g = *src_.group;
        for (std::uint32_t k = 0; k < g.names.size(); ++k)
            if (k < g.bytes.size() && g.names[k] == f->name() && g.bytes[k] == f->text()) {
                u8(2);
                return u32(k);
            }
        u8(3);
        str(f->name());
        str(f->text());
    }
    template<class T, class F>
    void list(const std::vector<T>& v, F&& each) {
        u64(v.size());
        for (const T& e : v) each(*this, e);
    }

private:
    std::string& out_;
    const codec_sources& src_;
};

// The reverse of `writer`; past the end or on an impossible value every read gives zero and `bad` is set.
class reader {
public:
    reader(std::string_view in, const codec_sources& src) : in_(in), src_(src) {
        if (src.group != nullptr) group_.resize(src.group->names.size());
    }
    bool bad = false;
    bool done() const { return at_ == in_.size(); }
    std::uint8_t u8() {
        if (at_ >= in_.size()) return fail(), 0;
        return static_cast<std::uint8_t>(in_[at_++]);
    }
    std::uint32_t u32() {
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(u8()) << (8 * i);
        return v;
    }
    std::uint64_t u64() {
        std::uint64_t v = 0;
        for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(u8()) << (8 * i);
        return v;
    }
    std::string str() {
        std::uint64_t n = u64();
        if (n > in_.size() - at_) return fail(), std::string();
        std::string s(in_.substr(at_, n));
        at_ += n;
        return s;
    }
    bool flag() { return u8() != 0; }
    pos at() {
        pos p;
        p.line = u32();
        p.column = u32();
        return p;
    }
    // A count of elements that each take at least one byte.
    std::size_t count() {
        std::uint64_t n = u64();
        if (n > in_.size() - at_) return fail(), 0;
        return static_cast<std::size_t>(n);
    }
    template<class E>
    E choice(std::uint8_t below) {
        std::uint8_t v = u8();
        if (v >= below) fail();
        return static_cast<E>(v < below ? v : 0);
    }
    source_ptr source();
    template<class T, class F>
    void list(std::vector<T>& v, F&& each) {
        std::size_t n = count();
        v.clear();
        v.reserve(n);
        for (std::size_t i = 0; i < n && !bad; ++i) v.push_back(each(*this));
    }
    void fail() { bad = true; }

private:
    std::string_view in_;
    std::size_t at_ = 0;
    const codec_sources& src_;
    std::vector<source_ptr> group_;  // the cluster's files, made once each when first referred to
};

source_ptr reader::source() {
    switch (u8()) {
    case 0: return nullptr;
    case 1: {
        std::uint32_t i = u32();
        if (i >= src_.pack_files->size()) return fail(), nullptr;
        return (*src_.pack_files)[i];
    }
    case 2: {
        std::uint32_t k = u32();
        if (k >= group_.size()) return fail(), nullptr;
        if (!group_[k]) {
            const group_files& g = *src_.group;
            if (g.bytes.empty() && (!g.read_bytes || !g.read_bytes())) return fail(), nullptr;
            group_[k] = std::make_shared<source_file>(g.names[k], g.bytes[k]);
        }
        return group_[k];
    }
    case 3: {
        std::string name = str();
        std::string text = str();
        return std::make_shared<source_file>(std::move(name), std::move(text));
    }
    default: return fail(), nullptr;
    }
}

void put(writer& w, const diagnostic& d) {
    w.u8(static_cast<std::uint8_t>(d.severity));
    w.source(d.file);
    w.str(d.file_name);
    w.at(d.where);
    w.str(d.message);
    w.str(d.check_id);
    w.str(d.suffix);
    w.list(d.notes, [](writer& w, const diag_note& n) {
        w.u8(static_cast<std::uint8_t>(n.k));
        w.str(n.message);
        w.source(n.file);
        w.at(n.where);
    });
}

diagnostic get_diagnostic(reader& r) {
    diagnostic d;
    d.severity = r.choice<diag_severity>(4);
    d.file = r.source();
    d.file_name = r.str();
    d.where = r.at();
    d.message = r.str();
    d.check_id = r.str();
    d.suffix = r.str();
    r.list(d.notes, [](reader& r) {
        diag_note n;
        n.k = r.choice<diag_note::kind>(2);
        n.message = r.str();
        n.file = r.source();
        n.where = r.at();
        return n;
    });
    return d;
}

void put(writer& w, const std::shared_ptr<const diagnostic>& d) {
    w.u8(d ? 1 : 0);
    if (d) put(w, *d);
}

std::shared_ptr<const diagnostic> get_optional_diagnostic(reader& r) {
    if (!r.flag()) return nullptr;
    return std::make_shared<const diagnostic>(get_diagnostic(r));
}

void put(writer& w, const location& l) {
    w.source(l.file);
    w.at(l.where);
    w.str(l.path);
}

location get_location(reader& r) {
    location l;
    l.file = r.source();
    l.where = r.at();
    l.path = r.str();
    return l;
}

void put_finding_tail(writer& w, const finding& f) {
    w.u8(f.step ? 1 : 0);
    if (f.step) {
        w.u32(f.step->index);
        w.str(f.step->action);
        w.u32(f.step->ordinal);
    }
    w.list(f.related, [](writer& w, const related_location& rl) {
        put(w, rl.loc);
        w.str(rl.message);
    });
    w.str(f.fingerprint);
    w.u8(f.waiver ? 1 : 0);
    if (f.waiver) {
        w.str(f.waiver->reason);
        w.str(f.waiver->expires);
        w.str(f.waiver->approved_by);
        w.str(f.waiver->file);
        w.at(f.waiver->where);
    }
}

void put(writer& w, const finding& f) {
    w.str(f.rule);
    w.u8(static_cast<std::uint8_t>(f.sev));
    w.u8(static_cast<std::uint8_t>(f.st));
    w.u8(static_cast<std::uint8_t>(f.scope));
    for (const std::string* s : {&f.node, &f.cluster, &f.title, &f.message, &f.fix, &f.ref.article, &f.ref.section}) w.str(*s);
    put(w, f.loc);
    put_finding_tail(w, f);
}

void get_finding_tail(reader& r, finding& f) {
    if (r.flag()) {
        step_ref s;
        s.index = r.u32();
        s.action = r.str();
        s.ordinal = r.u32();
        f.step = std::move(s);
    }
    r.list(f.related, [](reader& r) {
        related_location rl;
        rl.loc = get_location(r);
        rl.message = r.str();
        return rl;
    });
    f.fingerprint = r.str();
    if (r.flag()) {
        waiver_ref wv;
        wv.reason = r.str();
        wv.expires = r.str();
        wv.approved_by = r.str();
        wv.file = r.str();
        wv.where = r.at();
        f.waiver = std::move(wv);
    }
}

finding get_finding(reader& r) {
    finding f;
    f.rule = r.str();
    f.sev = r.choice<severity>(3);
    f.st = r.choice<status>(4);
    f.scope = r.choice<rule_scope>(3);
    for (std::string* s : {&f.node, &f.cluster, &f.title, &f.message, &f.fix, &f.ref.article, &f.ref.section}) *s = r.str();
    f.loc = get_location(r);
    get_finding_tail(r, f);
    return f;
}

void put_timeline_findings(writer& w, const std::vector<timeline_finding>& v) {
    w.list(v, [](writer& w, const timeline_finding& f) {
        w.str(f.rule);
        w.str(f.fingerprint);
    });
}

void get_timeline_findings(reader& r, std::vector<timeline_finding>& v) {
    r.list(v, [](reader& r) {
        timeline_finding f;
        f.rule = r.str();
        f.fingerprint = r.str();
        return f;
    });
}

void put(writer& w, const timeline_step& s) {
    w.u32(s.index);
    w.str(s.node);
    w.str(s.action);
    w.u32(s.line);
    w.u8(s.simulated ? 1 : 0);
    w.list(s.effects, [](writer& w, const effect& e) {
        w.u8(static_cast<std::uint8_t>(e.k));
        for (const std::string* t : {&e.node, &e.path, &e.before, &e.after}) w.str(*t);
    });
    put_timeline_findings(w, s.findings);
}

timeline_step get_timeline_step(reader& r) {
    timeline_step s;
    s.index = r.u32();
    s.node = r.str();
    s.action = r.str();
    s.line = r.u32();
    s.simulated = r.flag();
    r.list(s.effects, [](reader& r) {
        effect e;
        e.k = r.choice<effect::kind>(5);
        for (std::string* t : {&e.node, &e.path, &e.before, &e.after}) *t = r.str();
        return e;
    });
    get_timeline_findings(r, s.findings);
    return s;
}

void put(writer& w, const timeline& t) {
    w.source(t.file);
    w.u8(t.planned ? 1 : 0);
    w.str(t.cluster);
    w.list(t.steps, [](writer& w, const timeline_step& s) { put(w, s); });
    put_timeline_findings(w, t.whole);
    put_timeline_findings(w, t.end_state);
}

timeline get_timeline(reader& r) {
    timeline t;
    t.file = r.source();
    t.planned = r.flag();
    t.cluster = r.str();
    r.list(t.steps, get_timeline_step);
    get_timeline_findings(r, t.whole);
    get_timeline_findings(r, t.end_state);
    return t;
}

void put(writer& w, const checked_list& c) {
    w.list(c.snapshots, [](writer& w, const checked_snapshot& s) {
        for (const std::string* t : {&s.file, &s.node, &s.cluster}) w.str(*t);
        w.u8(s.taken_at ? 1 : 0);
        if (s.taken_at) w.str(*s.taken_at);
    });
    w.list(c.changes, [](writer& w, const checked_change& ch) {
        w.str(ch.file);
        w.u8(ch.runbook ? 1 : 0);
        w.list(ch.steps, [](writer& w, const checked_step& s) {
            w.u32(s.step);
            w.str(s.node);
            w.str(s.action);
            w.u32(s.line);
        });
    });
}

void get_checked(reader& r, checked_list& c) {
    r.list(c.snapshots, [](reader& r) {
        checked_snapshot s;
        for (std::string* t : {&s.file, &s.node, &s.cluster}) *t = r.str();
        if (r.flag()) s.taken_at = r.str();
        return s;
    });
    r.list(c.changes, [](reader& r) {
        checked_change ch;
        ch.file = r.str();
        ch.runbook = r.flag();
        r.list(ch.steps, [](reader& r) {
            checked_step s;
            s.step = r.u32();
            s.node = r.str();
            s.action = r.str();
            s.line = r.u32();
            return s;
        });
        return ch;
    });
}

void put(writer& w, const cluster_out& o) {
    w.list(o.findings, [](writer& w, const finding& f) { put(w, f); });
    w.list(o.skipped, [](writer& w, const not_evaluated& s) {
        w.str(s.rule);
        w.str(s.node);
        w.str(s.reason);
        w.u8(s.not_applicable ? 1 : 0);
    });
    w.list(o.errors, [](writer& w, const diagnostic& d) { put(w, d); });
    w.list(o.evaluated, [](writer& w, const evaluation& e) {
        w.str(e.rule);
        w.str(e.cluster);
        w.str(e.node);
        w.source(e.file);
        w.u8(e.applied ? 1 : 0);
    });
    w.list(o.timelines, [](writer& w, const timeline& t) { put(w, t); });
}

void get_cluster_out(reader& r, cluster_out& o) {
    r.list(o.findings, get_finding);
    r.list(o.skipped, [](reader& r) {
        not_evaluated s;
        s.rule = r.str();
        s.node = r.str();
        s.reason = r.str();
        s.not_applicable = r.flag();
        return s;
    });
    r.list(o.errors, get_diagnostic);
    r.list(o.evaluated, [](reader& r) {
        evaluation e;
        e.rule = r.str();
        e.cluster = r.str();
        e.node = r.str();
        e.file = r.source();
        e.applied = r.flag();
        return e;
    });
    r.list(o.timelines, get_timeline);
}

} // namespace

void encode_group(const group_result& r, const codec_sources& src, std::string& out) {
    writer w(out, src);
    w.list(r.loaded, [](writer& w, std::uint32_t i) { w.u32(i); });
    w.str(r.name);
    w.str(r.incomplete);
    put(w, r.oversized);
    put(w, r.note);
    put(w, r.out);
    w.u64(r.runbooks);
    put(w, r.checked);
    w.list(r.file_errors, [](writer& w, const diagnostics& ds) {
        w.list(ds, [](writer& w, const diagnostic& d) { put(w, d); });
    });
    w.list(r.file_failed, [](writer& w, char f) { w.u8(f ? 1 : 0); });
}

bool decode_group(std::string_view bytes, const codec_sources& src, group_result& r) {
    reader rd(bytes, src);
    rd.list(r.loaded, [](reader& rd) { return rd.u32(); });
    r.name = rd.str();
    r.incomplete = rd.str();
    r.oversized = get_optional_diagnostic(rd);
    r.note = get_optional_diagnostic(rd);
    get_cluster_out(rd, r.out);
    r.runbooks = static_cast<std::size_t>(rd.u64());
    get_checked(rd, r.checked);
    rd.list(r.file_errors, [](reader& rd) {
        diagnostics ds;
        rd.list(ds, get_diagnostic);
        return ds;
    });
    rd.list(r.file_failed, [](reader& rd) { return static_cast<char>(rd.flag() ? 1 : 0); });
    const std::size_t files = src.group->names.size();
    for (std::uint32_t i : r.loaded)
        if (i >= files) rd.fail();
    if (r.file_errors.size() != files || r.file_failed.size() != files) rd.fail();
    return !rd.bad && rd.done();
}

namespace {

// splitmix64's finaliser.
std::uint64_t avalanche(std::uint64_t h) {
    h ^= h >> 30;
    h *= 0xBF58476D1CE4E5B9ull;
    h ^= h >> 27;
    h *= 0x94D049BB133111EBull;
    return h ^ (h >> 31);
}

std::uint64_t rotl(std::uint64_t v, int r) { return (v << r) | (v >> (64 - r)); }

} // namespace

std::array<std::uint64_t, 2> content_hash(std::string_view s) {
    constexpr std::uint64_t a1 = 0x87C37B91114253D5ull, a2 = 0x4CF5AD432745937Full;
    constexpr std::uint64_t b1 = 0xC2B2AE3D27D4EB4Full, b2 = 0x165667B19E3779F9ull;
    std::uint64_t h1 = 0x6B626C696E74ull ^ s.size(), h2 = 0x636163686500ull ^ (s.size() * a1);
    std::size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
        std::uint64_t w;
        std::memcpy(&w, s.data() + i, 8);
        h1 = rotl(h1 ^ (w * a1), 31) * a2;
        h2 = rotl(h2 ^ (w * b1), 27) * b2 + 0x52DCE729;
    }
    std::uint64_t tail = 0;
    for (std::size_t j = 0; i + j < s.size(); ++j) tail |= static_cast<std::uint64_t>(static_cast<unsigned char>(s[i + j])) << (8 * j);
    h1 = rotl(h1 ^ ((tail + 1) * a1), 31) * a2;
    h2 = rotl(h2 ^ ((tail + 1) * b1), 27) * b2;
    return {avalanche(h1), avalanche(h2 + h1)};
}

std::uint64_t mix_hash(std::string_view s, std::uint64_t seed) {
    constexpr std::uint64_t k1 = 0x9E3779B97F4A7C15ull, k2 = 0xBF58476D1CE4E5B9ull, k3 = 0x94D049BB133111EBull;
    std::uint64_t h = seed ^ (s.size() * k1);
    std::size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
        std::uint64_t w;
        std::memcpy(&w, s.data() + i, 8);
        h ^= w * k2;
        h = ((h << 29) | (h >> 35)) * k3;
    }
    std::uint64_t tail = 0;
    for (std::size_t j = 0; i + j < s.size(); ++j) tail |= static_cast<std::uint64_t>(static_cast<unsigned char>(s[i + j])) << (8 * j);
    h ^= (tail + 1) * k2;
    h ^= h >> 30;
    h *= k2;
    h ^= h >> 27;
    h *= k3;
    h ^= h >> 31;
    return h;
}

} // namespace kbl
