// The abstract syntax tree: readonly nodes tagged with `kind`, each carrying the span of its text.

/** A range of the script text: offsets (end exclusive) plus the 1-based line and column of the start. */
export interface Span {
  readonly start: number;
  readonly end: number;
  readonly line: number;
  readonly column: number;
}

/** A name as written, with its span; `quoted` names keep their case. */
export interface Ident {
  readonly name: string;
  readonly quoted: boolean;
  readonly span: Span;
}

// ───────────────────────────── data types ─────────────────────────────

export type TypeName =
  | 'BOOLEAN'
  | 'TINYINT'
  | 'SMALLINT'
  | 'INT'
  | 'BIGINT'
  | 'FLOAT'
  | 'DOUBLE'
  | 'DECIMAL'
  | 'VARCHAR'
  | 'STRING'
  | 'TIMESTAMP'
  | 'TIMESTAMP_LTZ'
  | 'DATE'
  | 'ROW';

export interface DataTypeNode {
  readonly kind: 'dataType';
  readonly name: TypeName;
  /** Precision/scale or length arguments, e.g. DECIMAL(10, 2) → [10, 2]. */
  readonly args: readonly number[];
  readonly fields: readonly RowFieldNode[];
  readonly notNull: boolean;
  readonly span: Span;
}

export interface RowFieldNode {
  readonly name: Ident;
  readonly type: DataTypeNode;
}

// ───────────────────────────── expressions ─────────────────────────────

export type IntervalUnit = 'SECOND' | 'MINUTE' | 'HOUR' | 'DAY' | 'MONTH' | 'YEAR';

export type BinaryOp =
  '+' | '-' | '*' | '/' | '%' | '||' | '=' | '<>' | '<' | '<=' | '>' | '>=' | 'AND' | 'OR';

export type Expr =
  | NumberLit
  | StringLit
  | BooleanLit
  | NullLit
  | IntervalLit
  | TimestampLit
  | ColumnRef
  | StarExpr
  | UnaryExpr
  | BinaryExpr
  | BetweenExpr
  | InExpr
  | LikeExpr
  | IsNullExpr
  | CaseExpr
  | CastExpr
  | CallExpr;

export interface NumberLit {
  readonly kind: 'number';
  readonly text: string;
  readonly span: Span;
}
export interface StringLit {
  readonly kind: 'string';
  readonly value: string;
  readonly span: Span;
}
export interface BooleanLit {
  readonly kind: 'boolean';
  readonly value: boolean;
  readonly span: Span;
}
export interface NullLit {
  readonly kind: 'null';
  readonly span: Span;
}
/** `INTERVAL '10' SECOND`; `value` is the quoted text, checked by the analyzer. */
export interface IntervalLit {
  readonly kind: 'interval';
  readonly value: string;
  readonly unit: IntervalUnit;
  readonly negative: boolean;
  readonly span: Span;
}
export interface TimestampLit {
  readonly kind: 'timestamp';
  readonly value: string;
  readonly span: Span;
}
/** `a`, `t.a` or `t.a.b` (a ROW field): resolution decides which part names what. */
export interface ColumnRef {
  readonly kind: 'column';
  readonly path: readonly Ident[];
  readonly span: Span;
}
/** `*` or `t.*` in a select list, or the `*` of COUNT(*). */
export interface StarExpr {
  readonly kind: 'star';
  readonly qualifier?: Ident;
  readonly span: Span;
}
export interface UnaryExpr {
  readonly kind: 'unary';
  readonly op: '-' | '+' | 'NOT';
  readonly operand: Expr;
  readonly span: Span;
}
export interface BinaryExpr {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
  readonly span: Span;
}
export interface BetweenExpr {
  readonly kind: 'between';
  readonly expr: Expr;
  readonly low: Expr;
  readonly high: Expr;
  readonly negated: boolean;
  readonly span: Span;
}
export interface InExpr {
  readonly kind: 'in';
  readonly expr: Expr;
  readonly list: readonly Expr[];
  readonly negated: boolean;
  readonly span: Span;
}
export interface LikeExpr {
  readonly kind: 'like';
  readonly expr: Expr;
  readonly pattern: Expr;
  readonly negated: boolean;
  readonly span: Span;
}
export interface IsNullExpr {
  readonly kind: 'isNull';
  readonly expr: Expr;
  readonly negated: boolean;
  readonly span: Span;
}
export interface CaseExpr {
  readonly kind: 'case';
  readonly operand?: Expr;
  readonly whens: readonly { readonly when: Expr; readonly then: Expr }[];
  readonly otherwise?: Expr;
  readonly span: Span;
}
export interface CastExpr {
  readonly kind: 'cast';
  readonly expr: Expr;
  readonly type: DataTypeNode;
  readonly span: Span;
}
/** A function call, aggregate or not; `over` marks an OVER window (parsed, not yet supported). */
export interface CallExpr {
  readonly kind: 'call';
  readonly name: Ident;
  readonly args: readonly Expr[];
  readonly distinct: boolean;
  readonly filter?: Expr;
  readonly over?: OverClause;
  readonly span: Span;
}
export interface OverClause {
  readonly partitionBy: readonly Expr[];
  readonly orderBy: readonly OrderItem[];
  /** Set when a ROWS/RANGE frame was written. */
  readonly frame?: Span;
  /** The frame written: `ROWS|RANGE BETWEEN lower AND upper`. */
  readonly frameSpec?: WindowFrame;
  readonly span: Span;
}
export interface WindowFrame {
  readonly unit: 'ROWS' | 'RANGE';
  readonly lower: FrameBound;
  readonly upper: FrameBound;
}
/** `UNBOUNDED PRECEDING`, `CURRENT ROW`, `<n> PRECEDING`, `<n> FOLLOWING`, `UNBOUNDED FOLLOWING`. */
export interface FrameBound {
  readonly kind: 'unbounded' | 'current' | 'offset';
  readonly direction: 'PRECEDING' | 'FOLLOWING' | 'CURRENT';
  readonly offset?: Expr;
  readonly span: Span;
}
export interface OrderItem {
  readonly expr: Expr;
  readonly descending: boolean;
}

