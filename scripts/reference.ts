// The README's reference tables (functions, connectors and options, configuration keys), built from the registries.
import {
  AGGREGATE_FUNCTIONS,
  CONFIG_KEYS,
  CONNECTORS,
  RANKING_FUNCTIONS,
  SCALAR_FUNCTIONS,
} from '../compiler/index';

const cell = (s: string) => s.replace(/\|/g, '\\|');

export function referenceMarkdown(): string {
  const out: string[] = [];
  out.push('### Functions', '', '| function | what it returns |', '| --- | --- |');
  for (const f of AGGREGATE_FUNCTIONS.values())
    out.push(`| \`${cell(f.signature)}\` (aggregate) | ${cell(f.description)} |`);
  for (const f of RANKING_FUNCTIONS.values())
    out.push(`| \`${cell(f.signature)}\` (ranking) | ${cell(f.description)} |`);
  for (const f of SCALAR_FUNCTIONS.values())
    out.push(`| \`${cell(f.signature)}\` | ${cell(f.description)} |`);
  out.push('', '### Connectors and their options', '');
  for (const c of CONNECTORS.values()) {
    const role = c.source && c.sink ? 'source and sink' : c.source ? 'source' : 'sink';
    out.push(`**\`${c.name}\`** (${role}): ${c.description}.`, '');
    if (c.options.length === 0) {
      out.push('No options.', '');
      continue;
    }
    out.push('| option | required | default | meaning |', '| --- | --- | --- | --- |');
    for (const o of c.options) {
      const values = o.values ? ` (${o.values.map((v) => `'${v}'`).join(', ')})` : '';
      out.push(
        `| \`${o.key}\` | ${o.required ? 'yes' : ''} | ${o.default !== undefined ? `\`${o.default}\`` : ''} | ${cell(o.description)}${values} |`,
      );
    }
    out.push('');
  }
  out.push(
    "### Configuration keys (`SET 'key' = 'value';`)",
    '',
    '| key | default | meaning |',
    '| --- | --- | --- |',
  );
  for (const k of CONFIG_KEYS) {
    const values = k.values ? ` One of ${k.values.map((v) => `'${v}'`).join(', ')}.` : '';
    const aliases = k.aliases?.length
      ? ` Also accepted: ${k.aliases.map((a) => `\`${a}\``).join(', ')}.`
      : '';
    out.push(
      `| \`${k.key}\` | ${k.default !== undefined ? `\`${k.default}\`` : ''} | ${cell(k.description)}.${values}${aliases} |`,
    );
  }
  return out.join('\n');
}
