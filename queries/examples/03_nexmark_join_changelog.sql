-- Join each nexmark auction with the person who sells it (a regular, unbounded two-stream join) and
-- write the result as a changelog: each JSON line holds the row's fields and its change kind.

CREATE TABLE nexmark (
  event_type INT,
  person ROW<id BIGINT, name VARCHAR, emailAddress VARCHAR, creditCard VARCHAR, city VARCHAR, state VARCHAR, `dateTime` TIMESTAMP(3), extra VARCHAR>,
  auction ROW<id BIGINT, itemName VARCHAR, description VARCHAR, initialBid BIGINT, reserve BIGINT, `dateTime` TIMESTAMP(3), expires TIMESTAMP(3), seller BIGINT, category BIGINT, extra VARCHAR>,
  bid ROW<auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, `dateTime` TIMESTAMP(3), extra VARCHAR>,
  `dateTime` AS CASE WHEN event_type = 0 THEN person.`dateTime` WHEN event_type = 1 THEN auction.`dateTime` ELSE bid.`dateTime` END,
  WATERMARK FOR `dateTime` AS `dateTime` - INTERVAL '4' SECOND
) WITH ('connector' = 'nexmark', 'events.num' = '10000');

CREATE VIEW person AS
SELECT person.id, person.name, person.emailAddress, person.creditCard, person.city, person.state, `dateTime`, person.extra
FROM nexmark WHERE event_type = 0;

CREATE VIEW auction AS
SELECT auction.id, auction.itemName, auction.description, auction.initialBid, auction.reserve, `dateTime`, auction.expires, auction.seller, auction.category, auction.extra
FROM nexmark WHERE event_type = 1;

-- changelog-json is the format of the Flink CDC project (flink-format-changelog-json);
-- on a Flink cluster its jar must be on the classpath.
CREATE TABLE auction_sellers (
  auction_id BIGINT,
  item_name VARCHAR,
  seller_id BIGINT,
  seller_name VARCHAR,
  city VARCHAR,
  state VARCHAR
) WITH (
  'connector' = 'filesystem',
  'path' = 'out/auction_sellers',
  'format' = 'changelog-json'
);

-- Both sides are kept in state: an auction whose seller has not arrived yet waits for them.
INSERT INTO auction_sellers
SELECT A.id, A.itemName, P.id, P.name, P.city, P.state
FROM auction AS A
JOIN person AS P ON A.seller = P.id;
