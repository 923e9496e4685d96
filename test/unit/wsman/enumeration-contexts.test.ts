import t from 'tap';
import { EnumerationContexts } from '../../../src/wsman/enumeration-contexts.js';
import { WsmanFault } from '../../../src/soap/faults.js';
import type { EnumerationCursor } from '../../../src/cim/cimom.js';

const cursor: EnumerationCursor = { namespace: 'root/cimv2', className: 'X', segments: [], filter: undefined, segment: 0, position: 0 };
const init = (owner: string) => ({ owner, mode: 'EnumerateObject' as const, polymorphism: 'IncludeSubClassProperties' as const, properties: undefined, cursor, locale: undefined });
const subcode = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return err instanceof WsmanFault ? err.subcode : 'other';
  }
  return undefined;
};

t.test('a second concurrent Pull is refused; owners, quotas and expiry', async (t) => {
  const c = new EnumerationContexts({ maxContexts: 3, maxContextsPerUser: 2, defaultTtlMs: 60_000, maxTtlMs: 120_000 });
  const a = c.open(init('alice'));
  t.equal(c.acquire(a.id, 'alice'), a);
  t.equal(subcode(() => c.acquire(a.id, 'alice')), 'wsman:Concurrency', 'a Pull while one is in flight [wsman:Concurrency]');
  c.releaseUse(a);
  t.equal(c.acquire(a.id, 'alice'), a, 'free again afterwards');
  c.releaseUse(a);
  t.equal(subcode(() => c.acquire(a.id, 'bob')), 'wsman:AccessDenied');
  t.equal(subcode(() => c.acquire('uuid:nothing', 'alice')), 'wsen:InvalidEnumerationContext');
  c.open(init('alice'));
  t.equal(subcode(() => c.open(init('alice'))), 'wsman:QuotaLimit', 'per user');
  c.open(init('bob'));
  t.equal(subcode(() => c.open(init('carol'))), 'wsman:QuotaLimit', 'in all');
  t.equal(c.countOf('alice'), 2);
  c.delete(a.id);
  t.equal(c.countOf('alice'), 1, 'a deleted context frees its place');
  const d = new EnumerationContexts({ maxContexts: 10, maxContextsPerUser: 10, defaultTtlMs: 50, maxTtlMs: 100 });
  const e = d.open(init('dave'));
  await new Promise((r) => setTimeout(r, 120));
  t.equal(subcode(() => d.acquire(e.id, 'dave')), 'wsen:InvalidEnumerationContext', 'expired');
  t.equal(d.countOf('dave'), 0, 'expiry frees the place');
  const f = d.open(init('dave'));
  d.renew(f, 10 ** 9);
  t.ok(f.expiresAt - Date.now() <= 100, 'Renew is capped at the longest lifetime');
});
