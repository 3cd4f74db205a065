#include "cli/choices.hpp"

#include <map>
#include <mutex>

namespace kbl::cli {

namespace {

struct registry {
    std::mutex m;
    std::map<const CLI::Option*, std::vector<std::string>> values;
};

registry& the_registry() {
    static registry r;
    return r;
}

} // namespace

CLI::Option* with_choices(CLI::Option* opt, std::vector<std::string> values) {
    registry& r = the_registry();
    std::lock_guard<std::mutex> lock(r.m);
    r.values[opt] = std::move(values);
    return opt;
}

const std::vector<std::string>& choices_of(const CLI::Option* opt) {
    static const std::vector<std::string> none;
    registry& r = the_registry();
    std::lock_guard<std::mutex> lock(r.m);
    auto it = r.values.find(opt);
    return it == r.values.end() ? none : it->second;
}

} // namespace kbl::cli
