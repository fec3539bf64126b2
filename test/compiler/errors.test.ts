// Error reporting across a script: every broken statement reported once, in order, with carets in the right place.
import { describe, expect, it } from 'vitest';
import { Compiler, compileScript } from '../../compiler/index';
import { formatDiagnostic } from '../../grammar/index';

const summary = (text: string) =>
  compileScript(text).diagnostics.map((d) => `${d.span.line}:${d.span.column} ${d.severity}: ${d.message}`);

describe('scripts with several errors', () => {
  const script = [
    /* 1 */ 'CREATE TABLE clicks (',
    /* 2 */ '  user_id BIGINT,',
    /* 3 */ '  url STRNG',
    /* 4 */ ") WITH ('connector' = 'datagen');",
    /* 5 */ "CREATE TABLE views (user_id BIGINT, url STRING) WITH ('connector' = 'datagen');",
    /* 6 */ "CREATE TABLE sink (user_id BIGINT, url STRING) WITH ('connector' = 'blackhole');",
    /* 7 */ 'INSERT INTO sink SELECT user_id, url FORM views;',
    /* 8 */ "INSERT INTO sink SELECT user_id, UPPER(url) FROM views WHERE user_id = 'x';",
    /* 9 */ "SET 'parallelism.default' = 'two';",
    /* 10 */ 'INSERT INTO sink SELECT user_id, url FROM views;',
  ].join('\n');

  it('reports every broken statement, in order, each on its own line', () => {
    expect(summary(script)).toEqual([
      "3:7 error: unknown type 'STRNG'; did you mean 'STRING'? (types: BOOLEAN, TINYINT, SMALLINT, INT, INTEGER, BIGINT, FLOAT, DOUBLE, DECIMAL, DEC, NUMERIC, VARCHAR, CHAR, STRING, TIMESTAMP, TIMESTAMP_LTZ, DATE, ROW<...>)",
      "7:38 error: unexpected 'views' after 'FORM': expected ';' to end the statement; did you mean 'FROM' instead of 'FORM'?",
      "8:62 error: cannot compare BIGINT with STRING NOT NULL using '='",
      "9:29 error: 'parallelism.default': 'two' is not an integer",
    ]);
  });

  it('still compiles the statements that are correct', () => {
    const { statements } = compileScript(script, { scriptName: 's' });
    expect(statements.map((s) => s.kind)).toEqual(['createTable', 'createTable', 'job']);
    const job = statements[2]!;
    expect(job.kind === 'job' && job.job.name).toBe('s-1');
  });

  it('reports two errors in one CREATE TABLE when the parser can recover between them', () => {
    const text = [
      'CREATE TABLE t (',
      '  a BIGINT,',
      '  b STRNG,',
      '  c TIMESTMP(3)',
      ") WITH ('connector' = 'datagen');",
    ].join('\n');
    expect(summary(text).map((s) => s.split(';')[0])).toEqual([
      "3:5 error: unknown type 'STRNG'",
      "4:5 error: unknown type 'TIMESTMP'",
    ]);
  });

  it('stops at an unterminated string: nothing after it is reported', () => {
    const text = "SELECT 'abc FROM t;\nSELEC 1;\nSELECT x FROM nowhere;";
    expect(summary(text)).toEqual(["1:8 error: unterminated string literal: expected a closing '"]);
  });

  it('keeps an unknown configuration key as a warning, not an error', () => {
    const result = compileScript("SET 'parallelism.defualt' = '2';");
    expect(result.diagnostics.map((d) => [d.severity, d.message])).toEqual([
      [
        'warning',
        "unknown configuration key 'parallelism.defualt'; it is kept but has no effect; did you mean 'parallelism.default'?",
      ],
    ]);
    expect(result.statements.map((s) => s.kind)).toEqual(['set']);
  });
});

