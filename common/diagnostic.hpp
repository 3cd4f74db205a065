#pragma once
// Diagnostics: the one shape every error, warning and note takes, whatever produced it.
#include <string>
#include <vector>

#include "common/source.hpp"

namespace kbl {

enum class diag_severity { error, warning, note };

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
    std::vector<diag_note> notes;

    [[nodiscard]] const std::string& name() const { return file ? file->name() : file_name; }
};

using diagnostics = std::vector<diagnostic>;

/// True when any diagnostic in `ds` is an error.
bool has_errors(const diagnostics& ds);

/// Render one diagnostic as text: header, source line, caret (tabs expanded), then notes.
/// Control characters in messages are escaped; `color` adds ANSI colours.
std::string render_diagnostic(const diagnostic& d, bool color = false);

/// Escape control characters, DEL, ANSI escapes and invalid UTF-8 as visible `\xNN` / `\n` forms.
std::string escape_for_terminal(std::string_view s);

/// Closest candidate by edit distance for "did you mean" (empty when nothing is close enough).
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

/// Like closest_match, else a longer candidate that `word` (3 characters or more) begins (`approved`).
std::string closest_key(std::string_view word, const std::vector<std::string>& candidates);

} // namespace kbl
