#include "tests/test_util.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace kbl::test {

std::string src_path(const std::string& rel) { return std::string(KBLINT_SOURCE_DIR) + "/" + rel; }
std::string shared_dir() {
    const char* env = std::getenv("KBLINT_SHARED");
    return env && *env ? std::string(env) : std::string(KBLINT_SHARED_DIR);
}

std::string shared_path(const std::string& rel) { return shared_dir() + "/" + rel; }

namespace {
std::atomic<bool> skipped{false};
}

bool have_shared(const std::string& rel, const std::string& what) {
    if (fs::exists(shared_path(rel))) return true;
    const char* req = std::getenv("KBLINT_REQUIRE_SHARED");
    std::string msg = "SKIPPED: " + what + " needs " + shared_path(rel) +
                      " (put the shared folder beside the clone or set KBLINT_SHARED)";
    if (req && std::string(req) == "1") {
        FAIL(msg + "; KBLINT_REQUIRE_SHARED=1 forbids skipping");
        return false;
    }
    WARN(msg);
    skipped = true;
    return false;
}

bool skipped_for_missing_shared() { return skipped; }

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void write_file(const std::string& path, const std::string& bytes) {
    fs::path p(path);
    if (p.has_parent_path()) fs::create_directories(p.parent_path());
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cannot write " + path);
    out << bytes;
}

namespace {

// The folders temp_dir made in this process, removed by remove_temp_dirs.
std::mutex temp_mutex;
std::vector<fs::path> temp_made;

} // namespace

std::string temp_dir(const std::string& tag) {
    static std::atomic<int> counter{0};
    fs::path p = fs::temp_directory_path() /
                 ("kblint-test-" + std::to_string(::getpid()) + "-" + tag + "-" + std::to_string(counter++));
    fs::remove_all(p);
    fs::create_directories(p);
    std::lock_guard<std::mutex> lock(temp_mutex);
    temp_made.push_back(p);
    return p.string();
}

void remove_temp_dirs() {
    std::lock_guard<std::mutex> lock(temp_mutex);
    for (const auto& p : temp_made) {
        std::error_code ec;
        // Tests that take permissions away give them back; a folder left unreadable stays.
        fs::remove_all(p, ec);
    }
    temp_made.clear();
}

run_output run_kblint(const std::vector<std::string>& args, const std::string& cwd,
                      const std::vector<std::string>& env) {
    std::string dir = cwd.empty() ? std::string(KBLINT_SOURCE_DIR) : cwd;
    std::string out_path = temp_dir("out") + "/stdout";
    std::string err_path = out_path.substr(0, out_path.size() - 6) + "stderr";
    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        int o = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int e = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int in = ::open("/dev/null", O_RDONLY);
        ::dup2(o, 1);
        ::dup2(e, 2);
        ::dup2(in, 0);
        if (::chdir(dir.c_str()) != 0) ::_exit(127);
        ::setenv("NO_COLOR", "1", 1);
        for (const auto& kv : env) ::putenv(const_cast<char*>(kv.c_str()));
        std::vector<char*> argv;
        std::string bin = KBLINT_BIN;
        argv.push_back(bin.data());
        std::vector<std::string> copy = args;
        for (auto& a : copy) argv.push_back(a.data());
        argv.push_back(nullptr);
        ::execv(bin.c_str(), argv.data());
        ::_exit(127);
    }
    int st = 0;
    ::waitpid(pid, &st, 0);
    run_output r;
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    r.out = read_file(out_path);
    r.err = read_file(err_path);
    return r;
}

std::string runbook_test_schema(const std::vector<std::string>& extra, bool planned) {
    std::string s = "schema {\n  node_id node.name\n  cluster_id cluster.name\n";
    if (planned) s += "  planned planned\n";
    s += "  runbook runbook.steps\n  step_action action\n  step_node node\n"
         "  field node.name string\n  field cluster.name string\n  field services table nocase\n"
         "  field services.*.state enum(\"running\", \"stopped\")\n  field runbook any\n";
    if (planned) s += "  field planned any\n";
    for (const auto& f : extra) s += "  field " + f + "\n";
    return s + "}\n";
}

} // namespace kbl::test
