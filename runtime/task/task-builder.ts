// Builds an attempt's tasks from the job graph: one StreamTask per chain × subtask that this host runs, wired by channels.
import { CONFIG_KEYS } from '../../compiler/config';
import { parseDuration } from '../../compiler/options';
import type { JobChain, JobGraph, JobOperator } from '../../compiler/physical/job-graph';
import type { Clock } from '../clock';
import { type CheckpointMetadata, keyedFiles, type StateFileHandle } from '../checkpoint/metadata';
import type { ConnectorContext, ConnectorRegistry } from '../connectors/connector';
import { type KeyGroupRange, keyGroupRange } from '../key-groups';
import {
  type OperatorContext,
  type OperatorMetrics,
  type RestoredOperatorState,
  newMetrics,
} from '../operator';
import { createOperator } from '../operators/factory';
import type { KeyGroupData, KeyedStateBackend, NativeRestore } from '../state/backend';
import { type ChannelStateData, decodeChannelState } from '../state/channel-state-format';
import { decodeKeyGroups } from '../state/snapshot-format';
import type { CheckpointingMode } from './barrier-aligner';
import { Channel, type ChannelReader, type ChannelWriter } from './channel';
import { type OutputEdge, RecordWriter } from './record-writer';
import type { ChainMember } from './operator-chain';
import { type InputChannel, StreamTask } from './stream-task';
import type { TaskListener, WriteState } from './task-listener';

/** What a host needs of the job: plain data, so that a worker thread can receive it (structured clone). */
export interface JobSpec {
  readonly name: string;
  readonly graph: JobGraph;
  readonly config: Readonly<Record<string, string>>;
}

/** One edge-crossing channel, named the same way on every host: consumer op / input / producer subtask / consumer subtask. */
export interface ChannelKey {
  readonly key: string;
  readonly name: string;
  readonly producer: { readonly chain: number; readonly subtask: number };
  readonly consumer: { readonly chain: number; readonly subtask: number };
}

/** A channel's ends as a host sees them: both (same host), only the writer, or only the reader. */
export interface ChannelEnds {
  readonly writer?: ChannelWriter;
  readonly reader?: ChannelReader;
}

export interface TaskBuildOptions {
  readonly job: JobSpec;
  readonly attempt: number;
  readonly mode: CheckpointingMode;
  readonly clock: Clock;
  readonly connectors: ConnectorRegistry;
  readonly connectorContext: (ctx: OperatorContext) => ConnectorContext;
  readonly createBackend: (op: JobOperator, subtask: number, range: KeyGroupRange) => KeyedStateBackend;
  readonly writeState: WriteState;
  readonly listener: TaskListener;
  /** State read from the checkpoint restored (see loadState). */
  readonly restored?: { readonly checkpointId: number; readonly data: Map<string, RestoredState> };
  /** Whether this host runs subtask `subtask` of `chain` (default: every subtask, one host). */
  readonly hosts?: (chain: JobChain, subtask: number) => boolean;
  /** Batches a channel holds at most (in-thread: 8; between worker threads: the credits). */
  readonly channelCapacity?: number;
  /** The ends of a channel this host needs (default: an in-thread Channel). */
  readonly channel?: (c: ChannelKey) => ChannelEnds;
}

export interface BuiltTasks {
  readonly tasks: StreamTask[];
  /** Per operator uid, per subtask (only those this host runs): the counters SHOW JOBS reads. */
  readonly metrics: Map<string, OperatorMetrics[]>;
  /** Keyed state restores in flight; the tasks open once they are done. */
  readonly pendingRestores: Promise<void>[];
}

/** A configuration value of the job, or its documented default. */
export function setting(config: Readonly<Record<string, string>>, key: string): string | undefined {
  return config[key] ?? CONFIG_KEYS.find((k) => k.key === key)?.default;
}

/** A duration setting in ms (0 when unset). */
const parseMs = (value: string | undefined): number => parseDuration(value ?? '0') ?? 0;

/** The key of task `subtask` of `chain`. */
export const taskKey = (chain: number, subtask: number): string => `${chain}-${subtask}`;

function localChannel(c: ChannelKey): ChannelEnds {
  const ch = new Channel(c.name);
  return { writer: ch, reader: ch };
}

/** What a connector of the operator in `ctx` sees of its job (the engine and the task managers build it alike). */
export function connectorContextOf(
  ctx: OperatorContext,
  jobName: string,
  clock: Clock,
  print: (line: string, stderr: boolean) => void,
  log: (message: string) => void,
): ConnectorContext {
  return {
    jobName,
    uid: ctx.operator.uid,
    subtaskIndex: ctx.subtaskIndex,
    parallelism: ctx.parallelism,
    attempt: ctx.attempt,
    clock,
    metrics: ctx.metrics,
    batchSize: ctx.batchSize,
    print,
    log,
  };
}

