#pragma once
// Diagnostics: the one shape every error, warning and note takes, whatever produced it.
#include <string>
#include <vector>

#include "common/source.hpp"
#include "common/text.hpp"  // escape_for_terminal, which every emitter of diagnostics uses

namespace kbl {

/// How bad a diagnostic is; `info` is the lowest severity a rule can give a finding.
enum class diag_severity { error, warning, note, info };

/// A secondary line under a diagnostic: `note:` or `help:`, optionally located.
struct diag_note {
    enum class kind { note, help } k = kind::note;
    std::string message;
    source_ptr file;  ///< null when the note has no location
    pos where;
};

/// `path:line:col: severity: message [check-id]`, then the source line and a caret, then notes.
struct diagnostic {
    diag_severity severity = diag_severity::error;
    source_ptr file;       ///< may be null (no file: usage errors)
    std::string file_name; ///< used when `file` is null but a name is known
    pos where;             ///< 1-based; invalid when the error has no position
    std::string message;   ///< lowercase, no final period, names in single quotes
    std::string check_id;  ///< e.g. "syntax", "duplicate-rule", "toml"; may be empty
    std::string suffix;    ///< shown after the message, unemphasised (a finding's status: " (unknown)")
    std::vector<diag_note> notes;

    [[nodiscard]] const std::string& name() const { return file ? file->name() : file_name; }
};

using diagnostics = std::vector<diagnostic>;

/// An error at `where` in `file` (a position that is not valid: the file as a whole).
diagnostic error_at(source_ptr file, pos where, std::string message, std::string check_id);

/// An error about a file known by its name only (one that could not be read).
diagnostic error_in(std::string file_name, pos where, std::string message, std::string check_id);

/// Append an unlocated `help:` note to `d`.
void add_help_note(diagnostic& d, std::string text);

/// True when any diagnostic in `ds` is an error.
bool has_errors(const diagnostics& ds);

/// How the one text emitter draws a diagnostic.
struct emit_options {
    bool color = false;        ///< ANSI colours (decide with use_color())
    std::size_t max_width = 0; ///< terminal columns a source line may take, gutter included; 0: no limit
};

/// The one text emitter, for rule-file errors, snapshot errors and findings alike:
/// `path:line:col: severity: message [id]`, the source line with a caret under the column (tabs
/// expanded to 4, carets placed by display width so they land right after wide characters), then
/// each note: located ones with their own snippet, the others as `  = note:`/`  = help:` lines.
/// Line numbers share one gutter width. A line over 120 bytes shows a window of about 100 bytes
/// around the caret; with `max_width`, the shown line is also cut to fit the terminal. Control
/// characters and invalid UTF-8 are escaped (escape_for_terminal, common/text).
std::string render_diagnostic(const diagnostic& d, const emit_options& opt);

/// render_diagnostic without a width limit, with colour when `color` is true.
std::string render_diagnostic(const diagnostic& d, bool color = false);

/// "error", "warning", "note", "info".
std::string_view to_string(diag_severity s);

/// Closest candidate by edit distance for "did you mean" (empty when nothing is close enough).
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

/// Like closest_match, else a longer candidate that `word` (3 characters or more) begins (`approved`).
std::string closest_key(std::string_view word, const std::vector<std::string>& candidates);

} // namespace kbl
