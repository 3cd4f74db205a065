// The TOML conformance suite (../shared/toml-test) through the kblint binary, as a user runs it:
// `kblint check --no-builtin -r <one-rule pack> FILE...`. Valid files are checked (exit 0 or 1, each
// one a snapshot); every invalid file has its error at `NAME.toml:LINE:COL`, and a run with one is
// exit 2. Each run takes a batch of files (one process per file made this suite most of the
// sanitizer run's time: 700 processes under AddressSanitizer); batches run in parallel.
#include <algorithm>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tests/proc_util.hpp"
#include "tests/test_util.hpp"

namespace fs = std::filesystem;

namespace {

constexpr std::size_t parallel_runs = 4;
constexpr double bound_s = 30.0;

std::vector<std::string> suite(const std::string& folder) {
    std::vector<std::string> out;
    fs::path root = kbl::test::shared_path("toml-test/" + folder);
    for (const auto& e : fs::recursive_directory_iterator(root))
        if (e.is_regular_file() && e.path().extension() == ".toml") out.push_back(e.path().lexically_normal().string());
    std::sort(out.begin(), out.end());
    return out;
}

std::string tiny_pack() {
    std::string dir = kbl::test::temp_dir("toml-suite-pack");
    kbl::test::write_file(dir + "/tiny.kbl", R"(rule T-001 {
  title    "any file"
  severity info
  scope    node
  ref      T "toml-test"
  fix      "nothing"
  when     exists(key)
  require  key != "kblint"
  message  "m"
}
)");
    return dir + "/tiny.kbl";
}

constexpr std::size_t batch_size = 50;

struct outcome {
    std::vector<std::string> files;
    kbl::test::timed_output r;
};

// The files of `files` checked with the tiny pack, `batch_size` per run, `parallel_runs` runs at a time.
std::vector<outcome> check_all(const std::vector<std::string>& files) {
    const std::string pack = tiny_pack();
    std::vector<std::vector<std::string>> batches;
    for (std::size_t i = 0; i < files.size(); i += batch_size)
        batches.emplace_back(files.begin() + static_cast<std::ptrdiff_t>(i),
                             files.begin() + static_cast<std::ptrdiff_t>(std::min(files.size(), i + batch_size)));
    std::vector<outcome> out;
    for (std::size_t i = 0; i < batches.size(); i += parallel_runs) {
        std::vector<kbl::test::child_process> running;
        for (std::size_t k = i; k < std::min(batches.size(), i + parallel_runs); ++k) {
            std::vector<std::string> args = {"check", "--no-builtin", "-r", pack};
            args.insert(args.end(), batches[k].begin(), batches[k].end());
            running.push_back(kbl::test::spawn_kblint(args));
        }
        for (std::size_t k = 0; k < running.size(); ++k) out.push_back({batches[i + k], kbl::test::wait_kblint(running[k], bound_s)});
    }
    return out;
}

// A line of `out` is "FILE:LINE:COL: error: ..." for `file`.
bool has_located_error(const std::string& out, const std::string& file) {
    static const std::regex tail("^:[1-9][0-9]*:[1-9][0-9]*: error: .*");
    for (std::size_t at = out.find(file); at != std::string::npos; at = out.find(file, at + 1)) {
        if (at != 0 && out[at - 1] != '\n') continue;
        std::size_t end = out.find('\n', at);
        std::string rest = out.substr(at + file.size(), end == std::string::npos ? std::string::npos : end - at - file.size());
        if (std::regex_match(rest, tail)) return true;
    }
    return false;
}

} // namespace

TEST_CASE("toml-test through the binary: every valid file is checked (exit 0 or 1)", "[toml-test][cli]") {
    if (!kbl::test::have_shared("toml-test/valid", "toml-test through the binary")) return;
    std::vector<std::string> files = suite("valid");
    REQUIRE(files.size() >= 200);
    for (const auto& o : check_all(files)) {
        INFO(o.files.front() << " ... (" << o.files.size() << " files): exit " << o.r.status << "\n"
                             << o.r.out.substr(0, 3000) << o.r.err.substr(0, 1500));
        CHECK_FALSE(o.r.timed_out);
        CHECK((o.r.status == 0 || o.r.status == 1));
        // Every file of the run is a snapshot (none was passed over).
        std::string n = std::to_string(o.files.size());
        CHECK(o.r.out.find(" in " + n + " snapshots, " + n + " clusters, 1 rule") != std::string::npos);
    }
}

TEST_CASE("toml-test through the binary: every invalid file is exit 2 at NAME.toml:LINE:COL", "[toml-test][cli]") {
    if (!kbl::test::have_shared("toml-test/invalid", "toml-test through the binary")) return;
    std::vector<std::string> files = suite("invalid");
    REQUIRE(files.size() >= 450);
    for (const auto& o : check_all(files)) {
        INFO(o.files.front() << " ... (" << o.files.size() << " files): exit " << o.r.status);
        CHECK_FALSE(o.r.timed_out);
        CHECK(o.r.status == 2);
        // Each file's located error starts a line: "FILE:LINE:COL: error: ...".
        for (const auto& f : o.files) {
            INFO(f);
            CHECK(has_located_error(o.r.out, f));
        }
        CHECK(o.r.out.find("; " + std::to_string(o.files.size()) + " input errors") != std::string::npos);
    }
}
