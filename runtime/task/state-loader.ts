// Before an operator call, loads the keyed state it declares from a backend that reads asynchronously (rocksdb).
import type { StateCall } from '../operator';
import type { KeyedStateBackend } from '../state/backend';
import { StateKeyRefs } from '../state/key-refs';
import type { ChainMember } from './operator-chain';

/**
 * The task asks `load` before each call of the chain head that may touch keyed state. Undefined means the
 * state is in memory and the call may run now; a promise means the task waits (processing nothing else,
 * so the order of elements is kept) and then makes the call.
 */
export class StateLoader {
  private readonly refs = new StateKeyRefs();

  private constructor(
    private readonly head: ChainMember,
    private readonly backend: (KeyedStateBackend & Required<Pick<KeyedStateBackend, 'prefetch'>>) | undefined,
  ) {}

  /** A loader for the chain's head, or undefined when its state (if any) is always in memory. */
  static forChain(chain: readonly ChainMember[], task: string): StateLoader | undefined {
    chain.forEach((m, i) => {
      if (i > 0 && m.ctx.state?.prefetch)
        throw new Error(
          `task ${task}: ${m.ctx.operator.name} keeps ${m.ctx.state.kind} state but is not the head of its chain`,
        );
    });
    const head = chain[0]!;
    const backend = head.ctx.state;
    // An operator that loads from outside (a lookup join asking a database) is awaited the same way.
    if (!backend?.prefetch) return head.op.prefetch ? new StateLoader(head, undefined) : undefined;
    if (!head.op.stateKeys)
      throw new Error(
        `${head.ctx.operator.name} cannot run on the ${backend.kind} state backend: it does not declare the state keys it reads`,
      );
    return new StateLoader(
      head,
      backend as KeyedStateBackend & Required<Pick<KeyedStateBackend, 'prefetch'>>,
    );
  }

  /** Loads what the given calls will touch. */
  load(calls: readonly StateCall[]): Promise<void> | undefined {
    if (calls.length === 0) return undefined;
    let outside: Promise<void>[] | undefined;
    if (this.head.op.prefetch)
      for (const c of calls) {
        const p = this.head.op.prefetch(c);
        if (p) (outside ??= []).push(p);
      }
    const state = this.loadState(calls);
    if (!outside) return state;
    if (state) outside.push(state);
    return Promise.all(outside).then(() => undefined);
  }

  private loadState(calls: readonly StateCall[]): Promise<void> | undefined {
    if (!this.backend) return undefined;
    this.refs.clear();
    for (const c of calls) this.head.op.stateKeys!(c, this.refs);
    if (this.refs.length === 0) return undefined;
    return this.backend.prefetch(this.refs);
  }
}
