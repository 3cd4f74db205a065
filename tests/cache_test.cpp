// `kblint check --cache DIR` end to end (checker/engine/result_cache.hpp): the reports of every
// format are byte for byte those of a run without the cache, cold and warm; a changed file
// invalidates only its cluster's entry, a changed rule file or option every entry; a corrupt or
// foreign entry is ignored with a note and written again; the size bound evicts the least recently
// used entries; a folder that cannot be used is a note, never a failure.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "checker/engine/cache_codec.hpp"
#include "tests/test_util.hpp"

namespace {

namespace fs = std::filesystem;
using namespace kbl::test;

// The cache entries of `dir`, sorted; every file there must be one (no temporary file is left).
std::vector<std::string> entries(const std::string& dir) {
    std::vector<std::string> out;
    if (!fs::exists(dir)) return out;
    for (const auto& e : fs::directory_iterator(dir)) {
        std::string name = e.path().filename().string();
        CHECK(name.size() == 36);
        CHECK(name.ends_with(".kbc"));
        out.push_back(name);
    }
    std::sort(out.begin(), out.end());
    return out;
}

// The -v line that says what the cache did.
std::string stats(const run_output& r) {
    std::size_t at = r.err.find("kblint: note: cache '");
    if (at == std::string::npos) return {};
    std::size_t colon = r.err.find("': ", at);
    return r.err.substr(colon + 3, r.err.find('\n', at) - colon - 3);
}

// stderr without the -v cache line.
std::string without_stats(const run_output& r) {
    std::size_t at = r.err.find("kblint: note: cache '");
    if (at == std::string::npos) return r.err;
    return r.err.substr(0, at) + r.err.substr(r.err.find('\n', at) + 1);
}

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more) {
    args.insert(args.end(), more.begin(), more.end());
    return args;
}

// Two clusters, A (the runbook fixture) and B (KBL-001), in `dir`.
void two_clusters(const std::string& dir) {
    for (const char* f : {"NODE1.toml", "NODE2.toml"}) {
        write_file(dir + "/A/" + f, read_file(src_path(std::string("fixtures/runbook/") + f)));
        write_file(dir + "/B/" + f, read_file(src_path(std::string("fixtures/KBL-001/") + f)));
    }
}

} // namespace

TEST_CASE("cache: every report is the same without the cache, cold and warm", "[cache][e2e]") {
    const std::string cache = temp_dir("cache-formats") + "/c";
    const std::vector<std::vector<std::string>> runs = {
        {"check", "fixtures"},
        {"check", "--format", "json", "fixtures"},
        {"check", "--format", "sarif", "fixtures"},
        {"check", "--format", "junit", "fixtures"},
        {"check", "--format", "html", "fixtures"},
        {"check", "--format", "markdown", "fixtures"},
        {"check", "--show-runbook", "fixtures"},
        {"check", "--format", "json", "--show-runbook", "-v", "--statistics", "fixtures"},
        {"check", "--format", "json", "--strict-schema", "--only", "Q241573-*", "fixtures"},
        {"check", "--format", "junit", "tests/data/snaps"},
        {"check", "--format", "json", "tests/data/hostile"},
    };
    for (const auto& args : runs) {
        INFO(args[args.size() - 2] << " " << args.back());
        run_output plain = run_kblint(args);
        REQUIRE(plain.status >= 0);
        for (const char* pass : {"cold", "warm"}) {
            INFO(pass);
            run_output cached = run_kblint(with(args, {"--cache", cache}));
            CHECK(cached.status == plain.status);
            CHECK(cached.out == plain.out);
            CHECK(without_stats(cached) == plain.err);
        }
    }
    CHECK(entries(cache).size() > 10);
}

