// Provider services for tests that build the CIM layer without the HTTP front end.
import { JobRegistry } from '../../src/providers/jobs/registry.js';
import type { ProviderServices } from '../../src/providers/services.js';
import { XenApiClient } from '../../src/xenapi/client.js';
import type { XenModel } from '../../src/xenapi/model.js';
import { UserCalls } from '../../src/xenapi/user-calls.js';

export function testServices(model: XenModel, url: string): ProviderServices & { close(): void } {
  const client = new XenApiClient(url, { timeoutMs: 10_000 });
  const jobs = new JobRegistry(model, 60_000, async () => {});
  return {
    xen: new UserCalls(client),
    jobs,
    jobWaitMs: 1000,
    close: () => {
      jobs.close();
      client.close();
    },
  };
}
