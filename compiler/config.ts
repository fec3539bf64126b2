// Configuration keys accepted by SET, with Flink's names, defaults and checks; also the source of the README table.
import type { OptionSpec } from './options';

export interface ConfigKey extends OptionSpec {
  /** Other names accepted for the same setting (Flink 1 spellings). */
  readonly aliases?: readonly string[];
}

export const CONFIG_KEYS: readonly ConfigKey[] = [
  { key: 'parallelism.default', kind: 'int', default: '1', description: 'subtasks per operator' },
  {
    key: 'pipeline.max-parallelism',
    kind: 'int',
    default: '128',
    description: 'key groups: the most subtasks keyed state can be split into',
  },
  {
    key: 'pipeline.name',
    kind: 'string',
    description: "the job's name (default: <script>-<n> for the script's n-th INSERT)",
  },
  {
    key: 'state.backend.type',
    kind: 'enum',
    values: ['hashmap', 'rocksdb'],
    default: 'hashmap',
    aliases: ['state.backend'],
    description: 'where keyed state lives',
  },
  {
    key: 'state.backend.rocksdb.localdir',
    kind: 'string',
    default: '.weir/rocksdb',
    description:
      "RocksDB's local working folder (one folder per stateful subtask, removed when the job ends)",
  },
  {
    key: 'state.backend.rocksdb.writebuffer.size',
    kind: 'memory',
    default: '64mb',
    description: "size of RocksDB's memtable per subtask before it is flushed to an SST file",
  },
  {
    key: 'weir.state.rocksdb.cache-entries',
    kind: 'int',
    default: '131072',
    description:
      'rocksdb backend: keys per subtask kept decoded in memory (the hot set; others are read per batch)',
  },
  {
    key: 'execution.checkpointing.interval',
    kind: 'duration',
    description: 'take a checkpoint this often; off when absent',
  },
  {
    key: 'execution.checkpointing.mode',
    kind: 'enum',
    values: ['EXACTLY_ONCE', 'AT_LEAST_ONCE'],
    default: 'EXACTLY_ONCE',
    description: 'EXACTLY_ONCE aligns barriers; AT_LEAST_ONCE does not block and may replay records twice',
  },
  {
    key: 'execution.checkpointing.dir',
    kind: 'string',
    default: '.weir/checkpoints',
    aliases: ['state.checkpoints.dir'],
    description: 'where checkpoints are written (file:// or a path)',
  },
  {
    key: 'execution.checkpointing.savepoint-dir',
    kind: 'string',
    default: '.weir/savepoints',
    aliases: ['state.savepoints.dir'],
    description: 'where SAVEPOINT without a path writes',
  },
  {
    key: 'execution.checkpointing.storage',
    kind: 'enum',
    values: ['filesystem', 'jobmanager'],
    default: 'filesystem',
    aliases: ['state.checkpoint-storage'],
    description: 'checkpoint storage: files, or memory (size-capped)',
  },
  {
    key: 'execution.checkpointing.max-concurrent-checkpoints',
    kind: 'int',
    default: '1',
    description: 'checkpoints in flight at once',
  },
  {
    key: 'execution.checkpointing.timeout',
    kind: 'duration',
    default: '10 min',
    description: 'a checkpoint not complete by then is declined',
  },
  {
    key: 'execution.checkpointing.unaligned.enabled',
    kind: 'boolean',
    default: 'false',
    aliases: ['execution.checkpointing.unaligned'],
    description:
      'EXACTLY_ONCE: barriers overtake queued data, which the checkpoint stores (fast under backpressure; savepoints stay aligned)',
  },
  {
    key: 'execution.checkpointing.aligned-checkpoint-timeout',
    kind: 'duration',
    default: '0 ms',
    aliases: ['execution.checkpointing.alignment-timeout'],
    description:
      'with unaligned checkpoints: start aligned and turn unaligned when a barrier is this late (0: always unaligned)',
  },
  {
    key: 'taskmanager.network.memory.buffer-debloat.enabled',
    kind: 'boolean',
    default: 'false',
    description: "size each channel's queue to hold about `buffer-debloat.target` of its throughput",
  },
  {
    key: 'taskmanager.network.memory.buffer-debloat.target',
    kind: 'duration',
    default: '1 s',
    description: 'with buffer debloating: how long the data queued in a channel should take to process',
  },
  {
    key: 'taskmanager.network.memory.buffer-debloat.period',
    kind: 'duration',
    default: '200 ms',
    description: 'with buffer debloating: how often the queue sizes are recalculated',
  },
  {
    key: 'execution.checkpointing.incremental',
    kind: 'boolean',
    aliases: ['state.backend.incremental'],
    description:
      'checkpoints write only what changed since the last completed one (default: false for hashmap, true for rocksdb)',
  },
  {
    key: 'execution.checkpointing.externalized-checkpoint-retention',
    kind: 'enum',
    values: ['DELETE_ON_CANCELLATION', 'RETAIN_ON_CANCELLATION', 'NO_EXTERNALIZED_CHECKPOINTS'],
    default: 'RETAIN_ON_CANCELLATION',
    description: 'whether checkpoints stay after the job ends',
  },
  {
    key: 'state.checkpoints.num-retained',
    kind: 'int',
    default: '1',
    aliases: ['execution.checkpointing.num-retained'],
    description: 'completed checkpoints kept',
  },
  {
    key: 'state.checkpoint-storage.jobmanager.max-size',
    kind: 'memory',
    default: '64mb',
    description: 'cap of in-memory checkpoint storage',
  },
  {
    key: 'execution.state-recovery.path',
    kind: 'string',
    aliases: ['execution.savepoint.path'],
    description: 'restore the next job from this savepoint or checkpoint',
  },
  {
    key: 'execution.state-recovery.claim-mode',
    kind: 'enum',
    values: ['CLAIM', 'NO_CLAIM'],
    aliases: ['execution.savepoint-restore-mode'],
    description:
      'whether a resumed job takes over the snapshot it restores (its retention then deletes it); default: CLAIM for a retained checkpoint, NO_CLAIM for a savepoint',
  },
  {
    key: 'weir.state-recovery.accept-replayed-output',
    kind: 'boolean',
    default: 'false',
    description:
      'resume from an older checkpoint when newer ones are unusable although sinks that are not idempotent already committed their output (it is written again)',
  },
  {
    key: 'execution.state-recovery.ignore-unclaimed-state',
    kind: 'boolean',
    default: 'false',
    aliases: ['execution.savepoint.ignore-unclaimed-state'],
    description: 'allow restoring when some saved state belongs to no operator',
  },
  {
    key: 'restart-strategy.type',
    kind: 'enum',
    values: ['none', 'disable', 'off', 'fixed-delay'],
    default: 'fixed-delay',
    aliases: ['restart-strategy'],
    description: 'what a failing task does to the job',
  },
  {
    key: 'restart-strategy.fixed-delay.attempts',
    kind: 'int',
    default: '3',
    description: 'restarts before the job fails',
  },
  {
    key: 'restart-strategy.fixed-delay.delay',
    kind: 'duration',
    default: '1 s',
    description: 'wait before a restart',
  },
  {
    key: 'table.exec.source.idle-timeout',
    kind: 'duration',
    default: '0',
    description: 'an input idle this long stops holding back the watermark (0: never)',
  },
  {
    key: 'table.exec.state.ttl',
    kind: 'duration',
    default: '0',
    description: 'idle keys of GROUP BY and joins expire after this (0: never)',
  },
  {
    key: 'table.exec.emit.allow-lateness',
    kind: 'duration',
    default: '0',
    description: 'windows accept records this late and emit updates',
  },
  {
    key: 'table.exec.async-scalar.max-concurrent-operations',
    kind: 'int',
    default: '10',
    description: 'async scalar functions: calls in flight at once per subtask',
  },
  {
    key: 'table.exec.async-scalar.timeout',
    kind: 'duration',
    default: '3 min',
    description: 'async scalar functions: a call not settled by then fails the task',
  },
  {
    key: 'table.optimizer.reuse-source-enabled',
    kind: 'boolean',
    default: 'true',
    description:
      'a table read more than once by one INSERT (a self-join) is read by one source whose records feed every reader',
  },
  {
    key: 'weir.workers',
    kind: 'int',
    description: 'worker threads for parallelism > 1 (default: the number of cores)',
  },
  {
    key: 'weir.batch-size',
    kind: 'int',
    default: '1024',
    description: 'records per batch between operators',
  },
  {
    key: 'rest.port',
    kind: 'int',
    default: '8081',
    description:
      'with `--web`: the port of the REST API, /metrics and the dashboard (0: a free one); on the command line (`-D`)',
  },
  {
    key: 'rest.address',
    kind: 'string',
    default: '127.0.0.1',
    aliases: ['rest.bind-address'],
    description: 'with `--web`: the address served on; one that is not loopback requires `rest.token`',
  },
  {
    key: 'rest.token',
    kind: 'string',
    description:
      'with `--web`: a token every request must carry (`Authorization: Bearer`); or the WEIR_REST_TOKEN variable',
  },
];

const BY_NAME = new Map<string, ConfigKey>();
for (const k of CONFIG_KEYS) {
  BY_NAME.set(k.key, k);
  for (const a of k.aliases ?? []) BY_NAME.set(a, k);
}

/** The setting a key names (by its own name or an alias). */
export function configKey(key: string): ConfigKey | undefined {
  return BY_NAME.get(key);
}

/** Every accepted key name, aliases included (for completion and suggestions). */
export function configKeyNames(): string[] {
  return [...BY_NAME.keys()];
}
