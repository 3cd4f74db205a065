"""Cases of the rules judged at [planned] changes and runbook steps (`on before`, `on after`,
`on final`, `scope runbook`), and of the actions that simulate runbooks."""
from cases_common import *  # noqa: F401,F403


def st(action, node=None, **kw):
    s = {}
    if node:
        s['node'] = node
    s['action'] = action
    s.update(kw)
    return s


def rb(keep=(), n1=None, n2=None, steps=None, planned=None, on=1, scenario='reinstall_iis', phase='uninstall',
       groups=False, extra=None, groups2=False):
    """A pair in a procedure (NODE1 working, NODE2 rebuilt) with a runbook or a planned step in the
    file of NODE`on`."""
    n1 = dict(n1 or {})
    n2 = dict(n2 or {})
    if scenario:
        n1.setdefault('procedure', proc(scenario, phase, 'working'))
        n2.setdefault('procedure', proc(scenario, phase, 'rebuilt'))
    a = node(1, keep, groups=groups, **n1)
    b = node(2, keep, **n2)
    if groups2:
        with_groups(b)
    holder = a if on == 1 else b
    if steps is not None:
        holder['runbook'] = {'name': 'test runbook', **(extra or {}), 'steps': steps}
    if planned is not None:
        holder['planned'] = planned
    return files(a, b)


def planned_line(fs, name='NODE2.toml'):
    return locate(fs[name], 'planned', None)


