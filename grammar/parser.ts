// The CstParser: weir's statements as Chevrotain rules; it builds a CST and nothing else.
import { CstParser } from 'chevrotain';
import * as T from './tokens';

/**
 * One instance serves every parse (Chevrotain's self-analysis is costly): set `input`, call `statement()`.
 * Recovery is on so that the playground gets several errors at once.
 */
export class WeirParser extends CstParser {
  constructor() {
    super(T.allTokens, { recoveryEnabled: true, maxLookahead: 4, nodeLocationTracking: 'full' });
    this.performSelfAnalysis();
  }

  public statement = this.RULE('statement', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.setStatement) },
      { ALT: () => this.SUBRULE(this.resetStatement) },
      { ALT: () => this.SUBRULE(this.createStatement) },
      { ALT: () => this.SUBRULE(this.dropStatement) },
      { ALT: () => this.SUBRULE(this.insertStatement) },
      { ALT: () => this.SUBRULE(this.query) },
      { ALT: () => this.SUBRULE(this.explainStatement) },
      { ALT: () => this.SUBRULE(this.checkpointStatement) },
      { ALT: () => this.SUBRULE(this.savepointStatement) },
      { ALT: () => this.SUBRULE(this.showStatement) },
      { ALT: () => this.SUBRULE(this.stopJobStatement) },
    ]);
  });

  private setStatement = this.RULE('setStatement', () => {
    this.CONSUME(T.Set);
    this.CONSUME(T.StringLiteral, { LABEL: 'key' });
    this.CONSUME(T.Equals);
    this.CONSUME2(T.StringLiteral, { LABEL: 'value' });
  });

  private resetStatement = this.RULE('resetStatement', () => {
    this.CONSUME(T.Reset);
    this.OPTION(() => this.CONSUME(T.StringLiteral, { LABEL: 'key' }));
  });

  private createStatement = this.RULE('createStatement', () => {
    this.CONSUME(T.Create);
    this.OPTION(() => this.CONSUME(T.Temporary));
    this.OR([
      { ALT: () => this.SUBRULE(this.createTable) },
      { ALT: () => this.SUBRULE(this.createView) },
      { ALT: () => this.SUBRULE(this.createFunction) },
    ]);
  });

  private ifNotExists = this.RULE('ifNotExists', () => {
    this.CONSUME(T.If);
    this.CONSUME(T.Not);
    this.CONSUME(T.Exists);
  });

  private createTable = this.RULE('createTable', () => {
    this.CONSUME(T.Table);
    this.OPTION(() => this.SUBRULE(this.ifNotExists));
    this.SUBRULE(this.identifier, { LABEL: 'name' });
    this.CONSUME(T.LParen);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.tableElement) });
    this.CONSUME(T.RParen);
    this.OPTION2(() => {
      this.CONSUME(T.Comment);
      this.CONSUME(T.StringLiteral, { LABEL: 'comment' });
    });
    this.OPTION3(() => {
      this.CONSUME(T.Partitioned);
      this.CONSUME(T.By);
      this.SUBRULE(this.identifierList, { LABEL: 'partitionedBy' });
    });
    this.OPTION4(() => {
      this.CONSUME(T.With);
      this.SUBRULE(this.optionList);
    });
  });

  private tableElement = this.RULE('tableElement', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.watermarkDefinition) },
      { ALT: () => this.SUBRULE(this.primaryKeyDefinition) },
      { ALT: () => this.SUBRULE(this.columnDefinition) },
    ]);
  });

  private watermarkDefinition = this.RULE('watermarkDefinition', () => {
    this.CONSUME(T.Watermark);
    this.CONSUME(T.For);
    this.SUBRULE(this.identifier, { LABEL: 'column' });
    this.CONSUME(T.As);
    this.SUBRULE(this.expression);
  });

  private primaryKeyDefinition = this.RULE('primaryKeyDefinition', () => {
    this.CONSUME(T.Primary);
    this.CONSUME(T.Key);
    this.SUBRULE(this.identifierList);
    this.OPTION(() => {
      this.CONSUME(T.Not);
      this.CONSUME(T.Enforced);
    });
  });

  private columnDefinition = this.RULE('columnDefinition', () => {
    this.SUBRULE(this.identifier, { LABEL: 'name' });
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.As);
          this.SUBRULE(this.expression);
        },
      },
      { ALT: () => this.SUBRULE(this.dataType) },
    ]);
    this.OPTION(() => {
      this.CONSUME(T.Comment);
      this.CONSUME(T.StringLiteral, { LABEL: 'comment' });
    });
  });

  private identifierList = this.RULE('identifierList', () => {
    this.CONSUME(T.LParen);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.identifier) });
    this.CONSUME(T.RParen);
  });

  private optionList = this.RULE('optionList', () => {
    this.CONSUME(T.LParen);
    this.MANY_SEP({
      SEP: T.Comma,
      DEF: () => {
        this.CONSUME(T.StringLiteral, { LABEL: 'key' });
        this.CONSUME(T.Equals);
        this.CONSUME2(T.StringLiteral, { LABEL: 'value' });
      },
    });
    this.CONSUME(T.RParen);
  });

  private createView = this.RULE('createView', () => {
    this.CONSUME(T.View);
    this.OPTION(() => this.SUBRULE(this.ifNotExists));
    this.SUBRULE(this.identifier, { LABEL: 'name' });
    this.CONSUME(T.As);
    this.SUBRULE(this.query);
  });

  private createFunction = this.RULE('createFunction', () => {
    this.CONSUME(T.Function);
    this.OPTION(() => this.SUBRULE(this.ifNotExists));
    this.SUBRULE(this.identifier, { LABEL: 'name' });
    this.CONSUME(T.As);
    this.CONSUME(T.StringLiteral, { LABEL: 'path' });
    this.OPTION2(() => {
      this.CONSUME(T.Language);
      this.SUBRULE2(this.identifier, { LABEL: 'language' });
    });
  });

  private dropStatement = this.RULE('dropStatement', () => {
    this.CONSUME(T.Drop);
    this.OPTION(() => this.CONSUME(T.Temporary));
    this.OR([
      { ALT: () => this.CONSUME(T.Table) },
      { ALT: () => this.CONSUME(T.View) },
      { ALT: () => this.CONSUME(T.Function) },
    ]);
    this.OPTION2(() => {
      this.CONSUME(T.If);
      this.CONSUME(T.Exists);
    });
    this.SUBRULE(this.identifier, { LABEL: 'name' });
  });

  private insertStatement = this.RULE('insertStatement', () => {
    this.CONSUME(T.Insert);
    this.CONSUME(T.Into);
    this.SUBRULE(this.identifier, { LABEL: 'table' });
    this.OPTION(() => this.SUBRULE(this.identifierList, { LABEL: 'columns' }));
    this.SUBRULE(this.query);
  });

  private explainStatement = this.RULE('explainStatement', () => {
    this.CONSUME(T.Explain);
    this.OPTION(() => this.CONSUME(T.Verbose));
    this.OPTION2(() => {
      this.CONSUME(T.Restore);
      this.CONSUME(T.From);
      this.CONSUME(T.StringLiteral, { LABEL: 'restorePath' });
    });
    this.OR([{ ALT: () => this.SUBRULE(this.insertStatement) }, { ALT: () => this.SUBRULE(this.query) }]);
  });

  private checkpointStatement = this.RULE('checkpointStatement', () => {
    this.CONSUME(T.Checkpoint);
  });

  private savepointStatement = this.RULE('savepointStatement', () => {
    this.CONSUME(T.Savepoint);
    this.OPTION(() => {
      this.CONSUME(T.To);
      this.CONSUME(T.StringLiteral, { LABEL: 'path' });
    });
  });

  private showStatement = this.RULE('showStatement', () => {
    this.CONSUME(T.Show);
    this.OR([
      { ALT: () => this.CONSUME(T.Checkpoints) },
      { ALT: () => this.CONSUME(T.Jobs) },
      { ALT: () => this.CONSUME(T.Tables) },
      { ALT: () => this.CONSUME(T.Views) },
      {
        ALT: () => {
          this.OPTION(() => this.CONSUME(T.User));
          this.CONSUME(T.Functions);
        },
      },
    ]);
  });

  private stopJobStatement = this.RULE('stopJobStatement', () => {
    this.CONSUME(T.Stop);
    this.CONSUME(T.Job);
    this.CONSUME(T.StringLiteral, { LABEL: 'job' });
    this.OPTION(() => {
      this.CONSUME(T.With);
      this.CONSUME(T.Savepoint);
    });
  });

  // ───────────────────────────── queries ─────────────────────────────

  public query = this.RULE('query', () => {
    this.SUBRULE(this.queryTerm);
    this.MANY(() => {
      this.CONSUME(T.Union);
      this.OPTION(() =>
        this.OR([{ ALT: () => this.CONSUME(T.All) }, { ALT: () => this.CONSUME(T.Distinct) }]),
      );
      this.SUBRULE2(this.queryTerm);
    });
    this.OPTION2(() => this.SUBRULE(this.orderByClause));
    this.OPTION3(() => {
      this.CONSUME(T.Limit);
      this.SUBRULE(this.expression, { LABEL: 'limit' });
    });
  });

  private queryTerm = this.RULE('queryTerm', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.select) },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.query);
          this.CONSUME(T.RParen);
        },
      },
    ]);
  });

  private orderByClause = this.RULE('orderByClause', () => {
    this.CONSUME(T.Order);
    this.CONSUME(T.By);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.orderItem) });
  });

  private orderItem = this.RULE('orderItem', () => {
    this.SUBRULE(this.expression);
    this.OPTION(() => this.OR([{ ALT: () => this.CONSUME(T.Asc) }, { ALT: () => this.CONSUME(T.Desc) }]));
  });

  private select = this.RULE('select', () => {
    this.CONSUME(T.Select);
    this.OPTION(() => this.OR([{ ALT: () => this.CONSUME(T.Distinct) }, { ALT: () => this.CONSUME(T.All) }]));
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.selectItem) });
    this.OPTION2(() => {
      this.CONSUME(T.From);
      this.SUBRULE(this.fromClause);
    });
    this.OPTION3(() => {
      this.CONSUME(T.Where);
      this.SUBRULE(this.expression, { LABEL: 'where' });
    });
    this.OPTION4(() => {
      this.CONSUME(T.Group);
      this.CONSUME(T.By);
      this.AT_LEAST_ONE_SEP2({
        SEP: T.Comma,
        DEF: () => this.SUBRULE2(this.expression, { LABEL: 'groupBy' }),
      });
    });
    this.OPTION5(() => {
      this.CONSUME(T.Having);
      this.SUBRULE3(this.expression, { LABEL: 'having' });
    });
  });

  private selectItem = this.RULE('selectItem', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Star) },
      {
        GATE: () => this.LA(2).tokenType === T.Dot && this.LA(3).tokenType === T.Star,
        ALT: () => {
          this.SUBRULE(this.identifier, { LABEL: 'qualifier' });
          this.CONSUME(T.Dot);
          this.CONSUME2(T.Star);
        },
      },
      {
        ALT: () => {
          this.SUBRULE(this.expression);
          this.OPTION(() => this.SUBRULE(this.alias));
        },
      },
    ]);
  });

  private alias = this.RULE('alias', () => {
    this.OPTION(() => this.CONSUME(T.As));
    this.SUBRULE(this.identifier);
  });

  private fromClause = this.RULE('fromClause', () => {
    this.SUBRULE(this.fromPrimary);
    this.MANY(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(T.Comma);
            this.SUBRULE2(this.fromPrimary, { LABEL: 'commaItem' });
          },
        },
        { ALT: () => this.SUBRULE(this.joinClause) },
      ]);
    });
  });

  private joinClause = this.RULE('joinClause', () => {
    this.OPTION(() =>
      this.OR([
        { ALT: () => this.CONSUME(T.Inner) },
        { ALT: () => this.CONSUME(T.Cross) },
        {
          ALT: () => {
            this.OR2([
              { ALT: () => this.CONSUME(T.Left) },
              { ALT: () => this.CONSUME(T.Right) },
              { ALT: () => this.CONSUME(T.Full) },
            ]);
            this.OPTION2(() => this.CONSUME(T.Outer));
          },
        },
      ]),
    );
    this.CONSUME(T.Join);
    this.SUBRULE(this.fromPrimary);
    this.OPTION3(() => {
      this.CONSUME(T.On);
      this.SUBRULE(this.expression, { LABEL: 'on' });
    });
  });

  private fromPrimary = this.RULE('fromPrimary', () => {
    this.OR([
      {
        GATE: () => this.LA(2).tokenType === T.Table,
        ALT: () => {
          this.CONSUME(T.Lateral);
          this.CONSUME3(T.Table);
          this.CONSUME3(T.LParen);
          this.SUBRULE(this.functionCall, { LABEL: 'lateralCall' });
          this.CONSUME3(T.RParen);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Table);
          this.CONSUME(T.LParen);
          this.SUBRULE(this.windowTvf);
          this.CONSUME(T.RParen);
        },
      },
      {
        ALT: () => {
          this.CONSUME2(T.LParen);
          this.SUBRULE(this.query);
          this.CONSUME2(T.RParen);
        },
      },
      {
        ALT: () => {
          this.SUBRULE(this.identifier, { LABEL: 'table' });
          this.OPTION(() => this.SUBRULE(this.forSystemTime));
        },
      },
    ]);
    this.OPTION2(() => {
      this.SUBRULE(this.alias);
      this.OPTION3(() => this.SUBRULE(this.identifierList, { LABEL: 'aliasColumns' }));
    });
  });

  private forSystemTime = this.RULE('forSystemTime', () => {
    this.CONSUME(T.For);
    this.CONSUME(T.System_Time);
    this.CONSUME(T.As);
    this.CONSUME(T.Of);
    this.SUBRULE(this.additive);
  });

  private windowTvf = this.RULE('windowTvf', () => {
    this.SUBRULE(this.identifier, { LABEL: 'fn' });
    this.CONSUME(T.LParen);
    this.CONSUME(T.Table);
    this.SUBRULE2(this.identifier, { LABEL: 'table' });
    this.OPTION(() => {
      this.CONSUME(T.Partition);
      this.CONSUME(T.By);
      this.OR([
        {
          ALT: () => {
            this.CONSUME2(T.LParen);
            this.AT_LEAST_ONE_SEP({
              SEP: T.Comma,
              DEF: () => this.SUBRULE(this.columnRef, { LABEL: 'partitionBy' }),
            });
            this.CONSUME2(T.RParen);
          },
        },
        { ALT: () => this.SUBRULE2(this.columnRef, { LABEL: 'partitionBy' }) },
      ]);
    });
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.SUBRULE(this.expression, { LABEL: 'args' });
    });
    this.CONSUME(T.RParen);
  });

  // ───────────────────────────── expressions ─────────────────────────────

  public expression = this.RULE('expression', () => {
    this.SUBRULE(this.andExpression, { LABEL: 'operands' });
    this.MANY(() => {
      this.CONSUME(T.Or);
      this.SUBRULE2(this.andExpression, { LABEL: 'operands' });
    });
  });

  private andExpression = this.RULE('andExpression', () => {
    this.SUBRULE(this.notExpression, { LABEL: 'operands' });
    this.MANY(() => {
      this.CONSUME(T.And);
      this.SUBRULE2(this.notExpression, { LABEL: 'operands' });
    });
  });

  private notExpression = this.RULE('notExpression', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Not);
          this.SUBRULE(this.notExpression);
        },
      },
      { ALT: () => this.SUBRULE(this.comparison) },
    ]);
  });

  private comparison = this.RULE('comparison', () => {
    this.SUBRULE(this.additive, { LABEL: 'left' });
    this.OPTION(() => {
      this.OR([
        {
          ALT: () => {
            this.SUBRULE(this.comparisonOperator);
            this.SUBRULE2(this.additive, { LABEL: 'right' });
          },
        },
        {
          ALT: () => {
            this.CONSUME(T.Is);
            this.OPTION2(() => this.CONSUME(T.Not, { LABEL: 'isNot' }));
            this.CONSUME(T.Null);
          },
        },
        {
          ALT: () => {
            this.OPTION3(() => this.CONSUME2(T.Not, { LABEL: 'not' }));
            this.OR2([
              {
                ALT: () => {
                  this.CONSUME(T.Between);
                  this.SUBRULE3(this.additive, { LABEL: 'low' });
                  this.CONSUME(T.And);
                  this.SUBRULE4(this.additive, { LABEL: 'high' });
                },
              },
              {
                ALT: () => {
                  this.CONSUME(T.In);
                  this.CONSUME(T.LParen);
                  this.AT_LEAST_ONE_SEP({
                    SEP: T.Comma,
                    DEF: () => this.SUBRULE(this.expression, { LABEL: 'list' }),
                  });
                  this.CONSUME(T.RParen);
                },
              },
              {
                ALT: () => {
                  this.CONSUME(T.Like);
                  this.SUBRULE5(this.additive, { LABEL: 'pattern' });
                },
              },
            ]);
          },
        },
      ]);
    });
  });

  private comparisonOperator = this.RULE('comparisonOperator', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Equals) },
      { ALT: () => this.CONSUME(T.NotEquals) },
      { ALT: () => this.CONSUME(T.Less) },
      { ALT: () => this.CONSUME(T.LessEquals) },
      { ALT: () => this.CONSUME(T.Greater) },
      { ALT: () => this.CONSUME(T.GreaterEquals) },
    ]);
  });

  private additive = this.RULE('additive', () => {
    this.SUBRULE(this.multiplicative, { LABEL: 'operands' });
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Plus, { LABEL: 'operators' }) },
        { ALT: () => this.CONSUME(T.Minus, { LABEL: 'operators' }) },
        { ALT: () => this.CONSUME(T.Concat, { LABEL: 'operators' }) },
      ]);
      this.SUBRULE2(this.multiplicative, { LABEL: 'operands' });
    });
  });

  private multiplicative = this.RULE('multiplicative', () => {
    this.SUBRULE(this.unary, { LABEL: 'operands' });
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Star, { LABEL: 'operators' }) },
        { ALT: () => this.CONSUME(T.Slash, { LABEL: 'operators' }) },
        { ALT: () => this.CONSUME(T.Percent, { LABEL: 'operators' }) },
      ]);
      this.SUBRULE2(this.unary, { LABEL: 'operands' });
    });
  });

  private unary = this.RULE('unary', () => {
    this.OR([
      {
        ALT: () => {
          this.OR2([
            { ALT: () => this.CONSUME(T.Minus, { LABEL: 'sign' }) },
            { ALT: () => this.CONSUME(T.Plus, { LABEL: 'sign' }) },
          ]);
          this.SUBRULE(this.unary);
        },
      },
      { ALT: () => this.SUBRULE(this.primary) },
    ]);
  });

  private primary = this.RULE('primary', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.CONSUME(T.Null) },
      { ALT: () => this.SUBRULE(this.intervalLiteral) },
      {
        ALT: () => {
          this.CONSUME(T.Timestamp);
          this.CONSUME2(T.StringLiteral, { LABEL: 'timestamp' });
        },
      },
      { ALT: () => this.SUBRULE(this.caseExpression) },
      { ALT: () => this.SUBRULE(this.castExpression) },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.expression);
          this.CONSUME(T.RParen);
        },
      },
      { GATE: () => this.LA(2).tokenType === T.LParen, ALT: () => this.SUBRULE(this.functionCall) },
      { ALT: () => this.SUBRULE(this.columnRef) },
    ]);
  });

  private intervalLiteral = this.RULE('intervalLiteral', () => {
    this.CONSUME(T.Interval);
    this.OPTION(() => this.CONSUME(T.Minus));
    this.CONSUME(T.StringLiteral);
    this.OR([
      { ALT: () => this.CONSUME(T.Second, { LABEL: 'unit' }) },
      { ALT: () => this.CONSUME(T.Minute, { LABEL: 'unit' }) },
      { ALT: () => this.CONSUME(T.Hour, { LABEL: 'unit' }) },
      { ALT: () => this.CONSUME(T.Day, { LABEL: 'unit' }) },
      { ALT: () => this.CONSUME(T.Month, { LABEL: 'unit' }) },
      { ALT: () => this.CONSUME(T.Year, { LABEL: 'unit' }) },
    ]);
  });

  private caseExpression = this.RULE('caseExpression', () => {
    this.CONSUME(T.Case);
    this.OPTION(() => this.SUBRULE(this.expression, { LABEL: 'operand' }));
    this.AT_LEAST_ONE(() => {
      this.CONSUME(T.When);
      this.SUBRULE2(this.expression, { LABEL: 'when' });
      this.CONSUME(T.Then);
      this.SUBRULE3(this.expression, { LABEL: 'then' });
    });
    this.OPTION2(() => {
      this.CONSUME(T.Else);
      this.SUBRULE4(this.expression, { LABEL: 'otherwise' });
    });
    this.CONSUME(T.End);
  });

  private castExpression = this.RULE('castExpression', () => {
    this.CONSUME(T.Cast);
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression);
    this.CONSUME(T.As);
    this.SUBRULE(this.dataType);
    this.CONSUME(T.RParen);
  });

  private functionCall = this.RULE('functionCall', () => {
    this.SUBRULE(this.identifier, { LABEL: 'name' });
    this.CONSUME(T.LParen);
    this.OPTION(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.Star) },
        {
          ALT: () => {
            this.OPTION2(() =>
              this.OR2([{ ALT: () => this.CONSUME(T.Distinct) }, { ALT: () => this.CONSUME(T.All) }]),
            );
            this.AT_LEAST_ONE_SEP({
              SEP: T.Comma,
              DEF: () => this.SUBRULE(this.expression, { LABEL: 'args' }),
            });
          },
        },
      ]);
    });
    this.CONSUME(T.RParen);
    this.OPTION3(() => {
      this.CONSUME(T.Filter);
      this.CONSUME2(T.LParen);
      this.CONSUME(T.Where);
      this.SUBRULE2(this.expression, { LABEL: 'filter' });
      this.CONSUME2(T.RParen);
    });
    this.OPTION4(() => this.SUBRULE(this.overClause));
  });

  private overClause = this.RULE('overClause', () => {
    this.CONSUME(T.Over);
    this.CONSUME(T.LParen);
    this.OPTION(() => {
      this.CONSUME(T.Partition);
      this.CONSUME(T.By);
      this.AT_LEAST_ONE_SEP({
        SEP: T.Comma,
        DEF: () => this.SUBRULE(this.expression, { LABEL: 'partitionBy' }),
      });
    });
    this.OPTION2(() => this.SUBRULE(this.orderByClause));
    this.OPTION3(() => this.SUBRULE(this.windowFrame));
    this.CONSUME(T.RParen);
  });

  private windowFrame = this.RULE('windowFrame', () => {
    this.OR([{ ALT: () => this.CONSUME(T.Rows) }, { ALT: () => this.CONSUME(T.Range) }]);
    this.CONSUME(T.Between);
    this.SUBRULE(this.frameBound);
    this.CONSUME(T.And);
    this.SUBRULE2(this.frameBound);
  });

  private frameBound = this.RULE('frameBound', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Unbounded);
          this.OR2([{ ALT: () => this.CONSUME(T.Preceding) }, { ALT: () => this.CONSUME(T.Following) }]);
        },
      },
      {
        ALT: () => {
          this.CONSUME(T.Current);
          this.CONSUME(T.Row);
        },
      },
      {
        ALT: () => {
          this.SUBRULE(this.additive);
          this.OR3([{ ALT: () => this.CONSUME2(T.Preceding) }, { ALT: () => this.CONSUME2(T.Following) }]);
        },
      },
    ]);
  });

  public columnRef = this.RULE('columnRef', () => {
    this.SUBRULE(this.identifier, { LABEL: 'parts' });
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.SUBRULE2(this.identifier, { LABEL: 'parts' });
    });
  });

  // ───────────────────────────── types and names ─────────────────────────────

  public dataType = this.RULE('dataType', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Row);
          this.OR2([
            {
              ALT: () => {
                this.CONSUME(T.Less);
                this.AT_LEAST_ONE_SEP({
                  SEP: T.Comma,
                  DEF: () => this.SUBRULE(this.rowField, { LABEL: 'fields' }),
                });
                this.CONSUME(T.Greater);
              },
            },
            {
              ALT: () => {
                this.CONSUME(T.LParen);
                this.AT_LEAST_ONE_SEP2({
                  SEP: T.Comma,
                  DEF: () => this.SUBRULE2(this.rowField, { LABEL: 'fields' }),
                });
                this.CONSUME(T.RParen);
              },
            },
          ]);
        },
      },
      { ALT: () => this.CONSUME(T.Timestamp, { LABEL: 'typeName' }) },
      { ALT: () => this.CONSUME(T.Identifier, { LABEL: 'typeName' }) },
    ]);
    this.OPTION(() => {
      this.CONSUME2(T.LParen);
      this.AT_LEAST_ONE_SEP3({
        SEP: T.Comma,
        DEF: () => this.CONSUME(T.NumberLiteral, { LABEL: 'typeArgs' }),
      });
      this.CONSUME2(T.RParen);
    });
    this.OPTION2(() => {
      this.CONSUME(T.Not);
      this.CONSUME(T.Null);
    });
  });

  private rowField = this.RULE('rowField', () => {
    this.SUBRULE(this.identifier, { LABEL: 'name' });
    this.SUBRULE(this.dataType);
  });

  public identifier = this.RULE('identifier', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => this.CONSUME(T.QuotedIdentifier) },
      { ALT: () => this.CONSUME(T.NonReserved) },
    ]);
  });
}

/** The one parser instance. */
export const parser = new WeirParser();