/** Creates the channels, operators and tasks of the subtasks this host runs (backends via createBackend). */
export function buildTasks(o: TaskBuildOptions): BuiltTasks {
  const g = o.job.graph;
  const maxP = g.maxParallelism;
  const config = o.job.config;
  const hosts = o.hosts ?? (() => true);
  const channelFor = o.channel ?? localChannel;
  const batchSize = Number(setting(config, 'weir.batch-size'));
  const ops = g.operators;
  const debloat =
    setting(config, 'taskmanager.network.memory.buffer-debloat.enabled')!.toLowerCase() === 'true'
      ? {
          targetMs: parseMs(setting(config, 'taskmanager.network.memory.buffer-debloat.target')),
          periodMs: parseMs(setting(config, 'taskmanager.network.memory.buffer-debloat.period')),
          maxBatches: o.channelCapacity ?? 8,
        }
      : undefined;
  const chainOf = new Map<number, JobChain>();
  for (const c of g.chains) for (const id of c.operators) chainOf.set(id, c);
  // Channels for every edge that crosses chains: [consumer op id][input index][consumer subtask] → channels by producer subtask.
  const inputChannels = new Map<string, InputChannel[]>();
  const outputEdges = new Map<string, OutputEdge[]>();
  for (const op of ops) {
    op.inputs.forEach((edge, inputIndex) => {
      if (chainOf.get(edge.source) === chainOf.get(op.id) && edge.partitioning.kind === 'forward') return;
      const up = ops[edge.source]!;
      const upChain = chainOf.get(up.id)!;
      const downChain = chainOf.get(op.id)!;
      const perProducer: ChannelWriter[][] = Array.from({ length: up.parallelism }, () => []);
      for (let d = 0; d < op.parallelism; d++) {
        for (let u = 0; u < up.parallelism; u++) {
          if (edge.partitioning.kind === 'forward' && u !== d) continue;
          const producing = hosts(upChain, u);
          const consuming = hosts(downChain, d);
          if (!producing && !consuming) continue;
          const ends = channelFor({
            key: `${op.id}/${inputIndex}/${u}/${d}`,
            name: `${up.name}[${u}] -> ${op.name}[${d}]`,
            producer: { chain: upChain.id, subtask: u },
            consumer: { chain: downChain.id, subtask: d },
          });
          // Dense: indexed by consumer subtask on a partitioned edge; a forward edge has its one channel.
          if (producing) perProducer[u]!.push(ends.writer!);
          if (consuming) {
            const key = `${op.id}/${d}`;
            const list = inputChannels.get(key) ?? [];
            list.push({ channel: ends.reader!, input: inputIndex });
            inputChannels.set(key, list);
          }
        }
      }
      for (let u = 0; u < up.parallelism; u++) {
        if (!hosts(upChain, u)) continue;
        const key = `${up.id}/${u}`;
        const list = outputEdges.get(key) ?? [];
        list.push({
          partitioning: edge.partitioning,
          channels: perProducer[u]!,
          subtaskIndex: u,
          maxParallelism: maxP,
        });
        outputEdges.set(key, list);
      }
    });
  }
  const tasks: StreamTask[] = [];
  const pendingRestores: Promise<void>[] = [];
  const metricsByUid = new Map<string, OperatorMetrics[]>();
  const restoredData = o.restored?.data;
  for (const chain of g.chains) {
    for (let s = 0; s < chain.parallelism; s++) {
      if (!hosts(chain, s)) continue;
      const members: ChainMember[] = chain.operators.map((id) => {
        const op = ops[id]!;
        const range = keyGroupRange(s, op.parallelism, maxP);
        const metrics = newMetrics();
        const list = metricsByUid.get(op.uid) ?? [];
        list[s] = metrics;
        metricsByUid.set(op.uid, list);
        const state = op.stateful ? o.createBackend(op, s, range) : undefined;
        const restored = restoredData?.get(op.uid);
        if (state && restored) pendingRestores.push(restoreBackend(state, op.name, restored, range));
        const ctx: OperatorContext = {
          jobName: o.job.name,
          operator: op,
          subtaskIndex: s,
          parallelism: op.parallelism,
          maxParallelism: maxP,
          keyGroupRange: range,
          state,
          clock: o.clock,
          metrics,
          attempt: o.attempt,
          inputUpdating: op.inputs.map((e) => ops[e.source]!.changelog === 'updating'),
          batchSize,
          stateTtl: parseMs(setting(config, 'table.exec.state.ttl')),
          allowLateness: parseMs(setting(config, 'table.exec.emit.allow-lateness')),
        };
        const opState: RestoredOperatorState | undefined =
          restored && o.restored
            ? {
                checkpointId: o.restored.checkpointId,
                own: restored.operatorStates[s],
                all: restored.operatorStates.filter((x) => x !== undefined),
              }
            : undefined;
        const inputs = op.inputs.map((e) => ops[e.source]!);
        return {
          op: createOperator(op, inputs, o.connectors, o.connectorContext, config),
          ctx,
          restored: opState,
        };
      });
      const head = ops[chain.operators[0]!]!;
      const tail = ops[chain.operators[chain.operators.length - 1]!]!;
      const channelState = restoredData?.get(head.uid)?.channelStates[s];
      tasks.push(
        new StreamTask({
          key: taskKey(chain.id, s),
          chain: members,
          inputs: inputChannels.get(`${head.id}/${s}`) ?? [],
          writer: new RecordWriter(outputEdges.get(`${tail.id}/${s}`) ?? []),
          mode: o.mode,
          writeState: o.writeState,
          jobName: o.job.name,
          listener: o.listener,
          clock: o.clock,
          idleTimeout: parseMs(setting(config, 'table.exec.source.idle-timeout')),
          unaligned: {
            enabled: setting(config, 'execution.checkpointing.unaligned.enabled')!.toLowerCase() === 'true',
            alignedTimeout: parseMs(setting(config, 'execution.checkpointing.aligned-checkpoint-timeout')),
          },
          ...(channelState ? { restoredChannelState: channelState } : {}),
          ...(debloat ? { debloat } : {}),
        }),
      );
    }
  }
  return { tasks, metrics: metricsByUid, pendingRestores };
}

