// Grammar unit tests: the AST of each statement kind, expression precedence, and the lexical corners of the dialect.
import { describe, expect, it } from 'vitest';
import {
  type DataTypeNode,
  type Expr,
  type FromItem,
  type Query,
  type Statement,
  parse,
} from '../../grammar/index';

// ───────────────────────────── helpers ─────────────────────────────

/** Parses a script that must be free of errors. */
function statements(text: string): Statement[] {
  const result = parse(text);
  expect(result.diagnostics.map((d) => d.message)).toEqual([]);
  return result.statements.map((s) => s.statement);
}

function one<K extends Statement['kind']>(text: string, kind: K): Extract<Statement, { kind: K }> {
  const all = statements(text);
  expect(all).toHaveLength(1);
  expect(all[0]!.kind).toBe(kind);
  return all[0] as Extract<Statement, { kind: K }>;
}

/** The AST without spans, so that shapes can be compared literally. */
function strip<T>(node: T): T {
  return JSON.parse(JSON.stringify(node, (key, value) => (key === 'span' ? undefined : value)));
}

function query(text: string): Query {
  return one(text, 'query').query;
}

function select(text: string) {
  const q = query(text);
  if (q.kind !== 'select') throw new Error(`not a SELECT: ${q.kind}`);
  return q;
}

function type(t: DataTypeNode): string {
  const args = t.args.length ? `(${t.args.join(', ')})` : '';
  const fields =
    t.name === 'ROW' ? `<${t.fields.map((f) => `${f.name.name} ${type(f.type)}`).join(', ')}>` : '';
  return `${t.name}${args}${fields}${t.notNull ? ' NOT NULL' : ''}`;
}

/** An expression as a fully parenthesized prefix form: `a OR b AND c` → `(OR a (AND b c))`. */
function sx(e: Expr): string {
  const not = (negated: boolean) => (negated ? 'NOT ' : '');
  switch (e.kind) {
    case 'number':
      return e.text;
    case 'string':
      return `'${e.value}'`;
    case 'boolean':
      return e.value ? 'TRUE' : 'FALSE';
    case 'null':
      return 'NULL';
    case 'interval':
      return `(INTERVAL ${e.negative ? '-' : ''}'${e.value}' ${e.unit})`;
    case 'timestamp':
      return `(TIMESTAMP '${e.value}')`;
    case 'column':
      return e.path.map((i) => (i.quoted ? `\`${i.name}\`` : i.name)).join('.');
    case 'star':
      return e.qualifier ? `${e.qualifier.name}.*` : '*';
    case 'unary':
      return `(${e.op} ${sx(e.operand)})`;
    case 'binary':
      return `(${e.op} ${sx(e.left)} ${sx(e.right)})`;
    case 'between':
      return `(${not(e.negated)}BETWEEN ${sx(e.expr)} ${sx(e.low)} ${sx(e.high)})`;
    case 'in':
      return `(${not(e.negated)}IN ${sx(e.expr)} [${e.list.map(sx).join(' ')}])`;
    case 'like':
      return `(${not(e.negated)}LIKE ${sx(e.expr)} ${sx(e.pattern)})`;
    case 'isNull':
      return `(IS ${not(e.negated)}NULL ${sx(e.expr)})`;
    case 'case':
      return `(CASE${e.operand ? ` ${sx(e.operand)}` : ''}${e.whens.map((w) => ` (WHEN ${sx(w.when)} ${sx(w.then)})`).join('')}${e.otherwise ? ` (ELSE ${sx(e.otherwise)})` : ''})`;
    case 'cast':
      return `(CAST ${sx(e.expr)} ${type(e.type)})`;
    case 'call': {
      const args = e.args.map(sx).join(' ');
      const filter = e.filter ? ` FILTER ${sx(e.filter)}` : '';
      const over = e.over
        ? ` OVER [${e.over.partitionBy.map(sx).join(' ')}] [${e.over.orderBy.map((o) => `${sx(o.expr)}${o.descending ? ' DESC' : ''}`).join(' ')}]${e.over.frame ? ' FRAME' : ''}`
        : '';
      return `(${e.name.name}${e.distinct ? ' DISTINCT' : ''}${args ? ` ${args}` : ''}${filter}${over})`;
    }
  }
}

