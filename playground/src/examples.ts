// The examples menu: the .sql files of queries/, bundled into the page at build time.
const files = import.meta.glob('../../queries/**/*.sql', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

/** The page's own first example: a keyed count on Nexmark bids at the page's rate, checkpointed. */
export const STARTER = `-- Bids per auction, counted continuously; try CHECKPOINT; in the console and "Fail a task".
CREATE TABLE bid (
  auction BIGINT,
  bidder BIGINT,
  price BIGINT,
  \`dateTime\` TIMESTAMP(3)
) WITH ('connector' = 'datagen', 'rows-per-second' = '0',
  'fields.auction.min' = '1', 'fields.auction.max' = '50',
  'fields.price.min' = '1', 'fields.price.max' = '1000');

CREATE TABLE bids_per_auction (auction BIGINT, bids BIGINT, top BIGINT) WITH ('connector' = 'print');

INSERT INTO bids_per_auction
SELECT auction, COUNT(*) AS bids, MAX(price) AS top FROM bid GROUP BY auction;
`;

export const EXAMPLES: readonly { readonly name: string; readonly text: string }[] = [
  { name: 'starter: keyed count', text: STARTER },
  ...Object.entries(files)
    .map(([path, text]) => ({ name: path.replace('../../queries/', ''), text }))
    .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true })),
];
