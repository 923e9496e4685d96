// Real clients from Debian packages (python3-winrm, sblim-wbemcli). Where one is missing the
// test says so loudly and skips, unless REQUIRE_REAL_CLIENTS is set (as .ci/run does).
import { spawn, spawnSync } from 'node:child_process';

export const DEBIAN_PYTHON = '/usr/bin/python3';

export function havePywinrm(): boolean {
  const r = spawnSync(DEBIAN_PYTHON, ['-c', 'import winrm, xmltodict'], { encoding: 'utf8' });
  return r.status === 0;
}

/** The skip reason for a missing client, after a loud banner; throws where clients are required. */
export function missingClient(name: string, pkg: string): string {
  const msg = `REAL CLIENT MISSING: ${name} is not installed (apt-get install ${pkg}); its end-to-end test is SKIPPED`;
  if (process.env['REQUIRE_REAL_CLIENTS']) throw new Error(`${msg} — but REQUIRE_REAL_CLIENTS is set`);
  process.stderr.write(`\n${'!'.repeat(msg.length)}\n${msg}\n${'!'.repeat(msg.length)}\n\n`);
  return msg;
}

/**
 * Runs a Python script with Debian's python3 and parses the last line it prints as JSON.
 * pywinrm 0.3.0 takes TLS verification from REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE: they are left out.
 */
export function runPythonJson<T>(script: string, args: readonly string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env['REQUESTS_CA_BUNDLE'];
    delete env['CURL_CA_BUNDLE'];
    const p = spawn(DEBIAN_PYTHON, [script, ...args], { env });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => {
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as T);
      } catch {
        reject(new Error(`${script} exited ${code}: ${out}\n${err}`));
      }
    });
  });
}
