-- OVER aggregates: each bid with the average and the maximum of its auction's last three bids (ROWS) and the
-- number of the auction's bids in the 10 seconds up to it (RANGE). On event time a row is emitted once the
-- watermark passes it, in time order; the result is append-only.

CREATE TABLE nexmark (
  event_type INT,
  person ROW<id BIGINT, name VARCHAR, emailAddress VARCHAR, creditCard VARCHAR, city VARCHAR, state VARCHAR, `dateTime` TIMESTAMP(3), extra VARCHAR>,
  auction ROW<id BIGINT, itemName VARCHAR, description VARCHAR, initialBid BIGINT, reserve BIGINT, `dateTime` TIMESTAMP(3), expires TIMESTAMP(3), seller BIGINT, category BIGINT, extra VARCHAR>,
  bid ROW<auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, `dateTime` TIMESTAMP(3), extra VARCHAR>,
  `dateTime` AS CASE WHEN event_type = 0 THEN person.`dateTime` WHEN event_type = 1 THEN auction.`dateTime` ELSE bid.`dateTime` END,
  WATERMARK FOR `dateTime` AS `dateTime` - INTERVAL '4' SECOND
) WITH ('connector' = 'nexmark', 'events.num' = '10000');

CREATE VIEW bid AS
SELECT bid.auction, bid.bidder, bid.price, bid.channel, bid.url, `dateTime`, bid.extra
FROM nexmark WHERE event_type = 2;

CREATE TABLE bid_trends (
  auction BIGINT,
  price BIGINT,
  `dateTime` TIMESTAMP(3),
  avg_last_3 BIGINT,
  max_last_3 BIGINT,
  bids_last_10s BIGINT
) WITH ('connector' = 'print');

INSERT INTO bid_trends
SELECT auction, price, `dateTime`,
  AVG(price) OVER (PARTITION BY auction ORDER BY `dateTime` ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS avg_last_3,
  MAX(price) OVER (PARTITION BY auction ORDER BY `dateTime` ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS max_last_3,
  COUNT(*) OVER (PARTITION BY auction ORDER BY `dateTime` RANGE BETWEEN INTERVAL '10' SECOND PRECEDING AND CURRENT ROW) AS bids_last_10s
FROM bid;
