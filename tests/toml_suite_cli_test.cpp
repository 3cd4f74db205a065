// The TOML conformance suite (../shared/toml-test) through the kblint binary, as a user runs it:
// `kblint check --no-builtin -r <one-rule pack> FILE`. A valid file is checked (exit 0 or 1); an
// invalid one is exit 2 with its error at `NAME.toml:LINE:COL`. Runs go in parallel batches.
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

struct outcome {
    std::string file;
    kbl::test::timed_output r;
};

// Every file of `files` checked with the tiny pack, `parallel_runs` processes at a time.
std::vector<outcome> check_all(const std::vector<std::string>& files) {
    const std::string pack = tiny_pack();
    std::vector<outcome> out;
    for (std::size_t i = 0; i < files.size(); i += parallel_runs) {
        std::vector<kbl::test::child_process> batch;
        for (std::size_t k = i; k < std::min(files.size(), i + parallel_runs); ++k)
            batch.push_back(kbl::test::spawn_kblint({"check", "--no-builtin", "-r", pack, files[k]}));
        for (std::size_t k = 0; k < batch.size(); ++k) out.push_back({files[i + k], kbl::test::wait_kblint(batch[k], bound_s)});
    }
    return out;
}

} // namespace

TEST_CASE("toml-test through the binary: every valid file is checked (exit 0 or 1)", "[toml-test][cli]") {
    if (!kbl::test::have_shared("toml-test/valid", "toml-test through the binary")) return;
    std::vector<std::string> files = suite("valid");
    REQUIRE(files.size() >= 200);
    for (const auto& o : check_all(files)) {
        INFO(o.file << ": exit " << o.r.status << "\n" << o.r.out.substr(0, 1500) << o.r.err.substr(0, 1500));
        CHECK_FALSE(o.r.timed_out);
        CHECK((o.r.status == 0 || o.r.status == 1));
    }
}

TEST_CASE("toml-test through the binary: every invalid file is exit 2 at NAME.toml:LINE:COL", "[toml-test][cli]") {
    if (!kbl::test::have_shared("toml-test/invalid", "toml-test through the binary")) return;
    std::vector<std::string> files = suite("invalid");
    REQUIRE(files.size() >= 450);
    for (const auto& o : check_all(files)) {
        INFO(o.file << ": exit " << o.r.status << "\n" << o.r.out.substr(0, 1500) << o.r.err.substr(0, 1500));
        CHECK_FALSE(o.r.timed_out);
        CHECK(o.r.status == 2);
        // The text report starts with the located error: "FILE:LINE:COL: error: ...".
        std::regex located("^" + std::regex_replace(o.file, std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
                           ":[1-9][0-9]*:[1-9][0-9]*: error: ");
        CHECK(std::regex_search(o.r.out, located));
    }
}
