#pragma once
// Every file kblint reads, every folder it searches and every report it writes goes through here:
// one reader (regular files only, a size limit, never blocking on a FIFO or a device), one walker
// (one policy for links, loops, permissions and duplicates) and one atomic writer. Errors are
// values; each caller words them for its kind of file.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/diagnostic.hpp"

namespace kbl::io {

/// How a read ended.
enum class read_status { ok, open_failed, not_regular, too_large, read_failed };

/// The bytes of a file, or why they could not be read.
struct read_result {
    read_status status = read_status::ok;
    std::string text;         ///< the whole content when `status` is ok
    int error = 0;            ///< errno of a failed open, fstat or read
    unsigned file_type = 0;   ///< the S_IFMT bits of a file that is not regular
    std::uintmax_t size = 0;  ///< too_large: the size fstat gave, or the bytes read when the file grew
    bool size_known = false;  ///< too_large: `size` comes from fstat, before reading
    /// True when the file was read whole.
    bool ok() const { return status == read_status::ok; }
};

/// Read the regular file `path` (links followed) of at most `max_bytes`. The file is opened with
/// O_NONBLOCK and checked with fstat before any read, so a FIFO, a device, a socket or a folder is
/// refused at once, never read or waited on.
read_result read_file(const std::string& path, std::size_t max_bytes);

/// Why a read failed, in words: "it is a folder", "it is a fifo, not a regular file", "it is over
/// the limit of N bytes (--max-file-size)", or the system's reason ("permission denied").
std::string read_failure(const read_result& r, std::size_t max_bytes);

/// "a fifo", "a character device", "a block device", "a socket", "a folder", or "" for another type.
std::string_view file_type_name(unsigned file_type);

/// A file name never taken from a folder, and why ("a kblint configuration file").
struct skipped_name {
    std::string name;  ///< the exact file name, e.g. "pyproject.toml"
    std::string why;   ///< the reason shown with -v
};

/// What the walker looks for under the folders it is given.
struct walk_options {
    std::string extension;                 ///< e.g. ".toml", matched ignoring case (".TOML" too)
    std::vector<skipped_name> skip_names = {};  ///< file names never taken from a folder
    std::vector<std::string> exclude = {}; ///< globs (path_glob_match) of paths relative to the root given
    bool skip_hidden = false;              ///< pass over files and folders whose name starts with '.'
};

/// True when `path` ('/'-separated) matches `glob`: '*' and '?' match within one path segment,
/// '**' across segments ('a/**/b' also matches 'a/b'). A glob without '/' matches the last
/// segment at any depth ('pyproject.toml', '*.bak').
bool path_glob_match(std::string_view glob, std::string_view path);

/// The outcome of a walk.
struct walk_result {
    std::vector<std::string> files;  ///< sorted; one name per file (by canonical path), as first found
    diagnostics errors;              ///< paths that do not exist, unreadable folders, links out of the tree
    std::vector<std::string> notes;  ///< every entry passed over, and why (shown with -v)
};

/// The files named in `roots`, and every file ending in the extension under the folders among
/// them, recursively, less what `opt` excludes (each with a note); a root is never excluded. Folder links are followed; a link back to a folder being searched (a loop)
/// or to a folder already searched is passed over with a note. A folder that cannot be listed is
/// an error. A file link found in a folder whose target is outside every given folder (and every
/// folder reached through a link) is an error naming the link and its target, and is not read.
/// Anything else with the extension that is not a folder (a FIFO, a dangling link) is listed, for
/// the reader to report.
walk_result find_files(const std::vector<std::string>& roots, const walk_options& opt);

/// The identity of an existing file (device and inode, links followed); nullopt when it does not exist.
struct file_id {
    std::uint64_t dev = 0;  ///< st_dev
    std::uint64_t ino = 0;  ///< st_ino
    bool regular = false;   ///< a regular file
    /// Same device and inode.
    bool operator==(const file_id& o) const { return dev == o.dev && ino == o.ino; }
};

/// The device and inode of `path` (links followed), or nullopt when it cannot be found.
std::optional<file_id> identify(const std::string& path);

/// Write `bytes` to `path` without ever destroying data. A regular file (or a new one) is replaced
/// atomically: a temporary file in the same folder (".NAME.kblint-XXXXXX", or ".kblint-XXXXXX"
/// when NAME is too long for that), then a rename; a link is followed and its target replaced, the
/// link kept; a device, a FIFO, or a link through /proc (/dev/stdout) is written in place. While the
/// temporary file exists, SIGTERM, SIGINT and SIGHUP remove it before ending the process. Returns
/// the reason ("no such file or directory") on failure, the old file intact. `durable`: the
/// temporary file is synced to the disk before the rename (a crash leaves the old file or the new
/// one); false skips that for files whose reader checks them and can lose them (cache entries): the
/// replacement is still atomic for every other process. Safe to call from several threads (the
/// replacements are made one at a time).
std::optional<std::string> write_file(const std::string& path, std::string_view bytes, bool durable = true);

/// Write all of `bytes` to the file descriptor `fd`, retrying short writes; false on any failure
/// (errno set). Never throws.
bool write_all(int fd, std::string_view bytes) noexcept;

} // namespace kbl::io
