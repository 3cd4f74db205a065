"""Cases of the pack's fidelity to kb-rules.md: false passes, false alarms, one finding per fact,
and where findings point (each case names the defect it pins down)."""
import os
import re

from cases_common import *  # noqa: F401,F403
from cases_runbook import st, rb

FIX = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'fixtures', 'runbook')


def without_procedure(text):
    """A node file without its [procedure] table."""
    out = re.sub(r'\n\[procedure\][^\[]*', '\n', text, count=1)
    assert out != text
    return out


def spec_runbook(drop=(), edit=None, procedure=True):
    """The runbook fixture (the spec's complete runbook over the examples) as inline files, with the
    step blocks in `drop` removed and `edit(text)` applied to NODE1.toml (and, unless `procedure`,
    without the [procedure] tables)."""
    out = {}
    for name in ('NODE1.toml', 'NODE2.toml'):
        text = open(os.path.join(FIX, name)).read()
        if not procedure:
            text = without_procedure(text)
        if name == 'NODE1.toml':
            for blk in drop:
                assert blk in text, blk
                text = text.replace(blk, '')
            if edit:
                text = edit(text)
        out[name] = text
    return out


def step_block(action, *lines, node=None):
    head = '[[runbook.steps]]\n' + (f'node = "{node}"\n' if node else '') + f'action = "{action}"\n'
    return head + ''.join(x + '\n' for x in lines)


def end_state_cases():
    """1: the end-state rules judge a runbook's simulated final state in runbook.end_phase."""
    C = []
    auto = step_block('set_service_startup', 'service = "ClusSvc"', 'start_type = "automatic"', node='NODE2')
    fs = spec_runbook([auto])
    C.append(case('Q241573-026 fires on the final state of the spec runbook without the step that sets ClusSvc back to Automatic',
                  None, fs, [fires('Q241573-026', 'NODE2', line=270)]))
    on = [step_block('set_affect_the_group', f'resource = "{r}"', 'value = true') for r in ('Web Site 1', 'MSDTC')]
    C.append(case('Q241573-033 fires twice on the final state of the spec runbook that never re-enables Affect the group',
                  None, spec_runbook(on), [fires('Q241573-033', line=326), fires('Q241573-033', line=331)]))
    C.append(case('the spec runbook, complete, gives nothing with the end-state rules judging its final state',
                  None, spec_runbook(), []))
    end = {'procedure': proc('reinstall_iis', 'uninstall', 'rebuilt'), 'services__ClusSvc__state': 'stopped',
           'services__ClusSvc__start_type': 'manual'}
    C.append(case('Q241573-026 judges the final state in the end phase the runbook gives, not in the snapshot phase',
                  ['Q241573-026'],
                  rb(['services'], n2=end, steps=[st('start_service', 'NODE2', service='ClusSvc')],
                     extra={'end_phase': 'complete'}), [fires('Q241573-026', 'NODE2')]))
    return C




