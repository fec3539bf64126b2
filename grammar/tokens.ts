// The lexer's tokens: the one list of weir's keywords, also used by the playground's syntax colouring.
import { createToken, Lexer, type TokenType } from 'chevrotain';

/** Plain identifiers; keywords use it as `longer_alt` so `selected` is not `SELECT` + `ed`. */
export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_$]*/ });

/** Keywords that may also name a column or table (`key`, `value`, `jobs`, …). */
export const NonReserved = createToken({ name: 'NonReserved', pattern: Lexer.NA });
/** Every keyword, reserved or not. */
export const Keyword = createToken({ name: 'Keyword', pattern: Lexer.NA });

const keywordTokens: TokenType[] = [];
const keywordWords: string[] = [];
const nonReservedWords: string[] = [];

function keyword(word: string, isReserved: boolean, plural = false): TokenType {
  const token = createToken({
    name: word,
    pattern: new RegExp(`${word}${plural ? 'S?' : ''}(?![A-Za-z0-9_$])`, 'i'),
    longer_alt: Identifier,
    categories: isReserved ? [Keyword] : [Keyword, NonReserved],
  });
  keywordTokens.push(token);
  const words = plural ? [word, `${word}S`] : [word];
  keywordWords.push(...words);
  if (!isReserved) nonReservedWords.push(...words);
  return token;
}
const reserved = (word: string): TokenType => keyword(word, true);
const soft = (word: string): TokenType => keyword(word, false);
const unit = (word: string): TokenType => keyword(word, false, true);

// Reserved: never an identifier unless quoted with backticks (as in Flink SQL).
export const Select = reserved('SELECT');
export const From = reserved('FROM');
export const Where = reserved('WHERE');
export const Group = reserved('GROUP');
export const By = reserved('BY');
export const Having = reserved('HAVING');
export const Order = reserved('ORDER');
export const Limit = reserved('LIMIT');
export const Join = reserved('JOIN');
export const Inner = reserved('INNER');
export const Left = reserved('LEFT');
export const Right = reserved('RIGHT');
export const Full = reserved('FULL');
export const Outer = reserved('OUTER');
export const Cross = reserved('CROSS');
export const On = reserved('ON');
export const As = reserved('AS');
export const And = reserved('AND');
export const Or = reserved('OR');
export const Not = reserved('NOT');
export const In = reserved('IN');
export const Is = reserved('IS');
export const Null = reserved('NULL');
export const True = reserved('TRUE');
export const False = reserved('FALSE');
export const Case = reserved('CASE');
export const When = reserved('WHEN');
export const Then = reserved('THEN');
export const Else = reserved('ELSE');
export const End = reserved('END');
export const Cast = reserved('CAST');
export const Between = reserved('BETWEEN');
export const Like = reserved('LIKE');
export const Distinct = reserved('DISTINCT');
export const All = reserved('ALL');
export const Union = reserved('UNION');
export const Insert = reserved('INSERT');
export const Into = reserved('INTO');
export const Create = reserved('CREATE');
export const Drop = reserved('DROP');
export const Table = reserved('TABLE');
export const Set = reserved('SET');
export const Interval = reserved('INTERVAL');
export const With = reserved('WITH');
export const Over = reserved('OVER');
export const Partition = reserved('PARTITION');
export const Filter = reserved('FILTER');
export const Explain = reserved('EXPLAIN');
export const For = reserved('FOR');
export const Row = reserved('ROW');
export const Timestamp = reserved('TIMESTAMP');
export const Function = reserved('FUNCTION');
export const Asc = reserved('ASC');
export const Desc = reserved('DESC');
export const Rows = reserved('ROWS');
export const Range = reserved('RANGE');
export const Preceding = reserved('PRECEDING');
export const Following = reserved('FOLLOWING');
export const Current = reserved('CURRENT');
export const Unbounded = reserved('UNBOUNDED');
export const Values = reserved('VALUES');

// Non-reserved: statement words and units that are common column names too.
export const View = soft('VIEW');
export const Temporary = soft('TEMPORARY');
export const If = soft('IF');
export const Exists = soft('EXISTS');
export const Reset = soft('RESET');
export const Watermark = soft('WATERMARK');
export const Primary = soft('PRIMARY');
export const Key = soft('KEY');
export const Enforced = soft('ENFORCED');
export const Partitioned = soft('PARTITIONED');
export const Comment = soft('COMMENT');
export const Verbose = soft('VERBOSE');
export const Checkpoint = soft('CHECKPOINT');
export const Checkpoints = soft('CHECKPOINTS');
export const Savepoint = soft('SAVEPOINT');
export const To = soft('TO');
export const Show = soft('SHOW');
export const Jobs = soft('JOBS');
export const Tables = soft('TABLES');
export const Views = soft('VIEWS');
export const Stop = soft('STOP');
export const Job = soft('JOB');
export const System_Time = soft('SYSTEM_TIME');
export const Of = soft('OF');
export const Restore = soft('RESTORE');
export const Language = soft('LANGUAGE');
export const Functions = soft('FUNCTIONS');
export const User = soft('USER');
export const Lateral = soft('LATERAL');
// Interval units (plurals are accepted, as Flink's parser does for SECONDS etc.).
export const Second = unit('SECOND');
export const Minute = unit('MINUTE');
export const Hour = unit('HOUR');
export const Day = unit('DAY');
export const Month = unit('MONTH');
export const Year = unit('YEAR');

