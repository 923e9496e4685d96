// What providers that write need besides the model: XenAPI calls made with the caller's own
// session, the job registry, and their tuning.
import type { OperationContext } from '../cim/operation-context.js';
import type { CallerSession, UserCalls } from '../xenapi/user-calls.js';
import type { JobRegistry } from './jobs/registry.js';

export interface ProviderServices {
  readonly xen: UserCalls;
  readonly jobs: JobRegistry;
  /** how long a method waits for its XenAPI task before answering 4096 with a job */
  readonly jobWaitMs: number;
}

/** The caller's XenAPI session, from the operation context. */
export function callerOf(ctx: OperationContext): CallerSession {
  return { sessionRef: ctx.principal.xenSession, renew: ctx.principal.renewXenSession };
}
