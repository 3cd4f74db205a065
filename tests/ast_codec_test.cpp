// The built-in pack's ASTs are encoded at build time (cli/embed_pack.cpp) and decoded at startup
// (parser/ast_codec.hpp): a decoded file is the file a parse gives, and an image that does not fit
// is refused, so the loader parses instead.
#include <catch2/catch.hpp>

#include <memory>
#include <string>

#include "checker/engine/compile.hpp"
#include "cli/builtin_rules.hpp"
#include "cli/common.hpp"
#include "common/limits.hpp"
#include "parser/ast_codec.hpp"
#include "parser/parse.hpp"

namespace {

kbl::source_ptr source(std::string name, std::string text) {
    return std::make_shared<const kbl::source_file>(std::move(name), std::move(text));
}

kbl::ast::file parse(const kbl::source_ptr& src, std::uint32_t depth = kbl::limits::max_rule_depth) {
    kbl::diagnostics diags;
    auto f = kbl::parse_rules(src, {depth}, diags);
    REQUIRE(diags.empty());
    return f;
}

constexpr std::uint32_t depth = kbl::limits::max_rule_depth;

const char* small_pack = R"(def twice(x: int) = x * 2
table ports {
  "http" = 80
  default = 0
}
rule KBL-900 {
  title "a title"
  ref "Q224801" "Cause"
  fix "set it"
  severity warning
  scope node
  when node.role == "primary"
  let n = [1, 2.5, true, {a = "b"}]
  require all p in n: p != null message "bad {p}" at node.role
}
)";

} // namespace

TEST_CASE("each embedded AST is the AST a parse of its text gives", "[ast_codec]") {
    for (const auto& b : kbl::builtin_rule_files()) {
        INFO(b.name);
        auto src = source(std::string(b.name), std::string(b.text));
        const std::string fresh = kbl::encode_ast(parse(src), depth);
        CHECK(std::string(b.image) == fresh);
        auto decoded = kbl::decode_ast(b.image, src, depth);
        REQUIRE(decoded);
        CHECK(decoded->src == src);
        CHECK(kbl::encode_ast(*decoded, depth) == fresh);
    }
}

TEST_CASE("the pack loaded from the images equals the parsed pack, without a diagnostic", "[ast_codec]") {
    auto srcs = kbl::cli::builtin_sources();
    auto from_images = kbl::load_pack(srcs, depth, kbl::limits::max_file_bytes, kbl::cli::builtin_images(srcs));
    auto parsed = kbl::load_pack(kbl::cli::builtin_sources());
    CHECK(from_images.diags.empty());
    REQUIRE(from_images.p);
    REQUIRE(parsed.p);
    auto a = kbl::pack_rules(*from_images.p), b = kbl::pack_rules(*parsed.p);
    REQUIRE(a.size() == 105);
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        CHECK(a[i].id == b[i].id);
        CHECK(a[i].where == b[i].where);
        CHECK(a[i].source_text == b[i].source_text);
    }
}

TEST_CASE("an image that does not fit is refused", "[ast_codec]") {
    auto src = source("p.kbl", small_pack);
    const std::string image = kbl::encode_ast(parse(src), depth);
    REQUIRE(kbl::decode_ast(image, src, depth));
    SECTION("another text") { CHECK_FALSE(kbl::decode_ast(image, source("p.kbl", std::string(small_pack) + " "), depth)); }
    SECTION("a lower nesting limit than the parse had") { CHECK_FALSE(kbl::decode_ast(image, src, depth - 1)); }
    SECTION("a higher one is fine") { CHECK(kbl::decode_ast(image, src, depth + 1)); }
    SECTION("another format's tag") { CHECK_FALSE(kbl::decode_ast("kbl-ast-0" + image.substr(9), src, depth)); }
    SECTION("a trailing byte") { CHECK_FALSE(kbl::decode_ast(image + '\0', src, depth)); }
    SECTION("every truncation") {
        for (std::size_t n = 0; n < image.size(); ++n) {
            INFO(n);
            CHECK_FALSE(kbl::decode_ast(std::string_view(image).substr(0, n), src, depth));
        }
    }
}

TEST_CASE("a refused image is parsed instead, with the parse's diagnostics", "[ast_codec]") {
    auto src = source("deep.kbl", "def d = ((((((1))))))\n");
    const std::string image = kbl::encode_ast(parse(src), depth);
    // At a nesting limit of 3 the image (made at 200) does not fit: the parse reports the depth.
    auto r = kbl::load_pack({src}, 3, kbl::limits::max_file_bytes, {{src, image}});
    REQUIRE(r.diags.size() == 1);
    CHECK(r.diags[0].message == "expression nesting is deeper than the limit of 3 (--max-rule-depth)");
    CHECK(r.diags[0].where == kbl::pos{1, 10});
    CHECK_FALSE(r.p);
    // A damaged image: the file is parsed, and the pack is the parsed file's.
    auto damaged = kbl::load_pack({src}, depth, kbl::limits::max_file_bytes, {{src, image.substr(0, 20)}});
    REQUIRE(damaged.diags.size() == 1);
    CHECK(damaged.diags[0].message == "'d' is defined but never used");
    CHECK(damaged.p);
}

TEST_CASE("a fitting image is decoded, not parsed", "[ast_codec]") {
    // Two texts of one size: the image of the first stands for the second, which does not parse.
    auto good = source("x.kbl", "def d = 1\n");
    auto bad = source("x.kbl", "def d = )\n");
    const std::string image = kbl::encode_ast(parse(good), depth);
    auto parsed = kbl::load_pack({bad});
    REQUIRE_FALSE(parsed.diags.empty());
    CHECK(parsed.diags[0].message.starts_with("expected"));
    auto decoded = kbl::load_pack({bad}, depth, kbl::limits::max_file_bytes, {{bad, image}});
    REQUIRE(decoded.diags.size() == 1);
    CHECK(decoded.diags[0].message == "'d' is defined but never used");
}