def missing_evidence_cases():
    """2, 4, 5, 8: missing evidence is KBL-001 once (required keys), `unknown` for the rule that
    needs it, or not evaluated where kb-rules.md 1.4 (6) makes the data optional."""
    C = []
    SVC = ['services']
    fs = rb(SVC, n2={'iis__version': DROP, 'services__ClusSvc__start_type': 'manual'},
            planned=st('uninstall_ntop', mode='remove_all'), on=2)
    C.append(case('a planned uninstall on a node without iis.version gives KBL-001 once instead of a silent pass',
                  ['Q241573-01*', KBL], fs, [fires('KBL-001', 'NODE2')]))
    fs = rb(SVC, n2={'iis': DROP}, planned=st('uninstall_ntop', mode='remove_all'), on=2)
    C.append(case('a planned uninstall on a node without [iis] gives KBL-001 once',
                  ['Q241573-01*', KBL], fs, [fires('KBL-001', 'NODE2')]))
    R = 'Q241573-021'
    fs = rb(SVC, planned=st('install_ntop', install_type='custom'), on=2, scenario=None)
    C.append(case(f'{R} fires on a planned Option Pack install while ClusSvc runs Automatic, without [procedure]',
                  ['Q241573-020', R, KBL], fs, [fires(R, 'NODE2', step=1)]))
    R = 'Q241573-022'
    down = {'services__ClusSvc__state': 'stopped', 'services__ClusSvc__start_type': 'manual', 'iis__installed': False}
    fs = rb(SVC + ['ntop'], n2=down, planned=st('install_ntop'), on=2, phase='reinstall')
    C.append(case(f'{R} is unknown for a planned install without install_type', [R, 'Q241573-023', KBL], fs,
                  [fires(R, 'NODE2', step=1, status='unknown')]))
    fs = rb(SVC + ['ntop'], n1={'ntop': DROP}, n2=down, on=2, phase='reinstall',
            planned=st('install_ntop', install_type='custom', unchecked_components=['Index Server', 'SMTP Service']))
    C.append(case(f'{R} is unknown when the working node has no [ntop] record, and Q241573-023 stays silent',
                  [R, 'Q241573-023', KBL], fs, [fires(R, 'NODE2', step=1, status='unknown')]))
    R = 'Q224801-022'
    MTS = ['mts']
    fs = rb(MTS, n2={'mts__administration': DROP, 'sessions': []}, planned=st('iissync', target='NODE2'), scenario=None)
    C.append(case(f'{R} is unknown when the target has no mts.administration', [R, KBL], fs,
                  [fires(R, step=1, status='unknown')]))
    fs = rb(MTS, n2={'mts__administration': 'local'}, planned=st('iissync', target='NODE2'), scenario=None)
    C.append(case(f'{R} is not evaluated when the target\'s [[sessions]] were not captured', [R, KBL], fs, [], [silent(R)]))
    fs = rb(MTS, n2={'mts__administration': DROP, 'sessions': [{'account': 'CORP\\clusadmin', 'type': 'interactive', 'local_admin': True}]},
            planned=st('iissync', target='NODE2'), scenario=None)
    C.append(case(f'{R} passes without mts.administration when a local administrator is logged on', [R, KBL], fs, [], [silent(R)]))
    # 18: keys kb-rules.md 4.1 requires are KBL-001 once, never a silent pass.
    down = {'services__ClusSvc__state': 'stopped', 'services__ClusSvc__start_type': 'manual', 'iis__installed': False}
    fs = rb(SVC, n2={**down, 'os__pending': DROP}, planned=st('install_ntop', install_type='custom'), on=2, phase='reinstall')
    C.append(case('a planned install on a node without [os.pending] gives KBL-001 once (Q241573-013/014 need it)',
                  ['Q241573-013', 'Q241573-014', KBL], fs, [fires('KBL-001', 'NODE2')]))
    fs = rb(n2={'iis__installed': DROP}, planned=st('sysprep_clone'), on=2, scenario=None)
    C.append(case('a planned Sysprep clone of a node without iis.installed gives KBL-001 once (Q248739-002 needs it)',
                  ['Q248739-*', KBL], fs, [fires('KBL-001', 'NODE2')]))
    fs = pair(n2={'os__edition': 'server', 'cluster__member': DROP})
    C.append(case('a Standard Edition node without cluster.member gives KBL-001 once (Q241573-003 needs it)',
                  ['Q241573-003', KBL], fs, [fires('KBL-001', 'NODE2')]))
    return C


GATE_KEEP = ['services', 'os', 'msdtc', 'mts', 'desktop', 'ntop', 'sql']


def gate_steps():
    """A runbook that breaks most procedure rules of Q241573 and Q248739 on IIS 4.0."""
    return [st('move_group', group='IIS Group', to='NODE2'),
            st('dtcsetup', 'NODE2', variant='svcpack'),
            st('msdtc_remove', 'NODE1'),
            st('msdtc_install', 'NODE2', log_path='Q:\\nowhere', virtual_server='NOSUCH', command='msdtc - install'),
            st('msdtc_join', 'NODE1'),
            st('bring_online', resource='MSDTC'),
            st('iissync', 'NODE2', target='NODE1', shell='command'),
            st('dtcsetup', 'NODE1', variant='svcpack'),
            st('set_affect_the_group', resource='Web Site 1', value=True),
            st('sysprep_clone', 'NODE2')]


def gate_pair(version, steps=None, planned=None, on=1, phase='uninstall', scenario='reinstall_iis'):
    ch = {'iis__version': version}
    if version == '5.0':
        ch.update({'os__version': '5.0', 'os__edition': 'advanced_server'})
    return rb(GATE_KEEP, n1=dict(ch), n2=dict(ch), steps=steps, planned=planned, on=on, groups=True,
              phase=phase, scenario=scenario)


