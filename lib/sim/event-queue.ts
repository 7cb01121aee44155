/**
 * A handle to a scheduled event, for {@link EventQueue.cancel}.
 *
 * It packs the event's storage slot with that slot's generation, so a handle kept after its event
 * fired (or was cancelled) never touches the event that later reuses the slot. Generations wrap
 * after 2^27 reuses of one slot; a stale handle kept across exactly that many reuses is the only
 * way to hit the wrong event.
 */
export type EventId = number;

/** No event: returned where a schedule was refused (a dropped message, a down node's timer). */
export const NO_EVENT: EventId = -1;

const SLOT_BITS = 26;
const SLOT_LIMIT = 2 ** SLOT_BITS;
const GEN_LIMIT = 2 ** 27;

/**
 * The pending-event set of a discrete-event simulation: a binary min-heap ordered by
 * (time, sequence number), where the sequence number is the insertion order.
 *
 * Ties in time are common in a simulation (constant delays, zero-delay sends) and must resolve the
 * same way on every run, so equal times come out in insertion order: the queue is a stable
 * priority queue and a simulation built on it is a pure function of its inputs.
 *
 * Storage is struct-of-arrays (typed arrays, doubled on growth): events sit still in slots while
 * the heap moves (time, sequence, slot) triples, so scheduling and dispatching allocate nothing and
 * sifting reads the keys from contiguous memory instead of chasing slots. Each event
 * carries a numeric kind, a target (node id) and four numeric arguments; what they mean is up to
 * the layer that scheduled it. The per-slot heap position makes {@link cancel} an exact O(log n)
 * removal: no tombstones linger.
 *
 * @example
 * const q = new EventQueue();
 * q.push(5, 1, 0, 0, 0, 0, 0);
 * const id = q.push(2, 7, 3, 42, 0, 0, 0);
 * q.push(2, 8, 3, 43, 0, 0, 0); // same time: comes out after kind 7
 * q.cancel(id);                  // true
 * const slot = q.pop();          // the kind-8 event
 * q.kindOf(slot);                // 8 (read fields before the next push)
 */
export class EventQueue {
  private times: Float64Array;
  private seqs: Float64Array;
  private kinds: Int32Array;
  private targets: Int32Array;
  private argA: Float64Array;
  private argB: Float64Array;
  private argC: Float64Array;
  private argD: Float64Array;
  /** Heap position of each slot, or -1 when the slot is free. */
  private position: Int32Array;
  private generation: Float64Array;
  /** The heap itself keeps each entry's key next to its slot, so sifting reads contiguous memory. */
  private heapTime: Float64Array;
  private heapSeq: Float64Array;
  private heapSlot: Int32Array;
  private free: Int32Array;
  private freeTop = 0;
  private count = 0;
  private nextSeq = 0;

  /** @param initialCapacity - slots allocated up front; the queue doubles when they run out. */
  constructor(initialCapacity = 64) {
    const capacity = Math.max(1, Math.min(SLOT_LIMIT, Math.ceil(initialCapacity)));
    this.times = new Float64Array(capacity);
    this.seqs = new Float64Array(capacity);
    this.kinds = new Int32Array(capacity);
    this.targets = new Int32Array(capacity);
    this.argA = new Float64Array(capacity);
    this.argB = new Float64Array(capacity);
    this.argC = new Float64Array(capacity);
    this.argD = new Float64Array(capacity);
    this.position = new Int32Array(capacity).fill(-1);
    this.generation = new Float64Array(capacity);
    this.heapTime = new Float64Array(capacity);
    this.heapSeq = new Float64Array(capacity);
    this.heapSlot = new Int32Array(capacity);
    this.free = new Int32Array(capacity);
    this.pushFreeRange(0, capacity);
  }

  /** Number of pending events. */
  get size(): number {
    return this.count;
  }

  /** Slots currently allocated (grows by doubling, never shrinks). */
  get capacity(): number {
    return this.times.length;
  }