def cases():
    C = []
    SVC = ['services']
    up = {'services__ClusSvc__state': 'stopped', 'services__ClusSvc__start_type': 'manual'}

    # ---- Whole fixtures
    C.append(case('fixture runbook: the example runbook of kb-rules.md 4.5 gives no finding under the whole pack', None,
                  expect=[], snapshots=['../../fixtures/runbook']))
    C.append(case('fixture runbook-late-stop: ClusSvc stopped after the uninstall step gives Q241573-010 at that step only',
                  None, expect=[fires('Q241573-010', 'NODE2', step=2, line=270)], snapshots=['../../fixtures/runbook-late-stop']))
    C.append(case('fixture Q241573-010 fires at the [planned] table', None,
                  expect=[fires('Q241573-010', 'NODE2', step=1, line=165)], snapshots=['../../fixtures/Q241573-010']))
    C.append(case('fixture Q241573-011 fires at the [planned] table', None,
                  expect=[fires('Q241573-011', 'NODE2', step=1, line=165)], snapshots=['../../fixtures/Q241573-011']))
    C.append(case('fixture healthy gives no finding under the whole pack', None, expect=[],
                  snapshots=['../../fixtures/healthy']))

    # ---- A. Preconditions
    R = 'Q241573-002'
    only = [R, KBL]
    C.append(case(f'{R} fires when the rebuilt node is not a cluster member', only,
                  rb(SVC, n2={**up, 'cluster__member': False}, planned=st('install_ntop', install_type='custom'), on=2,
                     scenario='full_rebuild', phase='reinstall'), [fires(R, 'NODE2', step=1)]))
    C.append(case(f'{R} fires when the rebuilt node is in another cluster than the working node', only,
                  {**rb(SVC, n2=up, planned=st('install_ntop'), on=2, scenario='full_rebuild', phase='reinstall'),
                   'NODE2.toml': to_toml(dict(node(2, SVC, cluster='OTHERCLUS', procedure=proc('full_rebuild', 'reinstall', 'rebuilt'), **up),
                                              planned=st('install_ntop')))},
                  [fires(R, 'NODE2', step=1), fires('KBL-005'), fires('KBL-005')]))
    C.append(case(f'{R} stays silent when the rebuilt node has rejoined', only,
                  rb(SVC, n2=up, planned=st('install_ntop'), on=2, scenario='full_rebuild', phase='reinstall'), [], [silent(R)]))
    C.append(case(f'{R} stays silent in scenario reinstall_iis', only,
                  rb(SVC, n2={**up, 'cluster__member': False}, planned=st('install_ntop'), on=2), [], [silent(R)]))

    R = 'Q241573-004'
    only = [R, KBL]
    C.append(case(f'{R} fires when the other node\'s cluster service is stopped', only,
                  rb(SVC, n1={'services__ClusSvc__state': 'stopped'}, n2=up, planned=st('uninstall_ntop'), on=2),
                  [fires(R, 'NODE2', step=1)]))
    C.append(case(f'{R} fires when the other node has no IIS', only,
                  rb(SVC, n1={'iis__installed': False}, n2=up, planned=st('install_ntop'), on=2),
                  [fires(R, 'NODE2', step=1)]))
    C.append(case(f'{R} stays silent with a functioning working node', only,
                  rb(SVC, n2=up, planned=st('uninstall_ntop'), on=2), [], [silent(R)]))

    R = 'Q241573-005'
    only = [R, KBL]
    C.append(case(f'{R} fires when the uninstall runs on the working node', only,
                  rb(SVC, planned=st('uninstall_ntop', mode='remove_all'), on=1), [fires(R, 'NODE1', step=1)]))
    C.append(case(f'{R} fires on a runbook step that reinstalls the working node', only,
                  rb(SVC, steps=[st('install_ntop', 'node1', install_type='custom')], phase='reinstall'),
                  [fires(R, 'NODE1', step=1)]))
    C.append(case(f'{R} stays silent on the rebuilt node', only,
                  rb(SVC, planned=st('uninstall_ntop'), on=2), [], [silent(R)]))

    # ---- B. Removing IIS
    R = 'Q241573-010'
    only = [R, KBL]
    fs = rb(SVC, n2={'services__ClusSvc__start_type': 'manual'}, planned=st('uninstall_ntop', mode='remove_all'), on=2)
    C.append(case(f'{R} fires on a planned uninstall while ClusSvc runs, at the [planned] table', only, fs,
                  [fires(R, 'NODE2', step=1, line=planned_line(fs))]))
    fs = rb(SVC, steps=[st('set_service_startup', 'NODE2', service='ClusSvc', start_type='manual'),
                        st('uninstall_ntop', 'NODE2', mode='remove_all'),
                        st('stop_service', 'NODE2', service='ClusSvc')])
    C.append(case(f'{R} fires when the runbook stops ClusSvc only after the uninstall step', only, fs,
                  [fires(R, 'NODE2', step=2)]))
    C.append(case(f'{R} stays silent when the runbook stops ClusSvc first', only,
                  rb(SVC, steps=[st('stop_service', 'NODE2', service='ClusSvc'), st('uninstall_ntop', 'NODE2')]), [], [silent(R)]))
    C.append(case(f'{R} reads the service from the command "net stop clussvc"', only,
                  rb(SVC, steps=[st('stop_service', 'NODE2', command='net stop clussvc'), st('uninstall_ntop', 'NODE2')]),
                  [], [silent(R)]))
    C.append(case(f'{R} matches the service name ignoring case ("clussvc")', only,
                  rb(SVC, steps=[st('stop_service', 'node2', service='clussvc'), st('uninstall_ntop', 'NODE2')]), [], [silent(R)]))
    C.append(case(f'{R} judges the step\'s node, not the file\'s node', only,
                  rb(SVC, n1={'services__ClusSvc__state': 'running'}, n2=up, planned=st('uninstall_ntop', node='NODE2'), on=1),
                  [], [silent(R)]))
    C.append(case(f'{R} stays silent on IIS 5.0 (version gate)', only,
                  rb(SVC, n1={'iis__version': '5.0'}, n2={'iis__version': '5.0'}, planned=st('uninstall_ntop'), on=2),
                  [], [silent(R)]))

    R = 'Q241573-011'
    only = [R, KBL]
    fs = rb(SVC, n2={'services__ClusSvc__state': 'stopped'}, planned=st('uninstall_ntop'), on=2)
    C.append(case(f'{R} fires on a planned uninstall while ClusSvc starts automatically', only, fs,
                  [fires(R, 'NODE2', step=1, line=planned_line(fs))]))
    C.append(case(f'{R} stays silent when the runbook sets the startup type to manual first', only,
                  rb(SVC, steps=[st('stop_service', 'NODE2', service='ClusSvc'),
                                 st('set_service_startup', 'NODE2', service='ClusSvc', start_type='manual'),
                                 st('uninstall_ntop', 'NODE2')]), [], [silent(R)]))

    R = 'Q241573-012'
    only = [R, KBL]
    C.append(case(f'{R} fires on mode add_remove', only,
                  rb(SVC, n2=up, planned=st('uninstall_ntop', mode='add_remove'), on=2), [fires(R, 'NODE2', step=1)]))
    C.append(case(f'{R} accepts "Remove_All" in another case', only,
                  rb(SVC, n2=up, planned=st('uninstall_ntop', mode='Remove_All'), on=2), [], [silent(R)]))
    C.append(case(f'{R} does not judge a step without mode', only,
                  rb(SVC, n2=up, planned=st('uninstall_ntop'), on=2), [], [silent(R)]))

    R = 'Q241573-013'
    only = [R, KBL]
    C.append(case(f'{R} fires when setup follows the uninstall without a restart', only,
                  rb(SVC + ['os'], n2=up, steps=[st('uninstall_ntop', 'NODE2'), st('apply_service_pack', 'NODE2', service_pack=5),
                                                 st('install_ntop', 'NODE2', install_type='custom')]),
                  [fires(R, 'NODE2', step=3)]))
    C.append(case(f'{R} stays silent with restarts after the uninstall and the Service Pack', only,
                  rb(SVC + ['os'], n2=up, steps=[st('uninstall_ntop', 'NODE2'), st('restart_node', 'NODE2'),
                                                 st('apply_service_pack', 'NODE2', service_pack=5), st('restart_node', 'NODE2'),
                                                 st('install_ntop', 'NODE2', install_type='custom')]),
                  [], [silent(R)]))
    C.append(case(f'{R} fires on a planned setup while the snapshot records a pending restart', only,
                  rb(SVC + ['os'], n2={**up, 'os__pending__restart': True}, planned=st('install_ntop'), on=2),
                  [fires(R, 'NODE2', step=1)]))

    R = 'Q241573-014'
    only = [R, KBL]
    C.append(case(f'{R} fires when an SP5 node is reinstalled without re-applying the Service Pack', only,
                  rb(SVC + ['os'], n2=up, steps=[st('uninstall_ntop', 'NODE2'), st('restart_node', 'NODE2'),
                                                 st('install_ntop', 'NODE2')]),
                  [fires(R, 'NODE2', step=3)]))
    C.append(case(f'{R} stays silent on an SP3 node (SP4 or later only)', only,
                  rb(SVC + ['os'], n1={'os__service_pack': 3}, n2={**up, 'os__service_pack': 3},
                     steps=[st('uninstall_ntop', 'NODE2'), st('restart_node', 'NODE2'), st('install_ntop', 'NODE2')]),
                  [], [silent(R)]))
    C.append(case(f'{R} stays silent when the Service Pack was re-applied', only,
                  rb(SVC + ['os'], n2=up, steps=[st('uninstall_ntop', 'NODE2'), st('restart_node', 'NODE2'),
                                                 st('apply_service_pack', 'NODE2', service_pack=5), st('restart_node', 'NODE2'),
                                                 st('install_ntop', 'NODE2')]),
                  [], [silent(R)]))

    # ---- C. Reinstalling
    R = 'Q241573-020'
    only = [R, KBL]
    C.append(case(f'{R} fires when setup runs with ClusSvc running', only,
                  rb(SVC, n2={'services__ClusSvc__start_type': 'manual'}, planned=st('install_ntop'), on=2, phase='reinstall'),
                  [fires(R, 'NODE2', step=1)]))
    C.append(case(f'{R} stays silent outside a procedure scenario', only,
                  rb(SVC, planned=st('install_ntop'), on=2, scenario=None), [], [silent(R)]))
    C.append(case(f'{R} stays silent with ClusSvc stopped', only,
                  rb(SVC, n2=up, planned=st('install_ntop'), on=2, phase='reinstall'), [], [silent(R)]))

    R = 'Q241573-021'
    only = [R, KBL]
    C.append(case(f'{R} fires when ClusSvc is stopped but still automatic', only,
                  rb(SVC, n2={'services__ClusSvc__state': 'stopped'}, planned=st('install_ntop'), on=2, phase='reinstall'),
                  [fires(R, 'NODE2', step=1)]))
    C.append(case(f'{R} stays silent once set to manual', only,
                  rb(SVC, n2=up, planned=st('install_ntop'), on=2, phase='reinstall'), [], [silent(R)]))

    R = 'Q241573-022'
    only = [R, KBL]
    C.append(case(f'{R} fires before a setup whose install_type differs from the working node', only,
                  rb(['ntop'], n2={'iis__installed': False}, planned=st('install_ntop', install_type='typical'), on=2,
                     phase='reinstall'), [fires(R, 'NODE2', step=1)]))
    C.append(case(f'{R} compares the step\'s install_type ignoring case', only,
                  rb(['ntop'], n2={'iis__installed': False}, planned=st('install_ntop', install_type='Custom'), on=2,
                     phase='reinstall'), [], [silent(R)]))

    R = 'Q241573-023'
    only = [R, KBL]
    C.append(case(f'{R} fires before a Custom setup that clears other components', only,
                  rb(['ntop'], n2={'iis__installed': False},
                     planned=st('install_ntop', install_type='custom', unchecked_components=['Index Server']), on=2,
                     phase='reinstall'), [fires(R, 'NODE2', step=1)]))
    C.append(case(f'{R} compares the step\'s components as a set ignoring case', only,
                  rb(['ntop'], n2={'iis__installed': False},
                     planned=st('install_ntop', install_type='custom', unchecked_components=['smtp service', 'index server']),
                     on=2, phase='reinstall'), [], [silent(R)]))

    R = 'Q241573-024'
    only = [R, KBL]
    C.append(case(f'{R} fires when the Service Pack is applied right after setup, without a restart', only,
                  rb(SVC + ['os'], n2=up, steps=[st('install_ntop', 'NODE2', install_type='custom'),
                                                 st('apply_service_pack', 'NODE2', service_pack=5)], phase='reinstall'),
                  [fires(R, 'NODE2', step=2)]))
    C.append(case(f'{R} fires when ClusSvc is started right after setup', only,
                  rb(SVC + ['os'], n2=up, steps=[st('install_ntop', 'NODE2'), st('start_service', 'NODE2', service='ClusSvc')],
                     phase='reinstall'),
                  [fires(R, 'NODE2', step=2)]))
    C.append(case(f'{R} stays silent with a restart after setup', only,
                  rb(SVC + ['os'], n2=up, steps=[st('install_ntop', 'NODE2'), st('restart_node', 'NODE2'),
                                                 st('apply_service_pack', 'NODE2', service_pack=5)], phase='reinstall'),
                  [], [silent(R)]))
    C.append(case(f'{R} stays silent on the Service Pack re-applied after the uninstall (IIS not installed)', only,
                  rb(SVC + ['os'], n2=up, steps=[st('uninstall_ntop', 'NODE2'), st('apply_service_pack', 'NODE2', service_pack=5)]),
                  [], [silent(R)]))

    R = 'Q241573-025'
    only = [R, KBL]
    C.append(case(f'{R} fires when ClusSvc is started before the Service Pack is re-applied', only,
                  rb(SVC + ['os'], n2=up, steps=[st('install_ntop', 'NODE2'), st('restart_node', 'NODE2'),
                                                 st('start_service', 'NODE2', service='ClusSvc')], phase='reinstall'),
                  [fires(R, 'NODE2', step=3)]))
    C.append(case(f'{R} stays silent when the Service Pack was re-applied and the node restarted', only,
                  rb(SVC + ['os'], n2=up, steps=[st('install_ntop', 'NODE2'), st('restart_node', 'NODE2'),
                                                 st('apply_service_pack', 'NODE2', service_pack=5), st('restart_node', 'NODE2'),
                                                 st('start_service', 'NODE2', command='net start ClusSvc')], phase='reinstall'),
                  [], [silent(R)]))
    C.append(case(f'{R} does not judge the start of another service', only,
                  rb(SVC + ['os'], n2=up, steps=[st('install_ntop', 'NODE2'), st('restart_node', 'NODE2'),
                                                 st('start_service', 'NODE2', service='W3SVC')], phase='reinstall'),
                  [], [silent(R)]))

    R = 'Q241573-026'
    only = [R, KBL]
    C.append(case(f'{R} fires on the final state of a runbook that leaves ClusSvc stopped', only,
                  rb(SVC, steps=[st('stop_service', 'NODE2', service='ClusSvc')], phase='configure_iis'),
                  [fires(R, 'NODE2')]))
    C.append(case(f'{R} stays silent on a final state with ClusSvc running and automatic', only,
                  rb(SVC, steps=[st('stop_service', 'NODE2', service='ClusSvc'),
                                 st('set_service_startup', 'NODE2', service='ClusSvc', start_type='manual'),
                                 st('start_service', 'NODE2', service='ClusSvc'),
                                 st('set_service_startup', 'NODE2', service='ClusSvc', start_type='automatic')],
                     phase='configure_iis'), [], [silent(R)]))

    # ---- D. Reclustering
    R = 'Q241573-030'
    only = [R, KBL]
    C.append(case(f'{R} fires on the final state of a runbook that removes MSDTC from a node', only,
                  rb(['msdtc'], steps=[st('msdtc_remove', 'NODE2')], phase='configure_iis', groups=True),
                  [fires(R, 'NODE2')]))
    C.append(case(f'{R} stays silent when the runbook joins MSDTC again', only,
                  rb(['msdtc'], steps=[st('msdtc_remove', 'NODE2'), st('msdtc_join', 'NODE2')], phase='configure_iis', groups=True),
                  [], [silent(R)]))

    R = 'Q241573-031'
    only = [R, KBL]
    base_steps = [st('set_affect_the_group', resource='Web Site 1', value=False), st('set_affect_the_group', resource='MSDTC', value=False)]
    test_steps = [st('move_group', group='IIS Group', to='NODE2'), st('verify', 'NODE2', check='msdtc_online'),
                  st('move_group', group='IIS Group', to='NODE1')]
    sync = [st('configure_mts_replication', share='C$', remote_server_name='NODE2'), st('iissync', target='NODE2', shell='cmd')]
    C.append(case(f'{R} fires when IISSYNC is not preceded by the MSDTC failover test', only,
                  rb(steps=base_steps + sync, groups=True), [fires(R, step=4)]))
    C.append(case(f'{R} stays silent with the move and the verify before IISSYNC', only,
                  rb(steps=base_steps + test_steps + sync, groups=True), [], [silent(R)]))
    C.append(case(f'{R} fires when MSDTC is verified on the working node instead', only,
                  rb(steps=base_steps + [st('move_group', group='IIS Group', to='NODE2'), st('verify', 'NODE1', check='msdtc_online')] + sync,
                     groups=True), [fires(R, step=6)]))
    C.append(case(f'{R} accepts a Dtcsetup recluster instead of the test', only,
                  rb(steps=[st('dtcsetup', 'NODE1', variant='q234673'), st('dtcsetup', 'NODE2', variant='q234673')] + sync, groups=True),
                  [], [silent(R)]))
    C.append(case(f'{R} stays silent in a full rebuild (MSDTC is reinstalled there)', only,
                  rb(steps=sync, groups=True, scenario='full_rebuild', phase='reinstall'), [], [silent(R)]))

    R = 'Q241573-032'
    only = [R, KBL]
    C.append(case(f'{R} fires for each IIS instance and MSDTC resource of a group moved with Affect the group on', only,
                  rb(steps=[st('move_group', group='IIS Group', to='NODE2')], groups=True),
                  [fires(R, step=1), fires(R, step=1)]))
    C.append(case(f'{R} stays silent after Affect the group was cleared on both', only,
                  rb(steps=base_steps + [st('move_group', group='iis group', to='node2')], groups=True), [], [silent(R)]))
    C.append(case(f'{R} stays silent outside a procedure', only,
                  rb(steps=[st('move_group', group='IIS Group', to='NODE2')], groups=True, scenario=None), [], [silent(R)]))
    C.append(case(f'{R} ignores resources of other kinds (Cluster Group has none)', only,
                  rb(steps=[st('move_group', group='Cluster Group', to='NODE2')], groups=True), [], [silent(R)]))

    R = 'Q241573-033'
    only = [R, KBL]
    C.append(case(f'{R} fires on the final state of a runbook that leaves Affect the group off', only,
                  rb(steps=[st('set_affect_the_group', resource='MSDTC', value=False)], groups=True, scenario=None),
                  [fires(R, 'NODE1')]))
    C.append(case(f'{R} stays silent when the runbook turns it on again', only,
                  rb(steps=[st('set_affect_the_group', resource='MSDTC', value=False),
                            st('set_affect_the_group', resource='MSDTC', value=True)], groups=True, scenario=None), [], [silent(R)]))

    R = 'Q241573-034'
    only = [R, KBL]
    C.append(case(f'{R} fires when Affect the group is re-enabled right after IISSYNC', only,
                  rb(steps=base_steps + test_steps + sync + [st('set_affect_the_group', resource='Web Site 1', value=True)],
                     groups=True), [fires(R, step=8)]))
    C.append(case(f'{R} stays silent after the failover test of the Web sites', only,
                  rb(steps=base_steps + test_steps + sync + [st('move_group', group='IIS Group', to='NODE2'),
                                                             st('verify', 'NODE2', check='websites'),
                                                             st('move_group', group='IIS Group', to='NODE1'),
                                                             st('set_affect_the_group', resource='Web Site 1', value=True)],
                     groups=True), [], [silent(R)]))
    C.append(case(f'{R} does not count a failover test made before the last IISSYNC', only,
                  rb(steps=base_steps + test_steps + [st('move_group', group='IIS Group', to='NODE2'),
                                                      st('verify', 'NODE2', check='websites'),
                                                      st('move_group', group='IIS Group', to='NODE1')] + sync +
                     [st('set_affect_the_group', resource='Web Site 1', value=True)],
                     groups=True), [fires(R, step=11)]))

    R = 'Q241573-035'
    only = [R, KBL]
    n1 = node(1, groups=True)
    resource(n1, 'MSDTC')['name'] = 'MSDTC Old'
    n1['runbook'] = {'name': 'add a second MSDTC', 'steps': [st('msdtc_install', 'NODE1', log_path='S:\\MSDTCLog', virtual_server='WEBCLUS')]}
    C.append(case(f'{R} fires on the final state of a runbook that installs a second MSDTC resource', only,
                  files(n1, node(2)), [fires(R, 'NODE1')]))

    # ---- E. MSDTC method
    OS = ['os', 'sql']
    R = 'Q241573-040'
    only = [R, KBL]
    sp3 = {'os__service_pack': 3}
    C.append(case(f'{R} fires on Dtcsetup on SP3 without SQL Server', only,
                  rb(OS, n1=sp3, n2=sp3, planned=st('dtcsetup', variant='svcpack'), on=2, phase='recluster_msdtc'),
                  [fires(R, 'NODE2', step=1)]))
    C.append(case(f'{R} accepts SP3 with SQL 6.5 SP5a on a node', only,
                  rb(OS, n1={**sp3, 'sql': {'installed': True, 'version': '6.5', 'service_pack': '5a'}}, n2=sp3,
                     planned=st('dtcsetup', variant='svcpack'), on=2, phase='recluster_msdtc'), [], [silent(R)]))
    C.append(case(f'{R} does not accept SQL 6.5 SP5 (only 5a)', only,
                  rb(OS, n1={**sp3, 'sql': {'installed': True, 'version': '6.5', 'service_pack': '5'}}, n2=sp3,
                     planned=st('dtcsetup', variant='svcpack'), on=2, phase='recluster_msdtc'), [fires(R, 'NODE2', step=1)]))
    C.append(case(f'{R} accepts SP3 with SQL 7.0', only,
                  rb(OS, n1=sp3, n2={**sp3, 'sql': {'installed': True, 'version': '7.0', 'service_pack': '1'}},
                     planned=st('dtcsetup', variant='svcpack'), on=2, phase='recluster_msdtc'), [], [silent(R)]))

    R = 'Q241573-041'
    only = [R, KBL]
    sp4 = {'os__service_pack': 4}
    C.append(case(f'{R} fires on the Q234673 Dtcsetup on SP4', only,
                  rb(OS, n1=sp4, n2=sp4, planned=st('dtcsetup', variant='q234673'), on=2, phase='recluster_msdtc'),
                  [fires(R, 'NODE2', step=1)]))
    C.append(case(f'{R} stays silent on the Q234673 Dtcsetup on SP5 (variant in upper case)', only,
                  rb(OS, planned=st('dtcsetup', variant='Q234673'), on=2, phase='recluster_msdtc'), [], [silent(R)]))

    R = 'Q241573-042'
    only = [R, KBL]
    C.append(case(f'{R} fires on the svcpack Dtcsetup on SP5', only,
                  rb(OS, planned=st('dtcsetup', variant='svcpack'), on=2, phase='recluster_msdtc'), [fires(R, 'NODE2', step=1)]))
    C.append(case(f'{R} fires on SP5 even with SQL 7.0 (SP5 takes precedence)', only,
                  rb(OS, n2={'sql': {'installed': True, 'version': '7.0', 'service_pack': '1'}},
                     planned=st('dtcsetup', variant='svcpack'), on=2, phase='recluster_msdtc'), [fires(R, 'NODE2', step=1)]))
    C.append(case(f'{R} stays silent on the svcpack Dtcsetup on SP4', only,
                  rb(OS, n1=sp4, n2=sp4, planned=st('dtcsetup', variant='svcpack'), on=2, phase='recluster_msdtc'), [], [silent(R)]))

    R = 'Q241573-043'
    only = [R, KBL]
    sp6 = {'os__service_pack': 6, 'os__service_pack_suffix': 'a'}
    C.append(case(f'{R} fires once on SP6a, about the node the step runs on', only,
                  rb(OS, n1=sp6, n2=sp6, planned=st('dtcsetup', variant='q234673'), on=2, phase='recluster_msdtc'),
                  [fires(R, step=1)]))
    C.append(case(f'{R} stays silent on SP4 and SP5', only,
                  rb(OS, n1=sp4, planned=st('dtcsetup', variant='q234673'), on=2, phase='recluster_msdtc'), [], [silent(R)]))

    # ---- F. Dtcsetup
    R = 'Q241573-045'
    only = [R, KBL]
    staged = {'msdtc__dtcsetup_staged': {'path': 'C:\\Temp\\DTC', 'variant': 'q234673'}}
    C.append(case(f'{R} fires when Dtcsetup is not staged on the other node', only,
                  rb(['msdtc'], n2=staged, planned=st('dtcsetup', variant='q234673'), on=2, phase='recluster_msdtc'),
                  [fires(R, step=1)]))
    C.append(case(f'{R} fires when the staged variant differs from the step\'s', only,
                  rb(['msdtc'], n1={'msdtc__dtcsetup_staged': {'path': 'C:\\Temp\\DTC', 'variant': 'svcpack'}}, n2=staged,
                     planned=st('dtcsetup', variant='q234673'), on=2, phase='recluster_msdtc'), [fires(R, step=1)]))
    C.append(case(f'{R} stays silent when both nodes staged the same Dtcsetup', only,
                  rb(['msdtc'], n1=staged, n2=staged, planned=st('dtcsetup', variant='q234673'), on=2, phase='recluster_msdtc'),
                  [], [silent(R)]))

    R = 'Q241573-046'
    only = [R, KBL]
    quiet = {'services': {'ClusSvc': {'state': 'running', 'start_type': 'automatic'},
                          'MSDTC': {'state': 'stopped', 'start_type': 'manual'},
                          'IISADMIN': {'state': 'stopped', 'start_type': 'automatic'}},
             'mts__server_processes_running': False}
    n1 = node(1, ['mts'], groups=True, **quiet)
    resource(n1, 'MSDTC')['state'] = 'offline'
    n2 = node(2, ['mts'], **quiet)
    n2['planned'] = st('dtcsetup', variant='q234673')
    C.append(case(f'{R} stays silent when MSDTC and its dependants are stopped', only, files(n1, n2), [], [silent(R)]))
    n1b = node(1, ['mts'], groups=True, **quiet)
    C.append(case(f'{R} fires while the MSDTC resource is online', only, files(n1b, n2), [fires(R, step=1)]))
    n2b = node(2, ['mts'], **quiet)
    n2b['services']['IISADMIN']['state'] = 'running'
    n2b['planned'] = st('dtcsetup', variant='q234673')
    C.append(case(f'{R} fires while IIS Admin runs on a node', only, files(n1, n2b), [fires(R, step=1)]))
    n2c = node(2, ['mts'], **quiet)
    n2c['services']['COMTI'] = {'state': 'running', 'start_type': 'automatic', 'depends_on': ['msdtc']}
    n2c['services']['MyApp'] = {'state': 'running', 'start_type': 'automatic', 'depends_on': ['COMTI']}
    n2c['planned'] = st('dtcsetup', variant='q234673')
    C.append(case(f'{R} follows depends_on to MSDTC through other services (one finding for the node)', only, files(n1, n2c),
                  [fires(R, step=1)]))
    n2d = node(2, ['mts'], **quiet)
    n2d['mts']['server_processes_running'] = True
    n2d['planned'] = st('dtcsetup', variant='q234673')
    C.append(case(f'{R} fires while MTS server processes run', only, files(n1, n2d), [fires(R, step=1)]))

    R = 'Q241573-047'
    only = [R, KBL]
    C.append(case(f'{R} fires while Control Panel is open on a node', only,
                  rb(['desktop'], n1={'desktop__open_tools': ['control_panel']}, planned=st('dtcsetup', variant='q234673'), on=2,
                     phase='recluster_msdtc'), [fires(R, step=1)]))
    C.append(case(f'{R} stays silent with other tools open', only,
                  rb(['desktop'], n1={'desktop__open_tools': ['mts_explorer']}, planned=st('dtcsetup', variant='q234673'), on=2,
                     phase='recluster_msdtc'), [], [silent(R)]))
    C.append(case(f'{R} stays silent when a step closes Control Panel first', only,
                  rb(['desktop'], n1={'desktop__open_tools': ['control_panel']},
                     steps=[st('close_tool', 'NODE1', tool='control_panel'), st('dtcsetup', 'NODE1', variant='q234673')],
                     phase='recluster_msdtc'), [], [silent(R)]))

    R = 'Q241573-048'
    only = [R, KBL]
    C.append(case(f'{R} fires when Dtcsetup runs first on the node that does not own MSDTC', only,
                  rb(['msdtc'], steps=[st('dtcsetup', 'NODE2', variant='q234673'), st('dtcsetup', 'NODE1', variant='q234673')],
                     phase='recluster_msdtc', groups=True), [fires(R, step=1)]))
    C.append(case(f'{R} stays silent on owner first, then the other node', only,
                  rb(['msdtc'], steps=[st('dtcsetup', 'NODE1', variant='q234673'), st('dtcsetup', 'NODE2', variant='q234673')],
                     phase='recluster_msdtc', groups=True), [], [silent(R)]))
    C.append(case(f'{R} follows a move of the MSDTC group before Dtcsetup', only,
                  rb(['msdtc'], steps=[st('move_group', group='IIS Group', to='NODE2'),
                                       st('dtcsetup', 'NODE2', variant='q234673'), st('dtcsetup', 'NODE1', variant='q234673')],
                     phase='recluster_msdtc', groups=True), [], [silent(R)]))
    C.append(case(f'{R} fires when a node never gets Dtcsetup', only,
                  rb(['msdtc'], steps=[st('dtcsetup', 'NODE1', variant='q234673')], phase='recluster_msdtc', groups=True),
                  [fires(R)]))
    C.append(case(f'{R} fires on a planned Dtcsetup on the other node before the owner ran it', only,
                  rb(['msdtc'], planned=st('dtcsetup', variant='q234673'), on=2, phase='recluster_msdtc', groups=True),
                  [fires(R, step=1)]))
    C.append(case(f'{R} accepts a planned Dtcsetup on the other node once the owner ran it', only,
                  rb(['msdtc'], n1={'msdtc__dtcsetup_done': True}, planned=st('dtcsetup', variant='q234673'), on=2,
                     phase='recluster_msdtc', groups=True), [], [silent(R)]))

    R = 'Q241573-049'
    only = [R, KBL]
    two = [st('dtcsetup', 'NODE1', variant='q234673'), st('dtcsetup', 'NODE2', variant='q234673')]
    C.append(case(f'{R} fires on a runbook that stops after Dtcsetup', only,
                  rb(['msdtc', 'services'], steps=two, phase='recluster_msdtc', groups=True),
                  [fires(R), fires(R), fires(R, message='on NODE1; ')]))
    C.append(case(f'{R} stays silent when MSDTC is brought online, tested on the other node and the dependants restarted', only,
                  rb(['msdtc', 'services'], steps=two + [st('bring_online', resource='MSDTC'),
                                                         st('move_group', group='IIS Group', to='NODE2'),
                                                         st('verify', 'NODE2', check='msdtc_online'),
                                                         st('restart_node', 'NODE1'), st('start_service', 'NODE2', services=['IISADMIN', 'W3SVC', 'MSFTPSVC'])],
                     phase='recluster_msdtc', groups=True), [], [silent(R)]))

    # ---- G. Manual method
    R = 'Q241573-050'
    only = [R, KBL]
    C.append(case(f'{R} fires on msdtc -remove while an MSDTC resource exists', only,
                  rb(['msdtc'], planned=st('msdtc_remove'), on=1, phase='recluster_msdtc', groups=True), [fires(R, step=1)]))
    C.append(case(f'{R} stays silent after a step deleted the resource', only,
                  rb(['msdtc'], steps=[st('delete_resource', resource='msdtc'), st('msdtc_remove', 'NODE1')], phase='recluster_msdtc',
                     groups=True), [], [silent(R)]))

    R = 'Q241573-051'
    only = [R, KBL]
    C.append(case(f'{R} fires while Cluster Administrator is open', only,
                  rb(['desktop'], n2={'desktop__open_tools': ['cluster_administrator']}, planned=st('msdtc_join'), on=2,
                     phase='recluster_msdtc'), [fires(R, 'NODE2', step=1)]))
    C.append(case(f'{R} stays silent when it was closed by an earlier step', only,
                  rb(['desktop'], n2={'desktop__open_tools': ['cluster_administrator']},
                     steps=[st('close_tool', 'NODE2', tool='cluster_administrator'), st('msdtc_remove', 'NODE2')],
                     phase='recluster_msdtc'), [], [silent(R)]))

    R = 'Q241573-052'
    only = [R, KBL]
    good = [st('delete_resource', resource='MSDTC'), st('msdtc_remove', 'NODE1'), st('msdtc_remove', 'NODE2'),
            st('msdtc_install', 'NODE1', log_path='S:\\MSDTCLog', virtual_server='WEBVS'), st('msdtc_join', 'NODE2')]
    C.append(case(f'{R} stays silent on the article\'s order', only,
                  rb(['msdtc'], steps=good, phase='recluster_msdtc', groups=True), [], [silent(R)]))
    C.append(case(f'{R} accepts the two removes in either order', only,
                  rb(['msdtc'], steps=[good[0], good[2], good[1], good[3], good[4]], phase='recluster_msdtc', groups=True),
                  [], [silent(R)]))
    C.append(case(f'{R} fires when msdtc -install runs on the rebuilt node', only,
                  rb(['msdtc'], steps=good[:3] + [st('msdtc_install', 'NODE2', log_path='S:\\MSDTCLog', virtual_server='WEBVS'),
                                                  st('msdtc_join', 'NODE2')], phase='recluster_msdtc', groups=True),
                  [fires(R, step=4)]))
    C.append(case(f'{R} fires when msdtc -join runs on the working node', only,
                  rb(['msdtc'], steps=good[:4] + [st('msdtc_join', 'NODE1')], phase='recluster_msdtc', groups=True),
                  [fires(R, step=5)]))
    C.append(case(f'{R} fires when a remove is missing before the install', only,
                  rb(['msdtc'], steps=[good[0], good[1], good[3], good[4]], phase='recluster_msdtc', groups=True),
                  [fires(R, step=3)]))
    C.append(case(f'{R} fires when -join comes before -install', only,
                  rb(['msdtc'], steps=good[:3] + [good[4], good[3]], phase='recluster_msdtc', groups=True),
                  [fires(R, step=4)]))
    C.append(case(f'{R} fires on a planned -install while MSDTC is still installed somewhere', only,
                  rb(['msdtc'], planned=st('msdtc_install', log_path='S:\\MSDTCLog', virtual_server='WEBVS'), on=1,
                     phase='recluster_msdtc'), [fires(R, step=1)]))
    C.append(case(f'{R} fires on a planned -join while the working node has no clustered MSDTC', only,
                  rb(['msdtc'], n1={'msdtc__mode': 'absent'}, n2={'msdtc__mode': 'absent'}, planned=st('msdtc_join'), on=2,
                     phase='recluster_msdtc'), [fires(R, step=1)]))

    def inst(**kw):
        d = {'log_path': 'S:\\MSDTCLog', 'virtual_server': 'WEBVS'}
        d.update(kw)
        return st('msdtc_install', **d)

    def g_case(rid, title, step, expect_fire, extra_steps=()):
        fs = rb(['msdtc'], steps=list(extra_steps) + [step], phase='recluster_msdtc', groups=True)
        idx = len(extra_steps) + 1
        return case(f'{rid} {title}', [rid, KBL], fs, [fires(rid, step=idx)] if expect_fire else [],
                    [] if expect_fire else [silent(rid)])

    R = 'Q241573-053'
    C.append(g_case(R, 'fires on a DTC log on a local drive', inst(node='NODE1', log_path='C:\\MSDTCLog'), True))
    C.append(g_case(R, 'accepts a log on the shared disk S: (lower-case drive)', inst(node='NODE1', log_path='s:\\MSDTCLog'), False))
    C.append(g_case(R, 'reads -l from the command line', st('msdtc_install', 'NODE1',
                                                            command='msdtc -install -d %windir%\\system32 -l C:\\MSDTCLog -v WEBVS'), True))
    R = 'Q241573-054'
    C.append(g_case(R, 'fires when the log directory does not exist', inst(node='NODE1', log_path='S:\\DTCLogs'), True))
    C.append(g_case(R, 'stays silent when an earlier step creates the directory', inst(node='NODE1', log_path='S:\\DTCLogs'), False,
                    [st('create_directory', 'NODE1', path='S:\\DTCLogs')]))
    C.append(g_case(R, 'compares directories ignoring case and a trailing backslash', inst(node='NODE1', log_path='s:\\msdtclog\\'), False))
    R = 'Q241573-055'
    C.append(g_case(R, 'fires when -v is a node name', inst(node='NODE1', virtual_server='NODE1'), True))
    C.append(g_case(R, 'fires when -v is the display name of the Network Name resource', inst(node='NODE1', virtual_server='IIS Network Name'), True))
    C.append(g_case(R, 'accepts the Network Name in another case', inst(node='NODE1', virtual_server='webvs'), False))
    R = 'Q241573-056'
    C.append(g_case(R, 'fires when the log disk is in another group than the Network Name', inst(node='NODE1', log_path='Q:\\MSDTCLog'), True,
                    [st('create_directory', 'NODE1', path='Q:\\MSDTCLog')]))
    C.append(g_case(R, 'stays silent with the log on a disk of the -v group', inst(node='NODE1'), False))
    R = 'Q241573-057'
    C.append(g_case(R, 'fires on the article\'s own example "msdtc - install"',
                    st('msdtc_install', 'NODE1', command='msdtc - install -d %windir%\\system32 -l S:\\MSDTCLog -v WEBVS'), True))
    C.append(g_case(R, 'fires when -install lacks -v',
                    st('msdtc_install', 'NODE1', command='msdtc -install -d %windir%\\system32 -l S:\\MSDTCLog', virtual_server='WEBVS'), True))
    C.append(g_case(R, 'fires when -d is not %windir%\\system32',
                    st('msdtc_install', 'NODE1', command='msdtc -install -d C:\\Temp -l S:\\MSDTCLog -v WEBVS'), True))
    C.append(g_case(R, 'accepts -d C:\\WINNT\\System32 (windir expanded, case)',
                    st('msdtc_install', 'NODE1', command='msdtc -install -d C:\\WINNT\\System32 -l S:\\MSDTCLog -v WEBVS'), False))
    C.append(g_case(R, 'accepts the documented syntax', st('msdtc_install', 'NODE1',
                                                           command='msdtc -install -d %windir%\\system32 -l S:\\MSDTCLog -v WEBVS'), False))

    R = 'Q241573-058'
    only = [R, KBL]
    C.append(case(f'{R} fires on a planned bring_online of MSDTC with Affect the group on, in phase recluster_msdtc', only,
                  rb(planned=st('bring_online', resource='MSDTC'), phase='recluster_msdtc', groups=True), [fires(R, step=1)]))
    C.append(case(f'{R} stays silent on a planned bring_online in another phase', only,
                  rb(planned=st('bring_online', resource='MSDTC'), phase='configure_iis', groups=True), [], [silent(R)]))
    C.append(case(f'{R} fires when the runbook brings the MSDTC created by msdtc -install online', only,
                  rb(steps=good + [st('bring_online', resource='MSDTC')], phase='configure_iis', groups=True), [fires(R, step=6)]))
    C.append(case(f'{R} stays silent when Affect the group was cleared first', only,
                  rb(steps=good + [st('set_affect_the_group', resource='MSDTC', value=False), st('bring_online', resource='MSDTC')],
                     phase='configure_iis', groups=True), [], [silent(R)]))
    C.append(case(f'{R} ignores other resources', only,
                  rb(planned=st('bring_online', resource='Web Site 1'), phase='recluster_msdtc', groups=True), [], [silent(R)]))

    R = 'Q241573-059'
    only = [R, KBL]
    C.append(case(f'{R} fires when nothing follows msdtc -join', only,
                  rb(['msdtc'], steps=good, phase='recluster_msdtc', groups=True), [fires(R), fires(R)]))
    C.append(case(f'{R} stays silent with online, move, verify and move back', only,
                  rb(['msdtc'], steps=good + [st('set_affect_the_group', resource='MSDTC', value=False),
                                              st('bring_online', resource='MSDTC'),
                                              st('move_group', group='IIS Group', to='NODE2'),
                                              st('verify', 'NODE2', check='msdtc_online'),
                                              st('move_group', group='IIS Group', to='NODE1')],
                     phase='recluster_msdtc', groups=True), [], [silent(R)]))
    C.append(case(f'{R} fires when the group is not moved back', only,
                  rb(['msdtc'], steps=good + [st('bring_online', resource='MSDTC'), st('move_group', group='IIS Group', to='NODE2'),
                                              st('verify', 'NODE2', check='msdtc_online')],
                     phase='recluster_msdtc', groups=True), [fires(R)]))

    # ---- H. MTS replication and IISSYNC at a step
    MTS = ['mts']
    R = 'Q241573-060'
    only = [R, KBL]
    C.append(case(f'{R} judges the source of a planned IISSYNC in any phase', only,
                  rb(MTS, n1={'mts__replication__share': 'D$'}, planned=st('iissync', target='NODE2', shell='cmd'), phase='uninstall'),
                  [fires(R, 'NODE1', step=1)]))
    C.append(case(f'{R} does not judge the target of a planned IISSYNC', only,
                  rb(MTS, n2={'mts__replication__share': 'D$'}, planned=st('iissync', target='NODE2', shell='cmd'), phase='uninstall'),
                  [], [silent(R)]))
    C.append(case(f'{R} sees the share set by an earlier configure_mts_replication step', only,
                  rb(MTS, n1={'mts__replication__share': 'D$'},
                     steps=[st('configure_mts_replication', 'NODE1', share='c$', remote_server_name='NODE2'),
                            st('iissync', 'NODE1', target='NODE2', shell='cmd')], phase='uninstall'), [], [silent(R)]))
    R = 'Q241573-061'
    only = [R, KBL]
    C.append(case(f'{R} fires at an IISSYNC step when the source names the cluster', only,
                  rb(MTS, n1={'mts__replication__remote_server_name': 'TESTCLUS'}, planned=st('iissync', target='NODE2'),
                     phase='reinstall'), [fires(R, 'NODE1', step=1)]))
    R = 'Q241573-062'
    only = [R, KBL]
    C.append(case(f'{R} fires at an IISSYNC step when the source uses the FQDN', only,
                  rb(MTS, n1={'mts__replication__remote_server_name': 'NODE2.corp.example.com'}, planned=st('iissync', target='NODE2'),
                     phase='reinstall'), [fires(R, 'NODE1', step=1)]))

    R = 'Q241573-063'
    only = [R, KBL]
    C.append(case(f'{R} fires on a planned IISSYNC from command.com', only,
                  rb(planned=st('iissync', target='NODE2', shell='command'), phase='configure_iis'), [fires(R, 'NODE1', step=1)]))
    C.append(case(f'{R} stays silent on cmd ("CMD")', only,
                  rb(planned=st('iissync', target='NODE2', shell='CMD'), phase='configure_iis'), [], [silent(R)]))
    C.append(case(f'{R} fires on a recorded run from command.com', only,
                  pair(n1={'iissync': runs(run(status=0, shell='command'))}), [fires(R, 'NODE1')]))

    R = 'Q241573-064'
    only = [R, KBL]
    C.append(case(f'{R} fires on IISSYNC from the rebuilt node', only,
                  rb(planned=st('iissync', target='NODE1', shell='cmd'), on=2, phase='configure_iis'), [fires(R, 'NODE2', step=1)]))
    C.append(case(f'{R} fires on a runbook step that runs IISSYNC on the rebuilt node', only,
                  rb(steps=[st('iissync', 'node2', target='NODE1')], phase='configure_iis'), [fires(R, 'NODE2', step=1)]))
    C.append(case(f'{R} stays silent on IISSYNC from the working node', only,
                  rb(planned=st('iissync', target='NODE2', shell='cmd'), phase='configure_iis'), [], [silent(R)]))

    R = 'Q241573-065'
    only = [R, KBL]
    C.append(case(f'{R} fires when IISSYNC targets the working node itself', only,
                  rb(planned=st('iissync', target='NODE1'), phase='configure_iis'), [fires(R, step=1)]))
    C.append(case(f'{R} accepts \\\\node2 as the rebuilt node', only,
                  rb(planned=st('iissync', target='\\\\node2'), phase='configure_iis'), [], [silent(R)]))
    C.append(case(f'{R} reads the target from the command line', only,
                  rb(planned=st('iissync', command='C:\\WINNT\\system32\\inetsrv\\iissync.exe NODE2'), phase='configure_iis'),
                  [], [silent(R)]))
    C.append(case(f'{R} fires when the command targets the virtual server', only,
                  rb(planned=st('iissync', command='iissync WEBVS'), phase='configure_iis'), [fires(R, step=1)]))

    R = 'Q241573-066'
    only = [R, KBL]
    C.append(case(f'{R} fires at steady state on IISSYNC from the node that does not own the IIS group', only,
                  rb(planned=st('iissync', target='NODE1'), on=2, scenario=None, groups=True), [fires(R, step=1)]))
    C.append(case(f'{R} stays silent on IISSYNC from the owner', only,
                  rb(planned=st('iissync', target='NODE2'), on=1, scenario=None, groups=True), [], [silent(R)]))
    C.append(case(f'{R} follows an earlier move of the IIS group', only,
                  rb(steps=[st('move_group', group='IIS Group', to='NODE2'), st('iissync', 'NODE2', target='NODE1')],
                     scenario=None, groups=True), [], [silent(R)]))

    R = 'Q241573-067'
    only = [R, KBL]
    C.append(case(f'{R} fires after an IISSYNC step whose result is non-zero', only,
                  rb(steps=[st('iissync', 'NODE1', target='NODE2', result={'exit_status': 2148598794})], phase='configure_iis'),
                  [fires(R, 'NODE1', step=1)]))
    C.append(case(f'{R} reads a step result given as hex text', only,
                  rb(steps=[st('iissync', 'NODE1', target='NODE2', result={'exit_status_hex': '80110408'})], phase='configure_iis'),
                  [fires(R, 'NODE1', step=1)]))
    C.append(case(f'{R} stays silent after an IISSYNC step that returned 0', only,
                  rb(steps=[st('iissync', 'NODE1', target='NODE2', result={'exit_status': 0})], phase='configure_iis'), [], [silent(R)]))
    C.append(case(f'{R} stays silent on a failure followed by a successful rerun to the same target (6 A24)', only,
                  rb(steps=[st('iissync', 'NODE1', target='NODE2', result={'exit_status': 1722}),
                            st('iissync', 'NODE1', target='NODE2', result={'exit_status': 0})], phase='configure_iis'),
                  [], [silent(R)]))
    C.append(case(f'{R} judges each recorded step: a success then a failed rerun', only,
                  rb(steps=[st('iissync', 'NODE1', target='NODE2', result={'exit_status': 0}),
                            st('iissync', 'NODE1', target='NODE2', result={'exit_status': 1722})], phase='configure_iis'),
                  [fires(R, 'NODE1', step=2)]))
    C.append(case(f'{R} does not judge an IISSYNC step without a result', only,
                  rb(steps=[st('iissync', 'NODE1', target='NODE2')], phase='configure_iis'), [], [silent(R)]))

    R = 'Q241573-068'
    only = [R, KBL]
    C.append(case(f'{R} fires on Dtcsetup after the first IISSYNC', only,
                  rb(steps=sync + [st('dtcsetup', 'NODE1', variant='q234673')], groups=True), [fires(R, step=3)]))
    C.append(case(f'{R} fires on MTS replication configured on the source after IISSYNC', only,
                  rb(steps=[st('iissync', 'NODE1', target='NODE2'), st('configure_mts_replication', 'NODE1', share='C$', remote_server_name='NODE2')]),
                  [fires(R, step=2)]))
    C.append(case(f'{R} fires on an MSDTC verify after IISSYNC', only,
                  rb(steps=[st('iissync', 'NODE1', target='NODE2'), st('verify', 'NODE2', check='msdtc_online')]),
                  [fires(R, step=2)]))
    C.append(case(f'{R} allows the final failover test (moves) and MTS settings on the other node after IISSYNC', only,
                  rb(steps=[st('iissync', 'NODE1', target='NODE2'), st('configure_mts_replication', 'NODE2', share='C$', remote_server_name='NODE1'),
                            st('move_group', group='IIS Group', to='NODE2'), st('verify', 'NODE2', check='websites')], groups=True),
                  [], [silent(R)]))

    # ---- Q224801 preconditions at an IISSYNC step
    R = 'Q224801-021'
    only = [R, KBL]
    C.append(case(f'{R} fires when the target is the virtual server', only,
                  rb(planned=st('iissync', target='WEBVS'), scenario=None), [fires(R, step=1)]))
    C.append(case(f'{R} fires when the target is the source itself', only,
                  rb(planned=st('iissync', target='node1'), scenario=None), [fires(R, step=1)]))
    C.append(case(f'{R} accepts the DNS name of the other node', only,
                  rb(planned=st('iissync', target='node2.corp.example.com'), scenario=None), [], [silent(R)]))
    C.append(case(f'{R} accepts an IP address of the other node', only,
                  rb(['network'], planned=st('iissync', target='10.0.0.12'), scenario=None), [], [silent(R)]))

    R = 'Q224801-022'
    only = [R, KBL]
    local = {'mts__administration': 'local'}
    C.append(case(f'{R} fires when the target uses Local Administration and nobody is logged on', only,
                  rb(MTS, n2={**local, 'sessions': []}, planned=st('iissync', target='NODE2'), scenario=None),
                  [fires(R, step=1)]))
    C.append(case(f'{R} stays silent with a local administrator logged on interactively', only,
                  rb(MTS, n2={**local, 'sessions': [{'account': 'CORP\\clusadmin', 'type': 'interactive', 'local_admin': True}]},
                     planned=st('iissync', target='NODE2'), scenario=None), [], [silent(R)]))
    C.append(case(f'{R} does not count a network session', only,
                  rb(MTS, n2={**local, 'sessions': [{'account': 'CORP\\clusadmin', 'type': 'network', 'local_admin': True}]},
                     planned=st('iissync', target='NODE2'), scenario=None), [fires(R, step=1)]))
    C.append(case(f'{R} derives local_admin from the Administrators group when it is omitted', only,
                  rb(MTS + ['local_groups'], n2={**local, 'sessions': [{'account': 'corp\\CLUSADMIN', 'type': 'interactive'}]},
                     planned=st('iissync', target='NODE2'), scenario=None), [], [silent(R)]))
    C.append(case(f'{R} sees a logon made by an earlier step', only,
                  rb(MTS, n2=local, steps=[st('logon', 'NODE2', account='CORP\\clusadmin', type='interactive', local_admin=True),
                                           st('iissync', 'NODE1', target='NODE2')], scenario=None), [], [silent(R)]))
    C.append(case(f'{R} stays silent when the target uses Remote Administration', only,
                  rb(MTS, planned=st('iissync', target='NODE2'), scenario=None), [], [silent(R)]))

    R = 'Q224801-023'
    only = [R, KBL]
    C.append(case(f'{R} fires when the interactive user on the target is not an administrator', only,
                  rb(MTS, n2={'sessions': [{'account': 'CORP\\webops', 'type': 'interactive', 'local_admin': False}]},
                     planned=st('iissync', target='NODE2'), scenario=None), [fires(R, step=1)]))
    C.append(case(f'{R} stays silent when nobody is logged on (Q224801-022 decides)', only,
                  rb(MTS, planned=st('iissync', target='NODE2'), scenario=None), [], [silent(R)]))

    R = 'Q224801-025'
    only = [R, KBL]
    C.append(case(f'{R} fires when the target metabase is in use', only,
                  rb(n2={'iis__metabase_state': 'in_use'}, planned=st('iissync', target='NODE2'), scenario=None), [fires(R, step=1)]))
    C.append(case(f'{R} fires when the target metabase is corrupt', only,
                  rb(n2={'iis__metabase_state': 'corrupt'}, planned=st('iissync', target='NODE2'), scenario=None), [fires(R, step=1)]))
    C.append(case(f'{R} stays silent when the metabase state is unknown', only,
                  rb(n2={'iis__metabase_state': 'unknown'}, planned=st('iissync', target='NODE2'), scenario=None), [], [silent(R)]))
    C.append(case(f'{R} does not judge the source\'s metabase', only,
                  rb(n1={'iis__metabase_state': 'in_use'}, planned=st('iissync', target='NODE2'), scenario=None), [], [silent(R)]))

    R = 'Q224801-026'
    only = [R, KBL]
    C.append(case(f'{R} fires when packages differ after the latest successful IISSYNC', only,
                  pair(MTS, n1={'iissync': runs(run(status=0)), 'mts__packages': ['IIS In-Process Applications', 'IIS Utilities', 'System', 'Utilities', 'Shop']}),
                  [fires(R, 'NODE1')]))
    C.append(case(f'{R} compares package names ignoring case', only,
                  pair(MTS, n1={'iissync': runs(run(status=0))},
                       n2={'mts__packages': ['iis in-process applications', 'IIS UTILITIES', 'system', 'utilities']}), [], [silent(R)]))
    C.append(case(f'{R} stays silent when the latest run failed', only,
                  pair(MTS, n1={'iissync': runs(run(status=1722)), 'mts__packages': ['Shop']}), [], [silent(R)]))

    R = 'Q224801-003'
    C.append(case(f'{R} decodes the result of an IISSYNC step', [R, KBL],
                  rb(steps=[st('iissync', 'NODE1', target='NODE2', result={'exit_status': 1722})], scenario=None),
                  [fires(R, 'NODE1', step=1)]))

    # ---- Q235698 at a step
    R = 'Q235698-001'
    only = [R, KBL]
    C.append(case(f'{R} fires on the source of a planned IISSYNC without MTS replication, in any phase', only,
                  rb(MTS, n1={'mts__replication__share': ''}, planned=st('iissync', target='NODE2'), phase='configure_iis'),
                  [fires(R, 'NODE1', step=1)]))
    C.append(case(f'{R} stays silent when a step configures replication before IISSYNC', only,
                  rb(MTS, n1={'mts__replication__share': ''},
                     steps=[st('configure_mts_replication', 'NODE1', share='C$', remote_server_name='NODE2'),
                            st('iissync', 'NODE1', target='NODE2')], phase='configure_iis'), [], [silent(R)]))
    R = 'Q235698-002'
    C.append(case(f'{R} fires after an IISSYNC step that returned 2147500037', [R, KBL],
                  rb(steps=[st('iissync', 'NODE1', target='NODE2', result={'exit_status': '2147500037'})], scenario=None),
                  [fires(R, 'NODE1', step=1)]))

    # ---- Q310412 at a step and over a runbook
    iis5 = {'iis__version': '5.0', 'os__version': '5.0', 'os__edition': 'advanced_server'}
    R = 'Q310412-003'
    C.append(case(f'{R} decodes the result of an IIS 5.0 IISSYNC step', [R, KBL],
                  rb(['os'], n1=iis5, n2=iis5, steps=[st('iissync', 'NODE1', target='NODE2', result={'exit_status': 2148007941})],
                     scenario=None), [fires(R, 'NODE1', step=1)]))
    R = 'Q310412-004'
    C.append(case(f'{R} decodes "Class not registered" from an IIS 5.0 IISSYNC step\'s output', [R, KBL],
                  rb(['os'], n1=iis5, n2=iis5, steps=[st('iissync', 'NODE1', target='NODE2',
                                                         result={'output': 'Class not registered error code 2147746132 ( 80040154 )'})],
                     scenario=None), [fires(R, 'NODE1', step=1)]))
    R = 'Q310412-006'
    only = [R, KBL]
    C.append(case(f'{R} fires on the article\'s garbled regsvr32 -u command', only,
                  rb(['os'], n1=iis5, n2=iis5, steps=[st('regsvr32', 'NODE1', command='regsvr32 -u %windir%\\system32\\regsvr32 -u clbcatq.dll')],
                     scenario=None), [fires(R, step=1)]))
    C.append(case(f'{R} fires on regsvr32 /u with the dll as an argument', only,
                  rb(['os'], n1=iis5, n2=iis5, steps=[st('regsvr32', 'NODE2', dll='CLBCATQ.DLL', unregister=True)], scenario=None),
                  [fires(R, step=1)]))
    C.append(case(f'{R} fires on creating ~clbcatq.dll', only,
                  rb(['os'], n1=iis5, n2=iis5, planned=st('create_file', path='C:\\WINNT\\system32\\~clbcatq.dll'), scenario=None),
                  [fires(R, step=1)]))
    C.append(case(f'{R} stays silent on registering clbcatq.dll', only,
                  rb(['os'], n1=iis5, n2=iis5, steps=[st('regsvr32', 'NODE1', command='regsvr32 /s clbcatq.dll')], scenario=None),
                  [], [silent(R)]))
    C.append(case(f'{R} stays silent on IIS 4.0 nodes', only,
                  rb(['os'], steps=[st('regsvr32', 'NODE1', command='regsvr32 -u clbcatq.dll')], scenario=None), [], [silent(R)]))
    C.append(case('Q310412-001 judges the snapshot only: a regsvr32 -u step is Q310412-006\'s finding',
                  ['Q310412-001', KBL],
                  rb(['os', 'complus'], n1=iis5, n2=iis5, steps=[st('regsvr32', 'NODE1', command='regsvr32 -u clbcatq.dll')], scenario=None),
                  [], [silent('Q310412-001')]))

    # ---- Q248739-002
    R = 'Q248739-002'
    only = [R, KBL]
    C.append(case(f'{R} fires on a planned Sysprep clone of a node with IIS', only,
                  rb(planned=st('sysprep_clone'), on=2, scenario=None), [fires(R, step=1)]))
    C.append(case(f'{R} stays silent when the Option Pack was removed first', only,
                  rb(steps=[st('uninstall_ntop', 'NODE2'), st('sysprep_clone', 'NODE2')], scenario=None), [], [silent(R)]))
    C.append(case(f'{R} fires when the runbook installs the Option Pack before cloning', only,
                  rb(steps=[st('uninstall_ntop', 'NODE2'), st('install_ntop', 'NODE2'), st('sysprep_clone', 'NODE2')], scenario=None),
                  [fires(R, step=3)]))
    C.append(case(f'{R} stays silent on a node without IIS', only,
                  rb(n2={'iis__installed': False}, planned=st('sysprep_clone'), on=2, scenario=None), [], [silent(R)]))

    # ---- KBL-008
    R = 'KBL-008'
    only = ['KBL-*']
    C.append(case(f'{R} fires on an action outside the vocabulary', only,
                  rb(steps=[st('reboot', 'NODE2')], scenario=None), [fires(R, step=1)]))
    C.append(case(f'{R} fires on a step for an unknown node', only,
                  rb(steps=[st('restart_node', 'NODE9')], scenario=None), [fires(R, step=1)]))
    C.append(case(f'{R} fires on an unknown group', only,
                  rb(steps=[st('move_group', group='Web Group', to='NODE2')], scenario=None, groups=True), [fires(R, step=1)]))
    C.append(case(f'{R} fires on a move to an unknown node', only,
                  rb(steps=[st('move_group', group='IIS Group', to='NODE3')], scenario=None, groups=True), [fires(R, step=1)]))
    C.append(case(f'{R} fires on an unknown resource', only,
                  rb(steps=[st('bring_online', resource='Web Site 2')], scenario=None, groups=True), [fires(R, step=1)]))
    C.append(case(f'{R} fires when the command contradicts the service argument', only,
                  rb(steps=[st('stop_service', 'NODE2', service='ClusSvc', command='net stop w3svc')], scenario=None),
                  [fires(R, step=1)]))
    C.append(case(f'{R} fires when the command contradicts the IISSYNC target', only,
                  rb(steps=[st('iissync', 'NODE1', target='NODE2', command='iissync NODE1')], scenario=None), [fires(R, step=1)]))
    C.append(case(f'{R} accepts names in another case and a matching command', only,
                  rb(steps=[st('stop_service', 'node2', service='clussvc', command='net stop ClusSvc'),
                            st('move_group', group='iis group', to='node2'),
                            st('bring_online', resource='web site 1')], scenario=None, groups=True), [], [silent(R)]))
    C.append(case(f'{R} fires on a planned change with an unknown action', only,
                  rb(planned=st('defrag'), on=2, scenario=None), [fires(R, 'NODE2', step=1)]))

    # ---- Actions: effects seen by later steps
    C.append(case('stop_service on ClusSvc moves the groups of the node to the other node (seen by Q241573-066)',
                  ['Q241573-066', KBL],
                  rb(SVC, steps=[st('stop_service', 'NODE1', service='ClusSvc'), st('iissync', 'NODE2', target='NODE1')],
                     scenario=None, groups=True), [], [silent('Q241573-066')]))
    C.append(case('restart_node with a manual ClusSvc takes the node out of the cluster (seen by Q241573-004)',
                  ['Q241573-004', KBL],
                  rb(SVC, n1={'services__ClusSvc__start_type': 'manual'},
                     steps=[st('restart_node', 'NODE1'), st('uninstall_ntop', 'NODE2')]), [fires('Q241573-004', step=2)]))
    C.append(case('uninstall_ntop removes IIS, so a later Sysprep clone is allowed but a clone after install_ntop is not',
                  ['Q248739-002', KBL],
                  rb(steps=[st('uninstall_ntop', 'NODE1'), st('sysprep_clone', 'NODE1'), st('install_ntop', 'NODE1'),
                            st('sysprep_clone', 'NODE1')], scenario=None), [fires('Q248739-002', step=4)]))
    C.append(case('Q241573-072 judges the snapshot only: a revoke_right step does not make it fire',
                  ['Q241573-072', KBL],
                  rb(['iis.accounts', 'user_rights', 'local_groups', 'dcom'],
                     steps=[st('revoke_right', 'NODE2', right='SeInteractiveLogonRight', principal='CORP\\IUSR_CLUSTER')],
                     scenario=None), [], [silent('Q241573-072')]))
    C.append(case('logoff removes the session a logon step made (seen by Q224801-022)', ['Q224801-022', KBL],
                  rb(MTS, n2=local, steps=[st('logon', 'NODE2', account='CORP\\clusadmin', type='interactive', local_admin=True),
                                           st('logoff', 'NODE2', account='corp\\CLUSADMIN'),
                                           st('iissync', 'NODE1', target='NODE2')], scenario=None),
                  [fires('Q224801-022', step=3)]))
    C.append(case('open_tool adds the tool to the desktop (seen by Q241573-047)', ['Q241573-047', KBL],
                  rb(['desktop'], steps=[st('open_tool', 'NODE2', tool='control_panel'), st('dtcsetup', 'NODE1', variant='q234673')],
                     phase='recluster_msdtc'), [fires('Q241573-047', step=2)]))

    # The spec's sample pair (kb-rules.md 4.3, 4.4) with NODE1's planned IISSYNC: no finding.
    full1 = dict(H1)
    full1['planned'] = {'action': 'iissync', 'target': 'NODE2', 'shell': 'cmd'}
    C.append(case('the sample pair of kb-rules.md 4.3 with its planned IISSYNC gives no finding under the whole pack', None,
                  {'NODE1.toml': to_toml(full1), 'NODE2.toml': to_toml(H2)}, []))
    return C
