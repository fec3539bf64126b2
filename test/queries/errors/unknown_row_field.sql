-- fail: 7:20: unknown field 'amout'; did you mean 'amount'? (fields: kind, amount)
CREATE TABLE events (
  id BIGINT,
  payload ROW<kind STRING, amount DOUBLE>
) WITH ('connector' = 'datagen');

SELECT id, payload.amout FROM events;