describe('syntax errors say what was expected', () => {
  const cases: [string, string][] = [
    ['SELECT FROM t;', "1:8 error: unexpected 'FROM': expected an expression or '*'"],
    ['SELECT a FROM t WHERE a = ;', "1:27 error: unexpected ';': expected an expression"],
    [
      'SELECT a FROM t WHERE a = 1 LIMT 5;',
      "1:29 error: unexpected 'LIMT': expected ';' to end the statement; did you mean 'LIMIT'?",
    ],
    [
      'SELECT a FROM t WHER a = 1;',
      "1:17 error: unexpected 'a' after 'WHER': expected ';' to end the statement; did you mean 'WHERE' instead of 'WHER'?",
    ],
    ['SELECT UPPER(a b) FROM t;', "1:16 error: unexpected 'b': expected ',' or ')'"],
    ['SELECT (a b) FROM t;', "1:11 error: unexpected 'b': expected ')'"],
    ['SELECT a FROM t WHERE a IN (1 2);', "1:31 error: unexpected '2': expected ',' or ')'"],
    [
      'SELECT CAST(a AS) FROM t;',
      "1:17 error: unexpected ')': expected a type such as BIGINT, STRING, TIMESTAMP(3) or ROW<...>",
    ],
    [
      "CREATE TABLE t (a) WITH ('connector' = 'datagen');",
      "1:18 error: unexpected ')': expected a type such as BIGINT or STRING, or AS <expression>",
    ],
    [
      "CREATE TABLE t (a INT) WITH ('connector' 'datagen');",
      "1:42 error: unexpected string 'datagen': expected '='",
    ],
    [
      'SELECT a FROM',
      "1:14 error: unexpected end of the script: expected a table name, TABLE(<window function>) or '(' <query> ')'",
    ],
    [
      'SELECT a FROM t WHERE a # 1;',
      "1:25 error: unexpected character '#'; expected a keyword, name, literal or operator",
    ],
    [
      'SELEC a FROM t;',
      "1:1 error: unexpected 'SELEC': expected SET, RESET, CREATE, DROP, INSERT, SELECT, '(', EXPLAIN, ...; did you mean 'SELECT'?",
    ],
  ];
  for (const [text, expected] of cases) {
    it(text, () => {
      expect(summary(text)).toEqual([expected]);
    });
  }
});

describe('no follow-on errors', () => {
  const sink = "CREATE TABLE sink (user_id BIGINT, url STRING) WITH ('connector' = 'blackhole');";
  const uses = ['INSERT INTO sink SELECT user_id, url FROM clicks;', 'SELECT COUNT(*) FROM clicks;'];

  const cases: [string, string, string][] = [
    [
      'a CREATE TABLE with a syntax error',
      "CREATE TABLE clicks (user_id BIGINT url STRING) WITH ('connector' = 'datagen');",
      "unexpected 'url': expected ',' or ')'",
    ],
    [
      'a CREATE TABLE with an unknown type',
      "CREATE TABLE clicks (user_id BIGINT, url TXT) WITH ('connector' = 'datagen');",
      "unknown type 'TXT'",
    ],
    [
      'a CREATE TABLE with an unknown connector',
      "CREATE TABLE clicks (user_id BIGINT, url STRING) WITH ('connector' = 'kafka');",
      "unknown connector 'kafka'",
    ],
    [
      'a CREATE TABLE IF NOT EXISTS with a syntax error',
      "CREATE TABLE IF NOT EXISTS `clicks` (user_id BIGINT,) WITH ('connector' = 'datagen');",
      "unexpected ')'",
    ],
  ];
  for (const [what, create, message] of cases) {
    it(`reports only ${what}, not the statements that use the table`, () => {
      const text = [
        create,
        sink,
        ...uses,
        'CREATE VIEW v AS SELECT url FROM clicks;',
        'SELECT * FROM v;',
      ].join('\n');
      const result = compileScript(text);
      expect(result.diagnostics).toHaveLength(1);
      expect(result.diagnostics[0]!.message).toContain(message);
      expect(result.diagnostics[0]!.span.line).toBe(1);
    });
  }

  it('still reports a use of the table that comes before the broken definition', () => {
    const text = [
      'SELECT * FROM clicks;',
      "CREATE TABLE clicks (user_id BIGINT url STRING) WITH ('connector' = 'datagen');",
    ].join('\n');
    expect(summary(text)).toEqual([
      "1:15 error: unknown table 'clicks' (no tables are defined yet: CREATE TABLE first)",
      "2:37 error: unexpected 'url': expected ',' or ')'",
    ]);
  });

  it('reports the use again when the broken definition came in an earlier call, as in the shell', () => {
    const compiler = new Compiler();
    expect(
      compiler.compile("CREATE TABLE clicks (a BIGINT) WITH ('connector' = 'kafka');").diagnostics,
    ).toHaveLength(1);
    expect(compiler.compile('SELECT a FROM clicks;').diagnostics.map((d) => d.message)).toEqual([
      "unknown table 'clicks' (no tables are defined yet: CREATE TABLE first)",
    ]);
  });

  it('still reports an unknown table that was never defined', () => {
    const text = [sink, 'INSERT INTO sink SELECT user_id, url FROM clickz;'].join('\n');
    expect(summary(text)).toEqual(["2:43 error: unknown table 'clickz' (tables and views: sink)"]);
  });
});

