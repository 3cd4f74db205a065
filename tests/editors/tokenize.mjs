// The TextMate grammar of editors/ against the repository's rule files, with the grammar engine
// VS Code uses (vscode-textmate + vscode-oniguruma, installed from npm outside the repository).
//
//   node tests/editors/tokenize.mjs --kblint build/kblint     every check below; exit 0, 1 or 77
//   node tests/editors/tokenize.mjs --dump FILE                each token of FILE with its scopes
//
// Checks, each failure printed as `path:line:col: error: message`:
// * drift: the grammar's keywords are exactly the parser's (every TAO_PEGTL_KEYWORD of
//   parser/grammar.hpp), and its built-in functions exactly those of docs/language.md;
// * every line of every .kbl file: no string or interpolation is still open at its end;
// * every file the parser accepts (`kblint fmt --check` does not exit 2) also: each character
//   outside comments and white space has a scope besides `source.kbl`; no `invalid.*` scope; every
//   block is closed at the end; the keyword rules of keyword_errors();
// * tests/editors/{sample,broken}.tokens: exact scopes of chosen tokens of the .kbl beside them;
// * editors/package.json and editors/language-configuration.json are consistent with the grammar
//   and their indentation rules agree with the brackets of every accepted file.
// Without node, npm or the npm registry the test is skipped (exit 77), loudly; with
// KBLINT_REQUIRE_SHARED=1 (CI) it fails instead.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PINS = { 'vscode-textmate': '9.2.0', 'vscode-oniguruma': '2.0.1' };
const KEYWORD_SCOPE = /^(keyword|storage|constant\.language)\./;
const FUNCTION_SCOPE = /^(entity\.name\.function|support\.function)\./;
const failures = [];

function fail(file, line, col, message) {
  failures.push(`${path.relative(ROOT, file)}:${line}:${col}: error: ${message}`);
}

function skip(reason) {
  const strict = process.env.KBLINT_REQUIRE_SHARED === '1';
  const line = strict
    ? `FAILED: editors test: ${reason} (KBLINT_REQUIRE_SHARED=1 forbids skipping)`
    : `SKIPPED: editors test: ${reason}; the TextMate grammar was NOT tested`;
  console.log(`*** ${line} ***`);
  console.error(`*** ${line} ***`);
  process.exit(strict ? 1 : 77);
}

// The pinned packages in their own folder under the cache; installed once, atomically.
function npm_modules() {
  const cache = process.env.KBLINT_NPM_CACHE || path.join(os.homedir(), '.cache', 'kblint-npm');
  const name = Object.entries(PINS).map(([p, v]) => `${p}@${v}`).join('+');
  const dir = path.join(cache, name);
  const ready = Object.entries(PINS).every(([p, v]) => {
    const file = path.join(dir, 'node_modules', p, 'package.json');
    return fs.existsSync(file) && JSON.parse(fs.readFileSync(file, 'utf8')).version === v;
  });
  if (ready) return path.join(dir, 'node_modules');
  if (spawnSync('npm', ['--version'], { encoding: 'utf8' }).status !== 0) skip('npm is not installed');
  fs.mkdirSync(cache, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(cache, 'install-'));
  const args = ['install', '--no-save', '--no-audit', '--no-fund', '--fetch-retries=1',
    '--fetch-timeout=20000', '--prefix', tmp, ...Object.entries(PINS).map(([p, v]) => `${p}@${v}`)];
  const r = spawnSync('npm', args, { encoding: 'utf8', timeout: 180000 });
  if (r.status !== 0) {
    fs.rmSync(tmp, { recursive: true, force: true });
    skip(`npm could not install ${name} (is the npm registry reachable?): ${(r.stderr || r.error || '').toString().trim().split('\n').slice(-3).join(' | ')}`);
  }
  try {
    fs.renameSync(tmp, dir);
  } catch {
    fs.rmSync(tmp, { recursive: true, force: true }); // another run installed it first
  }
  return path.join(dir, 'node_modules');
}

