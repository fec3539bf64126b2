// Java date patterns (SimpleDateFormat letters; S is fraction-of-second as in DateTimeFormatter and Flink).

export type PatternPart = string | { readonly letter: string; readonly count: number };

export const FORMAT_LETTERS = 'yMdHhmsSEaD';
export const PARSE_LETTERS = 'yMdHhmsSa';
export const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Splits a Java date pattern into literal text and letter runs; 'quoted text' is literal, '' is a quote. */
export function parsePattern(pattern: string, supported: string, fn: string): PatternPart[] {
  const parts: PatternPart[] = [];
  let text = '';
  for (let i = 0; i < pattern.length;) {
    const c = pattern[i]!;
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        text += "'";
        i += 2;
        continue;
      }
      // Quoted text runs to the next lone quote; a doubled quote inside it is a quote.
      for (i++; ; i++) {
        if (i >= pattern.length) throw new Error(`${fn}: unterminated quote in pattern '${pattern}'`);
        if (pattern[i] !== "'") text += pattern[i];
        else if (pattern[i + 1] === "'") {
          text += "'";
          i++;
        } else break;
      }
      i++;
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      if (!supported.includes(c)) throw new Error(`${fn}: unsupported pattern letter '${c}' in '${pattern}'`);
      let j = i + 1;
      while (pattern[j] === c) j++;
      if (text) parts.push(text);
      text = '';
      parts.push({ letter: c, count: j - i });
      i = j;
    } else {
      text += c;
      i++;
    }
  }
  if (text) parts.push(text);
  return parts;
}
