// The rule language parser: grammar analysis, one test per error point (message and position),
// recovery after errors, nesting limits, and the AST it builds.
#include <catch2/catch.hpp>

#include <tao/pegtl.hpp>
#include <tao/pegtl/contrib/analyze.hpp>

#include "parser/grammar.hpp"
#include "parser/parse.hpp"

namespace {

kbl::ast::file parse(const std::string& text, kbl::diagnostics& d, std::uint32_t depth = 200) {
    auto src = std::make_shared<kbl::source_file>("t.kbl", text);
    kbl::parse_options opt;
    opt.max_depth = depth;
    return kbl::parse_rules(src, opt, d);
}

// The first diagnostic, as `line:col: message`.
std::string first_error(const std::string& text) {
    kbl::diagnostics d;
    parse(text, d);
    if (d.empty()) return "no error";
    return std::to_string(d[0].where.line) + ":" + std::to_string(d[0].where.column) + ": " + d[0].message;
}

// Every diagnostic, as `line:col: message`, one a line.
std::string all_errors(const std::string& text) {
    kbl::diagnostics d;
    parse(text, d);
    std::string out;
    for (const auto& e : d)
        out += (out.empty() ? "" : "\n") + std::to_string(e.where.line) + ":" + std::to_string(e.where.column) + ": " + e.message;
    return out;
}

const std::string head = "rule R-1 {\n  title \"t\"\n";  // lines 1-2

} // namespace

TEST_CASE("grammar analysis finds no problems", "[parser]") {
    CHECK(tao::pegtl::analyze<kbl::grammar::file>(-1) == 0);
    CHECK(tao::pegtl::analyze<kbl::grammar::one_declaration>(-1) == 0);
}

