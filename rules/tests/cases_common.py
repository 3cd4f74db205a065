"""Shorthands shared by the cases_*.py modules of make_tests.py."""
from make_tests import node, pair, proc, to_toml, locate, Hex, DROP, H1, H2  # noqa: F401

KBL = 'KBL-*'


def case(name, only, files=None, expect=(), absent=(), snapshots=None):
    c = {'name': name, 'only': list(only) if only else None}
    if snapshots:
        c['snapshots'] = snapshots
    if files:
        c['files'] = files
    c['expect'] = list(expect)
    c['absent'] = list(absent)
    return c


def fires(rule, node=None, line=None, status=None, step=None, message=None, file=None, column=None):
    e = {'rule': rule}
    if message:
        e['message'] = message
    if node:
        e['node'] = node
    if file:
        e['file'] = file
    if step is not None:
        e['step'] = step
    if line is not None:
        e['line'] = line
    if column is not None:
        e['column'] = column
    if status:
        e['status'] = status
    return e


def silent(rule, node=None):
    a = {'rule': rule}
    if node:
        a['node'] = node
    return a


def files(*nodes, names=None):
    """Inline files from node dicts (NODE1.toml, NODE2.toml, ... unless names are given)."""
    out = {}
    for i, d in enumerate(nodes):
        name = names[i] if names else f'NODE{i + 1}.toml'
        out[name] = to_toml(d)
    return out


def groups_of(d):
    return d['cluster']['groups']


def resource(d, name):
    for g in d['cluster']['groups']:
        for r in g.get('resources', []):
            if r['name'] == name:
                return r
    raise KeyError(name)


def group(d, name):
    for g in d['cluster']['groups']:
        if g['name'] == name:
            return g
    raise KeyError(name)


def runs(*rs):
    return {'runs': list(rs)}


def run(target='NODE2', status=0, at='2002-05-01T22:15:00Z', **kw):
    import datetime
    r = {'target': target}
    if at:
        r['started_at'] = datetime.datetime.fromisoformat(at.replace('Z', '+00:00'))
    r['shell'] = 'cmd'
    if status is not None:
        r['exit_status'] = status
    r.update(kw)
    return r


def with_groups(d):
    """d with NODE1's view of the groups (NODE2 of the healthy pair has none)."""
    import copy
    d['cluster']['groups'] = copy.deepcopy(H1['cluster']['groups'])
    return d
