import t from 'tap';
import { compileLike, LikePatternError } from '../../../../src/cim/query/like.js';

type Row = readonly [pattern: string, subject: string, expected: boolean];

// WMI "LIKE Operator" and about_WQL: % _ [set] [a-f] [^…], whole-string match, case-insensitive
const WQL: readonly Row[] = [
  ['web%', 'Web Server', true],
  ['web%', 'my web', false],
  ['%server', 'Web Server', true],
  ['%eb S%', 'Web Server', true],
  ['%', '', true],
  ['%', 'anything', true],
  ['', '', true],
  ['', 'x', false],
  ['_', 'a', true],
  ['_', '', false],
  ['_', 'ab', false],
  ['c_lc.exe', 'calc.exe', true],
  ['c_lc.exe', 'caalc.exe', false],
  ['[H-N]otepad.exe', 'notepad.exe', true],
  ['[H-N]otepad.exe', 'Potepad.exe', false],
  ['[abc]x', 'Bx', true],
  ['[^ASWPRCUN]%', 'explorer.exe', true],
  ['[^ASWPRCUN]%', 'svchost.exe', false],
  ['[^a-c]', 'd', true],
  ['[^a-c]', 'b', false],
  ['%[_][_]%', 'a__b', true],
  ['%[_][_]%', 'a_b', false],
  ['100[%]', '100%', true],
  ['100[%]', '1000', false],
  ['[[]x]', '[x]', true],
  ['[]]', ']', true],
  ['[^]]', 'a', true],
  ['[a-]', '-', true],
  ['[-a]', '-', true],
  ['a%%b', 'ab', true],
  ['%a%b%', 'xxaxxbxx', true],
  ['%a%b%', 'xxbxxaxx', false],
  ['WLIDSVC.exe', 'wlidsvc.EXE', true],
  ['WLIDSVC.exe', 'WLIDSVCxexe', false],
  ['^x', '^x', true],
  ['a\\b', 'a\\b', true],
  ['a*b', 'a*b', true],
  ['a*b', 'aab', false],
  ['_', '😀', true],
  ['%😀', 'smile 😀', true],
  ['İ%', 'i̇stanbul', true],
];

// DSP0202 1.0.0 annex C.1: . any character, * zero or more of the preceding, \ escapes * . \; case-sensitive
const CQL: readonly Row[] = [
  ['abcd.*', 'abcdefg', true],
  ['.*defg', 'abcdefg', true],
  ['abcd', 'abcdefg', false],
  ['abcdefg', 'abcd', false],
  ['abcdefg', 'abcdefg', true],
  ['abcdefg', 'ABCDEFG', false],
  ['ab.', 'ab?', true],
  ['.a.b', 'aa!b', true],
  ['\\.ab', '.ab', true],
  ['\\.ab', 'xab', false],
  ['.*', '', true],
  ['.*', 'anything at all', true],
  ['\\.*', '......', true],
  ['\\.*', '...x', false],
  ['abcd*', 'abcddddd', true],
  ['abcd*', 'abc', true],
  ['ab*cd', 'abbbbcd', true],
  ['ab*cd', 'acd', true],
  ['ab.*cd', 'ab123!cd', true],
  ['\\*ab', '*ab', true],
  ['.\\*', 'x*', true],
  ['a\\\\b', 'a\\b', true],
  ['100%', '100%', true],
  ['100%', '1000', false],
  ['DB_backup', 'DBXbackup', false],
  ['[a]', '[a]', true],
  ['[a]', 'a', false],
  ['人気サイト.*', '人気サイトトトト', true],
  ['人気サイ.ト', '人気サイ気ト', true],
  ['😀.', '😀x', true],
  ['', '', true],
];

t.test('WQL patterns match as WMI documents', async (t) => {
  for (const [pattern, subject, expected] of WQL) {
    t.equal(compileLike(pattern, 'wql', { caseInsensitive: true })(subject), expected, `'${subject}' LIKE '${pattern}'`);
  }
});

t.test('CQL patterns match as DSP0202 annex C.1 defines', async (t) => {
  for (const [pattern, subject, expected] of CQL) {
    t.equal(compileLike(pattern, 'cql', { caseInsensitive: false })(subject), expected, `'${subject}' LIKE '${pattern}'`);
  }
});

t.test('case folding is an option of its own', async (t) => {
  t.equal(compileLike('web%', 'wql', { caseInsensitive: false })('Web'), false);
  t.equal(compileLike('web%', 'wql', { caseInsensitive: false })('web'), true);
  t.equal(compileLike('WEB.*', 'cql', { caseInsensitive: true })('web server'), true);
});

t.test('malformed patterns are rejected with the index of the problem', async (t) => {
  const rows: ReadonlyArray<readonly ['wql' | 'cql', string, number, RegExp]> = [
    ['wql', 'ab[cd', 2, /'\[' without a closing '\]'/],
    ['wql', '[^', 0, /without a closing/],
    ['wql', '[]', 0, /without a closing/],
    ['wql', 'x[z-a]', 2, /range z-a is reversed/],
    ['cql', '*abc', 0, /'\*' must follow a character/],
    ['cql', 'ab**', 3, /'\*' must follow/],
    ['cql', 'a\\b', 1, /'\\b' is not an escape/],
    ['cql', 'abc\\', 3, /ends with a lone \\/],
  ];
  for (const [dialect, pattern, index, message] of rows) {
    try {
      compileLike(pattern, dialect, { caseInsensitive: false });
      t.fail(`${pattern} should be rejected`);
    } catch (err: unknown) {
      t.ok(err instanceof LikePatternError, pattern);
      if (err instanceof LikePatternError) {
        t.equal(err.index, index, `${pattern}: index`);
        t.match(err.message, message, `${pattern}: message`);
      }
    }
  }
});

t.test('pathological patterns finish in linear time (no backtracking)', async (t) => {
  const subject = 'a'.repeat(20_000);
  const wqlPattern = '%a'.repeat(200) + '%b';
  const cqlPattern = 'a*'.repeat(200) + 'b';
  const started = performance.now();
  t.equal(compileLike(wqlPattern, 'wql', { caseInsensitive: true })(subject), false);
  t.equal(compileLike(cqlPattern, 'cql', { caseInsensitive: false })(subject), false);
  t.equal(compileLike('%a'.repeat(200) + '%', 'wql', { caseInsensitive: true })(subject), true);
  const elapsed = performance.now() - started;
  // a backtracking matcher needs on the order of 20000^200 steps here; the automaton needs 3 × 20000 × 400
  t.ok(elapsed < 2000, `took ${elapsed.toFixed(0)} ms`);
});