TEST_CASE("every must point has its own message at the exact position", "[parser]") {
    struct error_case {
        std::string src;
        std::string expected;
    };
    const std::vector<error_case> cases{
        {"rule R { title \"abc\n}", "1:20: unterminated string: expected '\"' before the end of the line"},
        {"rule R { title 'abc\n}", "1:20: unterminated literal string: expected \"'\" before the end of the line"},
        {"rule R { title \"a\\qb\" }", "1:19: unknown escape sequence: use \\\", \\\\, \\n, \\t, \\r, \\{, \\} or \\u{HEX}"},
        {"rule R { message \"a { } b\" }", "1:23: expected an expression after '{' in the message (write '{{' for a literal brace)"},
        {"rule R { message \"a {x y\" }", "1:24: expected '}' to close the interpolation"},
        {"rule R { message \"a {x}\n\" }", "1:24: unterminated message: expected '\"' before the end of the line (write '}}' for a literal brace)"},
        {"rule R { require x in [1, 2 }", "1:29: expected ',' or ']' in the list"},
        {"rule R { require x == {a 1} }", "1:26: expected '=' after the record key"},
        {"rule R { require x == {a = } }", "1:28: expected a value after '='"},
        {"rule R { require x == {a = 1 b = 2} }", "1:30: expected ',' or '}' in the record"},
        {"rule R { require ( ) }", "1:20: expected an expression after '('"},
        {"rule R { require (a b) }", "1:21: expected ')' to close the parenthesis"},
        {"rule R { require if then }", "1:21: expected a condition after 'if'"},
        {"rule R { require if a b }", "1:23: expected 'then' after the condition of 'if', found 'b'"},
        {"rule R { require if a then }", "1:28: expected an expression after 'then'"},
        {"rule R { require if a then b }", "1:30: expected 'else': an 'if' expression needs both branches"},
        {"rule R { require if a then b else }", "1:35: expected an expression after 'else'"},
        {"rule R { require f(a, ) }", "1:23: expected an argument after ','"},
        {"rule R { require f(a b) }", "1:22: expected ',' or ')' in the argument list"},
        {"rule R { require a.= 1 }", "1:20: expected a key name, a quoted key or '*' after '.'"},
        {"rule R { require a[1 }", "1:22: expected ']' to close the index"},
        {"rule R { require - }", "1:20: expected an operand after '-'"},
        {"rule R { require a + }", "1:22: expected an operand after the operator"},
        {"rule R { require a ?? }", "1:23: expected a default value after '?" "?'"},
        {"rule R { require a == }", "1:23: expected a value after the comparison operator"},
        {"rule R { require not }", "1:22: expected an operand after 'not'"},
        {"rule R { require a and }", "1:24: expected an operand after 'and'"},
        {"rule R { require a or }", "1:23: expected an operand after 'or'"},
        {"rule R { require all x nodes }", "1:24: expected 'in' after the quantifier's variable, found 'nodes'"},
        {"rule R { require all x in }", "1:27: expected a collection after 'in'"},
        {"rule R { require all x in nodes where }", "1:39: expected a condition after 'where'"},
        {"rule R { require all x in nodes: }", "1:34: expected an expression after ':'"},
        {"rule R { title 42 }", "1:16: expected the title as a string after 'title'"},
        {"rule R { severity eror }", "1:19: unexpected 'eror', did you mean 'error'?"},
        {"rule R { scope nod }", "1:16: unexpected 'nod', did you mean 'node'?"},
        {"rule R { ref = }", "1:14: expected an article and its section (Q241573 \"step 1\"), a URL or a document title as a string after 'ref'"},
        {"rule R { ref Q1 step }", "1:17: expected the section as a string after the article"},
        {"rule R { tags \"a\", b }", "1:20: expected a tag as a string"},
        {"rule R { doc 1 }", "1:14: expected the documentation as a string after 'doc'"},
        {"rule R { fix x }", "1:14: expected the fix as a string after 'fix'"},
        {"rule R { message x }", "1:18: expected the message as a string after 'message'"},
        {"rule R { when }", "1:15: expected a condition after 'when'"},
        {"rule R { require }", "1:18: expected a condition after 'require'"},
        {"rule R { let = 1 }", "1:14: expected a name after 'let'"},
        {"rule R { let x 1 }", "1:16: expected '=' after the name in 'let'"},
        {"rule R { let x = }", "1:18: expected an expression after '='"},
        {"rule { }", "1:6: expected a rule id after 'rule' (for example Q241573-010)"},
        {"rule R title", "1:8: expected '{' after the rule id"},
        {"rule R { titel \"x\" }", "1:10: unexpected 'titel', did you mean 'title'?"},
        {"rule R { title \"x\" = }", "1:20: expected a rule item (title, severity, scope, ref, tags, doc, fix, on, when, let, require, message) or '}'"},
        {"def = 1", "1:5: expected a name after 'def'"},
        {"def f(a, ) = 1", "1:10: expected a parameter name"},
        {"def f(a b) = 1", "1:9: expected ',' or ')' in the parameter list"},
        {"def f(a) 1", "1:10: expected '=' after the definition's name"},
        {"def f(a) = ", "1:12: expected an expression after '='"},
        {"table { }", "1:7: expected a name after 'table'"},
        {"table t 1 = 2", "1:9: expected '{' after the table name"},
        {"table t { 1 2 }", "1:13: expected '=' after the table key"},
        {"table t { 1 = }", "1:15: expected a value after '='"},
        {"table t { x = 1 }", "1:11: expected a table key (a string, an integer or 'default') or '}'"},
        {"schema { field x enum(1) }", "1:23: expected an enum value as a string"},
        {"schema { field x enum(\"a\" }", "1:27: expected ')' to close the type"},
        {"schema { field x list() }", "1:23: expected an element type inside 'list(...)'"},
        {"schema { field x int | }", "1:24: expected a type after '|'"},
        {"schema { field 1 int }", "1:16: expected a field path after 'field'"},
        {"schema { field x }", "1:18: expected a type after the field path (string, int, float, bool, datetime, date, time, table, list, enum(...) or any)"},
        {"schema { node_id }", "1:18: expected a field path"},
        {"schema field", "1:8: expected '{' after 'schema'"},
        {"schema { feild x int }", "1:10: unexpected 'feild', did you mean 'field'?"},
        {"rule R { on }", "1:13: expected 'before ACTION', 'after ACTION', 'final' or 'snapshot' after 'on'"},
        {"rule R { on befor x }", "1:13: unexpected 'befor', did you mean 'before'?"},
        {"rule R { on before }", "1:20: expected an action name"},
        {"rule R { on before a, }", "1:23: expected an action name"},
        {"action { }", "1:8: expected a name after 'action'"},
        {"action a set", "1:10: expected '{' after the action name"},
        {"action a { sett x = 1 }", "1:12: unexpected 'sett', did you mean 'set'?"},
        {"action a { set = 1 }", "1:16: expected the path to change"},
        {"action a { set x.y 1 }", "1:20: expected '=' after the path"},
        {"action a { set x.y = }", "1:22: expected a value"},
        {"action a { add x.y 1 }", "1:20: expected ',' after the path"},
        {"action a { if { } }", "1:19: expected '{' to open a block"},
        {"action a { if }", "1:15: expected a condition after 'if'"},
        {"action a { if c set x.y = 1 }", "1:17: expected '{' to open a block"},
        {"action a { if c { sett } }", "1:19: unexpected 'sett', did you mean 'set'?"},
        {"action a { for in x { } }", "1:16: expected a name after 'for'"},
        {"action a { for n x { } }", "1:18: expected 'in' after the loop variable"},
        {"action a { for n in { } }", "1:25: expected '{' to open a block"},
        {"action a { for n in }", "1:21: expected a collection after 'in'"},
        {"action a { for n in x where }", "1:29: expected a condition after 'where'"},
        {"def f(n: ) = 1", "1:10: expected a type after ':' (node, list(node), string, int, float, bool, datetime, date, time, table, list, list(T), enum(...) or any)"},
        {"use x", "1:5: expected a file name as a string after 'use'"},
        {"rul R { }", "1:1: unexpected 'rul', did you mean 'rule'?"},
        {"42", "1:1: expected a declaration: 'rule', 'def', 'table', 'schema', 'action' or 'use', found '42'"},
    };
    for (const auto& c : cases) {
        INFO(c.src);
        CHECK(first_error(c.src) == c.expected);
    }
}

