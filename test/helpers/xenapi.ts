// Talking to the simulator as any XenAPI client would: a real XML-RPC session, used by tests
// to read the simulator's own records and to change them behind the gateway's back.
import { XenApiClient } from '../../src/xenapi/client.js';
import { XenSession } from '../../src/xenapi/session.js';
import type { XenRecord, XenStruct, XenValue } from '../../src/xenapi/values.js';

export async function xenSession(url: string, user = 'root', password = 'xenroot'): Promise<{ session: XenSession; close(): Promise<void> }> {
  const client = new XenApiClient(url, { timeoutMs: 10_000 });
  const session = new XenSession(client, user, password, 'tap');
  await session.ensure();
  return {
    session,
    close: async () => {
      await session.logout();
      client.close();
    },
  };
}

export async function allRecords(session: XenSession, cls: string): Promise<Map<string, XenRecord>> {
  const v = (await session.call(`${cls}.get_all_records`, [])) as XenStruct;
  return new Map(Object.entries(v).map(([ref, r]) => [ref, r as XenRecord]));
}

/** Guest VMs as the gateway must show them: not templates, snapshots or the control domain. */
export function guests(vms: Map<string, XenRecord>): Map<string, XenRecord> {
  return new Map([...vms].filter(([, r]) => r['is_a_template'] !== true && r['is_a_snapshot'] !== true && r['is_control_domain'] !== true));
}

export function field(r: XenRecord, name: string): string {
  const v: XenValue | undefined = r[name];
  return typeof v === 'string' ? v : String(v);
}

/** Networks the gateway shows as virtual switches: all but the host internal management network. */
export function visibleNetworks(networks: Map<string, XenRecord>): Map<string, XenRecord> {
  return new Map([...networks].filter(([, n]) => {
    const oc = n['other_config'] as Record<string, string> | undefined;
    return oc?.['is_host_internal_management_network'] !== 'true';
  }));
}

/** Names of every CIM_ComputerSystem the gateway must show: guests, hosts and virtual switches. */
export async function computerSystemNames(session: XenSession): Promise<Set<string>> {
  const vms = guests(await allRecords(session, 'VM'));
  const hosts = await allRecords(session, 'host');
  const nets = visibleNetworks(await allRecords(session, 'network'));
  return new Set([...vms.values(), ...hosts.values(), ...nets.values()].map((r) => field(r, 'uuid')));
}
