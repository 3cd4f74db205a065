"""Cases of the KBL rules (KBL-008, about runbook steps, is in cases_runbook.py)."""
import copy

from cases_common import *  # noqa: F401,F403


def owner_line(text, name):
    """Line (1-based) of the `owner` key of the group `name` in a node file."""
    lines = text.splitlines()
    start = lines.index(f'name = "{name}"')
    return next(i + 1 for i in range(start, len(lines)) if lines[i].startswith('owner = '))


def cases():
    C = []
    R = 'KBL-001'
    only = ['KBL-*']
    C.append(case(f'{R} fires on schema_version written as a string', only,
                  pair(n1={'snapshot__schema_version': '1'}), [fires(R, 'NODE1', line=2)]))
    C.append(case(f'{R} fires on a value outside an enumeration', only,
                  pair(['services'], n2={'services__ClusSvc__state': 'halted'}), [fires(R, 'NODE2')]))
    C.append(case(f'{R} accepts an enumeration value in another case', only,
                  pair(['services'], n2={'services__ClusSvc__state': 'Running'}), [], [silent(R)]))
    C.append(case(f'{R} fires on a missing node.netbios_name', only,
                  pair(n2={'node__netbios_name': DROP}), [fires(R)]))
    n1 = node(1, groups=True)
    resource(n1, 'MSDTC')['restart_action'] = 1
    C.append(case(f'{R} fires when affect_the_group and restart_action disagree', only,
                  files(n1, node(2)), [fires(R, 'NODE1')]))
    n1 = node(1, groups=True)
    resource(n1, 'MSDTC')['restart_action'] = 2
    C.append(case(f'{R} accepts affect_the_group = true with restart_action = 2', only, files(n1, node(2)), [], [silent(R)]))
    C.append(case(f'fixture {R} fires {R} twice and nothing else under the whole pack', None,
                  expect=[fires(R, 'NODE1'), fires(R, 'NODE2')], snapshots=['../../fixtures/KBL-001']))

    R = 'KBL-002'
    a = node(1)
    b = node(1)
    C.append(case(f'{R} fires on two snapshots of one node (names differ by case)', only,
                  {'NODE1.toml': to_toml(a), 'node1-again.toml': to_toml(b).replace('"NODE1"', '"node1"')},
                  [fires(R, file='NODE1.toml', message="2 snapshots of this cluster have the NetBIOS name 'NODE1'"),
                   fires(R, file='node1-again.toml', message="2 snapshots of this cluster have the NetBIOS name 'node1'")]))
    C.append(case(f'{R} fires on service keys that differ only by case', only,
                  pair(['services'], n2={'services__clussvc': {'state': 'running', 'start_type': 'automatic'}}),
                  [fires(R, 'NODE2')]))
    C.append(case(f'{R} fires on local group keys that differ only by case', only,
                  pair(['local_groups'], n1={'local_groups__guests': ['CORP\\IUSR_CLUSTER']}), [fires(R, 'NODE1')]))
    C.append(case(f'{R} stays silent on distinct names', only, pair(['services', 'local_groups', 'user_rights']), [], [silent(R)]))
    # Each snapshot of a set of namesakes gets its own finding, at its node.netbios_name, with the
    # count and the name of its own set (not of the last node of the cluster).
    n3 = node(2, node__netbios_name='NODE3', node__machine_sid='S-1-5-21-7777777777-8888888888-9999999999')
    dups = {'NODE1.toml': to_toml(node(1)), 'NODE2.toml': to_toml(node(2)),
            'NODE2-copy.toml': to_toml(node(2), 'a second snapshot of NODE2'), 'NODE3.toml': to_toml(n3)}
    name_at = {f: locate(t, 'node', 'netbios_name') for f, t in dups.items()}
    two = "2 snapshots of this cluster have the NetBIOS name 'NODE2'"
    C.append(case(f'{R} reports each snapshot of a duplicated node at its own netbios_name, with that set\'s count', [R], dups,
                  [fires(R, 'NODE2', file='NODE2.toml', line=name_at['NODE2.toml'], column=16, message=two),
                   fires(R, 'NODE2', file='NODE2-copy.toml', line=name_at['NODE2-copy.toml'], column=16, message=two)]))
    sets = {'NODE1.toml': to_toml(node(1)), 'NODE1-again.toml': to_toml(node(1), 'NODE1 again'),
            'NODE2.toml': to_toml(node(2)), 'NODE2-b.toml': to_toml(node(2), 'NODE2 again'),
            'NODE2-c.toml': to_toml(node(2), 'NODE2 a third time\n#')}
    name_at = {f: locate(t, 'node', 'netbios_name') for f, t in sets.items()}
    C.append(case(f'{R} gives each set of namesakes its own count and name', [R], sets,
                  [fires(R, 'NODE1', file=f, line=name_at[f], message="2 snapshots of this cluster have the NetBIOS name 'NODE1'")
                   for f in ('NODE1.toml', 'NODE1-again.toml')] +
                  [fires(R, 'NODE2', file=f, line=name_at[f], message="3 snapshots of this cluster have the NetBIOS name 'NODE2'")
                   for f in ('NODE2.toml', 'NODE2-b.toml', 'NODE2-c.toml')]))

    R = 'KBL-003'
    C.append(case(f'{R} fires on exit_status_hex "800800005" (nine digits) with the Q310412 hint', only,
                  pair(n1={'iissync': runs(run(status=None, exit_status_hex='800800005'))}), [fires(R, 'NODE1')]))
    C.append(case(f'{R} fires on a status that is text', only,
                  pair(n1={'iissync': runs(run(status='failed'))}), [fires(R, 'NODE1')]))
    C.append(case(f'{R} fires on a status out of the 32-bit range', only,
                  pair(n1={'iissync': runs(run(status=4294967296))}), [fires(R, 'NODE1')]))
    C.append(case(f'{R} fires when exit_status and exit_status_hex disagree', only,
                  pair(n1={'iissync': runs(run(status=2148598794, exit_status_hex='80110408'))}), [fires(R, 'NODE1')]))
    C.append(case(f'{R} accepts exit_status and exit_status_hex that agree', only,
                  pair(n1={'iissync': runs(run(status=2148598794, exit_status_hex='8011040a'))}), [], [silent(R)]))
    C.append(case(f'{R} fires when the output\'s error code contradicts exit_status', only,
                  pair(n1={'iissync': runs(run(status=0, output='error code 2148007941 ( 800800005 )'))}), [fires(R, 'NODE1')]))
    C.append(case(f'{R} ignores the parenthesised hex of the output', only,
                  pair(n1={'iissync': runs(run(status=2148007941, output='Server Execution Failed error code 2148007941 ( 800800005 )'))}),
                  [], [silent(R)]))
    C.append(case(f'{R} fires on an unreadable Component Services error', only,
                  pair(['complus'], n1={'complus__mmc_my_computer_error': '800800005h'}), [fires(R, 'NODE1')]))

    C.append(case(f'{R} checks the result of an IISSYNC runbook step', only,
                  {**pair(), 'NODE1.toml': to_toml(dict(node(1), runbook={'name': 'sync', 'steps': [
                      {'action': 'iissync', 'target': 'NODE2', 'result': {'exit_status_hex': '800800005'}}]}))},
                  [fires(R, 'NODE1', step=1)]))

    R = 'KBL-004'
    C.append(case(f'{R} fires on "80110408" (hex digits without 0x)', only,
                  pair(n1={'iissync': runs(run(status='80110408'))}), [fires(R, 'NODE1')]))
    C.append(case(f'{R} fires on the integer 80110501', only,
                  pair(n1={'iissync': runs(run(status=80110501))}), [fires(R, 'NODE1')]))
    C.append(case(f'{R} stays silent on "0x80110408"', only,
                  pair(n1={'iissync': runs(run(status='0x80110408'))}), [], [silent(R)]))
    C.append(case(f'{R} stays silent on an 8-digit decimal whose hex reading is no known code', only,
                  pair(n1={'iissync': runs(run(status='12345678'))}), [], [silent(R)]))

    R = 'KBL-005'
    C.append(case(f'{R} fires on a cluster of one node', only, {'NODE1.toml': to_toml(node(1))}, [fires(R)]))
    n3 = node(2)
    n3['node']['netbios_name'] = 'NODE3'
    n3['node']['dns_name'] = 'node3.corp.example.com'
    n3['node']['machine_sid'] = 'S-1-5-21-7-8-9'
    C.append(case(f'{R} fires on a cluster of three nodes', only, files(node(1), node(2), n3), [fires(R)]))
    C.append(case(f'{R} groups by cluster name ignoring case', only,
                  {'NODE1.toml': to_toml(node(1, cluster='webclus')), 'NODE2.toml': to_toml(node(2, cluster='WebClus'))},
                  [], [silent(R)]))
    C.append(case(f'{R} fires twice for two one-node clusters with different names', only,
                  {'NODE1.toml': to_toml(node(1, cluster='CLUS-A')), 'NODE2.toml': to_toml(node(2, cluster='CLUS-B'))},
                  [fires(R), fires(R)]))

    R = 'KBL-006'
    n1 = node(1, ['services'], groups=True)
    n2 = with_groups(node(2, ['services']))
    group(n2, 'IIS Group')['owner'] = 'NODE2'
    C.append(case(f'{R} fires on the stale view when the nodes disagree on a group owner', only,
                  files(n1, n2), [fires(R, 'NODE2')]))
    n1 = node(1, ['services'], groups=True, services__ClusSvc__state='stopped')
    n2 = with_groups(node(2, ['services']))
    group(n2, 'IIS Group')['owner'] = 'NODE2'
    C.append(case(f'{R} prefers the view of the node whose cluster service runs', only,
                  files(n1, n2), [fires(R, 'NODE1')]))
    n1 = node(1, ['services'], groups=True)
    n2 = with_groups(node(2, ['services']))
    resource(n2, 'MSDTC')['state'] = 'offline'
    C.append(case(f'{R} fires when the nodes disagree on a resource state', only, files(n1, n2), [fires(R, 'NODE2')]))
    n1 = node(1, ['services'], groups=True)
    n2 = with_groups(node(2, ['services']))
    group(n2, 'IIS Group')['owner'] = 'node1'
    C.append(case(f'{R} stays silent on identical views (owner written in another case)', only, files(n1, n2), [], [silent(R)]))
    # Two snapshots of NODE2 (KBL-002) whose cluster service runs both beat NODE1's view: the one
    # read first wins, and the message names it, never a placeholder.
    n1 = node(1, ['services'], groups=True, services__ClusSvc__state='stopped')
    n2 = with_groups(node(2, ['services']))
    group(n2, 'IIS Group')['owner'] = 'NODE2'
    n2b = copy.deepcopy(n2)
    three = {'NODE1.toml': to_toml(n1), 'NODE2.toml': to_toml(n2), 'NODE2b.toml': to_toml(n2b, 'NODE2 again')}
    dup_of_2 = [fires('KBL-002', 'NODE2', file='NODE2.toml'), fires('KBL-002', 'NODE2', file='NODE2b.toml'), fires('KBL-005')]
    C.append(case(f'{R} names the winning view when two snapshots of one node tie', only, three,
                  [fires(R, 'NODE1', file='NODE1.toml', line=owner_line(three['NODE1.toml'], 'IIS Group'), column=9,
                         message="NODE1 sees group 'IIS Group' owned by 'NODE1', but the winning view (NODE2) says 'NODE2'")]
                  + dup_of_2))
    group(n2b, 'IIS Group')['owner'] = 'NODE1'
    three = {'NODE1.toml': to_toml(n1), 'NODE2.toml': to_toml(n2), 'NODE2b.toml': to_toml(n2b, 'NODE2 again')}
    C.append(case(f'{R} says "another snapshot" when two snapshots of one node disagree', only, three,
                  [fires(R, 'NODE1', file='NODE1.toml',
                         message="NODE1 sees group 'IIS Group' owned by 'NODE1', but the winning view (NODE2) says 'NODE2'"),
                   fires(R, 'NODE2', file='NODE2b.toml',
                         message="NODE2 sees group 'IIS Group' owned by 'NODE1', but the winning view (another snapshot of NODE2) says 'NODE2'")]
                  + dup_of_2))

    R = 'KBL-007'
    C.append(case(f'{R} fires on a bare account in Guests', only,
                  pair(['local_groups'], n2={'local_groups__Guests': ['Guest', 'CORP\\IUSR_CLUSTER']}), [fires(R, 'NODE2')]))
    C.append(case(f'{R} fires on a bare IUSR account', only,
                  pair(['iis.accounts'], n1={'iis__accounts__anonymous_user': 'IUSR_CLUSTER'}), [fires(R, 'NODE1')]))
    C.append(case(f'{R} accepts the well-known bare names in any case', only,
                  pair(['user_rights'], n1={'user_rights__SeNetworkLogonRight': ['everyone', 'SYSTEM', 'Authenticated Users', 'INTERACTIVE']}),
                  [], [silent(R)]))
    C.append(case(f'{R} accepts NT AUTHORITY\\SYSTEM and .\\ local names', only,
                  pair(['dcom'], n1={'dcom__default_access__allow': ['NT AUTHORITY\\SYSTEM', '.\\Administrator']}), [], [silent(R)]))

    R = 'KBL-009'
    C.append(case(f'{R} fires when the nodes are in different phases', only,
                  pair(['procedure'], n1={'procedure': proc('reinstall_iis', 'configure_iis', 'working')},
                       n2={'procedure': proc('reinstall_iis', 'test', 'rebuilt')}), [fires(R, 'NODE2')]))
    C.append(case(f'{R} fires when both nodes claim to be the working node', only,
                  pair(['procedure'], n1={'procedure': proc('reinstall_iis', 'test', 'working')},
                       n2={'procedure': proc('reinstall_iis', 'test', 'working')}), [fires(R), fires(R)]))
    n3 = node(2, ['procedure'], node__netbios_name='NODE3', procedure=proc('reinstall_iis', 'test', 'rebuilt'))
    two_working = "2 nodes have the role 'working'; a procedure has one working and one rebuilt node"
    C.append(case(f'{R} counts the nodes of the role it names', [R],
                  files(node(1, ['procedure'], procedure=proc('reinstall_iis', 'test', 'working')),
                        node(2, ['procedure'], procedure=proc('reinstall_iis', 'test', 'working')), n3),
                  [fires(R, 'NODE1', message=two_working), fires(R, 'NODE2', message=two_working)]))
    C.append(case(f'{R} fires when a node in a procedure has no role', only,
                  pair(['procedure'], n1={'procedure': proc('reinstall_iis', 'test', 'working')},
                       n2={'procedure': proc('reinstall_iis', 'test', 'none')}), [fires(R, 'NODE2')]))
    C.append(case(f'{R} stays silent on a consistent procedure', only,
                  pair(['procedure'], n1={'procedure': proc('full_rebuild', 'reinstall', 'working')},
                       n2={'procedure': proc('full_rebuild', 'reinstall', 'rebuilt')}), [], [silent(R)]))
    C.append(case(f'{R} stays silent at steady state', only, pair(['procedure']), [], [silent(R)]))

    R = 'KBL-010'
    C.append(case(f'{R} fires on a DNS name in node.netbios_name', only,
                  {'a.toml': to_toml(node(1, node__netbios_name='node1.corp.example.com')), 'NODE2.toml': to_toml(node(2))},
                  [fires(R)]))
    C.append(case(f'{R} fires on a 16-character name', only,
                  {'a.toml': to_toml(node(1, node__netbios_name='WEBCLUSTERNODE01')), 'NODE2.toml': to_toml(node(2))},
                  [fires(R)]))
    C.append(case(f'{R} accepts a 15-character name', only,
                  {'a.toml': to_toml(node(1, node__netbios_name='WEBCLUSTERNODE1')), 'NODE2.toml': to_toml(node(2))},
                  [], [silent(R)]))
    return C
