#include "common/fs.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "common/check_ids.hpp"
#include "common/text.hpp"

namespace kbl::io {

namespace {

namespace fs = std::filesystem;

struct fd_closer {
    int fd;
    ~fd_closer() {
        if (fd >= 0) ::close(fd);
    }
};

read_result failed(read_status st, int err) {
    read_result r;
    r.status = st;
    r.error = err;
    return r;
}

} // namespace

read_result read_file(const std::string& path, std::size_t max_bytes) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return failed(read_status::open_failed, errno);
    fd_closer closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0) return failed(read_status::open_failed, errno);
    if (!S_ISREG(st.st_mode)) {
        read_result r = failed(read_status::not_regular, S_ISDIR(st.st_mode) ? EISDIR : 0);
        r.file_type = static_cast<unsigned>(st.st_mode & S_IFMT);
        return r;
    }
    read_result r;
    if (static_cast<std::uintmax_t>(st.st_size) > max_bytes) {
        r.status = read_status::too_large;
        r.size = static_cast<std::uintmax_t>(st.st_size);
        r.size_known = true;
        return r;
    }
    // Read straight into the string (no copy through a buffer); one byte more than fstat said, so
    // that a file that grew is read on, and one of the size said ends on the next read's 0.
    std::size_t have = 0;
    r.text.resize(static_cast<std::size_t>(st.st_size) + 1);
    for (;;) {
        if (have == r.text.size()) r.text.resize(std::max<std::size_t>(have * 2, 64 * 1024));
        const ssize_t n = ::read(fd, r.text.data() + have, r.text.size() - have);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return failed(read_status::read_failed, errno);
        if (n == 0) {
            r.text.resize(have);
            return r;
        }
        have += static_cast<std::size_t>(n);
        if (have > max_bytes) {
            r.status = read_status::too_large;
            r.size = have;
            r.text.clear();
            return r;
        }
    }
}

std::string_view file_type_name(unsigned file_type) {
    switch (file_type) {
    case S_IFIFO: return "a fifo";
    case S_IFCHR: return "a character device";
    case S_IFBLK: return "a block device";
    case S_IFSOCK: return "a socket";
    case S_IFDIR: return "a folder";
    default: return "";
    }
}

std::string read_failure(const read_result& r, std::size_t max_bytes) {
    switch (r.status) {
    case read_status::ok: return {};
    case read_status::too_large: return fmt::format("it is over the limit of {} bytes (--max-file-size)", max_bytes);
    case read_status::not_regular: {
        if (r.file_type == S_IFDIR) return "it is a folder";
        std::string_view type = file_type_name(r.file_type);
        return type.empty() ? std::string("it is not a regular file") : fmt::format("it is {}, not a regular file", type);
    }
    default: return system_message(r.error);
    }
}

std::optional<file_id> identify(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    return file_id{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino), S_ISREG(st.st_mode)};
}

