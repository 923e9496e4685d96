import t from 'tap';
import { describeToken, tokenize } from '../../../src/cim/mof-lexer.js';
import { MofSyntaxError } from '../../../src/cim/mof-types.js';

const kinds = (src: string): string[] => tokenize(src, 'x.mof').map((tok) => `${tok.kind}:${String(tok.value)}`);

t.test('skips whitespace and both comment styles, counting lines and columns', async (t) => {
  const toks = tokenize('// line comment\n  /* block\n comment */ class\r\n\tFoo', 'a.mof');
  t.same(toks.map((x) => [x.kind, x.text, x.pos.line, x.pos.column]), [
    ['identifier', 'class', 3, 13],
    ['identifier', 'Foo', 4, 2],
    ['eof', '', 4, 5],
  ]);
  t.equal(toks[0]?.pos.file, 'a.mof');
});

t.test('a lone \\r also ends a line, and a leading BOM is skipped', async (t) => {
  const toks = tokenize('\uFEFFa\rb', 'x.mof');
  t.same(toks.slice(0, 2).map((x) => [x.pos.line, x.pos.column]), [[1, 2], [2, 1]]);
});

t.test('punctuation, aliases and #pragma', async (t) => {
  t.same(kinds('{}()[];,:= $Foo_1 #PRAGMA'), [
    'punct:{', 'punct:}', 'punct:(', 'punct:)', 'punct:[', 'punct:]', 'punct:;', 'punct:,', 'punct::', 'punct:=',
    'alias:Foo_1', 'pragma:#pragma', 'eof:',
  ]);
});

t.test('identifiers may hold digits, underscores and non-ASCII letters', async (t) => {
  t.same(kinds('_a1 Größe'), ['identifier:_a1', 'identifier:Größe', 'eof:']);
});

t.test('string escapes decode (DSP0004 escapes incl. \\x with 1-4 hex digits)', async (t) => {
  const [s] = tokenize(String.raw`"a\n\t\"\\\x41\X263a\b\f\r\'z"`, 'x.mof');
  t.equal(s?.kind, 'string');
  t.equal(s?.value, 'a\n\t"\\A\u263a\b\f\r\'z');
});

t.test('char16 literals hold exactly one character', async (t) => {
  t.same(kinds(String.raw`'a' '\n' '\x41'`), ['char:a', 'char:\n', 'char:A', 'eof:']);
});

t.test('integers: decimal, signed, hex, binary, octal', async (t) => {
  t.same(kinds('42 -7 +3 0x1F -0X10 101b -11B 017 0 -0'), [
    'integer:42', 'integer:-7', 'integer:3', 'integer:31', 'integer:-16', 'integer:5', 'integer:-3',
    'integer:15', 'integer:0', 'integer:0', 'eof:',
  ]);
  const negZero = tokenize('-0', 'x.mof')[0]?.value;
  t.ok(Object.is(negZero, 0), '-0 normalises to 0');
});

t.test('reals need a dot and may carry an exponent', async (t) => {
  t.same(kinds('1.5 -0.25 .5 2.0e3 1.0E-2'), ['real:1.5', 'real:-0.25', 'real:0.5', 'real:2000', 'real:0.01', 'eof:']);
});

const errors: Array<[string, string, string]> = [
  ['"abc', 'x.mof:1:1: expected \'"\' to close the string literal, found end of input', 'string at end of input'],
  ['class\n  "abc\n";', 'x.mof:2:3: expected \'"\' to close the string literal, found end of line', 'string cut by newline'],
  ["'ab'", "x.mof:1:1: expected exactly one character in a char16 literal, found ''ab''", 'two-char char16'],
  ["''", "x.mof:1:1: expected exactly one character in a char16 literal, found ''''", 'empty char16'],
  ["'a", 'x.mof:1:1: expected "\'" to close the char16 literal, found end of input', 'unterminated char16'],
  ['a /* never closed', "x.mof:1:3: expected '*/' to close the comment, found end of input", 'unterminated comment'],
  [String.raw`"\q"`, String.raw`x.mof:1:1: expected an escape sequence (\b \t \n \f \r \" \' \\ \xHHHH), found '\q'`, 'bad escape'],
  [String.raw`"\xZ"`, String.raw`x.mof:1:1: expected hex digits after \x, found '\xZ'`, 'empty hex escape'],
  ['12abc', "x.mof:1:1: expected a number, found '12abc'", 'digits then letters'],
  ['1.5.2', "x.mof:1:1: expected a number, found '1.5.2'", 'two dots'],
  ['089', "x.mof:1:1: expected a number, found '089'", 'bad octal'],
  ['- 1', "x.mof:1:1: expected a number, found '-'", 'lone sign'],
  ['9007199254740993', "x.mof:1:1: expected an integer within ±(2^53-1), found '9007199254740993'", 'unsafe integer'],
  ['1.0e999', "x.mof:1:1: expected a real value within range, found '1.0e999'", 'real overflow'],
  ['#include', "x.mof:1:1: expected '#pragma', found '#include'", 'unknown directive'],
  ['$ x', "x.mof:1:1: expected an alias name after '$', found '$ '", 'alias without name'],
  ['a @', "x.mof:1:3: expected a MOF token, found '@'", 'stray character'],
];
for (const [src, message, title] of errors) {
  t.test(`lexer error: ${title}`, async (t) => {
    t.throws(() => tokenize(src, 'x.mof'), { name: 'MofSyntaxError', message });
  });
}

t.test('errors carry file, line and column fields', async (t) => {
  try {
    tokenize('\n\n   "oops', 'dir/f.mof');
    t.fail('should throw');
  } catch (err) {
    t.ok(err instanceof MofSyntaxError);
    const e = err as MofSyntaxError;
    t.same([e.file, e.line, e.column], ['dir/f.mof', 3, 4]);
  }
});

t.test('describeToken names tokens for messages', async (t) => {
  const [id, str, p, eof] = tokenize('Foo "s" ;', 'x.mof');
  t.same([id, str, p, eof].map((x) => (x === undefined ? '' : describeToken(x))),
    ["identifier 'Foo'", 'string "s"', "';'", 'end of input']);
});
