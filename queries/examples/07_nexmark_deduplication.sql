-- Deduplication: the first bid of each bidder (ROW_NUMBER ordered by the event time ascending, rn = 1).
-- On event time a bid replaces the kept one only if it is earlier; ORDER BY `dateTime` DESC keeps the latest.

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

CREATE TABLE first_bids (
  bidder BIGINT,
  auction BIGINT,
  price BIGINT,
  `dateTime` TIMESTAMP(3)
) WITH ('connector' = 'print');

INSERT INTO first_bids
SELECT bidder, auction, price, `dateTime`
FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY bidder ORDER BY `dateTime` ASC) AS rn
  FROM bid
)
WHERE rn = 1;
