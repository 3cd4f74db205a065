// common/fs: the one reader, walker and writer, called directly.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "common/fs.hpp"
#include "tests/test_util.hpp"

namespace fs = std::filesystem;
using kbl::io::read_status;

TEST_CASE("fs: read_file reads regular files and refuses the rest at once", "[fs]") {
    std::string dir = kbl::test::temp_dir("fs-read");
    kbl::test::write_file(dir + "/a.toml", "x = 1\n");
    kbl::io::read_result ok = kbl::io::read_file(dir + "/a.toml", 100);
    CHECK(ok.ok());
    CHECK(ok.text == "x = 1\n");

    kbl::io::read_result big = kbl::io::read_file(dir + "/a.toml", 4);
    CHECK(big.status == read_status::too_large);
    CHECK(big.size_known);
    CHECK(big.size == 6);
    CHECK(kbl::io::read_failure(big, 4) == "it is over the limit of 4 bytes (--max-file-size)");

    REQUIRE(::mkfifo((dir + "/pipe.toml").c_str(), 0600) == 0);
    auto start = std::chrono::steady_clock::now();
    kbl::io::read_result fifo = kbl::io::read_file(dir + "/pipe.toml", 100);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));  // no writer, and no wait for one
    CHECK(fifo.status == read_status::not_regular);
    CHECK(kbl::io::read_failure(fifo, 100) == "it is a fifo, not a regular file");

    CHECK(kbl::io::read_failure(kbl::io::read_file("/dev/zero", 100), 100) == "it is a character device, not a regular file");
    CHECK(kbl::io::read_failure(kbl::io::read_file(dir, 100), 100) == "it is a folder");
    kbl::io::read_result gone = kbl::io::read_file(dir + "/gone.toml", 100);
    CHECK(gone.status == read_status::open_failed);
    CHECK(kbl::io::read_failure(gone, 100) == "no such file or directory");
}

TEST_CASE("fs: find_files lists, sorts, matches the extension ignoring case and notes every skip", "[fs]") {
    std::string dir = kbl::test::temp_dir("fs-walk");
    for (const char* f : {"b/B.TOML", "a/x.toml", "a/.kblint.toml", "a/readme.md", "c.toml"}) kbl::test::write_file(dir + "/" + f, "");
    kbl::io::walk_result r = kbl::io::find_files({dir, dir + "/missing", dir + "/c.toml"}, {".toml", {{".kblint.toml", "a kblint configuration file"}}});
    CHECK(r.files == std::vector<std::string>{dir + "/a/x.toml", dir + "/b/B.TOML", dir + "/c.toml"});
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].name() == dir + "/missing");
    CHECK(r.errors[0].message == "no such file or folder");
    CHECK(r.errors[0].check_id == "io");  // no position: the id says why
    CHECK(r.notes == std::vector<std::string>{
                         "'" + dir + "/a/.kblint.toml' skipped: a kblint configuration file",
                         "'" + dir + "/a/readme.md' skipped: not a '*.toml' file",
                     });
}

TEST_CASE("fs: write_file replaces a file whole, keeps its mode and takes a 250-byte name", "[fs]") {
    std::string dir = kbl::test::temp_dir("fs-write");
    std::string name = dir + "/" + std::string(250, 'n');
    kbl::test::write_file(name, "old\n");
    REQUIRE(::chmod(name.c_str(), 0640) == 0);
    CHECK_FALSE(kbl::io::write_file(name, "new\n").has_value());
    CHECK(kbl::test::read_file(name) == "new\n");
    struct stat st {};
    REQUIRE(::stat(name.c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0640);
    CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);

    CHECK(kbl::io::write_file(dir + "/missing/r.txt", "x") == std::optional<std::string>("no such file or directory"));
    CHECK(kbl::io::write_file(dir, "x") == std::optional<std::string>("is a directory"));
    CHECK_FALSE(kbl::io::write_file("/dev/null", "x").has_value());
}

TEST_CASE("fs: write_file without durability still replaces atomically: a new file renamed over the old one", "[fs]") {
    std::string dir = kbl::test::temp_dir("fs-write-fast");
    const std::string name = dir + "/entry.kbc";
    kbl::test::write_file(name, "old entry\n");
    REQUIRE(::chmod(name.c_str(), 0600) == 0);
    // A reader that opened the old file keeps reading the old bytes: the file was replaced, not rewritten.
    std::FILE* reader = std::fopen(name.c_str(), "rb");
    REQUIRE(reader != nullptr);
    struct stat before {};
    REQUIRE(::stat(name.c_str(), &before) == 0);
    CHECK_FALSE(kbl::io::write_file(name, "new entry, longer\n", false).has_value());
    char buf[64] = {};
    const std::size_t got = std::fread(buf, 1, sizeof buf, reader);
    std::fclose(reader);
    CHECK(std::string(buf, got) == "old entry\n");
    CHECK(kbl::test::read_file(name) == "new entry, longer\n");
    struct stat after {};
    REQUIRE(::stat(name.c_str(), &after) == 0);
    CHECK(after.st_ino != before.st_ino);
    CHECK((after.st_mode & 07777) == 0600);
    CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);  // no temporary file left
    CHECK(kbl::io::write_file(dir + "/missing/e.kbc", "x", false) == std::optional<std::string>("no such file or directory"));
}