async function load_grammar(modules) {
  const require = createRequire(path.join(modules, 'x.js'));
  const tm = require('vscode-textmate');
  const onig = require('vscode-oniguruma');
  const wasm = fs.readFileSync(path.join(modules, 'vscode-oniguruma', 'release', 'onig.wasm'));
  await onig.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const file = path.join(ROOT, 'editors', 'kbl.tmLanguage.json');
  const registry = new tm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources) => new onig.OnigScanner(sources),
      createOnigString: (s) => new onig.OnigString(s),
    }),
    loadGrammar: async (scope) => scope === 'source.kbl'
      ? tm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file) : null,
  });
  const grammar = await registry.loadGrammar('source.kbl');
  if (!grammar) throw new Error(`${file}: no grammar for source.kbl`);
  return { grammar, initial: tm.INITIAL };
}

// Lines of a file with their tokens ({start, end, text, scopes}) and the scopes still open after
// each line (internal to vscode-textmate's state stack, checked to exist).
function tokenize(tm, text) {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let stack = tm.initial;
  return lines.map((line) => {
    const r = tm.grammar.tokenizeLine(line, stack, 5000);
    if (r.stoppedEarly) throw new Error(`tokenizing stopped early at: ${line.slice(0, 60)}`);
    stack = r.ruleStack;
    if (!stack.contentNameScopesList) throw new Error('vscode-textmate no longer exposes the open scopes');
    const tokens = r.tokens.map((t) => ({ start: t.startIndex, end: Math.min(t.endIndex, line.length),
      text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes }));
    return { line, tokens, open: stack.contentNameScopesList.getScopeNames() };
  });
}

function token_at(tokens, col) {
  return tokens.find((t) => t.start <= col && col < t.end);
}

// Whether a position is code: not in a comment, and in a string only inside an interpolation.
function is_code(scopes) {
  let code = true;
  for (const s of scopes) {
    if (s.startsWith('comment.') || s.startsWith('string.')) code = false;
    if (s.startsWith('meta.embedded.')) code = true;
  }
  return code;
}

function read(rel) {
  return fs.readFileSync(path.isAbsolute(rel) ? rel : path.join(ROOT, rel), 'utf8');
}

