#pragma once
// A language client for the tests: starts `kblint lsp` with pipes on stdin and stdout, writes
// framed messages and reads them back under a wall-clock bound, so that a hang fails the test.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <deque>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/test_util.hpp"

namespace kbl::test {

using json = nlohmann::json;

class lsp_client {
public:
    /// Start `kblint lsp` (in `cwd`, the repository root when empty); stderr goes to a file.
    explicit lsp_client(const std::string& cwd = "") {
        int in[2], out[2];
        if (::pipe(in) != 0 || ::pipe(out) != 0) throw std::runtime_error("pipe failed");
        err_path_ = temp_dir("lsp") + "/stderr";
        std::string where = cwd.empty() ? src_path("") : cwd;
        pid_ = ::fork();
        if (pid_ < 0) throw std::runtime_error("fork failed");
        if (pid_ == 0) {
            int e = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            ::dup2(in[0], 0);
            ::dup2(out[1], 1);
            ::dup2(e, 2);
            ::close(in[1]);
            ::close(out[0]);
            if (::chdir(where.c_str()) != 0) ::_exit(127);
            ::execl(KBLINT_BIN, KBLINT_BIN, "lsp", static_cast<char*>(nullptr));
            ::_exit(127);
        }
        ::close(in[0]);
        ::close(out[1]);
        to_ = in[1];
        from_ = out[0];
        ::signal(SIGPIPE, SIG_IGN);
    }
    lsp_client(const lsp_client&) = delete;
    lsp_client& operator=(const lsp_client&) = delete;
    ~lsp_client() {
        if (to_ >= 0) ::close(to_);
        if (from_ >= 0) ::close(from_);
        if (pid_ > 0 && status_ == unset) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }

    /// Write bytes as they are (for malformed input).
    void write_raw(const std::string& bytes) {
        std::size_t done = 0;
        while (done < bytes.size()) {
            ssize_t n = ::write(to_, bytes.data() + done, bytes.size() - done);
            if (n <= 0) throw std::runtime_error("cannot write to the server");
            done += static_cast<std::size_t>(n);
        }
    }

    /// Write one framed message.
    void send(const json& msg) {
        std::string body = msg.dump();
        write_raw("Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    }

    void notify(const std::string& method, json params) {
        send({{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}});
    }

    /// Send a request and return its response (notifications read meanwhile are kept).
    json request(const std::string& method, json params) {
        int id = ++next_id_;
        send({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
        return response_to(id);
    }

    /// The response with this id.
    json response_to(const json& id) {
        for (;;) {
            json m = read_message();
            if (!m.contains("method") && m.contains("id") && m["id"] == id) return m;
            pending_.push_back(std::move(m));
        }
    }

    /// The next message that is a notification of `method` (earlier ones first).
    json notification(const std::string& method) {
        for (auto it = pending_.begin(); it != pending_.end(); ++it)
            if (it->value("method", "") == method) {
                json m = std::move(*it);
                pending_.erase(it);
                return m;
            }
        for (;;) {
            json m = read_message();
            if (m.value("method", "") == method) return m;
            pending_.push_back(std::move(m));
        }
    }

    /// The next message, kept ones first.
    json next() {
        if (!pending_.empty()) {
            json m = std::move(pending_.front());
            pending_.pop_front();
            return m;
        }
        return read_message();
    }

    /// Read one framed message from the server within the bound (its header checked exactly).
    json read_message() {
        std::string header;
        while (header.size() < 4 || header.compare(header.size() - 4, 4, "\r\n\r\n") != 0) header += read_bytes(1);
        const std::string key = "Content-Length: ";
        if (header.rfind(key, 0) != 0) throw std::runtime_error("unexpected header: " + header);
        std::size_t len = std::stoul(header.substr(key.size()));
        if (header != key + std::to_string(len) + "\r\n\r\n") throw std::runtime_error("unexpected header: " + header);
        return json::parse(read_bytes(len));
    }

    /// Close the server's stdin.
    void close_input() {
        ::close(to_);
        to_ = -1;
    }

    /// The exit status within the bound (-1 when killed for outliving it), and what stdout held
    /// after the last message read in `rest`.
    int wait_exit(std::string* rest = nullptr) {
        auto start = std::chrono::steady_clock::now();
        int st = 0;
        for (;;) {
            if (::waitpid(pid_, &st, WNOHANG) == pid_) break;
            if (std::chrono::steady_clock::now() - start > bound) {
                ::kill(pid_, SIGKILL);
                ::waitpid(pid_, &st, 0);
                status_ = -1;
                return -1;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        status_ = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        if (rest != nullptr) {
            char buf[4096];
            ssize_t n;
            while ((n = ::read(from_, buf, sizeof buf)) > 0) rest->append(buf, static_cast<std::size_t>(n));
        }
        return status_;
    }

    [[nodiscard]] std::string stderr_text() const { return read_file(err_path_); }

    static constexpr std::chrono::seconds bound{20};

private:
    std::string read_bytes(std::size_t n) {
        std::string out;
        auto deadline = std::chrono::steady_clock::now() + bound;
        while (out.size() < n) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) throw std::runtime_error("no message from the server within the bound");
            pollfd p{from_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
            char buf[65536];
            ssize_t r = ::read(from_, buf, std::min(sizeof buf, n - out.size()));
            if (r <= 0) throw std::runtime_error("the server closed its output");
            out.append(buf, static_cast<std::size_t>(r));
        }
        return out;
    }

    static constexpr int unset = -2;
    pid_t pid_ = -1;
    int to_ = -1, from_ = -1;
    int status_ = unset;
    int next_id_ = 0;
    std::string err_path_;
    std::deque<json> pending_;
};

/// The `file:` URI of an absolute path without characters to escape.
inline std::string file_uri(const std::string& path) { return "file://" + path; }

/// Start a server and initialize it.
inline void initialize(lsp_client& c) {
    json r = c.request("initialize", {{"processId", nullptr}, {"rootUri", nullptr}, {"capabilities", json::object()}});
    if (!r.contains("result")) throw std::runtime_error("initialize failed: " + r.dump());
    c.notify("initialized", json::object());
}

} // namespace kbl::test
