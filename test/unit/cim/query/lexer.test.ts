import t from 'tap';
import type { QueryDialect } from '../../../../src/cim/query/ast.js';
import { describeToken, Lexer, type Token } from '../../../../src/cim/query/lexer.js';
import { QuerySyntaxError } from '../../../../src/cim/query/query-error.js';

function tokens(text: string, dialect: QueryDialect = 'wql'): Token[] {
  const lexer = new Lexer(text, dialect);
  const out: Token[] = [];
  for (;;) {
    const tok = lexer.next();
    out.push(tok);
    if (tok.kind === 'eof') return out;
  }
}

const brief = (text: string, dialect: QueryDialect = 'wql'): string[] =>
  tokens(text, dialect).map((tok) => `${tok.kind}:${String(tok.value)}@${tok.pos}`);

t.test('identifiers, operators and positions', async (t) => {
  t.same(brief('SELECT *\n FROM __CLASS, Größe_1 <>!=<=>=<>=()'), [
    'identifier:SELECT@0', 'op:*@7', 'identifier:FROM@10', 'identifier:__CLASS@15', 'op:,@22', 'identifier:Größe_1@24',
    'op:<>@32', 'op:!=@34', 'op:<=@36', 'op:>=@38', 'op:<>@40', 'op:=@42', 'op:(@43', 'op:)@44', 'eof:@45',
  ]);
  t.same(brief('a.b::c#d||e[1]+-/;:{}'), [
    'identifier:a@0', 'op:.@1', 'identifier:b@2', 'op:::@3', 'identifier:c@5', 'op:#@6', 'identifier:d@7', 'op:||@8',
    'identifier:e@10', 'op:[@11', 'integer:1@12', 'op:]@13', 'op:+@14', 'op:-@15', 'op:/@16', 'op:;@17', 'op::@18',
    'op:{@19', 'op:}@20', 'eof:@21',
  ]);
});

t.test('numbers: decimal and hexadecimal integers stay exact, reals are doubles', async (t) => {
  t.same(tokens('18446744073709551615 0x1F 2.5 .5 1e3 7. 1.5E-2').slice(0, 7).map((x) => [x.kind, x.value]), [
    ['integer', 18446744073709551615n], ['integer', 31n], ['real', 2.5], ['real', 0.5], ['real', 1000], ['real', 7],
    ['real', 0.015],
  ]);
});

t.test('string literals: single quotes in both dialects, double quotes in WQL, with each dialect\'s escapes', async (t) => {
  t.same(tokens(`'it\\'s' "say \\"hi\\"" 'c:\\\\temp' '' 'a"b'`, 'wql').slice(0, 5).map((x) => x.value),
    ["it's", 'say "hi"', 'c:\\temp', '', 'a"b']);
  t.same(tokens(`'it\\'s' 'c:\\\\temp'`, 'cql').slice(0, 2).map((x) => x.value), ["it's", 'c:\\temp']);
  t.equal(tokens(`'x'`)[0]?.text, `'x'`);
});

t.test('lexical errors name the position and what is wrong', async (t) => {
  const rows: ReadonlyArray<readonly [QueryDialect, string, number, RegExp]> = [
    ['wql', "a = 'abc", 5, /unterminated string: no closing ' at column 5/],
    ['wql', 'a = "abc', 5, /no closing "/],
    ['wql', "a = 'abc\\", 5, /unterminated string/],
    ['wql', "a = 'c:\\temp'", 8, /invalid escape '\\t' in string \(WQL allows \\\\ \\' \\"\)/],
    ['cql', `a = 'say \\"x'`, 10, /invalid escape '\\"' in string \(CQL allows \\\\ \\'\)/],
    ['cql', 'a = "x"', 5, /CQL string literals take single quotes/],
    ['wql', 'a = 12abc', 5, /malformed number '12a'/],
    ['wql', 'a = 0x1G', 5, /malformed number '0x1G'/],
    ['wql', 'a @ b', 3, /unexpected character '@' at column 3/],
    ['wql', 'a ! b', 3, /unexpected character '!'/],
    ['wql', 'a = 1\n  AND b = $', 11, /unexpected character '\$' at line 2, column 11/],
  ];
  for (const [dialect, text, column, message] of rows) {
    try {
      tokens(text, dialect);
      t.fail(`${text} should not tokenize`);
    } catch (err: unknown) {
      t.ok(err instanceof QuerySyntaxError, text);
      if (err instanceof QuerySyntaxError) {
        t.equal(err.status, 'INVALID_QUERY');
        t.equal(err.subject, 'query');
        t.equal(err.column, column, `${text}: column`);
        t.match(err.message, message, text);
      }
    }
  }
});

t.test('describeToken names each kind of token for messages', async (t) => {
  const [id, str, int, real, op, eof] = tokens("Name 'x' 5 2.5 = ");
  t.same([id, str, int, real, op, eof].map((x) => (x === undefined ? '' : describeToken(x))),
    ["'Name'", "string 'x'", 'number 5', 'number 2.5', "'='", 'end of query']);
});
