"""Cases of the Q248739 rules (Q248739-002 is in cases_runbook.py)."""
import datetime
from cases_common import *  # noqa: F401,F403


def dt(s):
    return datetime.datetime.fromisoformat(s.replace('Z', '+00:00'))


def cases():
    C = []
    K = ['os', 'services']
    R = 'Q248739-001'
    only = [R, KBL]
    C.append(case(f'{R} fires on a Sysprep clone whose image contained IIS', only,
                  pair(K, n2={'os__clone__method': 'sysprep', 'os__clone__iis_in_image': True}), [fires(R, 'NODE2')]))
    C.append(case(f'{R} fires when IIS was installed before the Sysprep clone was made', only,
                  pair(K, n2={'os__clone__method': 'sysprep', 'os__clone__cloned_at': dt('2000-01-01T00:00:00Z')}),
                  [fires(R, 'NODE2')]))
    C.append(case(f'{R} stays silent when the Option Pack was installed after the clone', only,
                  pair(K, n2={'os__clone__method': 'sysprep'}), [], [silent(R)]))
    C.append(case(f'{R} stays silent on a disk image clone (Q248739-004 territory)', only,
                  pair(K, n2={'os__clone__method': 'disk_image', 'os__clone__iis_in_image': True}), [], [silent(R)]))
    C.append(case(f'{R} stays silent on IIS 5.0', only,
                  pair(K, n1={'iis__version': '5.0'}, n2={'iis__version': '5.0', 'os__clone__method': 'sysprep',
                                                          'os__clone__iis_in_image': True}), [], [silent(R)]))

    R = 'Q248739-003'
    only = [R, KBL]
    C.append(case(f'{R} fires on an MMC message of the article when the provenance is unknown', only,
                  pair(K, n2={'os__clone__method': 'unknown',
                              'iis__mmc_errors': ['Invalid configuration error occurred reading or setting configuration parameter.']}),
                  [fires(R, 'NODE2')]))
    C.append(case(f'{R} matches the MMC message ignoring case', only,
                  pair(K, n2={'os__clone__method': 'unknown',
                              'iis__mmc_errors': ['UNABLE TO ENUMERATE FILES AND DIRECTORIES BECAUSE THE FOLLOWING ERROR OCCURRED: The system cannot find the path specified.']}),
                  [fires(R, 'NODE2')]))
    C.append(case(f'{R} fires on a stopped automatic W3SVC when [os.clone] is missing', only,
                  pair(K, n2={'os__clone': DROP, 'services__W3SVC__state': 'stopped'}), [fires(R, 'NODE2')]))
    C.append(case(f'{R} stays silent when the provenance is known (Q248739-001 decides)', only,
                  pair(K, n2={'services__W3SVC__state': 'stopped'}), [], [silent(R)]))
    C.append(case(f'{R} stays silent on a manual IISADMIN that is stopped', only,
                  pair(K, n2={'os__clone__method': 'unknown', 'services__IISADMIN__state': 'stopped',
                              'services__IISADMIN__start_type': 'manual'}), [], [silent(R)]))

    R = 'Q248739-004'
    only = [R, KBL]
    C.append(case(f'{R} fires when two nodes share a machine SID (ignoring case)', only,
                  pair(K, n2={'node__machine_sid': 's-1-5-21-1111111111-2222222222-3333333333'}), [fires(R, 'NODE2')]))
    C.append(case(f'{R} stays silent on distinct SIDs', only, pair(K), [], [silent(R)]))
    C.append(case(f'{R} stays silent when SIDs are not recorded', only,
                  pair(K, n1={'node__machine_sid': DROP}, n2={'node__machine_sid': DROP}), [], [silent(R)]))
    return C
