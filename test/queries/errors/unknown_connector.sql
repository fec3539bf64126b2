-- fail: 5:23: unknown connector 'kafka'; expected one of nexmark, datagen, filesystem, print, postgres, blackhole
CREATE TABLE clicks (
  user_id BIGINT,
  url STRING
) WITH ('connector' = 'kafka', 'topic' = 'clicks');