TEST_CASE("cache: a fleet with a broken snapshot gives the same reports, its cluster incomplete", "[cache][e2e]") {
    const std::string dir = temp_dir("cache-broken");
    two_clusters(dir + "/f");
    write_file(dir + "/f/A/NODE3.toml", "[node\nid = 1\n");
    for (const char* format : {"text", "json", "sarif", "junit"}) {
        INFO(format);
        std::vector<std::string> args = {"check", "--format", format, "f"};
        run_output plain = run_kblint(args, dir);
        CHECK(plain.status == 2);
        for (int pass = 0; pass < 2; ++pass) {
            run_output cached = run_kblint(with(args, {"--cache", "c"}), dir);
            CHECK(cached.status == plain.status);
            CHECK(cached.out == plain.out);
            CHECK(cached.err == plain.err);
        }
    }
    // -v keeps the rules not evaluated: another key. The broken file is in no cluster's entry.
    run_output cold = run_kblint({"check", "-v", "--cache", "c", "f"}, dir);
    CHECK(stats(cold) == "0 clusters reused, 2 evaluated, 2 entries written, 0 evicted");
    run_output warm = run_kblint({"check", "-v", "--cache", "c", "f"}, dir);
    CHECK(stats(warm) == "2 clusters reused, 0 evaluated, 0 entries written, 0 evicted");
    CHECK(warm.out == cold.out);
    // The broken file gone, cluster A's files are unchanged but it is complete now: its entry,
    // evaluated as incomplete, is not taken.
    fs::remove(dir + "/f/A/NODE3.toml");
    for (const char* format : {"text", "json"}) {
        std::vector<std::string> args = {"check", "--format", format, "f"};
        run_output plain = run_kblint(args, dir);
        run_output cached = run_kblint(with(args, {"--cache", "c"}), dir);
        CHECK(cached.status == plain.status);
        CHECK(cached.out == plain.out);
        CHECK(cached.err == plain.err);
    }
}

TEST_CASE("cache: a changed file invalidates only its cluster, a changed rule file or option every one", "[cache][e2e]") {
    const std::string dir = temp_dir("cache-invalidate");
    two_clusters(dir + "/f");
    const std::vector<std::string> args = {"check", "-v", "--format", "json", "--cache", "c", "f"};
    run_output cold = run_kblint(args, dir);
    CHECK(cold.status == 1);
    CHECK(stats(cold) == "0 clusters reused, 2 evaluated, 2 entries written, 0 evicted");
    CHECK(entries(dir + "/c").size() == 2);
    run_output warm = run_kblint(args, dir);
    CHECK(stats(warm) == "2 clusters reused, 0 evaluated, 0 entries written, 0 evicted");
    CHECK(warm.out == cold.out);
    CHECK(without_stats(warm) == without_stats(cold));

    write_file(dir + "/f/B/NODE2.toml", read_file(dir + "/f/B/NODE2.toml") + "# changed\n");
    run_output changed = run_kblint(args, dir);
    CHECK(stats(changed) == "1 clusters reused, 1 evaluated, 1 entries written, 0 evicted");
    run_output plain = run_kblint({"check", "-v", "--format", "json", "f"}, dir);
    CHECK(changed.out == plain.out);
    CHECK(changed.status == plain.status);

    run_output strict = run_kblint(with(args, {"--strict-schema"}), dir);
    CHECK(stats(strict) == "0 clusters reused, 2 evaluated, 2 entries written, 0 evicted");
    run_output only = run_kblint(with(args, {"--only", "KBL-*"}), dir);
    CHECK(stats(only) == "0 clusters reused, 2 evaluated, 2 entries written, 0 evicted");
    run_output limit = run_kblint(with(args, {"--max-eval-steps", "100000"}), dir);
    CHECK(stats(limit) == "0 clusters reused, 2 evaluated, 2 entries written, 0 evicted");
    // The gate is applied after the cache: a waiver or baseline flag changes no entry.
    run_output never = run_kblint(with(args, {"--fail-on", "never"}), dir);
    CHECK(stats(never) == "2 clusters reused, 0 evaluated, 0 entries written, 0 evicted");
    CHECK(never.status == 0);

    // A pack of its own: a comment added to its rule file is another pack.
    write_file(dir + "/pack/web.kbl", read_file(src_path("tests/data/pack/web.kbl")));
    write_file(dir + "/web/w1.toml", "[host]\nname = \"web1\"\n\n[farm]\nname = \"green\"\n\n[web]\nport = 80\ntls = false\n");
    const std::vector<std::string> own = {"check", "-v", "--no-builtin", "-r", "pack", "--cache", "c", "web"};
    CHECK(stats(run_kblint(own, dir)) == "0 clusters reused, 1 evaluated, 1 entries written, 0 evicted");
    CHECK(stats(run_kblint(own, dir)) == "1 clusters reused, 0 evaluated, 0 entries written, 0 evicted");
    write_file(dir + "/pack/web.kbl", read_file(dir + "/pack/web.kbl") + "# changed\n");
    CHECK(stats(run_kblint(own, dir)) == "0 clusters reused, 1 evaluated, 1 entries written, 0 evicted");
}

