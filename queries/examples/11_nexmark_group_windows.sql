-- Legacy group windows, as much existing Flink SQL writes them: GROUP BY HOP(time, slide, size) with
-- HOP_START / HOP_END. weir runs them as the window aggregation over the HOP window table function.

CREATE TABLE nexmark (
  event_type INT,
  person ROW<id BIGINT, name VARCHAR, emailAddress VARCHAR, creditCard VARCHAR, city VARCHAR, state VARCHAR, `dateTime` TIMESTAMP(3), extra VARCHAR>,
  auction ROW<id BIGINT, itemName VARCHAR, description VARCHAR, initialBid BIGINT, reserve BIGINT, `dateTime` TIMESTAMP(3), expires TIMESTAMP(3), seller BIGINT, category BIGINT, extra VARCHAR>,
  bid ROW<auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, `dateTime` TIMESTAMP(3), extra VARCHAR>,
  `dateTime` AS CASE WHEN event_type = 0 THEN person.`dateTime` WHEN event_type = 1 THEN auction.`dateTime` ELSE bid.`dateTime` END,
  WATERMARK FOR `dateTime` AS `dateTime` - INTERVAL '4' SECOND
) WITH ('connector' = 'nexmark', 'events.num' = '10000');

CREATE VIEW bid AS
SELECT bid.auction, bid.bidder, bid.price, `dateTime` FROM nexmark WHERE event_type = 2;

CREATE TABLE bids_per_auction (
  auction BIGINT,
  starttime TIMESTAMP(3),
  endtime TIMESTAMP(3),
  bids BIGINT,
  top BIGINT
) WITH ('connector' = 'print');

-- Bids per auction in 10-second windows every 5 seconds; the auxiliary functions repeat the window's arguments.
INSERT INTO bids_per_auction
SELECT
  auction,
  HOP_START(`dateTime`, INTERVAL '5' SECOND, INTERVAL '10' SECOND) AS starttime,
  HOP_END(`dateTime`, INTERVAL '5' SECOND, INTERVAL '10' SECOND) AS endtime,
  COUNT(*) AS bids,
  MAX(price) AS top
FROM bid
GROUP BY auction, HOP(`dateTime`, INTERVAL '5' SECOND, INTERVAL '10' SECOND)
HAVING COUNT(*) > 20;