// Every TAO_PEGTL_KEYWORD of the parser, and the reserved ones (never identifiers).
function parser_keywords() {
  const text = read('parser/grammar.hpp');
  const all = new Set([...text.matchAll(/TAO_PEGTL_KEYWORD\(\s*"([^"]+)"\s*\)/g)].map((m) => m[1]));
  const kw = new Map([...text.matchAll(/struct\s+(kw_\w+)\s*:\s*TAO_PEGTL_KEYWORD\(\s*"([^"]+)"\s*\)/g)]
    .map((m) => [m[1], m[2]]));
  const reserved = /struct\s+reserved\s*:\s*sor<([^>]*)>/.exec(text);
  if (kw.size < 10 || !reserved) throw new Error('parser/grammar.hpp: no kw_* keywords or no `reserved` rule');
  const names = reserved[1].split(',').map((s) => s.trim());
  for (const n of names) if (!kw.has(n)) throw new Error(`parser/grammar.hpp: 'reserved' names unknown '${n}'`);
  return { all, reserved: new Set(names.map((n) => kw.get(n))) };
}

// The groups of a regex whose whole body is `word|word|...`, with their capture numbers (0 for
// a non-capturing group: the pattern's own name applies).
function word_groups(re) {
  const out = [];
  const open = [];
  let groups = 0;
  let in_class = false;
  for (let i = 0; i < re.length; i++) {
    const c = re[i];
    if (c === '\\') i++;
    else if (in_class) in_class = c !== ']';
    else if (c === '[') in_class = true;
    else if (c === '(') {
      const capturing = re[i + 1] !== '?';
      open.push({ body: i + (capturing ? 1 : 3), group: capturing ? ++groups : 0, plain: capturing || re.startsWith('(?:', i) });
    } else if (c === ')') {
      const g = open.pop();
      const body = re.slice(g.body, i);
      if (g.plain && /^[a-z_][a-z0-9_]*(\|[a-z_][a-z0-9_]*)*$/.test(body)) out.push({ group: g.group, words: body.split('|') });
    }
  }
  return out;
}

// The words the grammar gives a scope accepted by `wanted`, from every match and begin regex.
function grammar_words(node, wanted, words = new Set()) {
  if (Array.isArray(node)) node.forEach((n) => grammar_words(n, wanted, words));
  if (!node || typeof node !== 'object') return words;
  for (const [key, caps] of [['match', node.captures], ['begin', node.beginCaptures || node.captures]]) {
    if (typeof node[key] !== 'string') continue;
    for (const { group, words: ws } of word_groups(node[key])) {
      const name = (caps && caps[group] && caps[group].name) || node.name || '';
      if (wanted(name)) ws.forEach((w) => words.add(w));
    }
  }
  for (const v of Object.values(node)) if (typeof v === 'object') grammar_words(v, wanted, words);
  return words;
}

// The built-in functions of docs/language.md: the first column of the table under "### Functions"
// and the paragraph "Functions for runbooks".
function doc_functions() {
  const text = read('docs/language.md');
  const section = (text.split(/^### Functions\s*$/m)[1] || '').split(/^#{1,3} /m)[0];
  const cells = section.split('\n').filter((l) => l.startsWith('|')).map((l) => l.split('|')[1]);
  const runbook = (/^Functions for runbooks:[\s\S]*?(?:\n\n|(?![\s\S]))/m.exec(text) || [''])[0];
  const names = [...cells, runbook].flatMap((c) => [...c.matchAll(/`([a-z_][a-z0-9_]*)\(/g)].map((m) => m[1]));
  if (names.length < 10) throw new Error('docs/language.md: no function table found under "### Functions"');
  return new Set(names);
}

function compare_sets(file, what, want, got, where) {
  for (const w of [...want].sort()) if (!got.has(w)) fail(file, 1, 1, `${what} '${w}' is missing from the grammar (${where})`);
  for (const w of [...got].sort()) if (!want.has(w)) fail(file, 1, 1, `the grammar has ${what} '${w}', unknown to ${where}`);
}

function check_drift(grammar_file, kw) {
  const g = JSON.parse(read(grammar_file));
  compare_sets(grammar_file, 'keyword', kw.all, grammar_words(g, (n) => KEYWORD_SCOPE.test(n)),
    'parser/grammar.hpp TAO_PEGTL_KEYWORD');
  compare_sets(grammar_file, 'built-in function', doc_functions(),
    grammar_words(g, (n) => n.startsWith('support.function.')), 'docs/language.md');
  return g;
}

// Every .kbl file of the repository (tracked or not, ignored ones excepted).
function rule_files() {
  const r = spawnSync('git', ['ls-files', '-co', '--exclude-standard', '-z', '--', '*.kbl'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status === 0) return r.stdout.split('\0').filter(Boolean).sort().map((f) => path.join(ROOT, f)).filter((f) => fs.existsSync(f));
  const files = [];
  const walk = (dir) => fs.readdirSync(dir, { withFileTypes: true }).forEach((e) => {
    if (e.isDirectory() && !/^(\.|build|node_modules)/.test(e.name)) walk(path.join(dir, e.name));
    else if (e.isFile() && e.name.endsWith('.kbl')) files.push(path.join(dir, e.name));
  });
  walk(ROOT);
  return files.sort();
}

// Whether kblint's parser accepts a file: `fmt --check` exits 2 only on an invalid rule file.
function parses(kblint, file) {
  const r = spawnSync(kblint, ['fmt', '--check', file], { encoding: 'utf8', timeout: 60000 });
  if (r.status === 0 || r.status === 1) return true;
  if (r.status === 2) return false;
  throw new Error(`${kblint} fmt --check ${file}: exit status ${r.status} ${r.error || ''}`);
}

// The keyword rules, on each code word of a line (member keys are the words right after `.`):
// a member key or a path head (`runbook.steps`, `list[0]`) is never a keyword; a call `name(`
// is a function (or a type constructor `list(`, `enum(`); a reserved word is always a keyword
// (or the schema type `any`); any other parser keyword that starts a line is a keyword unless it
// is a record key (`message = ...`) or marked optional (`planned?`).
function keyword_errors(file, n, l, kw) {
  for (const m of l.line.matchAll(/(?<![A-Za-z0-9_])[A-Za-z_][A-Za-z0-9_]*/g)) {
    const [w, col] = [m[0], m.index];
    const t = token_at(l.tokens, col);
    if (!t || !is_code(t.scopes)) continue;
    if (t.end < col + w.length) {
      fail(file, n, col + 1, `'${w}' is split across tokens`);
      continue;
    }
    const after = l.line.slice(col + w.length);
    const keyword = t.scopes.some((s) => KEYWORD_SCOPE.test(s));
    const say = (what) => fail(file, n, col + 1, `'${w}' ${what} (scopes: ${t.scopes.slice(1).join(' ')})`);
    if (l.line[col - 1] === '.') {
      if (keyword) say('is a member key but is scoped as a keyword');
    } else if (after.startsWith('(')) {
      if (!t.scopes.some((s) => FUNCTION_SCOPE.test(s) || s.startsWith('storage.type.'))) say('is called but is not scoped as a function');
    } else if (!kw.all.has(w)) {
      continue;
    } else if (/^[.[]/.test(after)) {
      if (keyword) say('starts a path but is scoped as a keyword');
    } else if (kw.reserved.has(w)) {
      if (!keyword && !t.scopes.some((s) => s.startsWith('support.type.'))) say('is a reserved word but is not scoped as a keyword');
    } else if (l.line.slice(0, col).trim() === '' && !/^(\?|\s*=(?!=))/.test(after) && !keyword) {
      say('starts the line but is not scoped as a keyword');
    }
  }
}

// What only a file the parser accepts must satisfy, per line: every code character known.
function coverage_errors(file, n, l) {
  for (const t of l.tokens) {
    const bad = t.scopes.find((s) => s.startsWith('invalid.'));
    if (bad) fail(file, n, t.start + 1, `'${t.text}' is scoped '${bad}' in a file the parser accepts`);
    else if (/\S/.test(t.text) && !t.scopes.some((s) => s !== 'source.kbl' && !s.startsWith('meta.'))) {
      fail(file, n, t.start + 1 + t.text.search(/\S/), `'${t.text.trim()}' has no scope the grammar knows (only: ${t.scopes.join(' ')})`);
    }
  }
}

function check_file(tm, kw, file, accepted) {
  const lines = tokenize(tm, read(file));
  lines.forEach((l, i) => {
    const open = l.open.filter((s) => s.startsWith('string.') || s.startsWith('meta.interpolation.'));
    if (open.length) fail(file, i + 1, l.line.length + 1, `'${open.at(-1)}' is still open at the end of the line`);
    if (accepted) {
      coverage_errors(file, i + 1, l);
      keyword_errors(file, i + 1, l, kw);
    }
  });
  const left = lines.at(-1).open.filter((s) => s !== 'source.kbl');
  if (accepted && left.length && left.join(' ') !== 'meta.def.kbl') {
    fail(file, lines.length, 1, `the file ends inside '${left.join(' ')}'`);
  }
  return lines;
}

// tests/editors/NAME.tokens: `LINE:COL "TEXT" SCOPE...`, the token starting at LINE:COL of NAME.kbl,
// its exact text and all its scopes but `source.kbl`, outermost first.
function check_golden(tm, name) {
  const sample = path.join(ROOT, `tests/editors/${name}.kbl`);
  const spec = path.join(ROOT, `tests/editors/${name}.tokens`);
  const lines = tokenize(tm, read(sample));
  let checked = 0;
  read(spec).split('\n').forEach((s, i) => {
    if (!s.trim() || s.startsWith('#')) return;
    const m = /^(\d+):(\d+)\s+("(?:[^"\\]|\\.)*")\s+(\S.*)$/.exec(s);
    if (!m) return fail(spec, i + 1, 1, 'expected `LINE:COL "TEXT" SCOPE...`');
    const [line, col, want] = [Number(m[1]), Number(m[2]), m[4].trim().split(/\s+/).join(' ')];
    const t = (lines[line - 1] || { tokens: [] }).tokens.find((x) => x.start === col - 1);
    const got = t && `${JSON.stringify(t.text)} ${t.scopes.slice(1).join(' ')}`;
    if (got !== `${m[3]} ${want}`) fail(sample, line, col, `expected ${m[3]} ${want}\n    got      ${got || 'no token starting here'}`);
    checked++;
  });
  if (checked < 10) fail(spec, 1, 1, `only ${checked} golden tokens`);
  return checked;
}

function check_package(grammar) {
  const file = path.join(ROOT, 'editors/package.json');
  const pkg = JSON.parse(read(file));
  const lang = (pkg.contributes?.languages || []).find((l) => l.id === 'kbl');
  const gram = (pkg.contributes?.grammars || []).find((g) => g.language === 'kbl');
  const exists = (p) => p && fs.existsSync(path.join(ROOT, 'editors', p));
  if (!pkg.engines?.vscode) fail(file, 1, 1, 'no engines.vscode');
  if (!lang || !lang.extensions?.includes('.kbl')) fail(file, 1, 1, "no language 'kbl' for '.kbl' files");
  else if (!exists(lang.configuration)) fail(file, 1, 1, `no file '${lang.configuration}'`);
  if (!gram || gram.scopeName !== grammar.scopeName) fail(file, 1, 1, `no grammar for 'kbl' with scope '${grammar.scopeName}'`);
  else if (path.resolve(ROOT, 'editors', gram.path) !== path.join(ROOT, 'editors/kbl.tmLanguage.json')) {
    fail(file, 1, 1, `grammar path '${gram.path}' is not ./kbl.tmLanguage.json`);
  }
}

// The comment and bracket settings, words (a rule id is one), and the indentation rules on every line of the accepted
// files: a line that leaves a bracket of its own open indents the next one, a line whose code
// starts with a closing bracket is dedented, and no other line matches either rule.
function check_language_configuration(files) {
  const file = path.join(ROOT, 'editors/language-configuration.json');
  const conf = JSON.parse(read(file));
  if (conf.comments?.lineComment !== '#') fail(file, 1, 1, "the line comment is not '#'");
  const pairs = (conf.brackets || []).map((b) => b.join(''));
  for (const p of ['{}', '[]', '()']) if (!pairs.includes(p)) fail(file, 1, 1, `no bracket pair ${p}`);
  for (const w of ['Q241573-010', 'step_index', '1.5']) {
    if (new RegExp(conf.wordPattern).exec(` ${w} `)?.[0] !== w) fail(file, 1, 1, `wordPattern does not take '${w}' as one word`);
  }
  const inc = new RegExp(conf.indentationRules.increaseIndentPattern);
  const dec = new RegExp(conf.indentationRules.decreaseIndentPattern);
  for (const [f, lines] of files) {
    lines.forEach((l, i) => {
      const code = l.tokens.filter((t) => is_code(t.scopes)).map((t) => t.text).join('');
      const opened = [...code].reduce((n, c) => ('{[('.includes(c) ? n + 1 : ')]}'.includes(c) ? Math.max(n - 1, 0) : n), 0);
      if ((opened > 0) !== inc.test(l.line)) fail(f, i + 1, 1, `increaseIndentPattern ${opened > 0 ? 'misses' : 'matches'} this line`);
      if (/^\s*[)\]}]/.test(code) !== dec.test(l.line)) fail(f, i + 1, 1, `decreaseIndentPattern disagrees on this line`);
    });
  }
}

function dump(tm, file) {
  tokenize(tm, read(path.resolve(file))).forEach((l, i) => {
    for (const t of l.tokens) {
      if (/\S/.test(t.text)) console.log(`${i + 1}:${t.start + 1} ${JSON.stringify(t.text)} ${t.scopes.slice(1).join(' ')}`);
    }
  });
}

async function main() {
  const args = process.argv.slice(2);
  const tm = await load_grammar(npm_modules());
  if (args[0] === '--dump') return dump(tm, args[1]);
  const kblint = args[0] === '--kblint' ? path.resolve(args[1] || '') : process.env.KBLINT_BIN;
  if (!kblint || !fs.existsSync(kblint)) {
    console.error('usage: node tests/editors/tokenize.mjs --kblint PATH-TO-KBLINT | --dump FILE.kbl');
    process.exit(2);
  }
  const kw = parser_keywords();
  const grammar = check_drift('editors/kbl.tmLanguage.json', kw);
  const accepted = new Map();
  const rejected = [];
  for (const f of rule_files()) {
    const ok = parses(kblint, f);
    const lines = check_file(tm, kw, f, ok);
    if (ok) accepted.set(f, lines);
    else rejected.push(path.relative(ROOT, f));
  }
  const golden = check_golden(tm, 'sample') + check_golden(tm, 'broken');
  check_package(grammar);
  check_language_configuration(accepted);
  failures.forEach((f) => console.log(f));
  console.log(`editors: ${accepted.size + rejected.length} rule files tokenized: ${accepted.size} accepted by the parser, ` +
    `${rejected.length} rejected (${rejected.join(', ')}: string state checked only); ${golden} golden tokens; ` +
    `${failures.length} failure${failures.length === 1 ? '' : 's'}`);
  process.exit(failures.length ? 1 : 0);
}

main().catch((e) => {
  console.error(`error: ${e.stack || e}`);
  process.exit(1);
});
