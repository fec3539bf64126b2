// A first-in first-out queue that does not keep drained elements alive (channels queue stream elements in it).

export class Fifo<T> {
  private queue: (T | undefined)[] = [];
  private head = 0;

  push(e: T): void {
    this.queue.push(e);
  }

  peek(): T | undefined {
    return this.queue[this.head];
  }

  poll(): T | undefined {
    if (this.head >= this.queue.length) return undefined;
    const e = this.queue[this.head];
    // Drained elements are not kept alive by the queue (they would survive young-generation collections).
    this.queue[this.head++] = undefined;
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    return e;
  }

  /** The element `i` places behind the head (0: the head). */
  at(i: number): T | undefined {
    return this.queue[this.head + i];
  }

  /** Puts `e` at place `i` behind the head (0: a new head); rare (a barrier overtaking the queue). */
  insertAt(i: number, e: T): void {
    if (i === 0 && this.head > 0) this.queue[--this.head] = e;
    else this.queue.splice(this.head + i, 0, e);
  }

  /** Takes out the element `i` places behind the head. */
  removeAt(i: number): T | undefined {
    if (i === 0) return this.poll();
    return this.queue.splice(this.head + i, 1)[0];
  }

  get size(): number {
    return this.queue.length - this.head;
  }

  clear(): void {
    this.queue = [];
    this.head = 0;
  }
}