/** The first select item of `SELECT <text> FROM t`, in prefix form. */
function expr(text: string): string {
  const s = select(`SELECT ${text} FROM t`);
  const item = s.items[0]!;
  if (item.kind !== 'expr') throw new Error('not an expression');
  return sx(item.expr);
}

function from(f: FromItem | undefined): string {
  if (!f) return '-';
  switch (f.kind) {
    case 'tableRef':
      return `${f.name.name}${f.alias ? ` AS ${f.alias.name}` : ''}${f.forSystemTime ? ' FOR SYSTEM_TIME' : ''}`;
    case 'subqueryRef':
      return `(subquery ${f.query.kind})${f.alias ? ` AS ${f.alias.name}` : ''}`;
    case 'lateralTable':
      return `LATERAL ${sx(f.call)}${f.alias ? ` AS ${f.alias.name}` : ''}${f.columns ? `(${f.columns.map((c) => c.name).join(', ')})` : ''}`;
    case 'joinRef':
      return `[${from(f.left)} ${f.comma ? ',' : `${f.joinType} JOIN`} ${from(f.right)}${f.on ? ` ON ${sx(f.on)}` : ''}]`;
    case 'windowTvf':
      return `${f.fn.name}(TABLE ${f.table.name}${f.partitionBy.length ? ` PARTITION BY ${f.partitionBy.map(sx).join(' ')}` : ''}, ${f.args.map(sx).join(', ')})${f.alias ? ` AS ${f.alias.name}` : ''}`;
  }
}

// ───────────────────────────── statements ─────────────────────────────

