// Snapshot memory (issue 11 item 8): the value limit stops a snapshot whose values would take far
// more memory than its bytes, before toml++ builds a tree, and a snapshot within the limits loads in
// memory proportional to its size. Memory is the peak resident set of a child process that loads one
// text, measured from /proc/self/status.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

#include "checker/snapshot/snapshot.hpp"
#include "tests/test_util.hpp"
#include "common/limits.hpp"
#include "tests/test_util.hpp"

using kbl::pos;

namespace {

constexpr std::size_t mib = 1024 * 1024;

// `a = [0, 0, ...]` with `elements` zeros: one value for the array, one per element.
std::string zeros(std::size_t elements) {
    std::string text = "a = [";
    text.reserve(5 + 3 * elements);
    for (std::size_t i = 0; i < elements; ++i) text += i == 0 ? "0" : ", 0";
    text += "]\n";
    return text;
}

// `kNNNNNN = "..."` lines in tables of 100 keys: what a large real snapshot looks like.
std::string key_values(std::size_t values) {
    std::string text;
    for (std::size_t i = 0; i < values; ++i) {
        if (i % 100 == 0) text += "[t" + std::to_string(i / 100) + "]\n";
        text += "k" + std::to_string(i) + " = \"value number " + std::to_string(i) + "\"\n";
    }
    return text;
}

std::size_t status_kib(const std::string& field) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(field + ":", 0) == 0) return std::stoull(line.substr(field.size() + 1));
    return 0;
}

struct load_outcome {
    bool loaded = false;
    std::size_t peak_bytes = 0;  ///< peak resident set during the load, above the one before it
};

// Load `text` in a child process; the child resets its peak resident set (clear_refs 5) first.
load_outcome load_in_child(const std::string& text) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::close(fds[0]);
        std::ofstream("/proc/self/clear_refs") << "5";
        const std::size_t before = status_kib("VmRSS");
        kbl::diagnostics errs;
        const bool ok = kbl::snap::load_snapshot("big.toml", text, kbl::snap::default_load_limits(), {}, errs).has_value();
        const std::size_t peak = status_kib("VmHWM");
        const std::string out = std::to_string(ok) + " " + std::to_string((peak - before) * 1024) + "\n";
        const bool written = ::write(fds[1], out.data(), out.size()) == static_cast<ssize_t>(out.size());
        ::_exit(written ? 0 : 1);
    }
    ::close(fds[1]);
    std::string got;
    char buf[256];
    for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) got.append(buf, static_cast<std::size_t>(n));
    ::close(fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
    load_outcome r;
    int loaded = 0;
    std::istringstream(got) >> loaded >> r.peak_bytes;
    r.loaded = loaded == 1;
    return r;
}

} // namespace

TEST_CASE("snapshot memory: the value limit counts values, elements and inline tables", "[snapshot][limit]") {
    auto lim = kbl::snap::default_load_limits();
    CHECK(lim.max_values == kbl::limits::max_toml_values);
    lim.max_values = 4;
    const auto load = [&](const std::string& text) {
        kbl::diagnostics errs;
        auto s = kbl::snap::load_snapshot("test.toml", text, lim, {}, errs);
        return std::make_pair(s.has_value(), errs);
    };
    const auto fails_at = [&](const std::string& text, pos where) {
        auto [ok, errs] = load(text);
        CHECK_FALSE(ok);
        REQUIRE(errs.size() == 1);
        CHECK(errs[0].where == where);
        CHECK(errs[0].check_id == "limit");
        CHECK(errs[0].message == "number of values exceeds the limit of 4 (--max-toml-values)");
        REQUIRE(errs[0].notes.size() == 1);
        CHECK(errs[0].notes[0].message ==
              "each value, each array element and each inline table counts; every value costs memory, "
              "however short it is written");
    };
    CHECK(load("a = [1, 2, 3]\n").first);
    fails_at("a = [1, 2, 3, 4]\n", pos{1, 15});
    CHECK(load("a = {b = 1, c = [2]}\n").first);
    fails_at("a = {b = 1, c = [2, 3]}\n", pos{1, 21});
    CHECK(load("[t]\na = 1\n[u]\nb = 2\n[[v]]\nc = 3\nd = 4\n").first);
    fails_at("[t]\na = 1\nb = \"x\"\n[u]\nc = 2000-01-01\nd = 1.5\ne = true\n", pos{7, 5});
    CHECK(load("# a = [1, 2, 3, 4, 5]\ns = \"[1, 2, 3, 4, 5]\"\n").first);
}

TEST_CASE("snapshot memory: a 5 MB array of zeros stops at the value limit", "[snapshot][limit]") {
    const std::string text = zeros(5 * mib / 3);
    REQUIRE(text.size() > 5 * mib - 8);
    kbl::diagnostics errs;
    CHECK_FALSE(kbl::snap::load_snapshot("big.toml", text, kbl::snap::default_load_limits(), {}, errs));
    REQUIRE(errs.size() == 1);
    // Value 1 is the array at column 5; element i (from 0) is value i + 2, at column 6 + 3i.
    constexpr std::size_t first_too_many = kbl::limits::max_toml_values - 1;
    CHECK(errs[0].where == pos{1, static_cast<std::uint32_t>(6 + 3 * first_too_many)});
    CHECK(errs[0].message == "number of values exceeds the limit of " +
                                 std::to_string(kbl::limits::max_toml_values) + " (--max-toml-values)");
    CHECK(errs[0].check_id == "limit");

    const load_outcome r = load_in_child(text);
    CHECK_FALSE(r.loaded);
    INFO("peak " << r.peak_bytes << " bytes for " << text.size() << " bytes of input");
    CHECK(r.peak_bytes <= 16 * text.size());
}

// AddressSanitizer's shadow memory and quarantine make peak memory meaningless: the bounds are
// checked in the plain build; the sanitize build still checks that every file loads.
#if defined(__SANITIZE_ADDRESS__)
static constexpr bool measured_build = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
static constexpr bool measured_build = false;
#else
static constexpr bool measured_build = true;
#endif
#else
static constexpr bool measured_build = true;
#endif

static bool check_memory_bounds() {
    if (!measured_build) WARN("AddressSanitizer build: peak memory bounds are checked in the plain build only");
    return measured_build;
}

TEST_CASE("snapshot memory: within the limits, memory is proportional to the input", "[snapshot][limit]") {
    SECTION("the densest snapshot the value limit allows") {
        const std::string text = zeros(kbl::limits::max_toml_values - 1);
        const load_outcome r = load_in_child(text);
        CHECK(r.loaded);
        INFO("peak " << r.peak_bytes << " bytes for " << text.size() << " bytes of input");
        if (check_memory_bounds()) CHECK(r.peak_bytes <= kbl::limits::max_toml_values_memory);
    }
    SECTION("a large snapshot of keys and strings") {
        // About 30 bytes a value, the densest real snapshots: toml++ spends about 240 bytes on each
        // key and value (a map node, the key, the value, the string), the loader about 220, and the
        // text is kept for snippets. Measured: 2.95 MB peaks at 50 MB.
        const std::string text = key_values(kbl::limits::max_toml_values - 1000);
        REQUIRE(text.size() > 2 * mib);
        const load_outcome r = load_in_child(text);
        CHECK(r.loaded);
        INFO("peak " << r.peak_bytes << " bytes for " << text.size() << " bytes of input");
        if (check_memory_bounds()) CHECK(r.peak_bytes <= 17 * text.size());
    }
}