bool write_all(int fd, std::string_view bytes) noexcept {
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

// ---------------------------------------------------------------------------------------------
// The walker

namespace {

using dev_ino = std::pair<std::uint64_t, std::uint64_t>;

dev_ino id_of(const struct stat& st) {
    return {static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)};
}

std::string display_name(const fs::path& p) {
    std::string s = p.lexically_normal().generic_string();
    if (s.size() > 1 && s.back() == '/') s.pop_back();
    return s;
}

bool ends_with_nocase(std::string_view name, std::string_view ext) {
    if (name.size() <= ext.size()) return false;
    return std::equal(ext.begin(), ext.end(), name.end() - static_cast<std::ptrdiff_t>(ext.size()), [](char a, char b) {
        auto low = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
        return low(a) == low(b);
    });
}

bool under(const std::string& path, const std::string& folder) {
    if (folder == "/") return true;
    return path.size() > folder.size() && path.compare(0, folder.size(), folder) == 0 && path[folder.size()] == '/';
}

// A path that was not read (missing, unlistable, a link out of the tree): no position, so its id
// says why ("io"), beside its message.
diagnostic path_error(std::string name, std::string message) {
    diagnostic d;
    d.file_name = std::move(name);
    d.message = std::move(message);
    d.check_id = check_ids::io;
    return d;
}

// Glob matching on '/'-separated paths, '**' crossing segments.
bool glob_here(std::string_view g, std::string_view p) {
    while (!g.empty()) {
        if (g.substr(0, 2) == "**") {
            g.remove_prefix(2);
            if (g.empty()) return true;
            if (g[0] == '/' && glob_here(g.substr(1), p)) return true;  // '**/' matching no folder
            for (std::size_t i = 0; i <= p.size(); ++i)
                if (glob_here(g, p.substr(i))) return true;
            return false;
        }
        if (g[0] == '*') {
            g.remove_prefix(1);
            for (std::size_t i = 0; i <= p.size(); ++i) {
                if (glob_here(g, p.substr(i))) return true;
                if (i < p.size() && p[i] == '/') break;
            }
            return false;
        }
        if (p.empty() || (g[0] == '?' ? p[0] == '/' : g[0] != p[0])) return false;
        g.remove_prefix(1);
        p.remove_prefix(1);
    }
    return p.empty();
}

class walker {
public:
    explicit walker(const walk_options& opt) : opt_(opt) {}

    void root(const std::string& r);
    walk_result finish();

private:
    struct found {
        std::string name;
        std::string canonical;  // empty when it cannot be resolved (a dangling link)
        bool linked = false;    // a link found in a folder
    };

    void folder(const fs::path& p, std::string canonical);
    void entry(const fs::path& p);
    void linked_folder(const fs::path& p, const struct stat& target);
    void add_file(std::string name, bool linked, std::string canonical = {});
    void note(const fs::path& p, std::string_view why) { out_.notes.push_back(fmt::format("'{}' skipped: {}", display_name(p), why)); }
    bool excluded(const fs::path& p, bool is_folder);
    std::string in_folder(const std::string& name) const;  // the canonical path of an entry that is not a link

    const walk_options& opt_;
    fs::path root_;                   // the folder given that is being searched
    walk_result out_;
    std::set<dev_ino> visited_;       // every folder searched
    std::vector<dev_ino> ancestors_;  // the folders above the one being searched, up to '/'
    std::vector<std::string> allowed_;  // canonical given folders and link targets
    std::vector<found> found_;
    std::vector<std::string> canon_dirs_;  // the canonical path of each folder being searched (empty: unknown)
};

void walker::root(const std::string& r) {
    fs::path p(r);
    std::error_code ec;
    fs::file_status st = fs::status(p, ec);
    if (!fs::exists(st)) {
        out_.errors.push_back(path_error(r, "no such file or folder"));
        return;
    }
    if (!fs::is_directory(st)) {
        add_file(display_name(p), false);
        return;
    }
    fs::path canon = fs::canonical(p, ec);
    const bool resolved = !ec;
    if (ec) canon = fs::absolute(p, ec);
    allowed_.push_back(canon.string());
    root_ = p;
    ancestors_.clear();
    for (fs::path up = canon.parent_path(); !up.empty(); up = up.parent_path()) {
        struct stat ust {};
        if (::stat(up.c_str(), &ust) == 0) ancestors_.push_back(id_of(ust));
        if (up == up.root_path()) break;
    }
    struct stat rst {};
    if (::stat(p.c_str(), &rst) == 0 && !visited_.insert(id_of(rst)).second) {
        note(p, "a folder already searched");
        return;
    }
    folder(p, resolved ? canon.string() : std::string());
}

// `canonical`: the folder's canonical path (empty when unknown), from which those of its files that
// are not links follow without resolving each (fs::canonical costs a readlink per path segment).
void walker::folder(const fs::path& p, std::string canonical) {
    std::error_code ec;
    fs::directory_iterator it(p, ec);
    if (ec) {
        out_.errors.push_back(path_error(display_name(p), fmt::format("cannot read folder: {}", system_message(ec.value()))));
        return;
    }
    struct stat self {};
    ::stat(p.c_str(), &self);
    ancestors_.push_back(id_of(self));
    canon_dirs_.push_back(std::move(canonical));
    std::vector<fs::path> entries;
    for (const fs::directory_iterator end; it != end; it.increment(ec)) {
        if (ec) break;
        entries.push_back(it->path());
    }
    if (ec)
        out_.errors.push_back(path_error(display_name(p), fmt::format("cannot read folder: {}", system_message(ec.value()))));
    std::sort(entries.begin(), entries.end());
    for (const auto& e : entries) entry(e);
    ancestors_.pop_back();
    canon_dirs_.pop_back();
}

void walker::entry(const fs::path& p) {
    struct stat lst {};
    if (::lstat(p.c_str(), &lst) != 0)
        return note(p, fmt::format("it vanished while the folder was read ({})", system_message(errno)));
    const bool is_link = S_ISLNK(lst.st_mode);
    struct stat st {};
    const bool resolves = !is_link || ::stat(p.c_str(), &st) == 0;
    if (!is_link) st = lst;
    const bool is_folder = resolves && S_ISDIR(st.st_mode);
    if (excluded(p, is_folder)) return;
    if (is_folder) {
        if (is_link) return linked_folder(p, st);
        if (!visited_.insert(id_of(st)).second) return note(p, "a folder already searched");
        return folder(p, in_folder(p.filename().string()));
    }
    const std::string name = p.filename().string();
    if (!ends_with_nocase(name, opt_.extension))
        return note(p, fmt::format("not a '*{}' file", opt_.extension));
    auto skip = std::find_if(opt_.skip_names.begin(), opt_.skip_names.end(),
                             [&](const skipped_name& s) { return s.name == name; });
    if (skip != opt_.skip_names.end()) return note(p, skip->why);
    add_file(display_name(p), is_link, is_link ? std::string() : in_folder(name));
}

// Hidden and excluded entries, each with a note.
bool walker::excluded(const fs::path& p, bool is_folder) {
    const std::string name = p.filename().string();
    if (opt_.skip_hidden && !name.empty() && name[0] == '.') {
        note(p, fmt::format("a hidden {} (name it on the command line to check it)", is_folder ? "folder" : "file"));
        return true;
    }
    const std::string rel = p.lexically_relative(root_).generic_string();
    for (const auto& g : opt_.exclude)
        if (path_glob_match(g, rel)) {
            note(p, fmt::format("excluded by '{}'", g));
            return true;
        }
    return false;
}

void walker::linked_folder(const fs::path& p, const struct stat& target) {
    std::error_code ec;
    const std::string to = fs::canonical(p, ec).string();
    if (std::find(ancestors_.begin(), ancestors_.end(), id_of(target)) != ancestors_.end())
        return note(p, fmt::format("a link to '{}', a folder that holds it (a loop)", to));
    if (!visited_.insert(id_of(target)).second)
        return note(p, fmt::format("a link to '{}', a folder already searched", to));
    if (!ec) allowed_.push_back(to);
    folder(p, ec ? std::string() : to);
}

// `canonical`: known already (a file that is not a link in a folder whose canonical path is known).
void walker::add_file(std::string name, bool linked, std::string canonical) {
    if (canonical.empty()) {
        std::error_code ec;
        fs::path canon = fs::canonical(name, ec);
        if (!ec) canonical = canon.string();
    }
    found_.push_back({std::move(name), std::move(canonical), linked});
}

std::string walker::in_folder(const std::string& name) const {
    const std::string& dir = canon_dirs_.back();
    if (dir.empty()) return {};
    return dir == "/" ? "/" + name : dir + "/" + name;
}

walk_result walker::finish() {
    std::set<std::string> seen;
    std::map<std::string, std::string> first_name;  // canonical, name (a map: a fleet has 100,000 files)
    for (const auto& f : found_) {
        if (f.linked && !f.canonical.empty() &&
            std::none_of(allowed_.begin(), allowed_.end(), [&](const std::string& a) { return under(f.canonical, a); })) {
            out_.errors.push_back(
                path_error(f.name, fmt::format("it is a link to '{}', outside the paths given; it was not read", f.canonical)));
            continue;
        }
        const std::string& key = f.canonical.empty() ? f.name : f.canonical;
        auto same = first_name.find(key);
        if (same != first_name.end()) {
            if (same->second != f.name) out_.notes.push_back(fmt::format("'{}' skipped: the same file as '{}'", f.name, same->second));
            continue;
        }
        first_name.emplace(key, f.name);
        out_.files.push_back(f.name);
    }
    std::sort(out_.files.begin(), out_.files.end());
    return std::move(out_);
}

} // namespace

