"""Cases of the Q310412 rules (Q310412-006 is in cases_runbook.py)."""
from cases_common import *  # noqa: F401,F403


def iis5(**kw):
    d = {'iis__version': '5.0', 'os__version': '5.0', 'os__edition': 'advanced_server'}
    d.update(kw)
    return d


def cases():
    C = []
    K = ['os', 'complus']
    R = 'Q310412-001'
    only = [R, KBL]
    C.append(case(f'{R} fires when clbcatq.dll is unregistered on an IIS 5.0 node', only,
                  pair(K, n1=iis5(complus__clbcatq_registered=False), n2=iis5()), [fires(R, 'NODE1')]))
    C.append(case(f'{R} stays silent on IIS 4.0 (version gate)', only,
                  pair(K, n1={'complus__clbcatq_registered': False}), [], [silent(R)]))
    C.append(case(f'{R} stays silent when the catalog is registered', only,
                  pair(K, n1=iis5(), n2=iis5()), [], [silent(R)]))

    R = 'Q310412-002'
    only = [R, KBL]
    C.append(case(f'{R} fires on ~CLBCATQ.DLL in any case', only,
                  pair(K, n1=iis5(), n2=iis5(complus__system32_stray_files=['~CLBCATQ.DLL'])), [fires(R, 'NODE2')]))
    C.append(case(f'{R} ignores other stray files', only,
                  pair(K, n1=iis5(), n2=iis5(complus__system32_stray_files=['~clbcatq.tmp', 'clbcatq.dll'])), [], [silent(R)]))

    R = 'Q310412-003'
    only = [R, KBL]
    C.append(case(f'{R} decodes 2148007941 on IIS 5.0', only,
                  pair(n1=iis5(iissync=runs(run(status=2148007941))), n2=iis5()), [fires(R, 'NODE1')]))
    C.append(case(f'{R} reads the Q310412 console text (error code 2148007941 ( 800800005 ))', only,
                  pair(n1=iis5(iissync=runs(run(status=None, output='Source : 133, scanned, Targets : (133,5), Error replicating to target (NODE2): Server Execution Failed error code 2148007941 ( 800800005 )'))),
                       n2=iis5()), [fires(R, 'NODE1')]))
    C.append(case(f'{R} stays silent on IIS 4.0, where Q224801-006 decodes the code', only,
                  pair(n1={'iissync': runs(run(status=2148007941))}), [], [silent(R)]))

    R = 'Q310412-004'
    only = [R, KBL]
    C.append(case(f'{R} decodes 2147746132 on IIS 5.0', only,
                  pair(n1=iis5(iissync=runs(run(status='0x80040154'))), n2=iis5()), [fires(R, 'NODE1')]))
    C.append(case(f'{R} stays silent on IIS 4.0, where the code is undocumented (Q224801-016)', [R, 'Q224801-016', KBL],
                  pair(n1={'iissync': runs(run(status=2147746132))}), [fires('Q224801-016', 'NODE1')], [silent(R)]))

    R = 'Q310412-005'
    only = [R, KBL]
    C.append(case(f'{R} fires on the Component Services error as a decimal', only,
                  pair(K, n1=iis5(complus__mmc_my_computer_error=2147746132), n2=iis5()), [fires(R, 'NODE1')]))
    C.append(case(f'{R} fires on the Component Services error as a signed code', only,
                  pair(K, n1=iis5(complus__mmc_my_computer_error=-2147221164), n2=iis5()), [fires(R, 'NODE1')]))
    C.append(case(f'{R} fires on the Component Services error as hex text', only,
                  pair(K, n1=iis5(complus__mmc_my_computer_error='0x80040154'), n2=iis5()), [fires(R, 'NODE1')]))
    C.append(case(f'{R} stays silent when expanding My Computer works (0)', only,
                  pair(K, n1=iis5(), n2=iis5()), [], [silent(R)]))
    return C