TEST_CASE("errors are rendered with the source line and a caret", "[parser]") {
    kbl::diagnostics d;
    parse(head + "  severity eror\n}\n", d);
    REQUIRE(d.size() == 1);
    CHECK(kbl::render_diagnostic(d[0]) ==
          "t.kbl:3:12: error: unexpected 'eror', did you mean 'error'? [syntax]\n"
          " 3 |   severity eror\n"
          "   |            ^\n");
}

TEST_CASE("the parser recovers at the next declaration and reports every error", "[parser]") {
    kbl::diagnostics d;
    auto f = parse("rule A-1 {\n  titel \"x\"\n}\n"
                   "rule A-2 {\n  title \"ok\"\n}\n"
                   "def f(a, = 1\n"
                   "table t { x = 1 }\n"
                   "rule A-3 { require (a and }\n",
                   d);
    REQUIRE(d.size() == 4);
    CHECK(d[0].where == kbl::pos{2, 3});
    CHECK(d[1].where == kbl::pos{7, 10});
    CHECK(d[2].where == kbl::pos{8, 11});
    CHECK(d[3].where == kbl::pos{9, 27});
    REQUIRE(f.rules.size() == 1);
    CHECK(f.rules[0].id == "A-2");
}

TEST_CASE("nesting deeper than the limit is a located error, never a crash", "[parser]") {
    for (const std::string& opener : {std::string("("), std::string("not "), std::string("-"), std::string("[")}) {
        std::string closer = opener == "(" ? ")" : opener == "[" ? "]" : "";
        std::string src = "rule X { require ";
        for (int i = 0; i < 10000; ++i) src += opener;
        src += "a";
        for (int i = 0; i < 10000 && !closer.empty(); ++i) src += closer;
        src += " }";
        kbl::diagnostics d;
        parse(src, d, 200);
        INFO(opener);
        REQUIRE(d.size() == 1);
        CHECK(d[0].message == "expression nesting is deeper than the limit of 200 (--max-rule-depth)");
        CHECK(d[0].where.line == 1);
    }
    kbl::diagnostics d;
    parse("rule X { require ((((a)))) }", d, 200);
    CHECK(d.empty());
}

TEST_CASE("strings: escapes, literal strings, control characters and invalid UTF-8", "[parser]") {
    kbl::diagnostics d;
    auto f = parse("def a = \"x\\n\\u{e9}\\\"\"\ndef b = 'C:\\Program Files\\'\n", d);
    REQUIRE(d.empty());
    REQUIRE(f.defs.size() == 2);
    CHECK(f.defs[0].body->text == "x\n\xc3\xa9\"");
    CHECK(f.defs[1].body->text == "C:\\Program Files\\");
    CHECK(first_error(std::string("def a = \"x\x01y\"")) == "1:11: control character \\x01 in a string; write it as an escape");
    // Bytes that are not UTF-8 are refused wherever they are, at the exact byte.
    CHECK(first_error(std::string("def a = \"x\xff\"")) == "1:11: invalid UTF-8 (byte \\xff); rule files are UTF-8 text");
    CHECK(first_error(std::string("def a = 1 # \xc0\xaf overlong\n")) == "1:13: invalid UTF-8 (byte \\xc0); rule files are UTF-8 text");
    CHECK(first_error(std::string("def a = 1\n# \xed\xa0\x80 surrogate\n")) == "2:3: invalid UTF-8 (byte \\xed); rule files are UTF-8 text");
    CHECK(first_error(std::string("def a = 1\n\n  ") + std::string(1, '\0')) == "3:3: NUL byte in a rule file; rule files are UTF-8 text");
    CHECK(first_error("def a = \"\\u{D800}\"") == "1:9: '\\u{D800}' is not a valid Unicode scalar value");
    CHECK(first_error("def a = 99999999999999999999") == "1:9: integer literal '99999999999999999999' is out of range");
}