describe('formatDiagnostic', () => {
  it('puts the caret under the span, on the right line, as wide as the span', () => {
    const text = [
      "CREATE TABLE clicks (user_id BIGINT, url STRING) WITH ('connector' = 'datagen');",
      '',
      'SELECT user_id, pric',
      'FROM clicks;',
    ].join('\n');
    const [d] = compileScript(text).diagnostics;
    expect(formatDiagnostic('q.sql', text, d!)).toBe(
      [
        "q.sql:3:17: error: unknown column 'pric' (columns: user_id, url)",
        '3 | SELECT user_id, pric',
        '                    ^^^^',
      ].join('\n'),
    );
  });

  it('marks a zero-width span with one caret, after the last character of the line', () => {
    const text = "CREATE TABLE t (a INT) WITH ('connector' = 'datagen');\nSELECT a, a +";
    const [d] = compileScript(text).diagnostics;
    expect(d!.span.end - d!.span.start).toBe(0);
    expect(formatDiagnostic('q.sql', text, d!)).toBe(
      [
        'q.sql:2:14: error: unexpected end of the script: expected an expression',
        '2 | SELECT a, a +',
        '                 ^',
      ].join('\n'),
    );
  });

  it('marks the last select item when FROM is missing', () => {
    const text =
      "CREATE TABLE t (a INT) WITH ('connector' = 'datagen');\nSELECT a,\n  a + 1 AS b WHERE a > 0;";
    const [d] = compileScript(text).diagnostics;
    expect(formatDiagnostic('q.sql', text, d!)).toBe(
      [
        'q.sql:3:3: error: missing FROM clause: expected FROM <table> after the select list',
        '3 |   a + 1 AS b WHERE a > 0;',
        '      ^^^^^^^^^^',
      ].join('\n'),
    );
  });

  it('cuts a span running over several lines at the end of its first line', () => {
    const text = 'SHOW TABLES;\n/* an unfinished\ncomment';
    const [d] = compileScript(text).diagnostics;
    expect(formatDiagnostic('x.sql', text, d!)).toBe(
      [
        "x.sql:2:1: error: unterminated comment: expected '*/' before the end of the script",
        '2 | /* an unfinished',
        '    ^^^^^^^^^^^^^^^^',
      ].join('\n'),
    );
  });

  it('counts columns after tabs and CRLF line ends as characters', () => {
    const text = "CREATE TABLE t (a INT) WITH ('connector' = 'datagen');\r\n\tSELECT b FROM t;";
    const [d] = compileScript(text).diagnostics;
    expect(formatDiagnostic('q.sql', text, d!)).toBe(
      [
        "q.sql:2:9: error: unknown column 'b'; did you mean 'a'? (columns: a)",
        '2 | \tSELECT b FROM t;',
        '            ^',
      ].join('\n'),
    );
  });
});
