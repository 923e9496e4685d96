import t from 'tap';
import { describeOffset, invalidQuery, locate, QuerySyntaxError } from '../../../../src/cim/query/query-error.js';

t.test('offsets become 1-based lines and columns', async (t) => {
  t.same(locate('abc', 0), { line: 1, column: 1 });
  t.same(locate('abc', 3), { line: 1, column: 4 });
  t.same(locate('ab\ncd\nef', 4), { line: 2, column: 2 });
  t.same(locate('ab\ncd\nef', 6), { line: 3, column: 1 });
  t.equal(describeOffset('abc', 2), 'column 3');
  t.equal(describeOffset('a\nbc', 3), 'line 2, column 2');
});

t.test('QuerySyntaxError is an INVALID_QUERY CimError about the query', async (t) => {
  const err = new QuerySyntaxError('SELECT\n* FROM', 7, 'expected FROM');
  t.equal(err.name, 'QuerySyntaxError');
  t.equal(err.status, 'INVALID_QUERY');
  t.equal(err.code, 15);
  t.equal(err.subject, 'query');
  t.same([err.offset, err.line, err.column], [7, 2, 1]);
  t.equal(err.message, 'expected FROM at line 2, column 1');
});

t.test('invalidQuery names the position when it has one', async (t) => {
  t.equal(invalidQuery('SELECT * FROM X', 14, 'class X does not exist').message, 'class X does not exist (column 15)');
  const bare = invalidQuery('x', undefined, 'too long');
  t.equal(bare.message, 'too long');
  t.equal(bare.status, 'INVALID_QUERY');
  t.equal(bare.subject, 'query');
});
