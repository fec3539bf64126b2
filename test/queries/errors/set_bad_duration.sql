-- fail: 2:42: 'execution.checkpointing.interval': 'often' is not a duration such as '500ms', '2s', '1 min'
SET 'execution.checkpointing.interval' = 'often';
