import t from 'tap';
import { CimError } from '../../../../src/cim/errors.js';
import type { Expr, QueryDialect } from '../../../../src/cim/query/ast.js';
import { MAX_QUERY_DEPTH, MAX_QUERY_LENGTH, parseQuery } from '../../../../src/cim/query/parser.js';
import { QuerySyntaxError } from '../../../../src/cim/query/query-error.js';

/** A compact rendering of a condition, to compare parse trees in one line. */
function show(e: Expr | undefined): string {
  if (e === undefined) return '';
  const operand = (o: { kind: string; name?: string; qualifier?: string; literal?: { type: string; value?: unknown } }): string =>
    o.kind === 'property'
      ? `${o.qualifier === undefined ? '' : `${o.qualifier}.`}${o.name ?? ''}`
      : `${o.literal?.type}:${String(o.literal?.value)}`;
  switch (e.kind) {
    case 'and':
    case 'or': return `(${e.operands.map(show).join(` ${e.kind.toUpperCase()} `)})`;
    case 'not': return `NOT ${show(e.operand)}`;
    case 'compare': return `${e.quantifier === undefined ? '' : `${e.quantifier.toUpperCase()} `}${operand(e.left)} ${e.op} ${operand(e.right)}`;
    case 'isNull': return `${operand(e.operand)} IS ${e.negated ? 'NOT ' : ''}NULL`;
    case 'like': return `${e.quantifier === undefined ? '' : `${e.quantifier.toUpperCase()} `}${operand(e.operand)} ${e.negated ? 'NOT ' : ''}LIKE ${operand(e.pattern)}`;
    case 'isa': return `${operand(e.subject)} ISA ${e.className}`;
  }
}

t.test('SELECT *, a property list, FROM and an optional alias', async (t) => {
  const q = parseQuery('select * from Xen_ComputerSystem', 'wql');
  t.equal(q.select, '*');
  t.same(q.selectRefs, []);
  t.equal(q.from, 'Xen_ComputerSystem');
  t.equal(q.fromPos, 14);
  t.equal(q.alias, undefined);
  t.equal(q.where, undefined);
  t.equal(q.dialect, 'wql');
  t.equal(q.text, 'select * from Xen_ComputerSystem');

  const p = parseQuery('SELECT Name, cs.ElementName FROM CIM_ComputerSystem AS cs', 'cql');
  t.same(p.select, ['Name', 'ElementName']);
  t.same(p.selectRefs.map((r) => [r.name, r.qualifier, r.pos]), [['Name', undefined, 7], ['ElementName', 'cs', 13]]);
  t.equal(p.alias, 'cs');
  t.equal(parseQuery('SELECT * FROM CIM_ComputerSystem cs WHERE cs.Name = 1', 'cql').alias, 'cs', 'AS is optional');
});

t.test('conditions: precedence NOT > AND > OR, parentheses, flattening, literals on either side', async (t) => {
  const rows: ReadonlyArray<readonly [QueryDialect, string, string]> = [
    ['wql', 'a = 1 OR b = 2 AND c = 3', '(a = integer:1 OR (b = integer:2 AND c = integer:3))'],
    ['wql', '(a = 1 OR b = 2) AND c = 3', '((a = integer:1 OR b = integer:2) AND c = integer:3)'],
    ['wql', 'a = 1 AND b = 2 AND c = 3', '(a = integer:1 AND b = integer:2 AND c = integer:3)'],
    ['wql', 'NOT a = 1 AND NOT NOT b <> 2', '(NOT a = integer:1 AND NOT NOT b <> integer:2)'],
    ['wql', 'a != -5', 'a <> integer:-5'],
    ['wql', '2 < a', 'integer:2 < a'],
    ['wql', "'x' = Name", 'string:x = Name'],
    ['wql', 'a >= +2.5 and b <= 1e3', '(a >= real:2.5 AND b <= real:1000)'],
    ['wql', 'a > -0.5', 'a > real:-0.5'],
    ['wql', 'Flag = TRUE OR Flag = false', '(Flag = boolean:true OR Flag = boolean:false)'],
    ['wql', 'a IS NULL or b is not null', '(a IS NULL OR b IS NOT NULL)'],
    ['wql', "Name LIKE 'w%' AND Name NOT LIKE '%x'", '(Name LIKE string:w% AND Name NOT LIKE string:%x)'],
    ['wql', "__THIS ISA 'Xen_ComputerSystem'", '__THIS ISA Xen_ComputerSystem'],
    ['wql', "__CLASS = \"Xen_ComputerSystem\"", '__CLASS = string:Xen_ComputerSystem'],
    ['cql', 'cs ISA Xen_HostComputerSystem', 'cs ISA Xen_HostComputerSystem'],
    ['cql', 'cs.Ref ISA X', 'cs.Ref ISA X'],
    ['cql', 'ANY OperationalStatus = 2 AND EVERY Roles LIKE \'a.*\'', '(ANY OperationalStatus = integer:2 AND EVERY Roles LIKE string:a.*)'],
    ['cql', 'cs.Name = \'x\'', 'cs.Name = string:x'],
  ];
  for (const [dialect, where, expected] of rows) {
    const q = parseQuery(`SELECT * FROM CIM_ComputerSystem${dialect === 'cql' ? ' cs' : ''} WHERE ${where}`, dialect);
    t.equal(show(q.where), expected, where);
  }
});