TEST_CASE("cache: a corrupt or foreign entry is ignored with a note, never trusted, and written again", "[cache][e2e]") {
    const std::string dir = temp_dir("cache-corrupt");
    two_clusters(dir);
    const std::string c = dir + "/c";
    auto args = [&](const char* folder) { return std::vector<std::string>{"check", "--format", "json", "--cache", c, folder}; };
    // Cluster A alone, then B alone: the name of each one's entry.
    run_kblint(args("A"), dir);
    const std::string a = entries(c).at(0);
    run_kblint(args("B"), dir);
    std::vector<std::string> both = entries(c);
    REQUIRE(both.size() == 2);
    const std::string b = both[0] == a ? both[1] : both[0];
    const std::string a_bytes = read_file(c + "/" + a);
    const run_output plain = run_kblint({"check", "--format", "json", "A"}, dir);

    struct damage {
        std::string bytes;
        std::string reason;
    };
    std::string flipped = a_bytes;
    flipped[flipped.size() / 2] ^= 1;
    std::string other_format = a_bytes;
    other_format[8] = 2;
    // Results cut short or followed by more bytes, under a checksum that matches: still refused.
    auto sealed = [](std::string body) {
        const std::uint64_t sum = kbl::mix_hash(body, 2);
        for (int i = 0; i < 8; ++i) body.push_back(static_cast<char>(sum >> (8 * i)));
        return body;
    };
    const std::string a_body = a_bytes.substr(0, a_bytes.size() - 8);
    const std::vector<damage> cases = {
        {a_bytes.substr(0, a_bytes.size() - 5), "damaged or truncated (its checksum does not match)"},
        {flipped, "damaged or truncated (its checksum does not match)"},
        {"garbage\n", "not a kblint cache entry"},
        {"", "not a kblint cache entry"},
        {"KBLCACHE\1\0\0\0", "truncated"},
        {other_format, "written in cache format 2, not 1"},
        {read_file(c + "/" + b), "a foreign entry: its key is not this cluster's"},
        {sealed(a_body.substr(0, a_body.size() - 3)), "its results are malformed"},
        {sealed(a_body + "x"), "its results are malformed"},
    };
    for (const auto& d : cases) {
        INFO(d.reason);
        write_file(c + "/" + a, d.bytes);
        run_output r = run_kblint(args("A"), dir);
        CHECK(r.status == plain.status);
        CHECK(r.out == plain.out);
        CHECK(r.err == "kblint: note: ignoring cache entry " + c + "/" + a + ": " + d.reason + "\n" + plain.err);
        CHECK(read_file(c + "/" + a) == a_bytes);  // written again, whole
        run_output again = run_kblint(args("A"), dir);
        CHECK(again.err == plain.err);
    }
    // Under -q the note is not shown: the results never depend on the cache.
    write_file(c + "/" + a, "garbage\n");
    run_output quiet = run_kblint({"check", "-q", "--format", "json", "--cache", c, "A"}, dir);
    CHECK(quiet.err.find("ignoring cache entry") == std::string::npos);
    CHECK(quiet.out == plain.out);
}