TEST_CASE("semantic errors found while building the AST are located", "[parser]") {
    CHECK(first_error(head + "  title \"again\"\n}") == "3:3: 'title' is given twice in rule 'R-1' (first at line 2)");
    CHECK(first_error("rule R { require x matches y }") == "1:28: the pattern after 'matches' must be a string literal");
    CHECK(first_error("rule R { require (count x in y: true) > 1 }") == "1:33: 'count' takes no ':' body; put the condition after 'where'");
    CHECK(first_error("rule R { require the x in y }") == "1:18: 'the' needs a 'where' condition that selects exactly one element");
    CHECK(first_error("rule R { require x\n message \"a\"\n message \"b\" }") ==
          "3:2: this 'message' follows a 'require' that already has one in rule 'R'");
    CHECK(first_error("table t { 1 = \"a\"\n 0x1 = \"b\" }") == "2:2: key 1 is given twice in table 't' (first at line 1)");
    CHECK(first_error("def f(a, a) = a") == "1:10: parameter 'a' is given twice in 'def f'");
    CHECK(first_error("schema { field x strng }") == "1:18: unknown type 'strng', did you mean 'string'?");
    // A def parameter's type: `node` is one of its names, only there, and only on its own or in list(node).
    CHECK(first_error("def f(a, n: nod) = 1") == "1:13: unknown type 'nod', did you mean 'node'?");
    CHECK(first_error("def f(n: list(strng)) = 1") == "1:15: unknown type 'strng', did you mean 'string'?");
    CHECK(first_error("def f(n: node | string) = 1") ==
          "1:10: 'node' is a parameter type of its own or in 'list(node)', never inside another type");
    CHECK(first_error("schema { field x node }") == "1:18: unknown type 'node'");
    CHECK(first_error("def r = {a = 1, a = 2}") == "1:17: key 'a' is given twice in the record");
}

TEST_CASE("the AST keeps every part of a rule with positions", "[parser]") {
    kbl::diagnostics d;
    auto f = parse("# pack\n"
                   "rule Q241573-010 {\n"
                   "  title \"ClusSvc\"\n"
                   "  severity error\n"
                   "  scope node\n"
                   "  ref Q241573 \"step 1\"\n"
                   "  tags \"a\", \"b\"\n"
                   "  doc \"why\"\n"
                   "  fix \"stop {node.netbios_name}\"\n"
                   "  when iis.version == \"4.0\"\n"
                   "  let s = services.ClusSvc\n"
                   "  require s.state == \"stopped\"\n"
                   "  message \"is {s.state} {{x}}\"\n"
                   "  require all n in nodes where n.a: n.b ~= 'x'\n"
                   "}\n",
                   d);
    REQUIRE(d.empty());
    REQUIRE(f.rules.size() == 1);
    const auto& r = f.rules[0];
    CHECK(r.id == "Q241573-010");
    CHECK(r.id_pos == kbl::pos{2, 6});
    CHECK(*r.title == "ClusSvc");
    CHECK(*r.severity == "error");
    CHECK(*r.scope == "node");
    CHECK(*r.ref_article == "Q241573");
    CHECK(r.ref_section == "step 1");
    CHECK(r.tags == std::vector<std::string>{"a", "b"});
    CHECK(r.doc == "why");
    REQUIRE(r.fix);
    CHECK(r.fix->parts.size() == 2);
    REQUIRE(r.body.size() == 4);
    CHECK(r.body[0].kind == kbl::ast::item_kind::when);
    CHECK(r.body[1].kind == kbl::ast::item_kind::let);
    CHECK(r.body[1].name == "s");
    CHECK(r.body[2].kind == kbl::ast::item_kind::require);
    REQUIRE(r.body[2].message);
    const auto& m = *r.body[2].message;
    REQUIRE(m.parts.size() == 3);
    CHECK(m.parts[0].text == "is ");
    CHECK(m.parts[1].e->kind == kbl::ast::expr_kind::member);
    CHECK(m.parts[1].e->where == kbl::pos{13, 16});
    CHECK(m.parts[2].text == " {x}");
    const auto& q = *r.body[3].e;
    CHECK(q.kind == kbl::ast::expr_kind::quantifier);
    CHECK(q.q == kbl::ast::quant::all);
    CHECK(q.text == "n");
    CHECK(q.kids[1] != nullptr);
    CHECK(q.kids[2]->op == kbl::ast::binop::ci_eq);
    CHECK(r.source_text.rfind("rule Q241573-010 {", 0) == 0);
}

