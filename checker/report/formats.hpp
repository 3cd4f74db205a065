#pragma once
// The one table of report formats: `check --format` takes its choices from here, and adding a
// format is one renderer function plus one row.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "checker/report/report.hpp"

namespace kbl {

/// One output format of `kblint check`.
struct report_format {
    std::string_view name;         ///< the `--format` value
    std::string_view description;  ///< one line for `--help`
    std::string (*render)(const report& r, const text_options& opt);
    bool terminal = false;         ///< meant for a terminal: colour and width apply
};

/// Every report format, in the order `--help` lists them.
std::span<const report_format> report_formats();

/// The format named `name`, or null.
const report_format* find_report_format(std::string_view name);

/// The names of every format, for `--format` validation and did-you-mean.
std::vector<std::string> report_format_names();

} // namespace kbl
