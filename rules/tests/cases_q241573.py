"""Cases of the Q241573 rules that read snapshots as they are (state rules).
The `before`/`sequence` rules of Q241573 are in cases_runbook.py."""
from cases_common import *  # noqa: F401,F403


def acct_pair(n1=None, n2=None, keep=('iis.accounts', 'user_rights', 'local_groups', 'dcom')):
    return node(1, keep, **(n1 or {})), node(2, keep, **(n2 or {}))


def cases():
    C = []
    R = 'Q241573-001'
    only = [R, KBL]
    C.append(case(f'{R} fires when the rebuilt node has another Service Pack', only,
                  pair(['os'], n2={'os__service_pack': 4}), [fires(R, 'NODE2')]))
    C.append(case(f'{R} fires when only the Service Pack suffix differs (6a vs 6)', only,
                  pair(['os'], n1={'os__service_pack': 6, 'os__service_pack_suffix': 'a'},
                       n2={'os__service_pack': 6}), [fires(R, 'NODE2')]))
    C.append(case(f'{R} stays silent when the suffixes differ only by case (6a vs 6A)', only,
                  pair(['os'], n1={'os__service_pack': 6, 'os__service_pack_suffix': 'a'},
                       n2={'os__service_pack': 6, 'os__service_pack_suffix': 'A'}), [], [silent(R)]))
    C.append(case(f'{R} reports the node that is not the working node of the procedure', only,
                  pair(['os', 'procedure'],
                       n1={'procedure': proc('reinstall_iis', 'uninstall', 'rebuilt'), 'os__service_pack': 4},
                       n2={'procedure': proc('reinstall_iis', 'uninstall', 'working')}),
                  [fires(R, 'NODE1')]))
    C.append(case(f'{R} stays silent on an IIS 5.0 cluster (version gate)', only,
                  pair(['os'], n1={'iis__version': '5.0', 'os__version': '5.0', 'os__edition': 'advanced_server'},
                       n2={'iis__version': '5.0', 'os__version': '5.0', 'os__edition': 'advanced_server', 'os__service_pack': 2}),
                  [], [silent(R)]))

    R = 'Q241573-003'
    only = [R, KBL]
    C.append(case(f'{R} fires on a Standard Edition node', only,
                  pair(['os'], n2={'os__edition': 'server'}), [fires(R, 'NODE2')]))
    C.append(case(f'{R} accepts the edition in any case ("Enterprise")', only,
                  pair(['os'], n2={'os__edition': 'Enterprise'}), [], [silent(R)]))
    C.append(case(f'{R} stays silent on a node that is not a cluster member', only,
                  pair(['os'], n2={'os__edition': 'server', 'cluster__member': False}), [], [silent(R)]))

    R = 'Q241573-022'
    only = [R, KBL]
    C.append(case(f'{R} fires when one node was installed Typical and the other Custom', only,
                  pair(['ntop'], n2={'ntop__install_type': 'typical'}), [fires(R, 'NODE2')]))
    C.append(case(f'{R} ignores the case of the install type ("CUSTOM")', only,
                  pair(['ntop'], n2={'ntop__install_type': 'CUSTOM'}), [], [silent(R)]))
    C.append(case(f'{R} compares with the working node and reports the other one', only,
                  pair(['ntop', 'procedure'],
                       n1={'procedure': proc('full_rebuild', 'configure_iis', 'rebuilt'), 'ntop__install_type': 'minimal'},
                       n2={'procedure': proc('full_rebuild', 'configure_iis', 'working')}),
                  [fires(R, 'NODE1')]))
    C.append(case(f'{R} skips a node whose IIS is not installed', only,
                  pair(['ntop'], n2={'iis__installed': False, 'ntop__install_type': 'typical'}), [], [silent(R)]))

    R = 'Q241573-023'
    only = [R, KBL]
    C.append(case(f'{R} fires when the unchecked components differ', only,
                  pair(['ntop'], n2={'ntop__unchecked_components': ['Index Server']}), [fires(R, 'NODE2')]))
    C.append(case(f'{R} compares the components as a set ignoring case and order', only,
                  pair(['ntop'], n2={'ntop__unchecked_components': ['smtp service', 'INDEX SERVER']}), [], [silent(R)]))
    C.append(case(f'{R} stays silent when the install types differ (Q241573-022 reports it)', [R, 'Q241573-022', KBL],
                  pair(['ntop'], n2={'ntop__install_type': 'typical', 'ntop__unchecked_components': []}),
                  [fires('Q241573-022', 'NODE2')], [silent(R)]))

    R = 'Q241573-026'
    only = [R, KBL]
    p = lambda role, ph='configure_iis': proc('reinstall_iis', ph, role)
    C.append(case(f'{R} fires when ClusSvc is still stopped and manual in phase configure_iis', only,
                  pair(['services', 'procedure'], n1={'procedure': p('working')},
                       n2={'procedure': p('rebuilt'), 'services__ClusSvc__state': 'stopped',
                           'services__ClusSvc__start_type': 'manual'}),
                  [fires(R, 'NODE2')]))
    C.append(case(f'{R} fires when ClusSvc runs but its startup type is still manual', only,
                  pair(['services', 'procedure'], n1={'procedure': p('working', 'test')},
                       n2={'procedure': p('rebuilt', 'test'), 'services__ClusSvc__start_type': 'manual'}),
                  [fires(R, 'NODE2')]))
    C.append(case(f'{R} stays silent during the reinstall phase, when ClusSvc must be stopped', only,
                  pair(['services', 'procedure'], n1={'procedure': p('working', 'reinstall')},
                       n2={'procedure': p('rebuilt', 'reinstall'), 'services__ClusSvc__state': 'stopped',
                           'services__ClusSvc__start_type': 'manual'}),
                  [], [silent(R)]))

    R = 'Q241573-030'
    only = [R, KBL]
    C.append(case(f'{R} fires on a standalone MSDTC in phase configure_iis', only,
                  pair(['msdtc', 'procedure'], n1={'procedure': p('working')},
                       n2={'procedure': p('rebuilt'), 'msdtc__mode': 'standalone'}),
                  [fires(R, 'NODE2')]))
    C.append(case(f'{R} fires on a missing MSDTC while the cluster has an MSDTC resource', only,
                  pair(['msdtc'], n2={'msdtc__mode': 'absent'}, groups=True), [fires(R, 'NODE2')]))
    n1 = node(1, ['msdtc'], groups=True)
    groups_of(n1)[1]['resources'] = [r for r in groups_of(n1)[1]['resources'] if r['type'] != 'MSDTC']
    C.append(case(f'{R} accepts an absent MSDTC when the cluster has no MSDTC resource', only,
                  files(n1, node(2, ['msdtc'], msdtc__mode='absent')), [], [silent(R)]))
    C.append(case(f'{R} stays silent during the recluster_msdtc phase', only,
                  pair(['msdtc', 'procedure'], n1={'procedure': p('working', 'recluster_msdtc')},
                       n2={'procedure': p('rebuilt', 'recluster_msdtc'), 'msdtc__mode': 'standalone'}),
                  [], [silent(R)]))

    R = 'Q241573-033'
    only = [R, KBL]
    n1 = node(1, ['procedure'], groups=True, procedure=proc('reinstall_iis', 'complete', 'working'))
    resource(n1, 'Web Site 1')['affect_the_group'] = False
    C.append(case(f'{R} fires when Affect the group is still off at phase complete', only,
                  files(n1, node(2, ['procedure'], procedure=proc('reinstall_iis', 'complete', 'rebuilt'))),
                  [fires(R, 'NODE1', line=locate(to_toml(n1), 'cluster.groups.resources', 'affect_the_group') + 0 * 0)
                   if False else fires(R, 'NODE1')]))
    n1 = node(1, ['procedure'], groups=True, procedure=proc('reinstall_iis', 'test', 'working'))
    resource(n1, 'Web Site 1')['affect_the_group'] = False
    C.append(case(f'{R} stays silent before the procedure is complete (phase test)', only,
                  files(n1, node(2, ['procedure'], procedure=proc('reinstall_iis', 'test', 'rebuilt'))), [], [silent(R)]))
    n1 = node(1, groups=True)
    msdtc = resource(n1, 'MSDTC')
    del msdtc['affect_the_group']
    msdtc['restart_action'] = 1
    C.append(case(f'{R} reads restart_action 1 as Affect the group off', only, files(n1, node(2)), [fires(R, 'NODE1')]))
    n1 = node(1, groups=True)
    msdtc = resource(n1, 'MSDTC')
    del msdtc['affect_the_group']
    msdtc['restart_action'] = 2
    C.append(case(f'{R} reads restart_action 2 as Affect the group on', only, files(n1, node(2)), [], [silent(R)]))

    R = 'Q241573-035'
    only = [R, KBL]
    n1 = node(1, groups=True)
    groups_of(n1)[0]['resources'].append({'name': 'MSDTC 2', 'type': 'Microsoft DTC', 'state': 'offline',
                                          'affect_the_group': True})
    C.append(case(f'{R} fires on a second MSDTC resource spelled "Microsoft DTC"', only,
                  files(n1, node(2)), [fires(R, 'NODE1')]))
    n1 = node(1, groups=True)
    n2 = node(2, groups=True)
    C.append(case(f'{R} counts a resource that both node files describe once', only, files(n1, n2), [], [silent(R)]))

    R = 'Q241573-060'
    only = [R, KBL]
    C.append(case(f'{R} fires when the Replication Share is not the admin share of the target MTS drive', only,
                  pair(['mts'], n1={'mts__replication__share': 'D$'}), [fires(R, 'NODE1')]))
    C.append(case(f'{R} accepts the share as \\\\NODE2\\c$ (UNC prefix, case)', only,
                  pair(['mts'], n1={'mts__replication__share': '\\\\NODE2\\c$'}), [], [silent(R)]))
    C.append(case(f'{R} follows the target MTS install drive (D:\\Program Files\\Mts needs D$)', only,
                  pair(['mts'], n2={'mts__install_dir': 'D:\\Program Files\\Mts'}), [fires(R, 'NODE1')]))
    C.append(case(f'{R} leaves an empty share to Q235698-001', only,
                  pair(['mts'], n1={'mts__replication__share': ''}), [], [silent(R)]))

    R = 'Q241573-061'
    only = [R, KBL]
    C.append(case(f'{R} fires when the Remote Server Name is the IIS virtual server', only,
                  pair(['mts'], n1={'mts__replication__remote_server_name': 'WEBVS'}), [fires(R, 'NODE1')]))
    C.append(case(f'{R} fires when a node names itself', only,
                  pair(['mts'], n2={'mts__replication__remote_server_name': 'node2'}), [fires(R, 'NODE2')]))
    C.append(case(f'{R} accepts the other node in lower case with a \\\\ prefix', only,
                  pair(['mts'], n1={'mts__replication__remote_server_name': '\\\\node2'}), [], [silent(R)]))

    R = 'Q241573-062'
    only = [R, KBL]
    C.append(case(f'{R} fires when the Remote Server Name is the DNS name of the other node', [R, 'Q241573-061', KBL],
                  pair(['mts'], n1={'mts__replication__remote_server_name': 'node2.corp.example.com'}),
                  [fires(R, 'NODE1')], [silent('Q241573-061')]))
    C.append(case(f'{R} fires when the Remote Server Name is an IP address of the other node', [R, 'Q241573-061', KBL],
                  pair(['mts', 'network'], n2={'mts__replication__remote_server_name': '10.0.0.11'}),
                  [fires(R, 'NODE2')]))
    C.append(case(f'{R} stays silent on the NetBIOS name in another case', only,
                  pair(['mts'], n1={'mts__replication__remote_server_name': 'Node2'}), [], [silent(R)]))

    R = 'Q241573-067'
    only = [R, KBL]
    C.append(case(f'{R} fires on a decimal failure status', only,
                  pair(n1={'iissync': runs(run(status=2148598794))}), [fires(R, 'NODE1')]))
    C.append(case(f'{R} fires on a hex string status "0x8011040A"', only,
                  pair(n1={'iissync': runs(run(status='0x8011040A'))}), [fires(R, 'NODE1')]))
    C.append(case(f'{R} fires on a signed status -2146368502', only,
                  pair(n1={'iissync': runs(run(status=-2146368502))}), [fires(R, 'NODE1')]))
    C.append(case(f'{R} fires on a TOML hex literal status', only,
                  pair(n1={'iissync': runs(run(status=Hex(0x80004005)))}), [fires(R, 'NODE1')]))
    C.append(case(f'{R} reads exit_status_hex without 0x', only,
                  pair(n1={'iissync': runs(run(status=None, exit_status_hex='8011040A'))}), [fires(R, 'NODE1')]))
    C.append(case(f'{R} reads "error code N" from the output when no status field is given', only,
                  pair(n1={'iissync': runs(run(status=None, output='Error replicating to target (NODE2): Server Execution Failed error code 2148007941 ( 800800005 )'))}),
                  [fires(R, 'NODE1')]))
    C.append(case(f'{R} judges only the latest run to a target: a failure fixed by a rerun is silent', only,
                  pair(n1={'iissync': runs(run(status=2148598794, at='2002-05-01T22:00:00Z'),
                                           run(status=0, at='2002-05-01T22:30:00Z'))}), [], [silent(R)]))
    C.append(case(f'{R} judges only the latest run to a target: a later failure fires', only,
                  pair(n1={'iissync': runs(run(status=0, at='2002-05-01T22:00:00Z'),
                                           run(status=1722, at='2002-05-01T22:30:00Z'))}), [fires(R, 'NODE1')]))
    C.append(case(f'{R} treats NODE2 and node2.corp.example.com as one target', only,
                  pair(n1={'iissync': runs(run(status=1722, at='2002-05-01T22:00:00Z'),
                                           run('node2.corp.example.com', status=0, at='2002-05-01T22:30:00Z'))}),
                  [], [silent(R)]))
    C.append(case(f'{R} applies to IIS 5.0 as well (the one cross-version rule)', only,
                  pair(n1={'iis__version': '5.0', 'iissync': runs(run(status=2147746132))},
                       n2={'iis__version': '5.0'}), [fires(R, 'NODE1')]))
    C.append(case(f'{R} stays silent on status 0 written as "0x00000000"', only,
                  pair(n1={'iissync': runs(run(status='0x00000000'))}), [], [silent(R)]))
    C.append(case(f'{R} is unknown for an unparseable status (KBL-003 reports the value)', only,
                  pair(n1={'iissync': runs(run(status=None, exit_status_hex='800800005'))}),
                  [fires('KBL-003', 'NODE1'), fires(R, 'NODE1', status='unknown')]))
    C.append(case(f'{R} is unknown when a run records no status at all', only,
                  pair(n1={'iissync': runs(run(status=None))}), [fires(R, 'NODE1', status='unknown')]))

    # ---- I. IUSR / IWAM
    R = 'Q241573-070'
    only = [R, KBL]
    a, b = acct_pair(n2={'iis__accounts__anonymous_user': 'NODE2\\IUSR_NODE2'})
    C.append(case(f'{R} fires on a NODE\\IUSR_NODE account', only, files(a, b), [fires(R, 'NODE2')]))
    a, b = acct_pair(n2={'iis__accounts__wam_user': '.\\IWAM_NODE2'})
    C.append(case(f'{R} fires on a .\\IWAM account', only, files(a, b), [fires(R, 'NODE2')]))
    a, b = acct_pair(n2={'iis__accounts__anonymous_user': 'node1\\IUSR_NODE1'})
    C.append(case(f'{R} fires on the other node\'s local account (lower-case domain part)', only, files(a, b),
                  [fires(R, 'NODE2')]))
    a, b = acct_pair(n2={'procedure': proc('reinstall_iis', 'reinstall', 'rebuilt'),
                         'iis__accounts__anonymous_user': 'NODE2\\IUSR_NODE2'},
                     n1={'procedure': proc('reinstall_iis', 'reinstall', 'working')})
    C.append(case(f'{R} skips the rebuilt node before its IISSYNC (fresh local accounts are expected)', only,
                  files(a, b), [], [silent(R)]))
    a, b = acct_pair(n2={'procedure': proc('reinstall_iis', 'configure_iis', 'rebuilt'),
                         'iis__accounts__anonymous_user': 'NODE2\\IUSR_NODE2'},
                     n1={'procedure': proc('reinstall_iis', 'configure_iis', 'working'),
                         'iissync': runs(run(status=0))})
    C.append(case(f'{R} checks the rebuilt node once an IISSYNC to it succeeded', only,
                  files(a, b), [fires(R, 'NODE2')]))
    a, b = acct_pair(n2={'procedure': proc('reinstall_iis', 'configure_iis', 'rebuilt'),
                         'iis__accounts__anonymous_user': 'NODE2\\IUSR_NODE2'},
                     n1={'procedure': proc('reinstall_iis', 'configure_iis', 'working'),
                         'iissync': runs(run(status=2148598794))})
    C.append(case(f'{R} skips the rebuilt node while its IISSYNC has failed', only, files(a, b), [], [silent(R)]))

    R = 'Q241573-071'
    only = [R, KBL]
    a, b = acct_pair(n2={'iis__accounts__anonymous_user': 'CORP\\IUSR_WEB2'})
    C.append(case(f'{R} fires when the nodes use different IUSR accounts', only, files(a, b), [fires(R, 'NODE2')]))
    a, b = acct_pair(n2={'iis__accounts__wam_user': 'corp\\iwam_cluster'})
    C.append(case(f'{R} compares accounts ignoring case on both parts', only, files(a, b), [], [silent(R)]))

    R = 'Q241573-072'
    only = [R, KBL]
    a, b = acct_pair(n2={'user_rights__SeInteractiveLogonRight': ['BUILTIN\\Administrators', 'CORP\\IUSR_CLUSTER']})
    C.append(case(f'{R} fires when IWAM lacks Log on locally', only, files(a, b), [fires(R, 'NODE2')]))
    a, b = acct_pair(n2={'user_rights__SeInteractiveLogonRight': ['corp\\iusr_cluster', 'CORP\\iwam_CLUSTER']})
    C.append(case(f'{R} matches the accounts ignoring case', only, files(a, b), [], [silent(R)]))
    a, b = acct_pair(n2={'user_rights': {'seinteractivelogonright': ['CORP\\IUSR_CLUSTER', 'CORP\\IWAM_CLUSTER'],
                                         'SeNetworkLogonRight': ['Everyone']}})
    C.append(case(f'{R} matches the user-right constant ignoring case', only, files(a, b), [], [silent(R)]))

    R = 'Q241573-073'
    only = [R, KBL]
    a, b = acct_pair(n2={'user_rights__SeNetworkLogonRight': ['Everyone', 'BUILTIN\\Administrators']})
    C.append(case(f'{R} fires for both accounts when only Everyone holds the right', only, files(a, b),
                  [fires(R, 'NODE2'), fires(R, 'NODE2')]))
    a, b = acct_pair(n2={'user_rights__SeNetworkLogonRight': ['CORP\\IWAM_CLUSTER', 'CORP\\IUSR_CLUSTER']})
    C.append(case(f'{R} stays silent when both accounts hold it explicitly', only, files(a, b), [], [silent(R)]))

    R = 'Q241573-074'
    only = [R, KBL]
    a, b = acct_pair(n2={'local_groups__Guests': ['NODE2\\Guest', 'CORP\\IWAM_CLUSTER']})
    C.append(case(f'{R} fires when IUSR is not in Guests', only, files(a, b), [fires(R, 'NODE2')]))
    a, b = acct_pair(n2={'local_groups': {'GUESTS': ['corp\\IUSR_CLUSTER', 'CORP\\IWAM_cluster'],
                                          'MTS Trusted Impersonators': ['CORP\\IWAM_CLUSTER']}})
    C.append(case(f'{R} matches the group name and the accounts ignoring case', only, files(a, b), [], [silent(R)]))

    R = 'Q241573-075'
    only = [R, KBL]
    a, b = acct_pair(n2={'local_groups__MTS Trusted Impersonators': []})
    C.append(case(f'{R} fires when IWAM is not in MTS Trusted Impersonators', only, files(a, b), [fires(R, 'NODE2')]))
    a, b = acct_pair(n2={'local_groups': {'Guests': ['CORP\\IUSR_CLUSTER', 'CORP\\IWAM_CLUSTER'],
                                          'MTS Impersonators': ['CORP\\IWAM_CLUSTER']}})
    C.append(case(f'{R} accepts the "MTS Impersonators" alias', only, files(a, b), [], [silent(R)]))
    a, b = acct_pair(n2={'local_groups': {'Guests': ['CORP\\IUSR_CLUSTER', 'CORP\\IWAM_CLUSTER'],
                                          'mts trusted impersonators': ['corp\\iwam_cluster']}})
    C.append(case(f'{R} accepts the group name in lower case', only, files(a, b), [], [silent(R)]))
    a, b = acct_pair(n2={'local_groups': {'Guests': ['CORP\\IUSR_CLUSTER', 'CORP\\IWAM_CLUSTER']}})
    C.append(case(f'{R} fires when neither group exists', only, files(a, b), [fires(R, 'NODE2')]))
    a, b = acct_pair(n2={'local_groups': {'Guests': ['CORP\\IUSR_CLUSTER', 'CORP\\IWAM_CLUSTER'],
                                          'MTS Impersonators': ['CORP\\IUSR_CLUSTER']}})
    C.append(case(f'{R} does not take IUSR in the group for IWAM', only, files(a, b), [fires(R, 'NODE2')]))

    R = 'Q241573-076'
    only = [R, KBL]
    a, b = acct_pair(n2={'dcom__default_access__allow': ['CORP\\IUSR_CLUSTER', 'NT AUTHORITY\\SYSTEM']})
    C.append(case(f'{R} fires when IWAM lacks Allow Access', only, files(a, b), [fires(R, 'NODE2')]))
    a, b = acct_pair(n2={'dcom__default_access__deny': ['corp\\iusr_cluster']})
    C.append(case(f'{R} fires when IUSR is denied Access (case-insensitive)', only, files(a, b), [fires(R, 'NODE2')]))
    a, b = acct_pair(n2={'dcom__default_access__deny': ['CORP\\SomeoneElse']})
    C.append(case(f'{R} ignores Deny entries for other accounts', only, files(a, b), [], [silent(R)]))

    R = 'Q241573-077'
    only = [R, KBL]
    a, b = acct_pair(n2={'dcom__default_launch__allow': ['NT AUTHORITY\\SYSTEM']})
    C.append(case(f'{R} fires for both accounts when neither may launch', only, files(a, b),
                  [fires(R, 'NODE2'), fires(R, 'NODE2')]))
    a, b = acct_pair(n2={'dcom__default_launch__allow': ['CORP\\IWAM_CLUSTER', 'corp\\IUSR_Cluster']})
    C.append(case(f'{R} stays silent when both may launch', only, files(a, b), [], [silent(R)]))

    # ---- The fixtures: each fires its own rule and nothing else under the whole pack.
    for rid in ['Q241573-022', 'Q241573-023', 'Q241573-060', 'Q241573-061', 'Q241573-070', 'Q241573-071',
                'Q241573-072', 'Q241573-073', 'Q241573-074', 'Q241573-075', 'Q241573-076', 'Q241573-077']:
        C.append(case(f'fixture {rid} fires {rid} and nothing else under the whole pack', None,
                      expect=[fires(rid)] * (2 if rid == 'Q241573-070' else 1), snapshots=[f'../../fixtures/{rid}']))
    return C
