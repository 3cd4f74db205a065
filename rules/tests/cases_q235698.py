"""Cases of the Q235698 rules (the `before iissync` trigger of Q235698-001 is in cases_runbook.py)."""
from cases_common import *  # noqa: F401,F403


def cases():
    C = []
    R = 'Q235698-001'
    only = [R, KBL]
    C.append(case(f'{R} fires at steady state when the Replication Share is empty', only,
                  pair(['mts'], n2={'mts__replication__share': ''}), [fires(R, 'NODE2')]))
    C.append(case(f'{R} fires when the Remote Server Name is only blanks', only,
                  pair(['mts'], n1={'mts__replication__remote_server_name': '   '}), [fires(R, 'NODE1')]))
    C.append(case(f'{R} fires when [mts.replication] is missing altogether', only,
                  pair(['mts'], n2={'mts__replication': DROP}), [fires(R, 'NODE2')]))
    C.append(case(f'{R} stays silent before the test phase (configure_iis), when nothing runs IISSYNC yet', only,
                  pair(['mts', 'procedure'], n1={'procedure': proc('reinstall_iis', 'configure_iis', 'working')},
                       n2={'procedure': proc('reinstall_iis', 'configure_iis', 'rebuilt'), 'mts__replication__share': ''}),
                  [], [silent(R)]))
    C.append(case(f'{R} stays silent on IIS 5.0 ("corrected in" IIS 5.0)', only,
                  pair(['mts'], n1={'iis__version': '5.0'}, n2={'iis__version': '5.0', 'mts__replication__share': ''}),
                  [], [silent(R)]))
    C.append(case(f'{R} leaves a wrong but non-empty share to Q241573-060', only,
                  pair(['mts'], n2={'mts__replication__share': 'Z$'}), [], [silent(R)]))
    C.append(case(f'fixture {R} fires {R} and nothing else under the whole pack', None,
                  expect=[fires(R, 'NODE2')], snapshots=['../../fixtures/Q235698-001']))

    R = 'Q235698-002'
    only = [R, KBL]
    C.append(case(f'{R} fires on 2147500037 from an IIS 4.0 node', only,
                  pair(n1={'iissync': runs(run(status=2147500037))}), [fires(R, 'NODE1')]))
    C.append(case(f'{R} fires on the hex form "0x80004005"', only,
                  pair(n1={'iissync': runs(run(status='0x80004005'))}), [fires(R, 'NODE1')]))
    C.append(case(f'{R} stays silent on IIS 5.0', only,
                  pair(n1={'iis__version': '5.0', 'iissync': runs(run(status=2147500037))}, n2={'iis__version': '5.0'}),
                  [], [silent(R)]))
    C.append(case(f'{R} stays silent when a later run to the target succeeded', only,
                  pair(n1={'iissync': runs(run(status=2147500037, at='2002-05-01T20:00:00Z'), run(status=0))}),
                  [], [silent(R)]))

    R = 'Q235698-003'
    only = [R, KBL]
    C.append(case(f'{R} fires when only the three system packages are left', only,
                  pair(['mts'], n2={'mts__packages': ['IIS Utilities', 'Utilities', 'System']}), [fires(R, 'NODE2')]))
    C.append(case(f'{R} compares package names ignoring case', only,
                  pair(['mts'], n2={'mts__packages': ['system', 'UTILITIES']}), [fires(R, 'NODE2')]))
    C.append(case(f'{R} stays silent while IIS In-Process Applications is there', only,
                  pair(['mts'], n2={'mts__packages': ['IIS In-Process Applications', 'IIS Utilities', 'System', 'Utilities']}),
                  [], [silent(R)]))
    C.append(case(f'{R} stays silent on a node without IIS', only,
                  pair(['mts'], n2={'iis__installed': False, 'mts__packages': []}), [], [silent(R)]))
    C.append(case(f'{R} stays silent on IIS 5.0', only,
                  pair(['mts'], n1={'iis__version': '5.0'}, n2={'iis__version': '5.0', 'mts__packages': ['System']}),
                  [], [silent(R)]))
    return C
