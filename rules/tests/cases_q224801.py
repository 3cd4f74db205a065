"""Cases of the Q224801 rules: the decode rules 001-016 and the state preconditions 020 and 024.
The `before iissync` preconditions (021-023, 025) and 026 are in cases_runbook.py."""
from cases_common import *  # noqa: F401,F403

# (rule, code, a way to write the status in a run, what that way is)
DECODES = [
    ('Q224801-001', 3, dict(status=3), 'a plain integer'),
    ('Q224801-002', 1060, dict(status='1060'), 'a decimal string'),
    ('Q224801-003', 1722, dict(status=Hex(0x6BA)), 'a TOML hex literal'),
    ('Q224801-004', 1726, dict(status='0x000006BE'), 'a 0x string'),
    ('Q224801-005', 2147500037, dict(status=-2147467259), 'a signed integer'),
    ('Q224801-006', 2148007941, dict(status=None, output='Error replicating to target (NODE2): error code 2148007941 ( 800800005 )'), 'the output text'),
    ('Q224801-007', 2148598792, dict(status=None, exit_status_hex='0x80110408'), 'exit_status_hex with 0x'),
    ('Q224801-008', 2148598794, dict(status='-2146368502'), 'a signed decimal string'),
    ('Q224801-009', 2148599041, dict(status=None, exit_status_hex='80110501'), 'exit_status_hex without 0x'),
    ('Q224801-010', 2148598801, dict(status='0x80110411'), 'a 0x string'),
    ('Q224801-011', 2148598808, dict(status=2148598808), 'a plain integer'),
    ('Q224801-012', 2148598800, dict(status=Hex(0x80110410)), 'a TOML hex literal'),
    ('Q224801-013', 2148598785, dict(status='2148598785'), 'a decimal string'),
    ('Q224801-014', 2148598797, dict(status='0X8011040d'), 'a 0X string with lower-case digits'),
    ('Q224801-015', 2148598828, dict(status=-2146368468), 'a signed integer'),
]


