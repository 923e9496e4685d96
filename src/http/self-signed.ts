// A self-signed certificate for `npm start` over HTTPS, generated once into the data folder
// and reused. Node can make keys but not X.509 certificates, so the certificate is written
// here in DER (RFC 5280) and signed with the key: no openssl binary needed.
import { createPrivateKey, generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';

export interface TlsPair {
  readonly cert: string;
  readonly key: string;
  /** SHA-256 fingerprint, colon-separated hex, as clients show it */
  readonly fingerprint: string;
  /** true when made now, false when read back from the data folder */
  readonly created: boolean;
}

// --- DER encoding (only what a certificate needs) ---
function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([tag]), len(body.length), body]);
const seq = (...parts: Buffer[]): Buffer => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]): Buffer => tlv(0x31, Buffer.concat(parts));
const ctx = (n: number, body: Buffer, constructed = true): Buffer => tlv((constructed ? 0xa0 : 0x80) | n, body);
const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));
const octets = (b: Buffer): Buffer => tlv(0x04, b);
const bits = (b: Buffer): Buffer => tlv(0x03, Buffer.concat([Buffer.from([0]), b]));
const bool = (v: boolean): Buffer => tlv(0x01, Buffer.from([v ? 0xff : 0]));

function integer(b: Buffer): Buffer {
  // A positive INTEGER: no leading zero bytes, and a zero byte if the top bit is set.
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const v = b.subarray(i);
  return tlv(0x02, (v[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), v]) : v);
}

function oid(dotted: string): Buffer {
  const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number);
  const out = [a * 40 + b];
  for (const n of rest) {
    const chunk: number[] = [];
    let v = n;
    do {
      chunk.unshift(v & 0x7f);
      v = Math.floor(v / 128);
    } while (v > 0);
    for (let i = 0; i < chunk.length - 1; i++) chunk[i] = (chunk[i] ?? 0) | 0x80;
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

function time(d: Date): Buffer {
  const p = (n: number) => String(n).padStart(2, '0');
  const y = d.getUTCFullYear();
  const body = `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  // RFC 5280 §4.1.2.5: UTCTime until 2049, GeneralizedTime from 2050.
  return y < 2050 ? tlv(0x17, Buffer.from(`${String(y).slice(2)}${body}`)) : tlv(0x18, Buffer.from(`${y}${body}`));
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  const [head = '', tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return Buffer.concat(groups.map((g) => Buffer.from([parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff])));
}

/** A self-signed ECDSA P-256 certificate for these host names and addresses. */
export function makeSelfSigned(names: readonly string[], days = 3650): { cert: string; key: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const cn = names[0] ?? 'localhost';
  const name = seq(set(seq(oid('2.5.4.3'), utf8(cn))), set(seq(oid('2.5.4.10'), utf8('Xen WS-Management Gateway (self-signed)'))));
  const alg = seq(oid('1.2.840.10045.4.3.2')); // ecdsa-with-SHA256
  const now = new Date();
  const notBefore = new Date(now.getTime() - 3_600_000);
  const notAfter = new Date(now.getTime() + days * 86_400_000);
  const san = seq(...names.map((n) => (isIP(n) ? ctx(7, ipBytes(n), false) : ctx(2, Buffer.from(n, 'ascii'), false))));
  const extensions = ctx(3, seq(
    seq(oid('2.5.29.19'), bool(true), octets(seq())), // basicConstraints: not a CA
    seq(oid('2.5.29.17'), octets(san)), // subjectAltName
    seq(oid('2.5.29.37'), octets(seq(oid('1.3.6.1.5.5.7.3.1')))), // extKeyUsage: serverAuth
  ));
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  const tbs = seq(ctx(0, integer(Buffer.from([2]))), integer(serial), alg, name, seq(time(notBefore), time(notAfter)), name,
    publicKey.export({ type: 'spki', format: 'der' }), extensions);
  const signature = sign('sha256', tbs, privateKey);
  const der = seq(tbs, alg, bits(signature));
  const pem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END CERTIFICATE-----\n`;
  return { cert: pem, key: (privateKey as KeyObject).export({ type: 'pkcs8', format: 'pem' }).toString() };
}

/** The pair in `dir` (tls-cert.pem, tls-key.pem), made on first use; the key file is private to the user. */
export function selfSignedInDir(dir: string, names: readonly string[] = ['localhost', '127.0.0.1', '::1', hostname()]): TlsPair {
  const certFile = join(dir, 'tls-cert.pem');
  const keyFile = join(dir, 'tls-key.pem');
  let created = false;
  if (!existsSync(certFile) || !existsSync(keyFile)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const pair = makeSelfSigned([...new Set(names)]);
    writeFileSync(keyFile, pair.key, { mode: 0o600 });
    writeFileSync(certFile, pair.cert, { mode: 0o644 });
    created = true;
  }
  const cert = readFileSync(certFile, 'utf8');
  const key = readFileSync(keyFile, 'utf8');
  createPrivateKey(key); // refuses a damaged key file here rather than at the first handshake
  return { cert, key, fingerprint: new X509Certificate(cert).fingerprint256, created };
}

/** A pair from files the operator gave. */
export function pairFromFiles(certFile: string, keyFile: string): TlsPair {
  const cert = readFileSync(certFile, 'utf8');
  const key = readFileSync(keyFile, 'utf8');
  createPrivateKey(key);
  return { cert, key, fingerprint: new X509Certificate(cert).fingerprint256, created: false };
}
