// Large answers on kept-alive HTTPS connections, as Python's http.client (pywinrm's transport)
// sends requests: every request gets its answer, also when its headers and body arrive while
// the last large answer on the connection is still being written.
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { startStack, type Stack } from '../helpers/stack.js';
import { ROOT } from '../helpers/wsman-client.js';
import { havePywinrm, missingClient, runPythonJson } from '../helpers/real-clients.js';

const SCRIPT = fileURLToPath(new URL('../clients/https_keepalive.py', import.meta.url));
// The same Debian python that runs pywinrm (http.client and ssl are in its standard library).
const skip = havePywinrm() ? false : missingClient('pywinrm', 'python3-winrm');

let stack: Stack;
t.before(async () => {
  if (!skip) stack = await startStack({ sim: { vms: 300 }, https: true });
});
t.teardown(() => (skip ? undefined : stack.close()));

t.test('three Python clients, each 20 optimized enumerations of 300 VMs (~400 KB answers) over one kept-alive HTTPS connection', { skip }, async (t) => {
  const port = new URL(stack.httpsEndpoint!).port;
  const counts = await runPythonJson<Record<string, number>>(SCRIPT, ['127.0.0.1', port, ROOT.user, ROOT.password, '3', '20', '500']);
  t.same(counts, { '200 True': 60 }, 'every request answered in full, none dropped');
});
