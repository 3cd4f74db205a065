"""Cases of the pack's fidelity to kb-rules.md: false passes, false alarms, one finding per fact,
and where findings point (each case names the defect it pins down)."""
import os

from cases_common import *  # noqa: F401,F403
from cases_runbook import st, rb

FIX = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'fixtures', 'runbook')


def spec_runbook(drop=(), edit=None):
    """The runbook fixture (the spec's complete runbook over the examples) as inline files, with the
    step blocks in `drop` removed and `edit(text)` applied to NODE1.toml."""
    out = {}
    for name in ('NODE1.toml', 'NODE2.toml'):
        text = open(os.path.join(FIX, name)).read()
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
    return C


def cases():
    return end_state_cases() + missing_evidence_cases()
