"""Cases of `at` (where a finding points): the rules that point at the list that decides them
rather than at the value they judge (KB pack fidelity, item 12)."""
from cases_common import *  # noqa: F401,F403
from cases_q241573 import acct_pair


def at_value(text, table, k, quoted=False):
    """(line, column) of the value of `k = ...` in [table]."""
    return locate(text, table, k), len(k) + (2 if quoted else 0) + 4


def fires_at(rule, node, pos, message=None):
    e = fires(rule, node, line=pos[0], message=message)
    e['column'] = pos[1]
    return e


def cases():
    C = []
    R = 'Q241573-073'
    a, b = acct_pair(n2={'user_rights__SeNetworkLogonRight': ['Everyone', 'BUILTIN\\Administrators']})
    fs = files(a, b)
    p = at_value(fs['NODE2.toml'], 'user_rights', 'SeNetworkLogonRight')
    C.append(case(f'{R} points at the SeNetworkLogonRight list, once per account', [R], fs,
                  [fires_at(R, 'NODE2', p, "IUSR account"), fires_at(R, 'NODE2', p, "IWAM account")]))
    a, b = acct_pair(n2={'user_rights': {'SeInteractiveLogonRight': ['Everyone']}})
    fs = files(a, b)
    e = fires_at(R, 'NODE2', (locate(fs['NODE2.toml'], 'user_rights', None), 1), "'user_rights.SeNetworkLogonRight' is missing")
    e['status'] = 'unknown'
    C.append(case(f'{R} is unknown at [user_rights] when the right is absent', [R], fs, [e]))

    R = 'Q241573-074'
    a, b = acct_pair(n2={'local_groups__Guests': ['NODE2\\Guest', 'CORP\\IWAM_CLUSTER']})
    fs = files(a, b)
    C.append(case(f'{R} points at the Guests list', [R], fs,
                  [fires_at(R, 'NODE2', at_value(fs['NODE2.toml'], 'local_groups', 'Guests'), "IUSR account")]))

    R = 'Q241573-075'
    a, b = acct_pair(n2={'local_groups__MTS Trusted Impersonators': []})
    fs = files(a, b)
    C.append(case(f'{R} points at the MTS Trusted Impersonators list', [R], fs,
                  [fires_at(R, 'NODE2', at_value(fs['NODE2.toml'], 'local_groups', 'MTS Trusted Impersonators', quoted=True),
                            "IWAM account")]))
    a, b = acct_pair(n2={'local_groups': {'Guests': ['CORP\\IUSR_CLUSTER', 'CORP\\IWAM_CLUSTER']}})
    fs = files(a, b)
    C.append(case(f'{R} points at [local_groups] when neither group exists', [R], fs,
                  [fires_at(R, 'NODE2', (locate(fs['NODE2.toml'], 'local_groups', None), 1), "has no local group")]))

    R = 'Q235698-003'
    fs = pair(['mts'], n2={'mts__packages': ['IIS Utilities', 'Utilities', 'System']})
    C.append(case(f'{R} points at mts.packages', [R], fs,
                  [fires_at(R, 'NODE2', at_value(fs['NODE2.toml'], 'mts', 'packages'), "the MTS packages on NODE2")]))
    return C