// Literals. A string runs to the next lone quote; '' inside is one quote.
export const StringLiteral = createToken({ name: 'StringLiteral', pattern: /'(?:[^']|'')*'/ });
/** An opening quote with no closing one: the lexer keeps it so the error can say what is missing. */
export const UnterminatedString = createToken({ name: 'UnterminatedString', pattern: /'(?:[^']|'')*/ });
export const NumberLiteral = createToken({
  name: 'NumberLiteral',
  pattern: /(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?/,
});
export const QuotedIdentifier = createToken({ name: 'QuotedIdentifier', pattern: /`(?:[^`]|``)+`/ });
export const UnterminatedQuotedIdentifier = createToken({
  name: 'UnterminatedQuotedIdentifier',
  pattern: /`(?:[^`]|``)*/,
});

// Punctuation and operators (longest first).
export const NotEquals = createToken({ name: 'NotEquals', pattern: /<>|!=/ });
export const LessEquals = createToken({ name: 'LessEquals', pattern: /<=/ });
export const GreaterEquals = createToken({ name: 'GreaterEquals', pattern: />=/ });
export const Less = createToken({ name: 'Less', pattern: /</ });
export const Greater = createToken({ name: 'Greater', pattern: />/ });
export const Equals = createToken({ name: 'Equals', pattern: /=/ });
export const Concat = createToken({ name: 'Concat', pattern: /\|\|/ });
export const Plus = createToken({ name: 'Plus', pattern: /\+/ });
export const Minus = createToken({ name: 'Minus', pattern: /-/ });
export const Star = createToken({ name: 'Star', pattern: /\*/ });
export const Slash = createToken({ name: 'Slash', pattern: /\// });
export const Percent = createToken({ name: 'Percent', pattern: /%/ });
export const LParen = createToken({ name: 'LParen', pattern: /\(/ });
export const RParen = createToken({ name: 'RParen', pattern: /\)/ });
export const Comma = createToken({ name: 'Comma', pattern: /,/ });
export const Dot = createToken({ name: 'Dot', pattern: /\./ });
export const Semicolon = createToken({ name: 'Semicolon', pattern: /;/ });

export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /\s+/, group: Lexer.SKIPPED });
export const LineComment = createToken({ name: 'LineComment', pattern: /--[^\n\r]*/, group: 'comments' });
export const BlockComment = createToken({
  name: 'BlockComment',
  pattern: /\/\*[\s\S]*?\*\//,
  group: 'comments',
});
/** A `/*` with no closing `*\/`: kept as a token so the error can say the comment is unterminated. */
export const UnterminatedComment = createToken({ name: 'UnterminatedComment', pattern: /\/\*[\s\S]*/ });

/** Tokens that only exist to produce a precise lexer error; the parser never sees them. */
export const errorTokens: ReadonlySet<TokenType> = new globalThis.Set([
  UnterminatedString,
  UnterminatedQuotedIdentifier,
  UnterminatedComment,
]);

export const allTokens: TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  UnterminatedComment,
  StringLiteral,
  UnterminatedString,
  QuotedIdentifier,
  UnterminatedQuotedIdentifier,
  NumberLiteral,
  NotEquals,
  LessEquals,
  GreaterEquals,
  Less,
  Greater,
  Equals,
  Concat,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  LParen,
  RParen,
  Comma,
  Dot,
  Semicolon,
  Keyword,
  NonReserved,
  ...keywordTokens,
  Identifier,
];

/** Every keyword in upper case (plural unit forms included), for completion and syntax colouring. */
export const KEYWORDS: readonly string[] = keywordWords;

/** Keywords that may be used as identifiers without quoting. */
export const NON_RESERVED_KEYWORDS: readonly string[] = nonReservedWords;

/** Lines end at '\n' (so '\r\n' ends one line and a lone '\r' none), as `spanAt` and `formatDiagnostic` count them. */
export const lexer = new Lexer(allTokens, {
  ensureOptimizations: false,
  positionTracking: 'full',
  lineTerminatorsPattern: /\n/g,
  lineTerminatorCharacters: ['\n'],
});
