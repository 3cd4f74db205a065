"""Cases of declared step arguments (`arg` in actions.kbl, `step_arg` in schema.kbl): a key its action
does not declare, a value of the wrong type, a missing required argument; and what the simulation
does with such a step (it stops before it: no finding of a later step, no false pass)."""
from cases_common import *  # noqa: F401,F403
from cases_runbook import rb, st


def line_of(text, needle, nth=1):
    """Line (1-based) of the nth line of `text` that starts with `needle`."""
    for i, l in enumerate(text.splitlines()):
        if l.startswith(needle):
            nth -= 1
            if nth == 0:
                return i + 1
    raise KeyError(needle)


def at(rule, node, text, needle, column, message, nth=1):
    e = fires(rule, node, line=line_of(text, needle, nth), message=message)
    e['column'] = column
    return e


def cases():
    C = []
    SVC = ['services']
    K1 = 'KBL-001'

    # A misspelt argument: reported at the key, with a "did you mean"; the step does not silently do nothing.
    fs = rb(SVC, steps=[st('stop_service', 'NODE2', servcie='ClusSvc'), st('uninstall_ntop', 'NODE2', mode='remove_all')])
    C.append(case('a misspelt argument (servcie) is reported at the key with a did-you-mean', [K1, 'Q241573-010'], fs,
                  [at(K1, 'NODE1', fs['NODE1.toml'], 'servcie', 1,
                      "'runbook.steps[0].servcie' is not an argument of action 'stop_service' (did you mean 'service'?)")],
                  [silent('Q241573-010')]))
    # The same runbook spelt right: the uninstall is judged (ClusSvc is stopped first), no finding.
    fs = rb(SVC, steps=[st('stop_service', 'NODE2', service='ClusSvc'), st('uninstall_ntop', 'NODE2', mode='remove_all')])
    C.append(case('the same runbook spelt right gives no finding', [K1, 'Q241573-010'], fs, [], [silent(K1), silent('Q241573-010')]))
    # Without the stop step the uninstall fires Q241573-010: the misspelt step must not turn that into a pass.
    fs = rb(SVC, steps=[st('uninstall_ntop', 'NODE2', mode='remove_all'), st('stop_service', 'NODE2', servcie='ClusSvc')])
    C.append(case('steps before an invalid step are still judged (Q241573-010 at step 1)', [K1, 'Q241573-010'], fs,
                  [fires('Q241573-010', 'NODE2', step=1),
                   at(K1, 'NODE1', fs['NODE1.toml'], 'servcie', 1,
                      "'runbook.steps[1].servcie' is not an argument of action 'stop_service' (did you mean 'service'?)")]))
    # A common key misspelt: the did-you-mean looks at the keys of every step too.
    fs = rb(SVC, steps=[st('stop_service', 'NODE2', service='ClusSvc', comand='net stop clussvc')])
    C.append(case('a misspelt common key (comand) is reported with a did-you-mean of the common keys', [K1], fs,
                  [at(K1, 'NODE1', fs['NODE1.toml'], 'comand', 1,
                      "'runbook.steps[0].comand' is not an argument of action 'stop_service' (did you mean 'command'?)")]))
    # A value of the wrong type: reported at the value.
    fs = rb(SVC, steps=[st('set_affect_the_group', 'NODE2', resource='MSDTC', value='yes')])
    C.append(case('an argument of the wrong type is reported at the value', [K1], fs,
                  [at(K1, 'NODE1', fs['NODE1.toml'], 'value', 9, "'runbook.steps[0].value' should be a boolean, but it is a string")]))
    # A missing required argument: reported at the step table.
    fs = rb(SVC, planned=st('set_service_startup', service='ClusSvc'), on=2)
    C.append(case('a missing required argument is reported at the step table', [K1], fs,
                  [at(K1, 'NODE2', fs['NODE2.toml'], '[planned]', 1,
                      "required argument 'start_type' of action 'set_service_startup' is missing from 'planned'")]))
    # An action that declares no argument (restart_node) accepts only the common keys: the schema is strict.
    fs = rb(SVC, steps=[st('restart_node', 'NODE2', force=True)])
    C.append(case('an action without arguments accepts only the common keys (strict schema)', [K1], fs,
                  [at(K1, 'NODE1', fs['NODE1.toml'], 'force', 1, "'runbook.steps[0].force' is not an argument of action 'restart_node'")]))
    return C
