#!/usr/bin/env python3
"""Regenerate the rule unit tests rules/tests/*.toml (the `kblint test` format).

Each case is a small two-node cluster written inline. The nodes are cut from the healthy fixture
pair (fixtures/healthy): a case keeps only the tables its rules read, then changes the values that
matter, so that every case shows in a few lines what it is about. Usage:
    python3 rules/tests/make_tests.py
The cases themselves live in cases_*.py next to this file, one module per article.
"""
import copy
import datetime
import importlib
import os
import re
import sys
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..'))
sys.path.insert(0, HERE)

H1 = tomllib.load(open(os.path.join(ROOT, 'fixtures', 'healthy', 'NODE1.toml'), 'rb'))
H2 = tomllib.load(open(os.path.join(ROOT, 'fixtures', 'healthy', 'NODE2.toml'), 'rb'))

# ---- TOML writer ---------------------------------------------------------------------------------

BARE = re.compile(r'^[A-Za-z0-9_-]+$')
INLINE_KEYS = {'addresses', 'result'}


def key(k):
    return k if BARE.match(k) else '"' + k.replace('\\', '\\\\').replace('"', '\\"') + '"'


def scalar(v):
    if isinstance(v, bool):
        return 'true' if v else 'false'
    if isinstance(v, Hex):
        return f'0x{v.v:08X}'
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, datetime.datetime):
        s = v.isoformat()
        return s.replace('+00:00', 'Z')
    if isinstance(v, datetime.date):
        return v.isoformat()
    if isinstance(v, str):
        if '\\' in v and "'" not in v and '\n' not in v:
            return "'" + v + "'"
        return '"' + v.replace('\\', '\\\\').replace('"', '\\"') + '"'
    if isinstance(v, dict):
        return '{ ' + ', '.join(f'{key(k)} = {scalar(x)}' for k, x in v.items()) + ' }' if v else '{}'
    if isinstance(v, list):
        return '[' + ', '.join(scalar(x) for x in v) + ']'
    raise TypeError(v)


class Hex:
    """An integer written as a TOML hex literal."""
    def __init__(self, v):
        self.v = v


def is_table_list(k, v):
    return isinstance(v, list) and v and all(isinstance(x, dict) for x in v) and k not in INLINE_KEYS


def emit(d, prefix, out):
    for k, v in d.items():
        if isinstance(v, dict) and k not in INLINE_KEYS:
            continue
        if is_table_list(k, v):
            continue
        out.append(f'{key(k)} = {scalar(v)}')
    for k, v in d.items():
        name = prefix + [key(k)]
        if isinstance(v, dict) and k not in INLINE_KEYS:
            scalars = [x for kk, x in v.items() if not (isinstance(x, dict) and kk not in INLINE_KEYS) and not is_table_list(kk, x)]
            if scalars or not v:
                out.append('')
                out.append('[' + '.'.join(name) + ']')
            emit(v, name, out)
        elif is_table_list(k, v):
            for item in v:
                out.append('')
                out.append('[[' + '.'.join(name) + ']]')
                emit(item, name, out)


def to_toml(d, comment=None):
    out = []
    if comment:
        out.append('# ' + comment)
    emit(d, [], out)
    while out and out[0] == '':
        out.pop(0)
    return '\n'.join(out) + '\n'

# ---- Building nodes ------------------------------------------------------------------------------

DROP = object()


def path_set(d, path, value):
    parts = path.split('.')
    cur = d
    for i, p in enumerate(parts[:-1]):
        nxt = parts[i + 1]
        if isinstance(cur, list):
            cur = cur[int(p)]
            continue
        if p not in cur:
            cur[p] = [] if nxt.isdigit() else {}
        cur = cur[p]
    last = parts[-1]
    if isinstance(cur, list):
        if value is DROP:
            del cur[int(last)]
        else:
            cur[int(last)] = value
    elif value is DROP:
        cur.pop(last, None)
    else:
        cur[last] = value