PROCEDURE = ['Q241573-00*', 'Q241573-01*', 'Q241573-02*', 'Q241573-03*', 'Q241573-04*', 'Q241573-05*',
             'Q241573-06*', 'Q248739-*']
IIS4_ARTICLES = ['Q241573-*', 'Q224801-*', 'Q235698-*', 'Q248739-*']


def counted(counts):
    return [fires(r) for r, n in counts.items() for _ in range(n)]


def gate_cases():
    """7, 19: every Q241573 rule except -067, and Q224801/Q235698/Q248739, judge IIS 4.0 only (1.5).
    Each scenario is given on IIS 4.0 (what fires there) and on IIS 5.0 (nothing)."""
    C = []
    sp6 = lambda fs: {k: x.replace('service_pack = 5', 'service_pack = 6') for k, x in fs.items()}
    scenarios = [
        ('a planned Dtcsetup on SP6', lambda v: sp6(gate_pair(v, planned=st('dtcsetup', variant='svcpack'), phase='recluster_msdtc')),
         {'Q241573-043': 1, 'Q241573-045': 2, 'Q241573-046': 3}),
        ('a planned move of the IIS group in a procedure',
         lambda v: gate_pair(v, planned=st('move_group', group='IIS Group', to='NODE2'), phase='recluster_msdtc'),
         {'Q241573-032': 2}),
        ('an IISSYNC from the rebuilt node',
         lambda v: gate_pair(v, steps=[st('iissync', 'NODE2', target='NODE1', shell='cmd')], phase='configure_iis'),
         {'Q241573-031': 1, 'Q241573-064': 1, 'Q241573-065': 1}),
        ('a runbook of wrong MSDTC, IISSYNC, Affect the group and Sysprep steps', lambda v: gate_pair(v, steps=gate_steps()),
         {'Q241573-032': 2, 'Q241573-034': 1, 'Q241573-042': 2, 'Q241573-045': 4, 'Q241573-046': 6, 'Q241573-049': 3,
          'Q241573-050': 2, 'Q241573-052': 3, 'Q241573-054': 1, 'Q241573-055': 1, 'Q241573-057': 1, 'Q241573-059': 1,
          'Q241573-063': 1, 'Q241573-064': 1, 'Q241573-065': 1, 'Q241573-068': 1, 'Q248739-002': 1}),
    ]
    for what, make, counts in scenarios:
        C.append(case(f'IIS 4.0 control of the version gate: {what}', PROCEDURE, make('4.0'), counted(counts)))
        C.append(case(f'the IIS 4.0 articles stay silent on IIS 5.0: {what}', IIS4_ARTICLES, make('5.0'), []))
    return C


def planned_sequence_cases():
    """6: sequence rules judge a runbook, not a single [planned] step (1.3)."""
    C = []
    fs = rb(planned=st('iissync', target='NODE2', shell='cmd'), on=1, phase='configure_iis', groups=True)
    C.append(case('Q241573-031 does not judge a single planned IISSYNC mid-procedure', ['Q241573-031', KBL], fs, [],
                  [silent('Q241573-031')]))
    fs = rb(planned=st('set_affect_the_group', resource='Web Site 1', value=True), on=1, phase='test', groups=True)
    C.append(case('Q241573-034 does not judge a single planned re-enabling of Affect the group', ['Q241573-034', KBL], fs, [],
                  [silent('Q241573-034')]))
    R = 'Q241573-023'
    fs = pair(['ntop'], n2={'ntop__unchecked_components': ['Index Server ', ' smtp service']})
    C.append(case(f'{R} trims component names ("Index Server " is "Index Server")', [R, KBL], fs, [], [silent(R)]))
    return C


