-- A FULL OUTER window join: the new people and the new auctions of each 10-second tumbling window, side by
-- side by person id = seller. Each window's rows are joined once, when the watermark passes the window's end,
-- and then forgotten: the output is append-only (unmatched people or auctions come padded with NULLs), and
-- the join's state holds only the open windows.

CREATE TABLE nexmark (
  event_type INT,
  person ROW<id BIGINT, name VARCHAR, emailAddress VARCHAR, creditCard VARCHAR, city VARCHAR, state VARCHAR, `dateTime` TIMESTAMP(3), extra VARCHAR>,
  auction ROW<id BIGINT, itemName VARCHAR, description VARCHAR, initialBid BIGINT, reserve BIGINT, `dateTime` TIMESTAMP(3), expires TIMESTAMP(3), seller BIGINT, category BIGINT, extra VARCHAR>,
  bid ROW<auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, `dateTime` TIMESTAMP(3), extra VARCHAR>,
  `dateTime` AS CASE WHEN event_type = 0 THEN person.`dateTime` WHEN event_type = 1 THEN auction.`dateTime` ELSE bid.`dateTime` END,
  WATERMARK FOR `dateTime` AS `dateTime` - INTERVAL '4' SECOND
) WITH ('connector' = 'nexmark', 'events.num' = '10000');

CREATE VIEW person AS
SELECT person.id, person.name, `dateTime` FROM nexmark WHERE event_type = 0;

CREATE VIEW auction AS
SELECT auction.id, auction.seller, `dateTime` FROM nexmark WHERE event_type = 1;

CREATE TABLE new_people_and_auctions (
  window_start TIMESTAMP(3),
  person_id BIGINT,
  name VARCHAR,
  auction_id BIGINT
) WITH ('connector' = 'print');

-- Window join: both window_start and both window_end are equal, and both sides use the same window.
INSERT INTO new_people_and_auctions
SELECT COALESCE(P.window_start, A.window_start), P.id, P.name, A.id
FROM (
  SELECT * FROM TABLE(TUMBLE(TABLE person, DESCRIPTOR(`dateTime`), INTERVAL '10' SECOND))
) P
FULL OUTER JOIN (
  SELECT * FROM TABLE(TUMBLE(TABLE auction, DESCRIPTOR(`dateTime`), INTERVAL '10' SECOND))
) A
ON P.id = A.seller AND P.window_start = A.window_start AND P.window_end = A.window_end;