describe('statements', () => {
  it('SET and RESET', () => {
    expect(strip(one("SET 'parallelism.default' = '4'", 'set'))).toEqual({
      kind: 'set',
      key: { kind: 'string', value: 'parallelism.default' },
      value: { kind: 'string', value: '4' },
    });
    expect(strip(one("RESET 'parallelism.default'", 'reset'))).toEqual({
      kind: 'reset',
      key: { kind: 'string', value: 'parallelism.default' },
    });
    expect(strip(one('RESET', 'reset'))).toEqual({ kind: 'reset' });
  });

  it('CREATE TABLE with columns, a computed column, a watermark, a key, a comment and options', () => {
    const s = one(
      `CREATE TABLE IF NOT EXISTS orders (
        id BIGINT NOT NULL COMMENT 'the order',
        amount DECIMAL(10, 2),
        ts TIMESTAMP(3),
        total AS amount * 2,
        WATERMARK FOR ts AS ts - INTERVAL '5' SECOND,
        PRIMARY KEY (id) NOT ENFORCED
      ) COMMENT 'orders' WITH ('connector' = 'datagen', 'rows-per-second' = '10')`,
      'createTable',
    );
    expect(s.name.name).toBe('orders');
    expect(s.ifNotExists).toBe(true);
    expect(
      s.elements.map((e) =>
        e.kind === 'physical' ? `${e.name.name} ${type(e.type)}` : `${e.name.name} AS ${sx(e.expr)}`,
      ),
    ).toEqual(['id BIGINT NOT NULL', 'amount DECIMAL(10, 2)', 'ts TIMESTAMP(3)', 'total AS (* amount 2)']);
    expect(s.watermark!.column.name).toBe('ts');
    expect(sx(s.watermark!.expr)).toBe("(- ts (INTERVAL '5' SECOND))");
    expect(strip(s.primaryKey)).toEqual({ columns: [{ name: 'id', quoted: false }], enforced: false });
    expect(s.partitionedBy).toBeUndefined();
    expect(s.options.map((o) => [o.key.value, o.value.value])).toEqual([
      ['connector', 'datagen'],
      ['rows-per-second', '10'],
    ]);
  });

  it('CREATE TABLE: PRIMARY KEY without NOT ENFORCED, PARTITIONED BY, no options', () => {
    const s = one('CREATE TABLE t (a INT, b STRING, PRIMARY KEY (a, b)) PARTITIONED BY (b)', 'createTable');
    expect(s.ifNotExists).toBe(false);
    expect(s.primaryKey!.enforced).toBe(true);
    expect(s.primaryKey!.columns.map((c) => c.name)).toEqual(['a', 'b']);
    expect(s.partitionedBy!.columns.map((c) => c.name)).toEqual(['b']);
    expect(s.options).toEqual([]);
  });

  it('data types', () => {
    const s = one(
      'CREATE TABLE t (a integer, b Bigint, c VARCHAR(3), d CHAR, e ROW<x INT, y ROW<z STRING>>, f ROW(x DOUBLE), g TIMESTAMP_LTZ(3), h DEC(5), i NUMERIC, j TIMESTAMP(3) NOT NULL, k BOOLEAN, l DATE, m FLOAT, n TINYINT, o SMALLINT)',
      'createTable',
    );
    expect(s.elements.map((e) => (e.kind === 'physical' ? type(e.type) : '?'))).toEqual([
      'INT',
      'BIGINT',
      'VARCHAR(3)',
      'VARCHAR',
      'ROW<x INT, y ROW<z STRING>>',
      'ROW<x DOUBLE>',
      'TIMESTAMP_LTZ(3)',
      'DECIMAL(5)',
      'DECIMAL',
      'TIMESTAMP(3) NOT NULL',
      'BOOLEAN',
      'DATE',
      'FLOAT',
      'TINYINT',
      'SMALLINT',
    ]);
  });

  it('CREATE VIEW, CREATE TEMPORARY VIEW IF NOT EXISTS', () => {
    const v = one('CREATE VIEW v AS SELECT a FROM t', 'createView');
    expect([v.name.name, v.temporary, v.ifNotExists, v.query.kind]).toEqual(['v', false, false, 'select']);
    const w = one(
      'CREATE TEMPORARY VIEW IF NOT EXISTS w AS SELECT a FROM t UNION ALL SELECT a FROM u',
      'createView',
    );
    expect([w.name.name, w.temporary, w.ifNotExists, w.query.kind]).toEqual(['w', true, true, 'union']);
  });

  it('CREATE FUNCTION', () => {
    expect(strip(one("CREATE FUNCTION f AS 'com.example.F'", 'createFunction'))).toEqual({
      kind: 'createFunction',
      name: { name: 'f', quoted: false },
      ifNotExists: false,
      temporary: false,
      path: { kind: 'string', value: 'com.example.F' },
    });
    const js = one(
      "CREATE TEMPORARY FUNCTION IF NOT EXISTS f AS 'udfs/f.js' LANGUAGE JAVASCRIPT",
      'createFunction',
    );
    expect([js.temporary, js.ifNotExists, js.path.value, js.language?.name]).toEqual([
      true,
      true,
      'udfs/f.js',
      'JAVASCRIPT',
    ]);
  });

  it('DROP FUNCTION and SHOW [USER] FUNCTIONS', () => {
    expect(one('DROP TEMPORARY FUNCTION IF EXISTS f', 'drop').what).toBe('FUNCTION');
    expect(one('SHOW FUNCTIONS', 'show').what).toBe('FUNCTIONS');
    expect(one('SHOW USER FUNCTIONS', 'show').what).toBe('USER FUNCTIONS');
  });

  it('DROP TABLE and DROP TEMPORARY VIEW IF EXISTS', () => {
    expect(strip(one('DROP TABLE t', 'drop'))).toEqual({
      kind: 'drop',
      what: 'TABLE',
      name: { name: 't', quoted: false },
      ifExists: false,
    });
    expect(strip(one('DROP TEMPORARY VIEW IF EXISTS v', 'drop'))).toEqual({
      kind: 'drop',
      what: 'VIEW',
      name: { name: 'v', quoted: false },
      ifExists: true,
    });
  });

  it('INSERT INTO with and without a column list', () => {
    const a = one('INSERT INTO s SELECT a, b FROM t', 'insert');
    expect([a.table.name, a.columns.length, a.query.kind]).toEqual(['s', 0, 'select']);
    const b = one('INSERT INTO s (b, a) SELECT a, b FROM t', 'insert');
    expect(b.columns.map((c) => c.name)).toEqual(['b', 'a']);
  });

  it('a bare query is a statement of kind query', () => {
    const s = one('SELECT a FROM t', 'query');
    expect(s.query.kind).toBe('select');
    expect(s.span).toMatchObject({ start: 0, end: 15, line: 1, column: 1 });
  });

  it('EXPLAIN, EXPLAIN VERBOSE, EXPLAIN RESTORE FROM', () => {
    const a = one('EXPLAIN SELECT a FROM t', 'explain');
    expect([a.verbose, a.restoreFrom, a.statement.kind]).toEqual([false, undefined, 'query']);
    const b = one("EXPLAIN VERBOSE RESTORE FROM 'sp/1' INSERT INTO s SELECT a FROM t", 'explain');
    expect([b.verbose, b.restoreFrom?.value, b.statement.kind]).toEqual([true, 'sp/1', 'insert']);
  });

  it('CHECKPOINT, SAVEPOINT, SHOW, STOP JOB', () => {
    expect(
      strip(
        statements(
          "CHECKPOINT; SAVEPOINT; SAVEPOINT TO '/tmp/sp'; STOP JOB 'q1-1'; STOP JOB 'q1-2' WITH SAVEPOINT",
        ),
      ),
    ).toEqual([
      { kind: 'checkpoint' },
      { kind: 'savepoint' },
      { kind: 'savepoint', path: { kind: 'string', value: '/tmp/sp' } },
      { kind: 'stopJob', job: { kind: 'string', value: 'q1-1' }, withSavepoint: false },
      { kind: 'stopJob', job: { kind: 'string', value: 'q1-2' }, withSavepoint: true },
    ]);
    expect(
      statements('SHOW CHECKPOINTS; show jobs; SHOW Tables; SHOW VIEWS').map(
        (s) => s.kind === 'show' && s.what,
      ),
    ).toEqual(['CHECKPOINTS', 'JOBS', 'TABLES', 'VIEWS']);
  });

  it('splits a script at semicolons and keeps each statement text and span', () => {
    const text = "SET 'a' = 'b';\n\n  SELECT x\n  FROM t ;;\nSHOW JOBS";
    const parsed = parse(text).statements;
    expect(parsed.map((s) => s.text)).toEqual(["SET 'a' = 'b'", 'SELECT x\n  FROM t', 'SHOW JOBS']);
    expect(parsed.map((s) => [s.span.line, s.span.column])).toEqual([
      [1, 1],
      [3, 3],
      [5, 1],
    ]);
  });
});