def one_finding_cases():
    """10, 11: one finding per fact."""
    C = []
    R = 'Q235698-001'
    fs = rb(['mts'], n1={'mts__replication__share': ''}, planned=st('iissync', target='NODE2', shell='cmd'), on=1, scenario=None)
    C.append(case(f'{R} reports an empty share with a planned IISSYNC once, at the share', [R, KBL], fs,
                  [fires(R, 'NODE1', line=locate(fs['NODE1.toml'], 'mts.replication', 'share'))]))
    R = 'Q241573-060'
    fs = rb(['mts'], n1={'mts__replication__share': 'D$'}, planned=st('iissync', target='NODE2', shell='cmd'), on=1, scenario=None)
    C.append(case(f'{R} reports a wrong share with a planned IISSYNC once, at the share', [R, KBL], fs,
                  [fires(R, 'NODE1', line=locate(fs['NODE1.toml'], 'mts.replication', 'share'))]))
    fs = rb(['mts'], n1={'mts__replication__share': ''}, steps=[st('iissync', target='NODE2', shell='cmd')], on=1, scenario=None)
    C.append(case('Q235698-001 reports a runbook step as well as the state (runbook steps are reported per step)',
                  ['Q235698-001', KBL], fs, [fires('Q235698-001', 'NODE1', line=locate(fs['NODE1.toml'], 'mts.replication', 'share')),
                                             fires('Q235698-001', 'NODE1', step=1)]))
    R = 'Q241573-043'
    sp6a = {'os__service_pack': 6, 'os__service_pack_suffix': 'a'}
    fs = rb(['os'], n1=sp6a, n2=sp6a, steps=[st('dtcsetup', 'NODE1', variant='svcpack'), st('dtcsetup', 'NODE2', variant='svcpack')],
            phase='recluster_msdtc', groups=True)
    C.append(case(f'{R} gives one finding per Dtcsetup step, about the node it runs on', [R, KBL], fs,
                  [fires(R, 'NODE1', step=1), fires(R, 'NODE2', step=2)]))
    R = 'Q241573-046'
    fs = rb(['services', 'mts'], planned=st('dtcsetup', variant='q234673'), on=1, phase='recluster_msdtc', groups=True)
    C.append(case(f'{R} gives one finding per node for its running dependants, and one for the online MSDTC resource',
                  [R, KBL], fs, [fires(R, step=1), fires(R, step=1), fires(R, step=1)]))
    return C


def inferred_procedure_cases():
    """15: a runbook says what procedure it is; node files without [procedure] take it from there."""
    C = []
    C.append(case('the spec runbook over node files without [procedure] gives nothing', None,
                  spec_runbook(procedure=False), []))
    sync = '[[runbook.steps]]\naction = "iissync"\n'
    on_rebuilt = lambda text: text.replace(sync, '[[runbook.steps]]\nnode = "NODE2"\naction = "iissync"\n')
    fs = spec_runbook(edit=on_rebuilt, procedure=False)
    C.append(case('Q241573-064 fires on the spec runbook with IISSYNC on the rebuilt node, roles from the runbook', None, fs,
                  [fires('Q241573-064', 'NODE2', step=19), fires('Q224801-021', 'NODE2', step=19)]))

    def actions_only(text):
        for k in ('scenario', 'working_node', 'rebuilt_node', 'start_phase'):
            text = re.sub(r'\n' + k + r' = [^\n]*', '', text, count=1)
        return on_rebuilt(text)
    fs = spec_runbook(edit=actions_only, procedure=False)
    C.append(case('Q241573-064 fires with the scenario and roles inferred from the runbook\'s actions alone', None, fs,
                  [fires('Q241573-064', 'NODE2', step=19), fires('Q224801-021', 'NODE2', step=19)]))
    return C


STATUS_RULES = ['Q224801-*', 'Q235698-00*', 'Q241573-067', 'Q310412-*', KBL]


def status_cases():
    """16, 21: a run whose status kblint cannot read is unknown for Q241573-067 (once), never dropped;
    an unambiguous hex form is decoded; a failure followed by a successful rerun does not fire."""
    C = []
    R = 'Q241573-067'
    fs = pair(['mts'], n1={'iissync': runs(run(status='8011040A'))})
    C.append(case(f'{R} decodes exit_status "8011040A" as hex (KBL-004 warns that the 0x is missing)', STATUS_RULES, fs,
                  [fires(R, 'NODE1'), fires('Q224801-008', 'NODE1'), fires('KBL-004', 'NODE1')]))
    fs = pair(['mts'], n1={'iissync': runs(run(status='Server Execution Failed'))})
    C.append(case(f'{R} is unknown for a text status (KBL-003 reports the value)', STATUS_RULES, fs,
                  [fires(R, 'NODE1', status='unknown'), fires('KBL-003', 'NODE1')]))
    fs = pair(['mts'], n1={'iissync': runs(run(status=None))})
    C.append(case(f'a run without a status gives one finding, an unknown {R}, and no decode', STATUS_RULES, fs,
                  [fires(R, 'NODE1', status='unknown')]))
    fs = rb(steps=[st('iissync', 'NODE1', target='NODE2', result={'exit_status': 2148598794}),
                   st('iissync', 'NODE1', target='NODE2', result={'exit_status': 0})], phase='configure_iis')
    C.append(case(f'{R} does not fire on a failure followed by a successful rerun in the same runbook', [R], fs, [], [silent(R)]))
    return C


