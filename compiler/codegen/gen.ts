// Generation state of one compiled function: the temporaries it declares and the constants it reads as `K[i]`.

/** Generation state of one function: temporaries (declared once at its top) and constants (`K[i]`). */
export class Gen {
  private temps = 0;
  readonly constants: unknown[] = [];

  temp(): string {
    return `v${this.temps++}`;
  }

  /** A precompiled object (RegExp, Set, formatter) that the generated code reads as `K[i]`. */
  constant(c: unknown): string {
    this.constants.push(c);
    return `K[${this.constants.length - 1}]`;
  }

  declarations(): string {
    if (this.temps === 0) return '';
    return `  let ${Array.from({ length: this.temps }, (_, i) => `v${i}`).join(', ')};\n`;
  }
}
