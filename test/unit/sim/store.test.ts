import t from 'tap';
import { makeRecord } from '../../../src/sim/records.js';
import { collectEvents, formatToken, parseSubscriptions, parseToken } from '../../../src/sim/events.js';
import { Store } from '../../../src/sim/store.js';

const rec = (name: string) => makeRecord('network', { uuid: `uuid-${name}`, name_label: name });

t.test('transactions commit under one generation and log once per object', async (t) => {
  const store = new Store();
  store.load((tx) => tx.add('network', 'OpaqueRef:a', rec('a')));
  t.equal(store.generation, 1);
  let seen = 0;
  const off = store.onCommit((changes) => (seen += changes.length));
  store.transact((tx) => {
    tx.add('network', 'OpaqueRef:b', rec('b'));
    tx.update('network', 'OpaqueRef:a', { name_label: 'a2' });
    tx.update('network', 'OpaqueRef:a', { MTU: '9000' });
  });
  t.equal(store.generation, 2);
  t.equal(seen, 2);
  t.same(new Set(store.changesSince(1).map((c) => c.ref)), new Set(['OpaqueRef:a', 'OpaqueRef:b']));
  t.equal(store.changesSince(1).length, 2);
  t.same(store.changesSince(2), []);
  store.transact(() => undefined);
  t.equal(store.generation, 2, 'an empty transaction commits nothing');
  off();
  store.transact((tx) => tx.remove('network', 'OpaqueRef:b'));
  t.equal(seen, 2, 'listener removed');
  t.equal(store.tombstone('OpaqueRef:b')?.deleted, 3);
  t.equal(store.refByUuid('network', 'uuid-a'), 'OpaqueRef:a');
  t.equal(store.refByUuid('network', 'uuid-b'), undefined);
  store.transact((tx) => tx.add('network', 'OpaqueRef:c', rec('c')));
  t.equal(store.refByUuid('network', 'uuid-c'), 'OpaqueRef:c', 'index kept up to date');
  store.transact((tx) => {
    tx.add('network', 'OpaqueRef:tmp', rec('tmp'));
    tx.remove('network', 'OpaqueRef:tmp');
  });
  t.equal(store.tombstone('OpaqueRef:tmp'), undefined, 'created and removed in one batch leaves no trace');
  t.throws(() => store.load(() => undefined), /empty store/);
  t.throws(() => store.transact((tx) => tx.update('network', 'OpaqueRef:zzz', {})), /no network/);
  t.throws(() => store.transact((tx) => tx.add('network', 'OpaqueRef:a', rec('dup'))), /duplicate/);
});

t.test('the change log is compacted but keeps the newest change of every object', async (t) => {
  const store = new Store();
  store.load((tx) => {
    for (let i = 0; i < 10; i++) tx.add('network', `OpaqueRef:${i}`, rec(String(i)));
  });
  for (let round = 0; round < 5000; round++) {
    store.transact((tx) => tx.update('network', `OpaqueRef:${round % 10}`, { MTU: String(round) }));
  }
  const changes = store.changesSince(1);
  t.equal(changes.length, 10);
  t.same(changes.map((c) => c.ref), Array.from({ length: 10 }, (_, i) => `OpaqueRef:${i}`));
  const sub = parseSubscriptions(['network']);
  // Round r commits generation r + 2, so generations above 4995 are rounds 4994..4999.
  const events = collectEvents(store, sub, 4995);
  t.same(events.map((e) => [e.op, e.ref, e.id]), [
    ['mod', 'OpaqueRef:4', 4996],
    ['mod', 'OpaqueRef:5', 4997],
    ['mod', 'OpaqueRef:6', 4998],
    ['mod', 'OpaqueRef:7', 4999],
    ['mod', 'OpaqueRef:8', 5000],
    ['mod', 'OpaqueRef:9', 5001],
  ]);
});

t.test('tokens', async (t) => {
  t.equal(formatToken(42), '00000000000000000042,00000000000000000000');
  t.equal(parseToken(formatToken(42)), 42);
  t.equal(parseToken(''), 0);
  t.throws(() => parseToken('1,2,3'), /EVENT_FROM_TOKEN_PARSE_FAILURE/);
  t.throws(() => parseToken('a,b'), /EVENT_FROM_TOKEN_PARSE_FAILURE/);
  t.ok(formatToken(9) < formatToken(10), 'lexicographic order follows numeric order');
});