// ───────────────────────────── queries ─────────────────────────────

describe('queries', () => {
  it('the select list: *, t.*, aliases with and without AS, DISTINCT', () => {
    const s = select('SELECT DISTINCT *, t.*, a AS x, b y, c + 1 FROM t');
    expect(s.distinct).toBe(true);
    expect(
      s.items.map((i) =>
        i.kind === 'star'
          ? `${i.qualifier ? `${i.qualifier.name}.` : ''}*`
          : `${sx(i.expr)}${i.alias ? ` AS ${i.alias.name}` : ''}`,
      ),
    ).toEqual(['*', 't.*', 'a AS x', 'b AS y', '(+ c 1)']);
  });

  it('WHERE, GROUP BY, HAVING', () => {
    const s = select('SELECT a, COUNT(*) FROM t WHERE b > 1 GROUP BY a, c HAVING COUNT(*) > 2');
    expect(sx(s.where!)).toBe('(> b 1)');
    expect(s.groupBy.map(sx)).toEqual(['a', 'c']);
    expect(sx(s.having!)).toBe('(> (COUNT *) 2)');
  });

  it('joins, in order, with their kinds', () => {
    const s = select(
      'SELECT * FROM a JOIN b ON a.x = b.x LEFT OUTER JOIN c ON b.y = c.y, d CROSS JOIN e RIGHT JOIN f ON TRUE FULL JOIN g AS h ON FALSE INNER JOIN i ON TRUE',
    );
    expect(from(s.from)).toBe(
      '[[[[[[[a INNER JOIN b ON (= a.x b.x)] LEFT JOIN c ON (= b.y c.y)] , d] CROSS JOIN e] RIGHT JOIN f ON TRUE] FULL JOIN g AS h ON FALSE] INNER JOIN i ON TRUE]',
    );
  });

  it('subqueries, table aliases, FOR SYSTEM_TIME AS OF', () => {
    expect(from(select('SELECT * FROM (SELECT a FROM t) AS s').from)).toBe('(subquery select) AS s');
    expect(from(select('SELECT * FROM (SELECT a FROM t UNION ALL SELECT a FROM u) s').from)).toBe(
      '(subquery union) AS s',
    );
    expect(from(select('SELECT * FROM o JOIN r FOR SYSTEM_TIME AS OF o.ts AS x ON o.k = x.k').from)).toBe(
      '[o INNER JOIN r AS x FOR SYSTEM_TIME ON (= o.k x.k)]',
    );
  });

  it('window table functions', () => {
    expect(
      from(select("SELECT * FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(ts), INTERVAL '10' SECOND))").from),
    ).toBe("TUMBLE(TABLE bid, (DESCRIPTOR ts), (INTERVAL '10' SECOND))");
    expect(
      from(
        select(
          "SELECT * FROM TABLE(SESSION(TABLE bid PARTITION BY (bidder, auction), DESCRIPTOR(ts), INTERVAL '1' MINUTE)) AS w",
        ).from,
      ),
    ).toBe("SESSION(TABLE bid PARTITION BY bidder auction, (DESCRIPTOR ts), (INTERVAL '1' MINUTE)) AS w");
    expect(
      from(
        select(
          "SELECT * FROM TABLE(SESSION(TABLE bid PARTITION BY bidder, DESCRIPTOR(ts), INTERVAL '1' MINUTE))",
        ).from,
      ),
    ).toBe("SESSION(TABLE bid PARTITION BY bidder, (DESCRIPTOR ts), (INTERVAL '1' MINUTE))");
  });

  it('UNION chains left to right, ALL or DISTINCT each', () => {
    const q = query(
      'SELECT a FROM t UNION ALL SELECT a FROM u UNION SELECT a FROM v UNION DISTINCT SELECT a FROM w',
    );
    const chain = (x: Query): string =>
      x.kind === 'union'
        ? `(${chain(x.left)} ${x.all ? 'ALL' : 'DISTINCT'} ${chain(x.right)})`
        : from(x.from);
    expect(chain(q)).toBe('(((t ALL u) DISTINCT v) DISTINCT w)');
  });

  it('parenthesized queries', () => {
    const q = query('(SELECT a FROM t) UNION ALL (SELECT a FROM u)');
    expect(q.kind).toBe('union');
  });

  it('ORDER BY and LIMIT on a select and on a union', () => {
    const s = select('SELECT a FROM t ORDER BY a DESC, b ASC, c LIMIT 10');
    expect(s.orderBy.map((o) => `${sx(o.expr)} ${o.descending ? 'DESC' : 'ASC'}`)).toEqual([
      'a DESC',
      'b ASC',
      'c ASC',
    ]);
    expect(sx(s.limit!)).toBe('10');
    const u = query('SELECT a FROM t UNION ALL SELECT a FROM u LIMIT 5');
    expect([u.kind, u.limit && sx(u.limit)]).toEqual(['union', '5']);
  });
});