  /**
   * Adds an event and returns its handle. `time` must not be NaN; ordering among equal times is
   * insertion order.
   */
  push(time: number, kind: number, target: number, a: number, b: number, c: number, d: number): EventId {
    if (this.freeTop === 0) this.grow();
    const slot = this.free[--this.freeTop];
    const seq = this.nextSeq++;
    this.times[slot] = time;
    this.seqs[slot] = seq;
    this.kinds[slot] = kind;
    this.targets[slot] = target;
    this.argA[slot] = a;
    this.argB[slot] = b;
    this.argC[slot] = c;
    this.argD[slot] = d;
    this.siftUp(this.count++, time, seq, slot);
    return this.generation[slot] * SLOT_LIMIT + slot;
  }

  /** Time of the earliest pending event, `Infinity` when the queue is empty. */
  peekTime(): number {
    return this.count === 0 ? Infinity : this.heapTime[0];
  }

  /**
   * Removes the earliest event and returns its slot (-1 when empty). The slot's fields stay
   * readable through the `*Of` accessors until the next {@link push}, which may reuse it.
   */
  pop(): number {
    if (this.count === 0) return -1;
    const slot = this.heapSlot[0];
    this.removeAt(0);
    this.release(slot);
    return slot;
  }

  /**
   * Removes a pending event. Returns false, and changes nothing, if the event already fired,
   * was already cancelled, or the handle is not one of this queue's.
   */
  cancel(id: EventId): boolean {
    const slot = this.slotOfPending(id);
    if (slot < 0) return false;
    this.removeAt(this.position[slot]);
    this.release(slot);
    return true;
  }

  /** Whether the event is still waiting to fire. */
  isPending(id: EventId): boolean {
    return this.slotOfPending(id) >= 0;
  }

  /** Drops every pending event and restarts the sequence numbering, keeping the storage. */
  clear(): void {
    for (let i = 0; i < this.count; i++) {
      const slot = this.heapSlot[i];
      this.position[slot] = -1;
      this.generation[slot] = (this.generation[slot] + 1) % GEN_LIMIT;
    }
    this.count = 0;
    this.nextSeq = 0;
    this.freeTop = 0;
    this.pushFreeRange(0, this.times.length);
  }

  /** Event time of a slot returned by {@link pop}. */
  timeOf(slot: number): number {
    return this.times[slot];
  }
  /** Insertion sequence number of a popped slot. */
  seqOf(slot: number): number {
    return this.seqs[slot];
  }
  /** Event kind of a popped slot. */
  kindOf(slot: number): number {
    return this.kinds[slot];
  }
  /** Target of a popped slot. */
  targetOf(slot: number): number {
    return this.targets[slot];
  }
  /** First argument of a popped slot. */
  aOf(slot: number): number {
    return this.argA[slot];
  }
  /** Second argument of a popped slot. */
  bOf(slot: number): number {
    return this.argB[slot];
  }
  /** Third argument of a popped slot. */
  cOf(slot: number): number {
    return this.argC[slot];
  }
  /** Fourth argument of a popped slot. */
  dOf(slot: number): number {
    return this.argD[slot];
  }

  private slotOfPending(id: EventId): number {
    if (!Number.isSafeInteger(id) || id < 0) return -1;
    const slot = id % SLOT_LIMIT;
    if (slot >= this.times.length || this.position[slot] < 0) return -1;
    return this.generation[slot] === (id - slot) / SLOT_LIMIT ? slot : -1;
  }

  private release(slot: number): void {
    this.position[slot] = -1;
    this.generation[slot] = (this.generation[slot] + 1) % GEN_LIMIT;
    this.free[this.freeTop++] = slot;
  }

  /** Stacks free slots so the lowest index is handed out first (keeps the hot set compact). */
  private pushFreeRange(from: number, to: number): void {
    for (let slot = to - 1; slot >= from; slot--) this.free[this.freeTop++] = slot;
  }