TEST_CASE("operator precedence and literal forms", "[parser]") {
    kbl::diagnostics d;
    auto f = parse("def e = not a == 1 and b or c ?? 2 + -3 in [0x10, 1.5, 2026-12-31, 2002-05-20T09:00:00Z, true]", d);
    REQUIRE(d.empty());
    const auto& e = *f.defs[0].body;
    REQUIRE(e.kind == kbl::ast::expr_kind::binary);
    CHECK(e.op == kbl::ast::binop::or_);
    CHECK(e.kids[0]->op == kbl::ast::binop::and_);
    CHECK(e.kids[0]->kids[0]->kind == kbl::ast::expr_kind::not_);
    CHECK(e.kids[0]->kids[0]->kids[0]->op == kbl::ast::binop::eq);
    const auto& in = *e.kids[1];
    CHECK(in.op == kbl::ast::binop::in);
    CHECK(in.kids[0]->op == kbl::ast::binop::default_);
    CHECK(in.kids[0]->kids[1]->op == kbl::ast::binop::add);
    CHECK(in.kids[0]->kids[1]->kids[1]->i == -3);
    const auto& list = *in.kids[1];
    REQUIRE(list.kids.size() == 5);
    CHECK(list.kids[0]->i == 16);
    CHECK(list.kids[1]->f == 1.5);
    CHECK(list.kids[2]->kind == kbl::ast::expr_kind::date_lit);
    CHECK(list.kids[3]->text == "2002-05-20T09:00:00Z");
    CHECK(list.kids[4]->b);
}

TEST_CASE("actions, statements and triggers build the AST", "[parser]") {
    kbl::diagnostics d;
    auto f = parse("action stop_service {\n"
                   "  doc \"stops\"\n"
                   "  let names = step.services ?? [step.service]\n"
                   "  for n in names where n != \"\" {\n"
                   "    set target.services[n].state = \"stopped\"\n"
                   "    if lower(n) == \"clussvc\" { set target.cluster.node_state = \"down\" } else { delete target.x }\n"
                   "  }\n"
                   "  add target.list, 1\n"
                   "  remove target.list, 2\n"
                   "}\n"
                   "rule R-1 { on before a, b\n on after c\n on final\n on snapshot }\n"
                   "schema { planned planned\n runbook runbook.steps\n step_action action\n step_node node }\n",
                   d);
    REQUIRE(d.empty());
    REQUIRE(f.actions.size() == 1);
    const auto& a = f.actions[0];
    CHECK(a.name == "stop_service");
    CHECK(a.doc == "stops");
    REQUIRE(a.body.size() == 4);
    CHECK(a.body[0].kind == kbl::ast::stmt_kind::let);
    CHECK(a.body[1].kind == kbl::ast::stmt_kind::for_);
    CHECK(a.body[1].name == "n");
    REQUIRE(a.body[1].where_);
    REQUIRE(a.body[1].body.size() == 2);
    CHECK(a.body[1].body[0].kind == kbl::ast::stmt_kind::set);
    CHECK(a.body[1].body[0].target->kind == kbl::ast::expr_kind::member);
    CHECK(a.body[1].body[1].kind == kbl::ast::stmt_kind::if_);
    CHECK(a.body[1].body[1].body.size() == 1);
    CHECK(a.body[1].body[1].else_body.size() == 1);
    CHECK(a.body[1].body[1].else_body[0].kind == kbl::ast::stmt_kind::del);
    CHECK(a.body[2].kind == kbl::ast::stmt_kind::add);
    CHECK(a.body[3].kind == kbl::ast::stmt_kind::remove);
    REQUIRE(f.rules.size() == 1);
    const auto& t = f.rules[0].triggers;
    REQUIRE(t.size() == 4);
    CHECK(t[0].k == kbl::ast::trigger::kind::before);
    CHECK(t[0].actions == std::vector<std::string>{"a", "b"});
    CHECK(t[1].k == kbl::ast::trigger::kind::after);
    CHECK(t[2].k == kbl::ast::trigger::kind::final);
    CHECK(t[3].k == kbl::ast::trigger::kind::snapshot);
    REQUIRE(f.schemas.size() == 1);
    CHECK(f.schemas[0].runbook->size() == 2);
    CHECK(f.schemas[0].step_node->at(0).key == "node");
    CHECK(first_error("action a { set f(x) = 1 }") == "1:16: the target of a statement must be a path such as 'target.services[name].state'");
    CHECK(first_error("rule R { on final\n on final }") == "2:2: this 'on' is given twice in rule 'R'");
}