def node(which, keep=(), cluster='TESTCLUS', groups=False, **changes):
    """A node cut from the healthy NODE1 (which=1) or NODE2 (which=2).

    Always kept, as kb-rules.md 4.1 requires them: [snapshot], [node], [cluster] (name, member,
    node_state), [os] and [iis] (without accounts unless 'iis.accounts' is in keep). `keep` lists
    further top-level tables (or 'iis.accounts'); `groups` keeps NODE1's [[cluster.groups]]. `changes` maps paths written with
    `__` for `.` (services__ClusSvc__state="stopped") to values; DROP deletes.
    """
    src = copy.deepcopy(H1 if which == 1 else H2)
    d = {}
    d['snapshot'] = {'schema_version': 1, 'taken_at': src['snapshot']['taken_at']}
    d['node'] = {k: src['node'][k] for k in ('netbios_name', 'dns_name', 'domain', 'machine_sid')}
    d['cluster'] = {'name': cluster, 'member': True, 'node_state': 'up'}
    if groups and 'groups' in src['cluster']:
        d['cluster']['groups'] = src['cluster']['groups']
    d['iis'] = {k: v for k, v in src['iis'].items() if k != 'accounts'}
    d['os'] = src['os']
    if 'iis.accounts' in keep:
        d['iis']['accounts'] = src['iis']['accounts']
    for t in keep:
        if t == 'iis.accounts':
            continue
        if t in ('procedure', 'runbook', 'planned') and t not in src:
            continue
        d[t] = src[t]
    for k, v in changes.items():
        path_set(d, k.replace('__', '.'), copy.deepcopy(v) if v is not DROP else v)
    # [cluster] scalars first (TOML), groups last: re-insert groups at the end.
    if 'groups' in d['cluster']:
        d['cluster']['groups'] = d['cluster'].pop('groups')
    return d


def proc(scenario='reinstall_iis', phase='uninstall', role='none'):
    return {'scenario': scenario, 'role': role, 'phase': phase}


def pair(keep=(), n1=None, n2=None, groups=False, cluster='TESTCLUS', c1=None, c2=None):
    """NODE1 and NODE2 (changes n1/n2 as dicts of node() keywords) as inline files."""
    a = node(1, keep, cluster=cluster, groups=groups, **(n1 or {}))
    b = node(2, keep, cluster=cluster, **(n2 or {}))
    return {'NODE1.toml': to_toml(a, c1), 'NODE2.toml': to_toml(b, c2)}

# ---- Cases ---------------------------------------------------------------------------------------


def locate(text, table, k):
    """Line (1-based) of `k = ...` inside [table] / [[table]] (first), or of the header itself."""
    cur = None
    for i, l in enumerate(text.splitlines()):
        m = re.match(r'^\[\[?([^\]]+)\]\]?\s*$', l.strip())
        if m:
            cur = m.group(1).strip()
            if k is None and cur == table:
                return i + 1
            continue
        if k is not None and cur == table:
            m = re.match(r'^("[^"]*"|[A-Za-z0-9_-]+)\s*=', l)
            if m and m.group(1).strip('"') == k:
                return i + 1
    raise KeyError((table, k))


def fmt_case(c):
    out = ['[[case]]', f'name = {scalar(c["name"])}']
    if c.get('only'):
        out.append(f'only = {scalar(c["only"])}')
    if c.get('snapshots'):
        out.append(f'snapshots = {scalar(c["snapshots"])}')
    if c.get('files'):
        out.append('[case.files]')
        for name, text in c['files'].items():
            assert "'''" not in text
            out.append(f'{scalar(name)} = \'\'\'\n{text}\'\'\'')
    for e in c.get('expect', []):
        out.append('[[case.expect]]')
        for k in ('rule', 'node', 'file', 'step', 'line', 'column', 'status', 'message'):
            if k in e:
                out.append(f'{k} = {scalar(e[k])}')
    for a in c.get('absent', []):
        out.append('[[case.absent]]')
        for k in ('rule', 'node'):
            if k in a:
                out.append(f'{k} = {scalar(a[k])}')
    return '\n'.join(out) + '\n'


def write(fname, title, cases):
    names = set()
    for c in cases:
        assert c['name'] not in names, c['name']
        names.add(c['name'])
        for f, text in c.get('files', {}).items():
            tomllib.loads(text)
    head = (f'# rules/tests/{fname}: unit tests of the {title} rules (the `kblint test` format).\n'
            '# Generated by make_tests.py from cases_*.py: edit those and regenerate.\n')
    with open(os.path.join(HERE, fname), 'w') as f:
        f.write(head)
        for c in cases:
            f.write('\n' + fmt_case(c))


def main():
    for mod, fname, title in [('cases_q241573', 'q241573.toml', 'Q241573'),
                              ('cases_q224801', 'q224801.toml', 'Q224801 and IISSYNC status'),
                              ('cases_q235698', 'q235698.toml', 'Q235698'),
                              ('cases_q310412', 'q310412.toml', 'Q310412'),
                              ('cases_q248739', 'q248739.toml', 'Q248739'),
                              ('cases_kbl', 'kbl.toml', 'KBL schema and consistency'),
                              ('cases_runbook', 'runbook.toml', 'runbook and planned-change'),
                              ('cases_steps', 'steps.toml', 'step argument'),
                              ('cases_at', 'at.toml', "'at' (where a finding points)"),
                              ('cases_fidelity', 'fidelity.toml', 'fidelity (false passes, false alarms, one finding per fact)')]:
        if not os.path.exists(os.path.join(HERE, mod + '.py')):
            continue
        m = importlib.import_module(mod)
        write(fname, title, m.cases())


if __name__ == '__main__':
    main()