TEST_CASE("cache: the size bound evicts the least recently used entries", "[cache][e2e]") {
    const std::string dir = temp_dir("cache-evict");
    two_clusters(dir);
    write_file(dir + "/c/notes.txt", "not an entry\n");
    auto kbc = [&] {
        std::vector<std::string> out;
        for (const auto& e : fs::directory_iterator(dir + "/c"))
            if (e.path().extension() == ".kbc") out.push_back(e.path().filename().string());
        return out;
    };
    run_kblint({"check", "-v", "--cache", "c", "A"}, dir);
    const std::vector<std::string> a = kbc();
    REQUIRE(a.size() == 1);
    run_kblint({"check", "-v", "--cache", "c", "B"}, dir);
    std::vector<std::string> b = kbc();
    b.erase(std::remove(b.begin(), b.end(), a[0]), b.end());
    REQUIRE(b.size() == 1);
    // A's entry last used two days ago; B's is used again now, and the bound holds one entry.
    fs::last_write_time(dir + "/c/" + a[0], fs::file_time_type::clock::now() - std::chrono::hours(48));
    const auto bound = std::to_string(fs::file_size(dir + "/c/" + b[0]));
    run_output r = run_kblint({"check", "-v", "--cache", "c", "--cache-max-size", bound, "B"}, dir);
    CHECK(stats(r) == "1 clusters reused, 0 evaluated, 0 entries written, 1 evicted");
    CHECK(kbc() == b);
    CHECK(fs::exists(dir + "/c/notes.txt"));  // only entries are evicted
    run_output none = run_kblint({"check", "-v", "--cache", "c", "--cache-max-size", "0", "B"}, dir);
    CHECK(stats(none) == "1 clusters reused, 0 evaluated, 0 entries written, 1 evicted");
    CHECK(kbc().empty());
}

TEST_CASE("cache: a folder that cannot be used is a note, the project file names one, --no-cache", "[cache][e2e]") {
    const std::string dir = temp_dir("cache-config");
    two_clusters(dir + "/f");
    write_file(dir + "/file", "x");
    run_output plain = run_kblint({"check", "--format", "json", "f"}, dir);
    run_output bad = run_kblint({"check", "--format", "json", "--cache", "file/c", "f"}, dir);
    CHECK(bad.status == plain.status);
    CHECK(bad.out == plain.out);
    CHECK(bad.err == "kblint: note: cannot use the cache folder 'file/c': Not a directory; checking without it\n" + plain.err);

    write_file(dir + "/.kblint.toml", "cache = \"ci/kblint-cache\"\n");
    write_file(dir + "/sub/.keep", "");
    run_output cfg = run_kblint({"check", "-v", "--format", "json", "../f"}, dir + "/sub");
    CHECK(stats(cfg) == "0 clusters reused, 2 evaluated, 2 entries written, 0 evicted");
    CHECK(entries(dir + "/ci/kblint-cache").size() == 2);
    CHECK(cfg.err.find("kblint: note: cache '../ci/kblint-cache': ") != std::string::npos);
    run_output off = run_kblint({"check", "-v", "--no-cache", "--format", "json", "../f"}, dir + "/sub");
    CHECK(stats(off).empty());
    CHECK(off.out == cfg.out);
    run_output flag = run_kblint({"check", "-v", "--cache", "../other", "--format", "json", "../f"}, dir + "/sub");
    CHECK(stats(flag) == "0 clusters reused, 2 evaluated, 2 entries written, 0 evicted");
    CHECK(entries(dir + "/other").size() == 2);
    run_output shard = run_kblint({"check", "--shard", "1/2", "--format", "json", "../f"}, dir + "/sub");
    CHECK(shard.err.find("kblint: note: a sharded run does not use the cache '../ci/kblint-cache'\n") != std::string::npos);
}