// Broken inputs around the expression grammar (missing operands, bad tokens, unclosed strings and
// brackets, keywords as names, chained comparisons, calls and names, recovery): every diagnostic,
// line, column and message, as the parser gave them before its cheaper forms.
TEST_CASE("broken inputs keep their exact messages and positions", "[parser]") {
    struct error_case {
        std::string src;
        std::string expected;  // every diagnostic as `line:col: message`, one a line
    };
    const std::vector<error_case> cases{
        {"rule R-1 {\n  require a <\n}\n",
         "3:1: expected a value after the comparison operator"},
        {"rule R-1 {\n  require a == == b\n}\n",
         "2:16: expected a value after the comparison operator"},
        {"rule R-1 {\n  require 0 <= x <= 1024\n}\n",
         "2:18: comparisons do not chain; write '0 <= x and x <= 1024'"},
        {"rule R-1 {\n  require a == b != c\n}\n",
         "2:18: comparisons do not chain; write 'a == b and b != c'"},
        {"rule R-1 {\n  require a $ b\n}\n",
         "2:13: expected a rule item (title, severity, scope, ref, tags, doc, fix, on, when, let, require, message) or '}'"},
        {"rule R-1 {\n  title \"abc\n}\n",
         "2:13: unterminated string: expected '\"' before the end of the line"},
        {"rule R-1 {\n  require f(a, b\n}\n",
         "3:1: expected ',' or ')' in the argument list"},
        {"rule R-1 {\n  require ((((a)))\n}\n",
         "3:1: expected ')' to close the parenthesis"},
        {"rule R-1 {\n  require [1, 2, 3\n}\n",
         "3:1: expected ',' or ']' in the list"},
        {"rule R-1 {\n  let and = 1\n  require and\n}\n",
         "2:7: expected a name after 'let'"},
        {"def if = 1\n",
         "1:5: expected a name after 'def'"},
        {"def f(in) = in\n",
         "1:7: expected ',' or ')' in the parameter list"},
        {"rule R-1 {\n  require all in in nodes: true\n}\n",
         "2:11: expected a condition after 'require'"},
        {"rule R-1 {\n  require x.count(\n}\n",
         "3:1: expected ',' or ')' in the argument list"},
        {"rule R-1 {\n  require m.f(1,\n}\n",
         "3:1: expected an argument after ','"},
        {"rule R-1 {\n  require a.\n}\n",
         "2:13: expected a key name, a quoted key or '*' after '.'"},
        {"rule R-1 {\n  require not not\n}\n",
         "3:1: expected an operand after 'not'"},
        {"rule R-1 {\n  require a and or b\n}\n",
         "2:17: expected an operand after 'and'"},
        {"rule R-1 {\n  require true == truex.y\n  require x in nodes where\n}\n",
         "3:22: expected a rule item (title, severity, scope, ref, tags, doc, fix, on, when, let, require, message) or '}', found 'where'"},
        {"rule R-1 {\n  message \"a {x.y + } b\"\n}\n",
         "2:21: expected an operand after the operator"},
        {"rule R-1 {\n  require if a then b\n}\n",
         "3:1: expected 'else': an 'if' expression needs both branches"},
        {"rule R-1 {\n  require count x in nodes where: 1\n}\n",
         "2:33: expected a condition after 'where'"},
        {"rule R-1 {\n  require a.b[1\n}\n",
         "3:1: expected ']' to close the index"},
        {"rule R-1 {\n  require a ?" "? \n}\n",
         "3:1: expected a default value after '?" "?'"},
        {"rule R-1 {\n  require x ~= \n}\n",
         "3:1: expected a value after the comparison operator"},
        {"rule R-1 {\n  require x not y\n}\n",
         "2:13: expected a rule item (title, severity, scope, ref, tags, doc, fix, on, when, let, require, message) or '}', found 'not'"},
        {"rule R-1 {\n  require x matches\n}\n",
         "3:1: expected a value after the comparison operator"},
        {"rule R-1 {\n  require {a = 1, b}\n}\n",
         "2:20: expected '=' after the record key"},
        {"rule R-1 {\n  require 12abc\n}\n",
         "2:11: expected a condition after 'require'"},
        {"rule R-1 {\n  require 0x\n}\n",
         "2:11: expected a condition after 'require'"},
        {"rule R-1 {\n  require 2024-01-01T10:00\n}\n",
         "2:19: expected an operand after the operator"},
        {"rule R-1 {\n  require -\n}\n",
         "3:1: expected an operand after '-'"},
        {"rule R-1 {\n  require a * * b\n}\n",
         "2:15: expected an operand after the operator"},
        {"rule R-1 {\n  require a[*\n}\n",
         "3:1: expected ']' to close the index"},
        {"rule R-1 {\n  require all x in nodes: \n}\n",
         "3:1: expected an expression after ':'"},
        {"rule R-1 {\n  require the x in nodes where x.a: x.b\n  require notx and andy or orz\n  require a.count(1) + m.count + m.f(2) - count(x) + map(1)\n}\nrule R-2 {\n  require a.\n}\nrule R-3 { require ( }\n",
         "2:37: 'the' takes no ':' body; put the condition after 'where'\n7:13: expected a key name, a quoted key or '*' after '.'\n9:22: expected an expression after '('"},
        {"action A {\n  set a.b = \n}\n",
         "3:1: expected a value"},
        {"action A {\n  for in in x { }\n}\n",
         "2:7: expected a name after 'for'"},
        {"action A {\n  if a { set x = 1 } else \n}\n",
         "3:1: expected '{' to open a block"},
        {"table T {\n  1 = \n}\n",
         "3:1: expected a value after '='"},
        {"schema {\n  field a.b strin\n}\n",
         "2:13: unknown type 'strin', did you mean 'string'?"},
        {"use \"x.kbl\" as if\n",
         "1:16: expected a module name after 'as'"},
        {"rule R-1 {\n  require a\n",
         "1:10: '{' of rule 'R-1' is never closed"},
        {"rule R-1 {\n  require a(\n",
         "3:1: expected ',' or ')' in the argument list"},
        {"rule R-1 {\n  require a <= b < c\n}\n",
         "2:18: comparisons do not chain; write 'a <= b and b < c'"},
        {"rule R-1 {\n  require a .b\n}\n",
         "2:13: expected a rule item (title, severity, scope, ref, tags, doc, fix, on, when, let, require, message) or '}'"},
        {"rule R-1 {\n  require a\n  b\n}\n",
         "3:3: expected a rule item (title, severity, scope, ref, tags, doc, fix, on, when, let, require, message) or '}', found 'b'"},
        {"rule R-1 {\n  require f (1)\n}\n",
         "2:13: expected a rule item (title, severity, scope, ref, tags, doc, fix, on, when, let, require, message) or '}'"},
        {"rule R-1 {\n  require m . f(1)\n}\n",
         "2:13: expected a rule item (title, severity, scope, ref, tags, doc, fix, on, when, let, require, message) or '}'"},
        {"rule R-1 {\n  require truefalse == true_ && nonex\n}\n",
         "2:30: expected a rule item (title, severity, scope, ref, tags, doc, fix, on, when, let, require, message) or '}'"},
        {"rule R-1 {\n  require any\n}\n",
         "2:11: expected a condition after 'require'"},
        {"rule R-1 {\n  require any x\n}\n",
         "3:1: expected 'in' after the quantifier's variable"},
        {"rule R-1 {\n  require in\n}\n",
         "2:11: expected a condition after 'require'"},
        {"rule R-1 {\n  require x.y in\n}\n",
         "3:1: expected a value after the comparison operator"},
    };
    for (const auto& c : cases) {
        INFO(c.src);
        CHECK(all_errors(c.src) == c.expected);
    }
}

