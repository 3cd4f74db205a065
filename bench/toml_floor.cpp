// The parse-only floor of the benchmark: read every *.toml file under the given paths and parse it
// with toml++, nothing else, on one thread. kblint's times are reported as ratios to this one.
// Prints `nodes=N bytes=B` (N files parsed); exit 2 when a file does not parse or cannot be read.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <toml++/toml.h>

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> toml_files(int argc, char** argv) {
    std::vector<fs::path> out;
    for (int i = 1; i < argc; ++i) {
        const fs::path root(argv[i]);
        if (!fs::is_directory(root)) {
            out.push_back(root);
            continue;
        }
        for (const auto& e : fs::recursive_directory_iterator(root))
            if (e.is_regular_file() && e.path().extension() == ".toml") out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fputs("usage: toml_floor PATH...\n", stderr);
        return 2;
    }
    std::size_t bytes = 0;
    std::size_t nodes = 0;
    for (const auto& path : toml_files(argc, argv)) {
        std::ifstream in(path, std::ios::binary);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (!in.good() && !in.eof()) {
            std::fprintf(stderr, "%s: cannot read file\n", path.c_str());
            return 2;
        }
        try {
            const toml::table t = toml::parse(text, path.string());
            nodes += t.empty() ? 0 : 1;
        } catch (const toml::parse_error& e) {
            std::fprintf(stderr, "%s: %s\n", path.c_str(), std::string(e.description()).c_str());
            return 2;
        }
        bytes += text.size();
    }
    std::printf("nodes=%zu bytes=%zu\n", nodes, bytes);
    return 0;
}
