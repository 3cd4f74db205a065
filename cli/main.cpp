#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "common/stack_thread.hpp"
#include "cli/app.hpp"
#include "cli/console.hpp"
#include "common/diagnostic.hpp"

namespace {

constexpr int internal_error_status = kbl::cli::exit_internal;

// Never throws: it runs inside a catch handler, where a second exception would abort.
void report_internal_error(const char* what) noexcept {
    std::string shown;
    try {
        shown = kbl::escape_for_terminal(what);
    } catch (...) {
        shown = "(unprintable message)";
    }
    kbl::cli::say("internal error: {}; please report this at the kblint issue tracker with the command and inputs",
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
                // The process ends here rather than after this thread: a thread's end hands its
                // allocator state back page by page, which costs more than a small command's work.
                std::exit(status);
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
