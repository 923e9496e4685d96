// Real clients from Debian packages (python3-winrm, sblim-wbemcli). Where one is missing the
// test says so loudly and skips, unless REQUIRE_REAL_CLIENTS is set (as .ci/run does).
import { spawnSync } from 'node:child_process';

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