def failover_test_cases():
    """17: failover tests that test nothing do not count."""
    C = []
    R = 'Q241573-049'
    two = [st('dtcsetup', 'NODE1', variant='q234673'), st('dtcsetup', 'NODE2', variant='q234673')]
    online = [st('bring_online', resource='MSDTC')]
    restart = [st('restart_node', 'NODE1'), st('restart_node', 'NODE2')]
    fs = rb(['msdtc', 'services'], steps=two + online + [st('move_group', group='IIS Group', to='NODE1'),
                                                         st('verify', 'NODE1', check='msdtc_online')] + restart,
            phase='recluster_msdtc', groups=True)
    C.append(case(f'{R} does not count a move of the MSDTC group to the node that already owns it', [R, KBL], fs, [fires(R)]))
    fs = rb(['msdtc', 'services'], steps=two + online + [st('move_group', group='IIS Group', to='NODE2'),
                                                         st('verify', 'NODE2', check='msdtc_online'),
                                                         st('restart_node', 'NODE1'), st('start_service', 'NODE2', service='W3SVC')],
            phase='recluster_msdtc', groups=True)
    C.append(case(f'{R} fires when only W3SVC is restarted (IISADMIN and MSFTPSVC left stopped)', [R, KBL], fs,
                  [fires(R, message='restarts the automatic services of the article\'s list or depending on MSDTC: IISADMIN, MSFTPSVC on NODE2')]))
    R = 'Q241573-059'
    manual = [st('delete_resource', resource='MSDTC'), st('msdtc_remove', 'NODE1'), st('msdtc_remove', 'NODE2'),
              st('msdtc_install', 'NODE1', log_path='S:\\MSDTCLog', virtual_server='WEBCLUS'), st('msdtc_join', 'NODE2'),
              st('bring_online', resource='MSDTC')]
    fs = rb(['msdtc'], steps=manual + [st('move_group', group='IIS Group', to='NODE1'), st('verify', 'NODE1', check='msdtc_online'),
                                       st('move_group', group='IIS Group', to='NODE2')], phase='recluster_msdtc', groups=True)
    C.append(case(f'{R} does not count a move to the node that already owns the group', [R, KBL], fs, [fires(R)]))
    fs = rb(['msdtc'], steps=manual + [st('move_group', group='IIS Group', to='NODE2'), st('verify', 'NODE2', check='msdtc_online'),
                                       st('move_group', group='IIS Group', to='NODE1')], phase='recluster_msdtc', groups=True)
    C.append(case(f'{R} stays silent with a real move, a verify there and a move back', [R, KBL], fs, [], [silent(R)]))
    return C


def name_cases():
    """20: names trimmed everywhere, resource types as 4.2 spells them, action names ignoring case."""
    C = []
    fs = pair(n2={'cluster__name': 'TESTCLUS '})
    C.append(case('a cluster name with a trailing space does not split the cluster', ['KBL-005', 'Q241573-00*'], fs, []))
    off = [step_block('set_affect_the_group', f'resource = "{r}"', 'value = false') for r in ('Web Site 1', 'MSDTC')]
    odd = lambda text: text.replace('type = "MSDTC"', 'type = "MS DTC"').replace('type = "IIS Server Instance"', 'type = "IIS Instance"')
    fs = spec_runbook(off, edit=odd)
    C.append(case('non-standard resource types are KBL-001 with did-you-mean, and "MS DTC" is still read as MSDTC', None, fs,
                  [fires('KBL-001', 'NODE1', line=130), fires('KBL-001', 'NODE1', line=138)]
                  + [fires('Q241573-032', step=i) for i in (13, 15, 19, 21)]
                  + [fires('Q241573-034', step=22), fires('Q241573-034', step=23)]))
    fs = rb(['msdtc'], steps=[st('DtcSetup', 'NODE1', variant='q234673'), st('DTCSETUP', 'NODE2', variant='q234673')],
            phase='recluster_msdtc', groups=True)
    C.append(case('action names match ignoring case ("DtcSetup" is dtcsetup, not KBL-008)', ['KBL-008', 'Q241573-048'], fs, []))
    return C