// ───────────────────────────── queries ─────────────────────────────

export type Query = SelectQuery | UnionQuery;

export interface SelectQuery {
  readonly kind: 'select';
  readonly distinct: boolean;
  readonly items: readonly SelectItem[];
  readonly from?: FromItem;
  readonly where?: Expr;
  readonly groupBy: readonly Expr[];
  readonly having?: Expr;
  readonly orderBy: readonly OrderItem[];
  readonly limit?: Expr;
  readonly span: Span;
}

export interface UnionQuery {
  readonly kind: 'union';
  readonly all: boolean;
  readonly left: Query;
  readonly right: Query;
  readonly orderBy: readonly OrderItem[];
  readonly limit?: Expr;
  readonly span: Span;
}

export type SelectItem =
  | { readonly kind: 'expr'; readonly expr: Expr; readonly alias?: Ident; readonly span: Span }
  | { readonly kind: 'star'; readonly qualifier?: Ident; readonly span: Span };

export type JoinType = 'INNER' | 'LEFT' | 'RIGHT' | 'FULL' | 'CROSS';

export type FromItem = TableRef | SubqueryRef | JoinRef | WindowTvfRef | LateralTableRef;

/** `LATERAL TABLE(f(args)) [AS t(a, b)]`: a user table function joined to each row on its left. */
export interface LateralTableRef {
  readonly kind: 'lateralTable';
  readonly call: CallExpr;
  readonly alias?: Ident;
  /** Column names given with the alias (`AS t(a, b)`). */
  readonly columns?: readonly Ident[];
  readonly span: Span;
}

export interface TableRef {
  readonly kind: 'tableRef';
  readonly name: Ident;
  readonly alias?: Ident;
  /** The span of `FOR SYSTEM_TIME AS OF expr` (a temporal or lookup join), and its expression. */
  readonly forSystemTime?: Span;
  readonly asOf?: Expr;
  readonly span: Span;
}
export interface SubqueryRef {
  readonly kind: 'subqueryRef';
  readonly query: Query;
  readonly alias?: Ident;
  readonly span: Span;
}
export interface JoinRef {
  readonly kind: 'joinRef';
  readonly joinType: JoinType;
  /** True for the comma form `FROM a, b`. */
  readonly comma: boolean;
  readonly left: FromItem;
  readonly right: FromItem;
  readonly on?: Expr;
  readonly span: Span;
}

export type WindowFunction = 'TUMBLE' | 'HOP' | 'CUMULATE' | 'SESSION';