// ───────────────────────────── expressions ─────────────────────────────

describe('expressions', () => {
  it('AND binds tighter than OR; both associate to the left', () => {
    expect(expr('a OR b AND c')).toBe('(OR a (AND b c))');
    expect(expr('a AND b OR c')).toBe('(OR (AND a b) c)');
    expect(expr('a OR b OR c')).toBe('(OR (OR a b) c)');
    expect(expr('(a OR b) AND c')).toBe('(AND (OR a b) c)');
  });

  it('NOT binds looser than comparisons and tighter than AND', () => {
    expect(expr('NOT a = b')).toBe('(NOT (= a b))');
    expect(expr('NOT a AND b')).toBe('(AND (NOT a) b)');
    expect(expr('NOT NOT a')).toBe('(NOT (NOT a))');
    expect(expr('a AND NOT b OR c')).toBe('(OR (AND a (NOT b)) c)');
  });

  it('BETWEEN takes its AND, and a following AND is a conjunction', () => {
    expect(expr('a BETWEEN 1 AND 2')).toBe('(BETWEEN a 1 2)');
    expect(expr('a BETWEEN 1 AND 2 AND b')).toBe('(AND (BETWEEN a 1 2) b)');
    expect(expr('a NOT BETWEEN b + 1 AND c * 2 OR d')).toBe('(OR (NOT BETWEEN a (+ b 1) (* c 2)) d)');
    expect(expr('x AND a BETWEEN 1 AND 2')).toBe('(AND x (BETWEEN a 1 2))');
  });

  it('arithmetic: * / % over + - ||, left to right', () => {
    expect(expr('a + b * c')).toBe('(+ a (* b c))');
    expect(expr('a - b - c')).toBe('(- (- a b) c)');
    expect(expr('a / b % c * d')).toBe('(* (% (/ a b) c) d)');
    expect(expr('a + b = c * d')).toBe('(= (+ a b) (* c d))');
    expect(expr('(a + b) * c')).toBe('(* (+ a b) c)');
  });

  it('|| is left-associative at the level of + and -', () => {
    expect(expr("a || 'x' || b")).toBe("(|| (|| a 'x') b)");
    expect(expr("a || b = 'ab'")).toBe("(= (|| a b) 'ab')");
    expect(expr('a + b || c')).toBe('(|| (+ a b) c)');
  });

  it('unary minus and plus bind tightest; a signed number stays a literal', () => {
    expect(expr('-1')).toBe('-1');
    expect(expr('- 2.5')).toBe('-2.5');
    expect(expr('-a * b')).toBe('(* (- a) b)');
    expect(expr('a - -b')).toBe('(- a (- b))');
    expect(expr('a - -1')).toBe('(- a -1)');
    expect(expr('+a')).toBe('(+ a)');
    expect(expr('-(a + b)')).toBe('(- (+ a b))');
    expect(expr("-INTERVAL '1' SECOND")).toBe("(INTERVAL -'1' SECOND)");
    expect(expr("INTERVAL -'1' SECOND")).toBe("(INTERVAL -'1' SECOND)");
  });

  it('comparison operators, != as <>', () => {
    expect(['=', '<>', '!=', '<', '<=', '>', '>='].map((op) => expr(`a ${op} b`))).toEqual([
      '(= a b)',
      '(<> a b)',
      '(<> a b)',
      '(< a b)',
      '(<= a b)',
      '(> a b)',
      '(>= a b)',
    ]);
  });

  it('IN lists, LIKE, IS [NOT] NULL, with NOT', () => {
    expect(expr('a IN (1, 2, 3)')).toBe('(IN a [1 2 3])');
    expect(expr("a NOT IN ('x', b || 'y')")).toBe("(NOT IN a ['x' (|| b 'y')])");
    expect(expr('a IN (1) AND b')).toBe('(AND (IN a [1]) b)');
    expect(expr("a LIKE 'x%'")).toBe("(LIKE a 'x%')");
    expect(expr("a NOT LIKE 'x%' OR b")).toBe("(OR (NOT LIKE a 'x%') b)");
    expect(expr('a IS NULL')).toBe('(IS NULL a)');
    expect(expr('a + 1 IS NOT NULL')).toBe('(IS NOT NULL (+ a 1))');
  });

  it('CASE: searched and simple forms, with and without ELSE', () => {
    expect(expr("CASE WHEN a > 1 THEN 'x' WHEN a > 0 THEN 'y' ELSE 'z' END")).toBe(
      "(CASE (WHEN (> a 1) 'x') (WHEN (> a 0) 'y') (ELSE 'z'))",
    );
    expect(expr("CASE a WHEN 1 THEN 'one' WHEN 2 THEN 'two' END")).toBe(
      "(CASE a (WHEN 1 'one') (WHEN 2 'two'))",
    );
    expect(expr('CASE WHEN a THEN b END + 1')).toBe('(+ (CASE (WHEN a b)) 1)');
  });

  it('CAST', () => {
    expect(expr('CAST(a AS DECIMAL(10, 2))')).toBe('(CAST a DECIMAL(10, 2))');
    expect(expr('CAST(a + 1 AS string) || b')).toBe('(|| (CAST (+ a 1) STRING) b)');
    expect(expr('CAST(r AS ROW<x INT, y STRING>)')).toBe('(CAST r ROW<x INT, y STRING>)');
  });

  it('function calls: COUNT(*), DISTINCT, FILTER, OVER, no arguments', () => {
    expect(expr('COUNT(*)')).toBe('(COUNT *)');
    expect(expr('count(DISTINCT a)')).toBe('(count DISTINCT a)');
    expect(expr('SUM(a) FILTER (WHERE b > 1)')).toBe('(SUM a FILTER (> b 1))');
    expect(expr('NOW()')).toBe('(NOW)');
    expect(expr('MOD(a, 2) + 1')).toBe('(+ (MOD a 2) 1)');
    expect(expr('ROW_NUMBER() OVER (PARTITION BY a, b ORDER BY ts DESC)')).toBe(
      '(ROW_NUMBER OVER [a b] [ts DESC])',
    );
    expect(expr('SUM(a) OVER (ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)')).toBe(
      '(SUM a OVER [] [ts] FRAME)',
    );
  });

  it('literals: numbers, strings, booleans, NULL, TIMESTAMP', () => {
    expect(expr('1.5e3')).toBe('1.5e3');
    expect(expr('.5')).toBe('.5');
    expect(expr("'it''s'")).toBe("'it's'");
    expect(expr("''")).toBe("''");
    expect(expr("''''")).toBe("'''");
    expect(expr('TRUE AND false')).toBe('(AND TRUE FALSE)');
    expect(expr('NULL')).toBe('NULL');
    expect(expr("TIMESTAMP '2020-01-01 10:00:00'")).toBe("(TIMESTAMP '2020-01-01 10:00:00')");
  });

  it('INTERVAL units, singular and plural, any case', () => {
    expect(
      [
        "'1' SECOND",
        "'2' SECONDS",
        "'3' minute",
        "'4' Minutes",
        "'5' HOUR",
        "'6' HOURS",
        "'7' DAY",
        "'8' days",
        "'9' MONTH",
        "'10' YEARS",
      ].map((i) => expr(`INTERVAL ${i}`)),
    ).toEqual([
      "(INTERVAL '1' SECOND)",
      "(INTERVAL '2' SECOND)",
      "(INTERVAL '3' MINUTE)",
      "(INTERVAL '4' MINUTE)",
      "(INTERVAL '5' HOUR)",
      "(INTERVAL '6' HOUR)",
      "(INTERVAL '7' DAY)",
      "(INTERVAL '8' DAY)",
      "(INTERVAL '9' MONTH)",
      "(INTERVAL '10' YEAR)",
    ]);
  });

  it('qualified names and ROW field access', () => {
    expect(expr('t.r.f')).toBe('t.r.f');
    expect(expr('bid.`dateTime`')).toBe('bid.`dateTime`');
    const s = select('SELECT t.r.f FROM t');
    const item = s.items[0]!;
    expect(item.kind === 'expr' && item.expr.kind === 'column' && item.expr.path.map((p) => p.name)).toEqual([
      't',
      'r',
      'f',
    ]);
  });
});

