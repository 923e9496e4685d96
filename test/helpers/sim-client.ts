// Test helpers for talking to the simulator over real sockets: the xmlrpc package's client
// (as a XenAPI client would) and raw HTTP POSTs (to check exact wire bytes).
import { request } from 'node:http';
import xmlrpc from 'xmlrpc';

export type XenResult =
  | { Status: 'Success'; Value: unknown }
  | { Status: 'Failure'; ErrorDescription: string[] };

export interface RpcClient {
  call(method: string, ...params: unknown[]): Promise<XenResult>;
  /** Calls and returns Value, throwing on a Failure. */
  ok<T = unknown>(method: string, ...params: unknown[]): Promise<T>;
  /** Calls and returns ErrorDescription, throwing on a Success. */
  fail(method: string, ...params: unknown[]): Promise<string[]>;
}

export function rpcClient(url: string): RpcClient {
  const client = xmlrpc.createClient({ url });
  const call = (method: string, ...params: unknown[]): Promise<XenResult> =>
    new Promise((resolve, reject) => {
      // The xmlrpc client is untyped (any) in @types/xmlrpc; results are checked by the tests.
      client.methodCall(method, params, (err: unknown, value: XenResult) => (err ? reject(err as Error) : resolve(value)));
    });
  return {
    call,
    async ok<T>(method: string, ...params: unknown[]): Promise<T> {
      const r = await call(method, ...params);
      if (r.Status !== 'Success') throw new Error(`${method} failed: ${JSON.stringify(r.ErrorDescription)}`);
      return r.Value as T;
    },
    async fail(method: string, ...params: unknown[]): Promise<string[]> {
      const r = await call(method, ...params);
      if (r.Status !== 'Failure') throw new Error(`${method} unexpectedly succeeded`);
      return r.ErrorDescription;
    },
  };
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

export async function rawPost(url: string, body: string, path = '/'): Promise<RawResponse> {
  const r = await post(url, body, path);
  return { status: r.status, headers: r.headers, body: r.body.toString('utf8') };
}

/** The response body as bytes, for large answers where decoding to a string would dominate. */
export async function rawPostBytes(url: string, body: string): Promise<Buffer> {
  return (await post(url, body, '/')).body;
}

function post(url: string, body: string, path: string): Promise<{ status: number; headers: RawResponse['headers']; body: Buffer }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, path, method: 'POST', headers: { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(body) } },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A methodCall document with bare-string params (as most XenAPI clients send). */
export function methodCall(method: string, ...params: string[]): string {
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return (
    `<?xml version="1.0"?><methodCall><methodName>${method}</methodName><params>` +
    params.map((p) => `<param><value>${esc(p)}</value></param>`).join('') +
    '</params></methodCall>'
  );
}

export async function login(rpc: RpcClient, user = 'root', password = 'xenroot'): Promise<string> {
  return rpc.ok<string>('session.login_with_password', user, password, '1.0', 'tests');
}

export type Rec = Record<string, unknown>;

const GiB = 1024 ** 3;

/** A complete VM.create record (every field without a datamodel default), overridable. */
export function vmCreateRecord(overrides: Rec = {}): Rec {
  return {
    name_label: 'new-vm',
    name_description: 'made by VM.create',
    user_version: '1',
    is_a_template: false,
    affinity: 'OpaqueRef:NULL',
    memory_static_max: String(2 * GiB),
    memory_dynamic_max: String(2 * GiB),
    memory_dynamic_min: String(1 * GiB),
    memory_static_min: String(512 * 1024 ** 2),
    VCPUs_params: {},
    VCPUs_max: '2',
    VCPUs_at_startup: '1',
    actions_after_shutdown: 'destroy',
    actions_after_reboot: 'restart',
    actions_after_crash: 'restart',
    PV_bootloader: '',
    PV_kernel: '',
    PV_ramdisk: '',
    PV_args: '',
    PV_bootloader_args: '',
    PV_legacy_args: '',
    HVM_boot_policy: 'BIOS order',
    HVM_boot_params: { order: 'dc' },
    platform: { acpi: '1' },
    PCI_bus: '',
    other_config: {},
    recommendations: '',
    ...overrides,
  };
}

/** A complete VDI.create record. */
export function vdiCreateRecord(sr: string, overrides: Rec = {}): Rec {
  return { name_label: 'data', name_description: '', SR: sr, virtual_size: String(8 * GiB), type: 'user', sharable: false, read_only: false, other_config: {}, ...overrides };
}

/** A complete VBD.create record for a disk. */
export function vbdCreateRecord(vm: string, vdi: string, overrides: Rec = {}): Rec {
  return { VM: vm, VDI: vdi, userdevice: 'autodetect', bootable: false, mode: 'RW', type: 'Disk', empty: false, other_config: {}, qos_algorithm_type: '', qos_algorithm_params: {}, ...overrides };
}

/** A complete VIF.create record; MAC "" lets xapi derive one from the VM's mac_seed. */
export function vifCreateRecord(vm: string, network: string, overrides: Rec = {}): Rec {
  return { device: '0', network, VM: vm, MAC: '', MTU: '1500', other_config: {}, qos_algorithm_type: '', qos_algorithm_params: {}, ...overrides };
}

/** Waits (through event.from on the task) until a task leaves `pending`; returns its record. */
export async function awaitTask(rpc: RpcClient, session: string, task: string, timeoutSeconds = 10): Promise<Rec> {
  let token = '';
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const batch = await rpc.ok<{ events: { snapshot?: Rec }[]; token: string }>('event.from', session, [`task/${task}`], token, 5);
    token = batch.token;
    const snap = batch.events.at(-1)?.snapshot;
    if (snap !== undefined && snap['status'] !== 'pending') return snap;
    if (Date.now() > deadline) throw new Error(`task ${task} still pending`);
  }
}
