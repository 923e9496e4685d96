import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { makeSelfSigned, pairFromFiles, selfSignedInDir } from '../../../src/http/self-signed.js';

t.test('a valid self-signed certificate for the names and addresses given', async (t) => {
  const { cert, key } = makeSelfSigned(['gw.example', '10.0.0.7', 'fe80::1']);
  const x = new X509Certificate(cert);
  t.ok(x.verify(x.publicKey), 'self-signed');
  t.equal(x.checkHost('gw.example'), 'gw.example');
  t.equal(x.checkIP('10.0.0.7'), '10.0.0.7');
  t.equal(x.checkIP('fe80::1'), 'fe80::1');
  t.equal(x.checkHost('other.example'), undefined);
  t.ok(new Date(x.validTo).getTime() - Date.now() > 3000 * 86_400_000, 'valid for years');
  t.equal(x.ca, false);
  t.match(key, /BEGIN PRIVATE KEY/);
});

t.test('made once in the data folder, then reused; a broken key is refused', async (t) => {
  const dir = join(mkdtempSync(join(tmpdir(), 'tls-')), 'nested');
  const first = selfSignedInDir(dir, ['localhost']);
  t.equal(first.created, true);
  const again = selfSignedInDir(dir, ['localhost']);
  t.equal(again.created, false);
  t.equal(again.fingerprint, first.fingerprint);
  t.equal(pairFromFiles(join(dir, 'tls-cert.pem'), join(dir, 'tls-key.pem')).fingerprint, first.fingerprint);
  writeFileSync(join(dir, 'tls-key.pem'), 'not a key');
  t.throws(() => selfSignedInDir(dir));
  t.match(readFileSync(join(dir, 'tls-cert.pem'), 'utf8'), /BEGIN CERTIFICATE/);
});
