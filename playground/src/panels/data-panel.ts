// The data panel: JSON lines pasted into the page, read by `'connector' = 'filesystem'` tables whose 'path' is their name.
import { el } from './dom';

const SAMPLE = [
  { order_id: 1, customer: 'alice', product: 'pen', quantity: 3, price: 1.5 },
  { order_id: 2, customer: 'bob', product: 'ink', quantity: 1, price: 7.25 },
  { order_id: 3, customer: 'alice', product: 'paper', quantity: 10, price: 0.1 },
  { order_id: 4, customer: 'carol', product: 'pen', quantity: 2, price: 1.5 },
]
  .map((o) => JSON.stringify(o))
  .join('\n');

export class DataPanel {
  private readonly name: HTMLInputElement;
  private readonly text: HTMLTextAreaElement;

  constructor(root: HTMLElement) {
    this.name = el('input', { id: 'data-name', value: 'data/orders.jsonl' });
    this.text = el('textarea', { id: 'data-text', rows: '16', spellcheck: 'false' });
    this.text.value = SAMPLE;
    root.append(
      el(
        'p',
        { class: 'hint' },
        "Tables with 'connector' = 'filesystem' and 'format' = 'json', 'changelog-json' or 'debezium-json' read the lines pasted here, by 'path'.",
      ),
      el('label', {}, 'path ', this.name),
      this.text,
    );
  }

  pasted(): Record<string, string> {
    return { [this.name.value]: this.text.value };
  }
}
