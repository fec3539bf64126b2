-- Count clicks per user over 1,000 random rows from the datagen connector; the print sink shows the
-- updating result as a changelog (+I inserts a new count, -U/+U retract and replace an old one).

CREATE TABLE clicks (
  user_id INT,
  page_id INT
) WITH (
  'connector' = 'datagen',
  'number-of-rows' = '1000',    -- bounded: the job ends after 1,000 rows
  'fields.user_id.min' = '1',   -- only 5 users, so each count goes up many times
  'fields.user_id.max' = '5',
  'fields.page_id.min' = '1',
  'fields.page_id.max' = '100'
);

CREATE TABLE clicks_per_user (
  user_id INT,
  clicks BIGINT
) WITH ('connector' = 'print');

-- A GROUP BY without a window: every new click updates its user's count.
INSERT INTO clicks_per_user
SELECT user_id, COUNT(*) AS clicks
FROM clicks
GROUP BY user_id;