def cases():
    C = []
    for rid, code, how, what in DECODES:
        only = [rid, KBL]
        C.append(case(f'{rid} decodes status {code} written as {what}', only,
                      pair(n1={'iissync': runs(run(**how))}), [fires(rid, 'NODE1')]))
        C.append(case(f'{rid} stays silent when a later rerun to the same target succeeded', only,
                      pair(n1={'iissync': runs(run(status=code, at='2002-05-01T22:00:00Z'),
                                               run(status=0, at='2002-05-01T23:00:00Z'))}),
                      [], [silent(rid)]))

    R = 'Q224801-016'
    only = [R, KBL]
    C.append(case(f'{R} fires on a status outside the article\'s table', only,
                  pair(n1={'iissync': runs(run(status=5))}), [fires(R, 'NODE1')]))
    C.append(case(f'{R} fires on 2147746132 on IIS 4.0 (documented only for IIS 5.0 by Q310412)',
                  [R, 'Q310412-004', KBL],
                  pair(n1={'iissync': runs(run(status=2147746132))}), [fires(R, 'NODE1')], [silent('Q310412-004')]))
    C.append(case(f'{R} stays silent on a documented code', only,
                  pair(n1={'iissync': runs(run(status=1722))}), [], [silent(R)]))
    C.append(case(f'{R} stays silent on success', only,
                  pair(n1={'iissync': runs(run(status=0))}), [], [silent(R)]))
    C.append(case(f'{R} reads an 8-digit decimal as decimal (KBL-004 warns about hex)', only,
                  pair(n1={'iissync': runs(run(status='80110408'))}),
                  [fires(R, 'NODE1'), fires('KBL-004', 'NODE1')]))

    # Version gating of the decodes (6 A2, A17).
    C.append(case('Q224801-006 stays silent on IIS 5.0, where Q310412-003 decodes 2148007941',
                  ['Q224801-006', 'Q310412-003', KBL],
                  pair(n1={'iis__version': '5.0', 'iissync': runs(run(status=2148007941))}, n2={'iis__version': '5.0'}),
                  [fires('Q310412-003', 'NODE1')], [silent('Q224801-006')]))
    C.append(case('Q224801-005 decodes a failure and Q241573-067 reports it: one error plus one explanation',
                  ['Q224801-*', 'Q241573-067', 'Q235698-002', KBL],
                  pair(n1={'iissync': runs(run(status=2147500037))}),
                  [fires('Q224801-005', 'NODE1'), fires('Q241573-067', 'NODE1'), fires('Q235698-002', 'NODE1')]))
    C.append(case('the decodes judge the latest run per target: two targets, two findings',
                  ['Q224801-00*', KBL],
                  [None, pair(n1={'iissync': runs(run('NODE2', status=3), run('NODE3', status=1722))})][1],
                  [fires('Q224801-001', 'NODE1'), fires('Q224801-003', 'NODE1')]))

    R = 'Q224801-020'
    only = [R, KBL]
    C.append(case(f'{R} fires when the DCOM protocol sets differ', only,
                  pair(['dcom'], n2={'dcom__protocols': ['ncacn_ip_tcp', 'ncacn_spx']}), [fires(R, 'NODE2')]))
    C.append(case(f'{R} compares the protocols as a set ignoring order and case', only,
                  pair(['dcom'], n2={'dcom__protocols': ['NCADG_IP_UDP', 'ncacn_ip_tcp']}), [], [silent(R)]))
    C.append(case(f'{R} fires when one node has an extra protocol', only,
                  pair(['dcom'], n1={'dcom__protocols': ['ncacn_ip_tcp', 'ncadg_ip_udp', 'ncacn_http']}),
                  [fires(R, 'NODE2')]))

    R = 'Q224801-024'
    only = [R, KBL]

    def net(n1=None, n2=None, grp=True):
        return pair(['network'], n1=n1, n2=n2, groups=grp)

    def pub(ip, mask='255.255.255.0'):
        return [{'name': 'Public', 'role': 'public', 'addresses': [{'ip': ip, 'mask': mask}]},
                {'name': 'Heartbeat', 'role': 'private', 'addresses': [{'ip': '192.168.10.2', 'mask': '255.255.255.0'}]}]
    C.append(case(f'{R} stays silent on the healthy addressing', only, net(), [], [silent(R)]))
    C.append(case(f'{R} fires on an address used by both nodes (conflict)', only,
                  net(n2={'network__interfaces': pub('10.0.0.11')}), [fires(R, 'NODE2')]))
    C.append(case(f'{R} fires when the IIS group address duplicates a node address', only,
                  net(n2={'network__interfaces': pub('10.0.0.20')}), [fires(R)]))
    C.append(case(f'{R} fires when a node\'s public address is in another subnet', only,
                  net(n2={'network__interfaces': pub('10.0.1.12')}), [fires(R, 'NODE2')]))
    C.append(case(f'{R} fires when the masks differ', only,
                  net(n2={'network__interfaces': pub('10.0.0.12', '255.255.0.0')}), [fires(R, 'NODE2')]))
    C.append(case(f'{R} fires on the network address of the subnet', only,
                  net(n2={'network__interfaces': pub('10.0.0.0')}), [fires(R, 'NODE2')]))
    C.append(case(f'{R} fires on the broadcast address of the subnet', only,
                  net(n2={'network__interfaces': pub('10.0.0.255')}), [fires(R, 'NODE2')]))
    C.append(case(f'{R} fires on a non-contiguous mask', only,
                  net(n2={'network__interfaces': pub('10.0.0.12', '255.0.255.0')}), [fires(R, 'NODE2')]))
    C.append(case(f'{R} fires on a malformed address', only,
                  net(n2={'network__interfaces': pub('10.0.0.300')}), [fires(R, 'NODE2')]))
    n2 = node(2, ['network'])
    n2['network']['interfaces'][1]['addresses'][0]['ip'] = '172.16.5.2'
    C.append(case(f'{R} leaves private interfaces out of the subnet test (6 A6)', only,
                  files(node(1, ['network'], groups=True), n2), [], [silent(R)]))
    n2 = node(2, ['network'])
    n2['network']['interfaces'][1]['addresses'][0]['ip'] = '192.168.10.1'
    C.append(case(f'{R} still counts private interfaces for conflicts', only,
                  files(node(1, ['network'], groups=True), n2), [fires(R, 'NODE2')]))
    n2 = node(2, ['network'])
    n2['network']['interfaces'][1]['role'] = 'mixed'
    n2['network']['interfaces'][1]['addresses'][0]['ip'] = '192.168.10.2'
    C.append(case(f'{R} puts mixed interfaces in the subnet test', only,
                  files(node(1, ['network'], groups=True), n2), [fires(R, 'NODE2')]))
    n1 = node(1, ['network'], groups=True)
    resource(n1, 'IIS IP Address')['address'] = '10.0.5.20'
    C.append(case(f'{R} fires when the IIS group address is in another subnet', only,
                  files(n1, node(2, ['network'])), [fires(R, 'NODE1')]))
    n1 = node(1, ['network'], groups=True)
    resource(n1, 'Cluster IP Address')['address'] = '10.9.0.10'
    C.append(case(f'{R} ignores IP Address resources outside the IIS group', only,
                  files(n1, node(2, ['network'])), [], [silent(R)]))
    return C