bool path_glob_match(std::string_view glob, std::string_view path) {
    if (glob.find('/') == std::string_view::npos) {
        std::size_t slash = path.rfind('/');
        if (slash != std::string_view::npos) path.remove_prefix(slash + 1);
    }
    while (glob.substr(0, 2) == "./") glob.remove_prefix(2);
    return glob_here(glob, path);
}

walk_result find_files(const std::vector<std::string>& roots, const walk_options& opt) {
    walker w(opt);
    for (const auto& r : roots) w.root(r);
    return w.finish();
}

// ---------------------------------------------------------------------------------------------
// The atomic writer

namespace {

// The temporary file a signal handler removes: registered before it is created, cleared after the
// rename. Plain storage only: the handler may run at any moment on any thread.
char pending_temp[PATH_MAX + 1];
volatile sig_atomic_t temp_registered = 0;

constexpr int cleanup_signals[] = {SIGTERM, SIGINT, SIGHUP};

extern "C" void remove_temp_and_reraise(int sig) {
    if (temp_registered != 0) ::unlink(pending_temp);
    ::raise(sig);  // SA_RESETHAND restored the default action: the process ends as it would have
}

class temp_guard {
public:
    temp_guard() = default;
    temp_guard(const temp_guard&) = delete;
    temp_guard& operator=(const temp_guard&) = delete;
    ~temp_guard() { release(); }