/** `TABLE(TUMBLE(TABLE t, DESCRIPTOR(col), INTERVAL ...))`, as a FROM item. */
export interface WindowTvfRef {
  readonly kind: 'windowTvf';
  readonly fn: Ident;
  readonly table: Ident;
  /** SESSION's `TABLE t PARTITION BY k` keys. */
  readonly partitionBy: readonly Expr[];
  /** The remaining arguments: DESCRIPTOR(col) and the intervals, in order. */
  readonly args: readonly Expr[];
  readonly alias?: Ident;
  readonly span: Span;
}

// ───────────────────────────── statements ─────────────────────────────

export type Statement =
  | SetStatement
  | ResetStatement
  | CreateTableStatement
  | CreateViewStatement
  | CreateFunctionStatement
  | DropStatement
  | InsertStatement
  | QueryStatement
  | ExplainStatement
  | CheckpointStatement
  | SavepointStatement
  | ShowStatement
  | StopJobStatement;

export type StatementKind = Statement['kind'];

export interface SetStatement {
  readonly kind: 'set';
  readonly key: StringLit;
  readonly value: StringLit;
  readonly span: Span;
}
export interface ResetStatement {
  readonly kind: 'reset';
  readonly key?: StringLit;
  readonly span: Span;
}

export type TableElement =
  | { readonly kind: 'physical'; readonly name: Ident; readonly type: DataTypeNode; readonly span: Span }
  | { readonly kind: 'computed'; readonly name: Ident; readonly expr: Expr; readonly span: Span };

export interface WatermarkNode {
  readonly column: Ident;
  readonly expr: Expr;
  readonly span: Span;
}

export interface TableOption {
  readonly key: StringLit;
  readonly value: StringLit;
}

export interface CreateTableStatement {
  readonly kind: 'createTable';
  readonly name: Ident;
  readonly ifNotExists: boolean;
  readonly elements: readonly TableElement[];
  readonly watermark?: WatermarkNode;
  readonly primaryKey?: {
    readonly columns: readonly Ident[];
    readonly enforced: boolean;
    readonly span: Span;
  };
  readonly partitionedBy?: { readonly columns: readonly Ident[]; readonly span: Span };
  readonly options: readonly TableOption[];
  readonly span: Span;
}
export interface CreateViewStatement {
  readonly kind: 'createView';
  readonly name: Ident;
  readonly temporary: boolean;
  readonly ifNotExists: boolean;
  readonly query: Query;
  readonly span: Span;
}
/** `CREATE [TEMPORARY] FUNCTION [IF NOT EXISTS] f AS 'path.js' LANGUAGE JAVASCRIPT` (a JavaScript module). */
export interface CreateFunctionStatement {
  readonly kind: 'createFunction';
  readonly name: Ident;
  readonly temporary: boolean;
  readonly ifNotExists: boolean;
  /** The module path (relative to the script), or a Java class name in Flink's form. */
  readonly path: StringLit;
  /** `LANGUAGE x`; absent means Flink's default, JAVA. */
  readonly language?: Ident;
  readonly span: Span;
}
export interface DropStatement {
  readonly kind: 'drop';
  readonly what: 'TABLE' | 'VIEW' | 'FUNCTION';
  readonly name: Ident;
  readonly ifExists: boolean;
  readonly span: Span;
}
export interface InsertStatement {
  readonly kind: 'insert';
  readonly table: Ident;
  readonly columns: readonly Ident[];
  readonly query: Query;
  readonly span: Span;
}
export interface QueryStatement {
  readonly kind: 'query';
  readonly query: Query;
  readonly span: Span;
}
export interface ExplainStatement {
  readonly kind: 'explain';
  readonly verbose: boolean;
  /** `EXPLAIN RESTORE FROM 'path' <stmt>` (the savepoints issue). */
  readonly restoreFrom?: StringLit;
  readonly statement: InsertStatement | QueryStatement;
  readonly span: Span;
}
export interface CheckpointStatement {
  readonly kind: 'checkpoint';
  readonly span: Span;
}
export interface SavepointStatement {
  readonly kind: 'savepoint';
  readonly path?: StringLit;
  readonly span: Span;
}
export interface ShowStatement {
  readonly kind: 'show';
  readonly what: 'CHECKPOINTS' | 'JOBS' | 'TABLES' | 'VIEWS' | 'FUNCTIONS' | 'USER FUNCTIONS';
  readonly span: Span;
}
export interface StopJobStatement {
  readonly kind: 'stopJob';
  readonly job: StringLit;
  readonly withSavepoint: boolean;
  readonly span: Span;
}

/** The parsed script: statements in order, each with the text it came from. */
export interface Script {
  readonly statements: readonly Statement[];
}