t.test('keywords are case-insensitive; names are kept as written', async (t) => {
  const q = parseQuery("sElEcT NaMe FrOm cim_computersystem wHeRe NaMe lIkE 'x' aNd NOT eNaBlEdStAtE iS nOt NuLl", 'wql');
  t.same(q.select, ['NaMe']);
  t.equal(q.from, 'cim_computersystem');
  t.equal(show(q.where), '(NaMe LIKE string:x AND NOT eNaBlEdStAtE IS NOT NULL)');
});

interface Rejection {
  readonly dialect: QueryDialect;
  readonly text: string;
  readonly message: RegExp;
  /** 1-based column the error names */
  readonly column?: number;
}

const W = 'SELECT * FROM CIM_ComputerSystem WHERE ';
const REJECTED: readonly Rejection[] = [
  // plain syntax errors: what was expected and found, and where
  { dialect: 'wql', text: '', message: /expected SELECT; found end of query at column 1/, column: 1 },
  { dialect: 'wql', text: 'SELEC * FROM X', message: /expected SELECT; found 'SELEC'/, column: 1 },
  { dialect: 'wql', text: 'SELECT FROM X', message: /expected a property name or \*; found 'FROM'/, column: 8 },
  { dialect: 'wql', text: 'SELECT Name, FROM X', message: /expected a property name or \*; found 'FROM'/, column: 14 },
  { dialect: 'wql', text: 'SELECT * X', message: /expected FROM; found 'X'/, column: 10 },
  { dialect: 'wql', text: 'SELECT * FROM', message: /expected a class name; found end of query/, column: 14 },
  { dialect: 'wql', text: 'SELECT * FROM 5', message: /expected a class name; found number 5/, column: 15 },
  { dialect: 'wql', text: `${W}`, message: /expected a property or a literal; found end of query/, column: 40 },
  { dialect: 'wql', text: `${W}EnabledState`, message: /expected a comparison operator, IS, LIKE or ISA; found end of query/ },
  { dialect: 'wql', text: `${W}EnabledState = `, message: /expected a property or a literal; found end of query/ },
  { dialect: 'wql', text: `${W}EnabledState == 2`, message: /expected a property or a literal; found '='/, column: 54 },
  { dialect: 'wql', text: `${W}(EnabledState = 2`, message: /expected '\)' to close the '\(' at column 40; found end of query/ },
  { dialect: 'wql', text: `${W}EnabledState = 2 extra`, message: /expected AND, OR or end of query; found 'extra'/, column: 57 },
  { dialect: 'wql', text: 'SELECT * FROM X Y', message: /expected WHERE or end of query; found 'Y'/, column: 17 },
  { dialect: 'cql', text: 'SELECT * FROM X a constructor', message: /expected WHERE or end of query; found 'constructor'/ },
  { dialect: 'wql', text: 'SELECT * FROM X WHERE a = 1 toString', message: /expected AND, OR or end of query; found 'toString'/ },
  { dialect: 'wql', text: `${W}EnabledState IS 5`, message: /expected NULL after IS; found number 5/ },
  { dialect: 'wql', text: `${W}EnabledState IS NOT 'x'`, message: /expected NULL after IS NOT/ },
  { dialect: 'wql', text: `${W}Name NOT = 'x'`, message: /expected LIKE after NOT; found '='/ },
  { dialect: 'wql', text: `${W}EnabledState = NULL`, message: /use IS NULL or IS NOT NULL/, column: 53 },
  { dialect: 'wql', text: `${W}NULL <> EnabledState`, message: /use IS NULL or IS NOT NULL/ },
  { dialect: 'wql', text: `${W}2 = 3`, message: /a comparison needs a property on one side/ },
  { dialect: 'wql', text: `${W}ElementName LIKE 5`, message: /expected a quoted pattern after LIKE/, column: 57 },
  { dialect: 'wql', text: `${W}ElementName LIKE Name`, message: /expected a quoted pattern after LIKE/ },
  { dialect: 'wql', text: `${W}'x' LIKE 'y'`, message: /LIKE needs a property on its left/, column: 40 },
  { dialect: 'wql', text: `${W}5 IS NULL`, message: /IS NULL needs a property on its left/ },
  { dialect: 'wql', text: `${W}'x' ISA Y`, message: /ISA needs the FROM class, its alias or a reference property/ },
  { dialect: 'wql', text: `${W}__THIS ISA 5`, message: /expected a class name after ISA; found number 5/ },
  { dialect: 'wql', text: `${W}AND = 1`, message: /expected a property or a literal; found 'AND'/ },
  { dialect: 'wql', text: `${W}- Name = 1`, message: /not supported: arithmetic/ },
  { dialect: 'cql', text: `${W}EnabledState != 2`, message: /'!=' is WQL; CQL writes '<>'/, column: 53 },
  { dialect: 'cql', text: 'SELECT * FROM X AS WHERE', message: /expected an alias name; found 'WHERE'/ },
  { dialect: 'cql', text: 'SELECT * FROM X AS', message: /expected an alias name; found end of query/ },
  { dialect: 'cql', text: `${W}ANY Roles = Name`, message: /expected a literal/ },
  { dialect: 'cql', text: `${W}ANY Roles IS NULL`, message: /ANY\/EVERY cannot be combined with IS NULL/ },
  { dialect: 'cql', text: `${W}EVERY Roles ISA X`, message: /ANY\/EVERY cannot be combined with ISA/ },
  { dialect: 'cql', text: `${W}ANY 5 = 2`, message: /expected an array property after ANY/ },
  { dialect: 'cql', text: 'SELECT x. FROM X', message: /expected a property name after x\.; found 'FROM'/ },
  // unsupported constructs are named, never ignored
  { dialect: 'wql', text: 'ASSOCIATORS OF {Xen_ComputerSystem.Name="x"}', message: /not supported: ASSOCIATORS OF queries \(use the association filter dialect\)/, column: 1 },
  { dialect: 'wql', text: 'references of {X.Name="x"} where ResultClass = Y', message: /REFERENCES OF queries/ },
  { dialect: 'wql', text: 'SELECT DISTINCT Name FROM X', message: /not supported: SELECT DISTINCT/, column: 8 },
  { dialect: 'cql', text: `${W}EnabledState = X'2'`, message: /not supported: comparisons between two properties \(EnabledState and X\)/ },
  { dialect: 'cql', text: 'SELECT FIRST 5 * FROM X', message: /not supported: SELECT FIRST/ },
  { dialect: 'wql', text: 'SELECT COUNT(*) FROM X', message: /not supported: functions \(COUNT\(…\)\)/, column: 8 },
  { dialect: 'wql', text: 'SELECT * FROM X, Y', message: /not supported: several FROM classes \(joins\)/, column: 16 },
  { dialect: 'cql', text: 'SELECT * FROM X a, Y b', message: /not supported: several FROM classes \(joins\)/ },
  { dialect: 'cql', text: 'SELECT * FROM X a JOIN Y b ON a.k = b.k', message: /not supported: joins/ },
  { dialect: 'wql', text: 'SELECT * FROM X INNER JOIN Y', message: /not supported: joins/ },
  { dialect: 'wql', text: 'SELECT * FROM (SELECT * FROM X)', message: /not supported: subqueries/ },
  { dialect: 'wql', text: 'SELECT * FROM root.X', message: /not supported: namespace-qualified class names/ },
  { dialect: 'wql', text: 'SELECT * FROM X GROUP BY Name', message: /not supported: GROUP BY/, column: 17 },
  { dialect: 'wql', text: 'SELECT * FROM X ORDER BY Name', message: /not supported: ORDER BY/ },
  { dialect: 'cql', text: "SELECT * FROM X WHERE a = 'x' ORDER BY a", message: /not supported: ORDER BY/, column: 31 },
  { dialect: 'wql', text: 'SELECT * FROM X WHERE a = 1 HAVING count > 1', message: /not supported: HAVING/ },
  { dialect: 'wql', text: 'SELECT * FROM __InstanceModificationEvent WITHIN 5', message: /not supported: WITHIN \(event queries\)/ },
  { dialect: 'wql', text: 'SELECT * FROM X UNION SELECT * FROM Y', message: /not supported: UNION/ },
  { dialect: 'wql', text: `${W}EnabledState = (SELECT x FROM Y)`, message: /not supported: subqueries/ },
  { dialect: 'wql', text: `${W}(SELECT x FROM Y) = 1`, message: /not supported: subqueries/ },
  { dialect: 'wql', text: `${W}EnabledState = SELECT`, message: /not supported: subqueries/ },
  { dialect: 'wql', text: `${W}EnabledState = (2)`, message: /parenthesised operands are not supported/ },
  { dialect: 'cql', text: `${W}UPPER(ElementName) = 'X'`, message: /not supported: functions \(UPPER\(…\)\)/, column: 40 },
  { dialect: 'cql', text: `${W}cs.lower(x) = 'X'`, message: /not supported: functions \(lower\(…\)\)/ },
  { dialect: 'wql', text: `${W}EnabledState + 1 = 3`, message: /not supported: arithmetic/, column: 53 },
  { dialect: 'wql', text: `${W}EnabledState = 1 * 3`, message: /not supported: arithmetic/ },
  { dialect: 'cql', text: `${W}ElementName || 'x' = 'y'`, message: /not supported: string concatenation/ },
  { dialect: 'wql', text: `${W}EnabledState IN (2, 3)`, message: /not supported: IN lists/ },
  { dialect: 'wql', text: `${W}EnabledState BETWEEN 1 AND 3`, message: /not supported: BETWEEN/ },
  { dialect: 'cql', text: `${W}EnabledState#'Enabled' = 2`, message: /not supported: symbolic constants \(Prop#'Value'\)/ },
  { dialect: 'cql', text: `${W}CIM_ComputerSystem::EnabledState = 2`, message: /not supported: scoped property names \(Class::Prop\)/ },
  { dialect: 'cql', text: `${W}OperationalStatus[0] = 2`, message: /not supported: array indexes/ },
  { dialect: 'wql', text: 'SELECT * FROM X AS x', message: /not supported: class aliases \(AS\) in WQL/ },
  { dialect: 'wql', text: 'SELECT a.Name FROM X', message: /not supported: embedded-object paths in WQL \(a\.…\)/, column: 8 },
  { dialect: 'wql', text: `${W}TargetInstance.Name = 'x'`, message: /embedded-object paths in WQL/ },
  { dialect: 'cql', text: `${W}a.b.c = 1`, message: /not supported: property chains \(a\.b\.c\)/ },
  { dialect: 'cql', text: 'SELECT X.* FROM X', message: /not supported: X\.\* \(write \*\)/ },
  { dialect: 'cql', text: `${W}ANY x IN OperationalStatus SATISFIES (x = 2)`, message: /ANY\/EVERY … IN … SATISFIES/ },
  { dialect: 'wql', text: `${W}ANY OperationalStatus = 2`, message: /not supported: ANY and EVERY quantifiers in WQL/, column: 40 },
];

t.test('syntax errors and unsupported constructs are INVALID_QUERY naming the position', async (t) => {
  for (const r of REJECTED) {
    try {
      parseQuery(r.text, r.dialect);
      t.fail(`${r.dialect}: ${r.text} should be rejected`);
    } catch (err: unknown) {
      t.ok(err instanceof QuerySyntaxError, r.text);
      if (!(err instanceof QuerySyntaxError)) continue;
      t.equal(err.status, 'INVALID_QUERY', r.text);
      t.equal(err.subject, 'query');
      t.match(err.message, r.message, `${r.dialect}: ${r.text}`);
      t.match(err.message, / at column \d+$/, `${r.text}: names the column`);
      if (r.column !== undefined) t.equal(err.column, r.column, `${r.text}: column`);
    }
  }
});

t.test('a query over several lines names line and column', async (t) => {
  const err = t.throws(() => parseQuery('SELECT *\nFROM X\nWHERE a = 1 ORDER BY a', 'wql')) as QuerySyntaxError;
  t.equal(err.line, 3);
  t.equal(err.column, 13);
  t.match(err.message, /not supported: ORDER BY at line 3, column 13/);
  const unclosed = t.throws(() => parseQuery('SELECT * FROM X\nWHERE (a = 1', 'wql')) as QuerySyntaxError;
  t.match(unclosed.message, /to close the '\(' at line 2, column 7/);
});

t.test(`a query longer than ${MAX_QUERY_LENGTH} characters is refused before it is read`, async (t) => {
  const atLimit = `SELECT * FROM X WHERE Name = '${'a'.repeat(MAX_QUERY_LENGTH - 31)}'`;
  t.equal(atLimit.length, MAX_QUERY_LENGTH);
  t.equal(parseQuery(atLimit, 'wql').from, 'X');
  const err = t.throws(() => parseQuery(`${atLimit} `, 'wql')) as CimError;
  t.ok(err instanceof CimError);
  t.equal(err.status, 'INVALID_QUERY');
  t.equal(err.subject, 'query');
  t.match(err.message, new RegExp(`is ${MAX_QUERY_LENGTH + 1} characters long; at most ${MAX_QUERY_LENGTH}`));
});

t.test(`conditions nested deeper than ${MAX_QUERY_DEPTH} levels are refused`, async (t) => {
  const parens = (n: number): string => `${W}${'('.repeat(n)}EnabledState = 2${')'.repeat(n)}`;
  const nots = (n: number): string => `${W}${'NOT '.repeat(n)}EnabledState = 2`;
  t.ok(parseQuery(parens(MAX_QUERY_DEPTH), 'wql').where);
  t.ok(parseQuery(nots(MAX_QUERY_DEPTH), 'cql').where);
  const mixed = `${W}${'(NOT '.repeat(MAX_QUERY_DEPTH / 2)}EnabledState = 2${')'.repeat(MAX_QUERY_DEPTH / 2)}`;
  t.ok(parseQuery(mixed, 'wql').where);
  for (const text of [parens(MAX_QUERY_DEPTH + 1), nots(MAX_QUERY_DEPTH + 1), parens(5000)]) {
    const err = t.throws(() => parseQuery(text, 'wql')) as QuerySyntaxError;
    t.ok(err instanceof QuerySyntaxError);
    t.equal(err.status, 'INVALID_QUERY');
    t.match(err.message, new RegExp(`nests deeper than ${MAX_QUERY_DEPTH} levels`));
  }
  // many conditions side by side are not nesting: AND/OR chains are built without recursion
  const wide = `${W}${Array.from({ length: 600 }, (_, i) => `EnabledState = ${i}`).join(' OR ')}`;
  const q = parseQuery(wide, 'wql');
  t.equal(q.where?.kind === 'or' ? q.where.operands.length : 0, 600);
});

t.test('an unknown query language is QUERY_LANGUAGE_NOT_SUPPORTED', async (t) => {
  const err = t.throws(() => parseQuery('SELECT * FROM X', 'xpath' as QueryDialect)) as CimError;
  t.equal(err.status, 'QUERY_LANGUAGE_NOT_SUPPORTED');
  t.equal(err.subject, 'query');
  t.match(err.message, /xpath/);
});
