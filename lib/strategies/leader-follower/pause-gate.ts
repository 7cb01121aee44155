/**
 * Process pauses (a stop-the-world GC, a VM freeze, an overloaded process): a paused node handles
 * nothing, but unlike a crashed one it loses nothing either. Messages that reach it and timers that
 * fire while it is paused wait, in arrival order, and are handled the moment it resumes, which is
 * what makes a paused leader wake up still believing it leads (Kleppmann, Designing Data-Intensive
 * Applications, 2017, ch. 8, "Process Pauses").
 *
 * The kernel's `Nodes` models crashes only; this gate sits in front of a model's handlers.
 *
 * @example
 * const gate = new PauseGate(5);
 * net.on(APPEND, gate.message((to, from, a) => onAppend(to, from, a)));
 * gate.pause(0);          // node 0 stops handling events
 * gate.resume(0);         // everything that arrived meanwhile runs now, in order
 */
export class PauseGate {
  private readonly paused: Uint8Array;
  private readonly waiting: (() => void)[][];

  constructor(size: number) {
    this.paused = new Uint8Array(size);
    this.waiting = Array.from({ length: size }, () => []);
  }

  /** Whether `node` is paused now. */
  isPaused(node: number): boolean {
    return this.paused[node] === 1;
  }

  /** Pauses `node`: from now on its events wait. */
  pause(node: number): void {
    this.paused[node] = 1;
  }

  /** Resumes `node` and handles, in arrival order, every event that waited. */
  resume(node: number): void {
    this.paused[node] = 0;
    const queue = this.waiting[node];
    // Handlers run at the resume instant; one of them may pause the node again.
    while (queue.length > 0 && this.paused[node] === 0) (queue.shift() as () => void)();
  }

  /** Wraps a message handler (receiver first): deferred while the receiver is paused. */
  message<A extends unknown[]>(handler: (to: number, ...rest: A) => void): (to: number, ...rest: A) => void {
    return (to, ...rest) => {
      if (this.paused[to] === 1) this.waiting[to].push(() => handler(to, ...rest));
      else handler(to, ...rest);
    };
  }

  /** Runs `action` for `node` now, or when it resumes if it is paused. */
  run(node: number, action: () => void): void {
    if (this.paused[node] === 1) this.waiting[node].push(action);
    else action();
  }
}