def text_cases():
    """21, 22, 14: no cascade, no placeholder, the operator's words."""
    C = []
    fs = pair(n1={'os__service_pack': '5'})
    C.append(case('a string Service Pack is KBL-001 once, without an unknown Q241573-001 on the other node',
                  ['Q241573-001', KBL], fs, [fires('KBL-001', 'NODE1')]))
    v5 = {'iis__version': '5.0', 'os__version': '5.0', 'os__edition': 'advanced_server'}
    fs = pair(n1={**v5, 'iissync': runs(run(status=2147500037))}, n2=v5)
    C.append(case('Q241573-067 does not explain 0x80004005 on IIS 5.0 with the IIS 4.0 MTS meaning', ['Q241573-067'], fs,
                  [fires('Q241573-067', 'NODE1', message='a status the articles explain for IIS 4.0 only')]))
    R = 'Q241573-012'
    fs = rb(['services'], n2={'services__ClusSvc__state': 'stopped', 'services__ClusSvc__start_type': 'manual'},
            planned=st('uninstall_ntop', mode='Remove All'), on=2)
    C.append(case(f'{R} accepts the button\'s label "Remove All"', [R], fs, [], [silent(R)]))
    fs = rb(['services'], n2={'services__ClusSvc__state': 'stopped', 'services__ClusSvc__start_type': 'manual'},
            planned=st('uninstall_ntop', mode='Add/Remove'), on=2)
    C.append(case(f'{R} says which mode it wants', [R], fs, [fires(R, 'NODE2', step=1, message="instead of 'remove_all'")]))
    R = 'Q241573-053'
    fs = rb(['msdtc'], planned=st('msdtc_install', virtual_server='WEBCLUS'), on=1, phase='recluster_msdtc', groups=True)
    C.append(case(f'{R} is unknown for msdtc -install without a log path', [R], fs, [fires(R, step=1, status='unknown')]))
    R = 'Q241573-035'
    n1 = node(1, groups=True)
    extra = dict(resource(n1, 'MSDTC'), name='MSDTC Stray', state='offline')
    group(n1, 'Cluster Group').setdefault('resources', []).insert(0, extra)
    C.append(case(f'{R} keeps the online MSDTC resource and names the offline stray', [R], files(n1, node(2)),
                  [fires(R, 'NODE1', message="second MSDTC resource 'MSDTC Stray' (offline)")]))
    R = 'Q241573-048'
    fs = rb(['msdtc'], steps=[st('dtcsetup', 'NODE1', variant='q234673')], phase='recluster_msdtc', groups=True)
    C.append(case(f'{R} points a missing Dtcsetup step at the runbook table, not at line 1', [R], fs,
                  [fires(R, line=locate(fs['NODE1.toml'], 'runbook', None))]))
    R = 'Q241573-033'
    fs = pair(groups=True, n1={'cluster__groups__1__resources__4__affect_the_group': False})
    C.append(case(f'{R} speaks of steady state, not of a complete procedure, in phase none', [R], fs,
                  [fires(R, message='in steady state')]))
    return C


def on_iis5(text):
    """A node file moved to IIS 5.0 on Windows 2000 (every "4.0" version written in it)."""
    return text.replace('version = "4.0"', 'version = "5.0"').replace('edition = "enterprise"', 'edition = "advanced_server"')


def every_gate_cases():
    """19: the version gate of every rule of the IIS 4.0 articles, once: the first case of the other
    modules in which the rule fires, moved to IIS 5.0, where it must stay silent (1.5)."""
    import cases_q224801
    import cases_q235698
    import cases_q241573
    import cases_q248739
    import cases_runbook
    seen = set()
    C = []
    for mod in (cases_q241573, cases_q224801, cases_q235698, cases_q248739, cases_runbook):
        for c in mod.cases():
            if not c.get('files'):
                continue
            for e in c['expect']:
                r = e['rule']
                if r in seen or r == 'Q241573-067' or not re.match(r'^Q(241573|224801|235698|248739)-', r):
                    continue
                seen.add(r)
                fs = {name: on_iis5(text) for name, text in c['files'].items()}
                C.append(case(f'{r} stays silent on IIS 5.0 (the gate, from: {c["name"]})', [r], fs, [], [silent(r)]))
    return C


def cases():
    return (end_state_cases() + missing_evidence_cases() + gate_cases() + planned_sequence_cases()
            + one_finding_cases() + inferred_procedure_cases() + status_cases()
            + failover_test_cases() + name_cases() + text_cases() + every_gate_cases())
