import t from 'tap';
import { CimError } from '../../../../src/cim/errors.js';
import { QUERY_DIALECT_URIS, queryDialectFromUri, requireQueryDialect } from '../../../../src/cim/query/dialects.js';

t.test('the WQL URIs (Microsoft and DMTF spellings) and the CQL URI name their languages', async (t) => {
  t.equal(queryDialectFromUri('http://schemas.microsoft.com/wbem/wsman/1/WQL'), 'wql');
  t.equal(queryDialectFromUri('http://schemas.dmtf.org/wbem/wsman/1/WQL'), 'wql');
  t.equal(queryDialectFromUri(' http://schemas.dmtf.org/wbem/cql/1/dsp0202.pdf\n'), 'cql', 'surrounding blanks are ignored');
  t.equal(QUERY_DIALECT_URIS.size, 3);
});

t.test('other dialects are not query languages', async (t) => {
  for (const uri of [
    'http://schemas.dmtf.org/wbem/wsman/1/wsman/SelectorFilter',
    'http://www.w3.org/TR/1999/REC-xpath-19991116',
    'http://schemas.microsoft.com/wbem/wsman/1/wql',
    'constructor',
    '',
  ]) {
    t.equal(queryDialectFromUri(uri), undefined, uri);
  }
  t.equal(requireQueryDialect('http://schemas.microsoft.com/wbem/wsman/1/WQL'), 'wql');
  const err = t.throws(() => requireQueryDialect('http://www.w3.org/TR/1999/REC-xpath-19991116')) as CimError;
  t.ok(err instanceof CimError);
  t.equal(err.status, 'QUERY_LANGUAGE_NOT_SUPPORTED');
  t.equal(err.subject, 'query');
  t.match(err.message, /REC-xpath-19991116 is not supported/);
});