  private removeAt(index: number): void {
    const last = --this.count;
    if (index === last) return;
    // The last entry fills the hole; it may belong above or below it (one sift is a no-op).
    const t = this.heapTime[last];
    const s = this.heapSeq[last];
    const slot = this.heapSlot[last];
    if (index > 0) {
      const parent = (index - 1) >> 1;
      const tp = this.heapTime[parent];
      if (t < tp || (t === tp && s < this.heapSeq[parent])) {
        this.siftUp(index, t, s, slot);
        return;
      }
    }
    this.siftDown(index, t, s, slot);
  }

  /** Moves the hole at `index` up until the entry (t, s, slot) fits, then puts it there. */
  private siftUp(index: number, t: number, s: number, slot: number): void {
    const heapTime = this.heapTime;
    const heapSeq = this.heapSeq;
    const heapSlot = this.heapSlot;
    const position = this.position;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const tp = heapTime[parent];
      if (tp < t || (tp === t && heapSeq[parent] < s)) break;
      heapTime[index] = tp;
      heapSeq[index] = heapSeq[parent];
      const moved = heapSlot[parent];
      heapSlot[index] = moved;
      position[moved] = index;
      index = parent;
    }
    heapTime[index] = t;
    heapSeq[index] = s;
    heapSlot[index] = slot;
    position[slot] = index;
  }

  /** Moves the hole at `index` down until the entry (t, s, slot) fits, then puts it there. */
  private siftDown(index: number, t: number, s: number, slot: number): void {
    const heapTime = this.heapTime;
    const heapSeq = this.heapSeq;
    const heapSlot = this.heapSlot;
    const position = this.position;
    const n = this.count;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= n) break;
      let tc = heapTime[child];
      let sc = heapSeq[child];
      const right = child + 1;
      if (right < n) {
        const tr = heapTime[right];
        const sr = heapSeq[right];
        if (tr < tc || (tr === tc && sr < sc)) {
          child = right;
          tc = tr;
          sc = sr;
        }
      }
      if (t < tc || (t === tc && s < sc)) break;
      heapTime[index] = tc;
      heapSeq[index] = sc;
      const moved = heapSlot[child];
      heapSlot[index] = moved;
      position[moved] = index;
      index = child;
    }
    heapTime[index] = t;
    heapSeq[index] = s;
    heapSlot[index] = slot;
    position[slot] = index;
  }

  private grow(): void {
    const old = this.times.length;
    if (old >= SLOT_LIMIT) throw new RangeError(`event queue is full (${SLOT_LIMIT} pending events)`);
    const capacity = Math.min(SLOT_LIMIT, old * 2);
    this.times = growFloat(this.times, capacity);
    this.seqs = growFloat(this.seqs, capacity);
    this.kinds = growInt(this.kinds, capacity, 0);
    this.targets = growInt(this.targets, capacity, 0);
    this.argA = growFloat(this.argA, capacity);
    this.argB = growFloat(this.argB, capacity);
    this.argC = growFloat(this.argC, capacity);
    this.argD = growFloat(this.argD, capacity);
    this.position = growInt(this.position, capacity, -1);
    this.generation = growFloat(this.generation, capacity);
    this.heapTime = growFloat(this.heapTime, capacity);
    this.heapSeq = growFloat(this.heapSeq, capacity);
    this.heapSlot = growInt(this.heapSlot, capacity, 0);
    this.free = growInt(this.free, capacity, 0);
    this.pushFreeRange(old, capacity);
  }
}

function growFloat(a: Float64Array, capacity: number): Float64Array {
  const b = new Float64Array(capacity);
  b.set(a);
  return b;
}

function growInt(a: Int32Array, capacity: number, fill: number): Int32Array {
  const b = new Int32Array(capacity);
  if (fill !== 0) b.fill(fill, a.length);
  b.set(a);
  return b;
}
