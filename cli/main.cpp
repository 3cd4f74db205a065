#include <cstdio>
#include <exception>
#include <string>

#include <fmt/format.h>

#include "common/stack_thread.hpp"
#include "cli/app.hpp"
#include "common/diagnostic.hpp"

namespace {

constexpr int internal_error_status = 4;

void report_internal_error(const char* what) {
    std::string shown;
    try {
        shown = kbl::escape_for_terminal(what);
    } catch (...) {
        shown = "(unprintable message)";
    }
    fmt::print(stderr,
               "kblint: internal error: {}; please report this at the kblint issue tracker with the command "
               "and inputs\n",
               shown);
}

} // namespace

int main(int argc, char** argv) {
    int status = internal_error_status;
    try {
        // Parsing, loading and evaluation recurse once per nesting level: the whole command runs on
        // a thread with a large stack (limits::worker_stack_bytes), so that the depth limits hold
        // in every build, not only in an optimized one.
        kbl::stack_thread::run([&] {
            try {
                status = kbl::run_app(argc, argv);
                std::fflush(stdout);
            } catch (const std::exception& e) {
                report_internal_error(e.what());
                status = internal_error_status;
            } catch (...) {
                report_internal_error("unknown exception");
                status = internal_error_status;
            }
        });
    } catch (const std::exception& e) {
        report_internal_error(e.what());
        status = internal_error_status;
    }
    return status;
}