// ───────────────────────────── lexical structure ─────────────────────────────

describe('lexical structure', () => {
  it('backtick identifiers keep their case and unescape doubled backticks', () => {
    const s = select('SELECT `Weird ``name```, `select` FROM `my table`');
    const names = s.items.map((i) =>
      i.kind === 'expr' && i.expr.kind === 'column' ? i.expr.path[0]! : undefined,
    );
    expect(names.map((n) => n && [n.name, n.quoted])).toEqual([
      ['Weird `name`', true],
      ['select', true],
    ]);
    expect(from(s.from)).toBe('my table');
  });

  it('keywords in any case; names keep theirs', () => {
    const s = select('sElEcT MyCol FrOm MyTable wHeRe MyCol iS nOt NuLl');
    expect([sx((s.items[0] as { expr: Expr }).expr), from(s.from), sx(s.where!)]).toEqual([
      'MyCol',
      'MyTable',
      '(IS NOT NULL MyCol)',
    ]);
  });

  it('a keyword prefix does not split a name', () => {
    expect(expr('selected + fromage + order_id + intervals + seconds_')).toBe(
      '(+ (+ (+ (+ selected fromage) order_id) intervals) seconds_)',
    );
  });

  it('non-reserved keywords name columns and tables', () => {
    const s = select('SELECT key, jobs, `value`, comment, tables, watermark, second, view FROM jobs AS key');
    expect(s.items.map((i) => (i.kind === 'expr' ? sx(i.expr) : '*'))).toEqual([
      'key',
      'jobs',
      '`value`',
      'comment',
      'tables',
      'watermark',
      'second',
      'view',
    ]);
    expect(from(s.from)).toBe('jobs AS key');
    const t = one('CREATE TABLE checkpoints (key STRING, jobs INT, `year` INT, job BIGINT)', 'createTable');
    expect(t.elements.map((e) => e.name.name)).toEqual(['key', 'jobs', 'year', 'job']);
    expect(expr('t.key.value')).toBe('t.key.value');
  });

  it('reserved keywords cannot name a column unless quoted', () => {
    const result = parse('SELECT from FROM t');
    expect(result.diagnostics.map((d) => d.message)).toEqual([
      "unexpected 'from': expected an expression or '*'",
    ]);
  });

  it('comments: line and block, anywhere between tokens, collected for tools', () => {
    const text = 'SELECT /* the key */ a, -- the first\n  b /* multi\nline */ FROM t -- end';
    const result = parse(text);
    expect(result.diagnostics).toEqual([]);
    const s = result.statements[0]!.statement;
    expect(s.kind === 'query' && s.query.kind === 'select' && s.query.items.length).toBe(2);
    expect(result.comments.map((c) => text.slice(c.start, c.end))).toEqual([
      '/* the key */',
      '-- the first',
      '/* multi\nline */',
      '-- end',
    ]);
  });

  it('a semicolon inside a string, a name or a comment does not end the statement', () => {
    const parsed = parse("SELECT ';' AS `a;b` /* ; */ FROM t -- ;\n; SHOW JOBS").statements;
    expect(parsed.map((p) => p.statement.kind)).toEqual(['query', 'show']);
  });

  it('spans: line and column of each node, 1-based, across lines', () => {
    const s = select('SELECT\n  a,\n    b + c\nFROM t');
    const [a, b] = s.items.map((i) => (i.kind === 'expr' ? i.expr : undefined));
    expect(a!.span).toEqual({ start: 9, end: 10, line: 2, column: 3 });
    expect(b!.span).toEqual({ start: 16, end: 21, line: 3, column: 5 });
  });
});
