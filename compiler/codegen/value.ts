// The unit of generated code: a JS expression with what the generator knows of it (may it be null, may it repeat).

/**
 * A generated JS expression. `nullable`: it may evaluate to null (or undefined). `atom`: it is cheap and free
 * of effects, so it may be repeated. Compound code is always parenthesized, so values compose textually.
 */
export interface Value {
  readonly code: string;
  readonly nullable: boolean;
  readonly atom?: boolean;
}

export const NULL: Value = { code: 'null', nullable: true, atom: true };
export const expr = (code: string, nullable = false): Value => ({ code, nullable });
export const isNullValue = (v: Value) => v.code === 'null';