    // Make `path` the file a signal removes, and install the handlers.
    bool hold(const std::string& path) {
        if (path.size() > PATH_MAX) return false;
        temp_registered = 0;
        std::memcpy(pending_temp, path.c_str(), path.size() + 1);
        temp_registered = 1;
        if (installed_) return true;
        struct sigaction sa {};
        sa.sa_handler = remove_temp_and_reraise;
        sa.sa_flags = SA_RESETHAND;
        sigemptyset(&sa.sa_mask);
        for (std::size_t i = 0; i < std::size(cleanup_signals); ++i) {
            ::sigaction(cleanup_signals[i], nullptr, &old_[i]);
            // A signal the caller ignores stays ignored (nohup): nothing would end the process.
            if (old_[i].sa_handler != SIG_IGN) ::sigaction(cleanup_signals[i], &sa, nullptr);
        }
        installed_ = true;
        return true;
    }

    // Forget the temporary file and put the old handlers back.
    void release() {
        temp_registered = 0;
        if (!installed_) return;
        for (std::size_t i = 0; i < std::size(cleanup_signals); ++i) ::sigaction(cleanup_signals[i], &old_[i], nullptr);
        installed_ = false;
    }

private:
    bool installed_ = false;
    struct sigaction old_[std::size(cleanup_signals)] {};
};

std::string random_suffix() {
    static constexpr char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    static thread_local std::mt19937 gen{std::random_device{}()};
    std::uniform_int_distribution<std::size_t> pick(0, sizeof chars - 2);
    std::string s(6, 'x');
    for (char& c : s) c = chars[pick(gen)];
    return s;
}

// The file a path names at the end of its chain of links (which may not exist yet), and whether
// the chain passes through /proc, whose links (/dev/stdout, /proc/self/fd/1) name open files.
struct resolved_target {
    std::string path;
    bool special = false;
};

resolved_target resolve_links(const std::string& path) {
    resolved_target t{path, false};
    auto special = [](const fs::path& p) {
        std::string s = fs::absolute(p).lexically_normal().generic_string();
        return s.rfind("/proc/", 0) == 0;
    };
    fs::path p(path);
    t.special = special(p);
    for (int hops = 0; hops < 40; ++hops) {
        std::error_code ec;
        if (!fs::is_symlink(fs::symlink_status(p, ec))) break;
        fs::path to = fs::read_symlink(p, ec);
        if (ec) break;
        p = to.is_absolute() ? to : p.parent_path() / to;
        t.special = t.special || special(p);
    }
    t.path = p.string();
    return t;
}

std::optional<std::string> write_in_place(const std::string& path, std::string_view bytes) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | O_TRUNC);
    if (fd < 0) return system_message(errno);
    if (!write_all(fd, bytes)) {
        int err = errno;
        ::close(fd);
        return system_message(err);
    }
    if (::close(fd) != 0) return system_message(errno);
    return std::nullopt;
}

