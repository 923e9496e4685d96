// pywinrm (Debian's python3-winrm) drives Enumerate and Pull through its own Basic-auth transport.
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { startStack, type Stack } from '../helpers/stack.js';
import { computerSystemNames, xenSession } from '../helpers/xenapi.js';
import { CS_URI } from '../helpers/wsman-client.js';
import { havePywinrm, missingClient, runPythonJson } from '../helpers/real-clients.js';

const SCRIPT = fileURLToPath(new URL('../clients/pywinrm_enumerate.py', import.meta.url));
const skip = havePywinrm() ? false : missingClient('pywinrm', 'python3-winrm');

function run(args: string[]): Promise<{ names?: string[]; requests?: number; error?: string; kind?: string }> {
  return runPythonJson(SCRIPT, args);
}

t.test('pywinrm enumerates every computer system, pulling until the end', { skip }, async (t) => {
  const stack: Stack = await startStack();
  t.teardown(() => stack.close());
  const x = await xenSession(stack.sim.url);
  const expected = await computerSystemNames(x.session);
  await x.close();

  const result = await run([stack.endpoint, 'monitor', 'monitor', CS_URI, '2']);
  t.equal(result.error, undefined, result.error ?? '');
  t.same(new Set(result.names), expected);
  t.equal(result.names?.length, expected.size);
  t.ok((result.requests ?? 0) > 2, 'the Enumerate was followed by Pulls');

  const denied = await run([stack.endpoint, 'root', 'not-the-password', CS_URI]);
  t.equal(denied.kind, 'InvalidCredentialsError', 'a wrong password is a 401 that pywinrm recognises');

  const fault = await run([stack.endpoint, 'root', 'xenroot', 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_Nothing']);
  t.equal(fault.kind, 'WinRMError', 'a fault body is parsed by pywinrm');
  t.match(fault.error, /DestinationUnreachable|resource URI/);
});
