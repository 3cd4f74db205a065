#include <cstdio>
#include <exception>
#include <string>

#include <fmt/format.h>

#include "cli/app.hpp"
#include "parser/diagnostic.hpp"

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
    try {
        int status = kbl::run_app(argc, argv);
        std::fflush(stdout);
        return status;
    } catch (const std::exception& e) {
        report_internal_error(e.what());
    } catch (...) {
        report_internal_error("unknown exception");
    }
    return internal_error_status;
}