/** One operator's state as read from a checkpoint, before it is handed to the new subtasks. */
export interface RestoredState {
  readonly keyed: KeyGroupData[];
  readonly native: NativeRestore[];
  readonly operatorStates: unknown[];
  /** Per subtask: the in-flight data of an unaligned checkpoint (on the operator heading its task). */
  readonly channelStates: (ChannelStateData[] | undefined)[];
}

/** Reads every operator's state files (verifying checksums) and operator states, by uid. */
export async function loadState(
  restore: { readonly metadata: CheckpointMetadata; readonly location: string },
  readState: (location: string, f: StateFileHandle) => Promise<Uint8Array>,
): Promise<Map<string, RestoredState>> {
  const out = new Map<string, RestoredState>();
  for (const op of restore.metadata.operators) {
    const keyed = [];
    const native: NativeRestore[] = [];
    const operatorStates: unknown[] = [];
    const channelStates: (ChannelStateData[] | undefined)[] = [];
    for (const s of op.subtasks) {
      operatorStates[s.subtask] = s.operatorState;
      if (s.inputChannelState) {
        const f = s.inputChannelState.file;
        channelStates[s.subtask] = decodeChannelState(
          await readState(restore.location, f),
          `${restore.location}/${f.path}`,
        );
      }
      if (s.native) {
        // Native files are read when the backend restores them (only the overlapping subtasks' files).
        native.push({ state: s.native, read: (f) => readState(restore.location, f) });
      }
      // A full base, then incremental changes: decoded in order, applied in order.
      for (const f of keyedFiles(s)) {
        const data = await readState(restore.location, f);
        keyed.push(...decodeKeyGroups(data, `${restore.location}/${f.path}`));
      }
    }
    out.set(op.uid, { keyed, native, operatorStates, channelStates });
  }
  return out;
}

/** Loads a new subtask's key groups into its backend: canonical key groups, or the overlapping native snapshots. */
async function restoreBackend(
  state: KeyedStateBackend,
  name: string,
  restored: RestoredState,
  range: { start: number; end: number },
): Promise<void> {
  await state.restore(restored.keyed.filter((kg) => kg.keyGroup >= range.start && kg.keyGroup <= range.end));
  const native = restored.native.filter(
    (n) => n.state.keyGroupRange.start <= range.end && n.state.keyGroupRange.end >= range.start,
  );
  if (native.length === 0) return;
  if (!state.restoreNative)
    throw new Error(
      `the checkpoint holds ${native[0]!.state.format} state of ${name}, which the ${state.kind} backend cannot read: ` +
        `restore it with SET 'state.backend.type' = '${native[0]!.state.format}', or restore from a savepoint to change backends`,
    );
  await state.restoreNative(native);
}

/**
 * Waits for the restores and opens an attempt's tasks in order. When one fails, the tasks opened so far
 * (and the one that failed) are closed and every backend is disposed: a failed start MUST NOT leave open
 * connections, databases or their folders behind.
 */
export async function openTasks(
  tasks: readonly StreamTask[],
  pendingRestores: readonly Promise<void>[],
  backends: readonly KeyedStateBackend[],
): Promise<void> {
  const opening: StreamTask[] = [];
  try {
    await Promise.all(pendingRestores);
    for (const t of tasks) {
      opening.push(t);
      await t.open();
    }
  } catch (e) {
    await Promise.allSettled(pendingRestores);
    await Promise.allSettled(opening.map((t) => t.close()));
    await Promise.allSettled(backends.map((b) => b.dispose()));
    throw e;
  }
}