TEST_CASE("nesting past the limit is reported where the limit is crossed, in every nesting form", "[parser]") {
    auto repeat = [](const std::string& s, int n) {
        std::string r;
        for (int i = 0; i < n; ++i) r += s;
        return r;
    };
    const std::string open = "rule R-1 {\n  require ";
    CHECK(all_errors(open + repeat("(", 250) + "a" + repeat(")", 250) + "\n}\n") ==
          "2:111: expression nesting is deeper than the limit of 200 (--max-rule-depth)");
    CHECK(all_errors(open + repeat("- ", 300) + "1\n}\n") ==
          "2:409: expression nesting is deeper than the limit of 200 (--max-rule-depth)");
    CHECK(all_errors(open + repeat("not ", 300) + "a\n}\n") ==
          "2:811: expression nesting is deeper than the limit of 200 (--max-rule-depth)");
    CHECK(all_errors(open + repeat("[", 250) + repeat("]", 250) + "\n}\n") ==
          "2:111: expression nesting is deeper than the limit of 200 (--max-rule-depth)");
    CHECK(all_errors(open + repeat("f(", 150) + "a" + repeat(")", 150) + "\n}\n") ==
          "2:211: expression nesting is deeper than the limit of 200 (--max-rule-depth)");
    CHECK(all_errors(open + repeat("if a then ", 150) + "b" + repeat(" else c", 150) + "\n}\n") ==
          "2:1004: expression nesting is deeper than the limit of 200 (--max-rule-depth)");
    CHECK(all_errors(open + repeat("all x in y: ", 150) + "b\n}\n") == "");
}