// A new file beside `target`, registered for removal by a signal before it exists; -1 on failure.
int create_temp(const fs::path& target, std::string& tmp, temp_guard& guard) {
    fs::path folder = target.parent_path();
    if (folder.empty()) folder = ".";
    const std::string base = "." + target.filename().string() + ".kblint-";
    long name_max = ::pathconf(folder.c_str(), _PC_NAME_MAX);
    if (name_max <= 0) name_max = NAME_MAX;
    const std::string prefix = base.size() + 6 <= static_cast<std::size_t>(name_max) ? base : std::string(".kblint-");
    for (int attempt = 0; attempt < 100; ++attempt) {
        tmp = (folder / (prefix + random_suffix())).string();
        if (!guard.hold(tmp)) {
            errno = ENAMETOOLONG;
            return -1;
        }
        const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0 || errno != EEXIST) return fd;
    }
    return -1;
}

mode_t mode_for(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) return st.st_mode & 07777;
    mode_t mask = ::umask(0);
    ::umask(mask);
    return 0666 & ~mask;
}

// The signal handlers' one slot (pending_temp), their install and restore, and mode_for's read of
// the umask are process-wide: replacements are made one at a time (cache entries are written by
// several workers at once).
std::mutex replace_mutex;

std::optional<std::string> replace_atomically(const std::string& path, std::string_view bytes, bool durable) {
    std::lock_guard<std::mutex> one_at_a_time(replace_mutex);
    temp_guard guard;
    std::string tmp;
    const int fd = create_temp(fs::path(path), tmp, guard);
    if (fd < 0) return system_message(errno);
    auto fail = [&](int err, bool open) {
        if (open) ::close(fd);
        ::unlink(tmp.c_str());
        return std::optional<std::string>(system_message(err));
    };
    if (::fchmod(fd, mode_for(path)) != 0) return fail(errno, true);
    if (!write_all(fd, bytes)) return fail(errno, true);
    if (durable && ::fsync(fd) != 0) return fail(errno, true);
    if (::close(fd) != 0) return fail(errno, false);
    if (::rename(tmp.c_str(), path.c_str()) != 0) return fail(errno, false);
    return std::nullopt;
}

} // namespace

std::optional<std::string> write_file(const std::string& path, std::string_view bytes, bool durable) {
    resolved_target t = resolve_links(path);
    struct stat st {};
    const bool exists = ::stat(t.path.c_str(), &st) == 0;
    if (exists && S_ISDIR(st.st_mode)) return system_message(EISDIR);
    if (t.special || (exists && !S_ISREG(st.st_mode))) return write_in_place(path, bytes);
    return replace_atomically(t.path, bytes, durable);
}

} // namespace kbl::io