TEST_CASE("the word tables agree with the keyword rules they stand for", "[parser]") {
    namespace g = kbl::grammar;
    namespace pegtl = tao::pegtl;
    // What `ident` and `quant_kw` were written as before they became one scan of a word.
    struct old_ident : pegtl::seq<pegtl::not_at<g::reserved>, pegtl::identifier> {};
    struct old_quant_kw : pegtl::sor<g::kw_all, g::kw_any, g::kw_none, g::kw_the, g::kw_count, g::kw_map, g::kw_filter> {};
    // How far a rule matches at the start of `text`, or -1 when it does not.
    auto reach = [](auto rule, const std::string& text) -> long {
        pegtl::memory_input<> in(text, "t");
        if (!pegtl::parse<decltype(rule)>(in)) return -1;
        return static_cast<long>(in.current() - text.data());
    };
    std::vector<std::string> words{"", "x", "_", "_1", "1x", "x1", "a.b", "a(", "node_id", "Count", "countx", "count(",
                                   "map", "filter", "not in", "and-", "the_", "in1", "ifx", "é", "a\xc3\xa9"};
    for (std::string_view w : g::reserved_words::list) {
        words.emplace_back(w);
        words.push_back(std::string(w) + "x");
        words.push_back(std::string(w) + " ");
        words.push_back(std::string(w) + ".");
        words.push_back(std::string(w.substr(0, w.size() - 1)));
    }
    for (std::string_view w : g::quant_words::list) words.push_back(std::string(w) + ")");
    for (const auto& w : words) {
        INFO(w);
        CHECK(reach(g::ident{}, w) == reach(old_ident{}, w));
        CHECK(reach(g::quant_kw{}, w) == reach(old_quant_kw{}, w));
    }
    CHECK(std::size(g::reserved_words::list) == g::reserved::subs_t::size);  // one word per alternative
    CHECK(std::size(g::quant_words::list) == old_quant_kw::subs_t::size);
}

TEST_CASE("sep skips what the white space and comment rules it stands for skip, lines counted", "[parser]") {
    namespace g = kbl::grammar;
    namespace pegtl = tao::pegtl;
    struct old_comment : pegtl::seq<pegtl::one<'#'>, pegtl::until<pegtl::eolf>> {};
    struct old_sep : pegtl::star<pegtl::sor<pegtl::space, old_comment>> {};
    // Where a rule leaves the input: byte, line and column.
    auto stop = [](auto rule, const std::string& text) {
        pegtl::memory_input<> in(text, "t");
        const bool ok = pegtl::parse<decltype(rule)>(in);
        const auto p = in.position();
        return std::to_string(ok) + ":" + std::to_string(p.byte) + ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
    };
    const std::vector<std::string> inputs{"",         "x",          "  x",         "\t\v\f\r\n x",   "# c",
                                          "# c\nx",   "# c\r\n  y", "#\n#\n\n  #", "# \xc3\xa9 \n z", " \n # a # b\n\n\t-",
                                          "#x\n#y\n"};
    for (const auto& t : inputs) {
        INFO(t);
        CHECK(stop(g::sep{}, t) == stop(old_sep{}, t));
    }
}
