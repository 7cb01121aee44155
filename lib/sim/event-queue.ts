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

/** Per slot: time, sequence, kind, target and the four arguments, side by side (one cache line). */
const STRIDE = 8;
const TIME = 0;
const SEQ = 1;
const KIND = 2;
const TARGET = 3;
const ARG_A = 4;
const ARG_B = 5;
const ARG_C = 6;
const ARG_D = 7;
/** Children per heap node: a 4-ary heap is half as deep as a binary one, and a node's children share a cache line. */
const ARITY = 4;

/**
 * The pending-event set of a discrete-event simulation: a 4-ary min-heap ordered by
 * (time, sequence number), where the sequence number is the insertion order.
 *
 * Ties in time are common in a simulation (constant delays, zero-delay sends) and must resolve the
 * same way on every run, so equal times come out in insertion order: the queue is a stable
 * priority queue and a simulation built on it is a pure function of its inputs.
 *
 * Storage is typed arrays, doubled on growth: events sit still in slots (each slot's fields side by
 * side) while the heap moves (time, sequence, slot) entries, so scheduling and dispatching allocate
 * nothing and sifting reads the keys from contiguous memory instead of chasing slots. Each event
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
  /** Slot fields, STRIDE per slot. */
  private data: Float64Array;
  /** Heap position of each slot, or -1 when the slot is free. */
  private position: Int32Array;
  private generation: Int32Array;
  /** The heap itself keeps each entry's key (time, sequence) next to its slot, so sifting reads contiguous memory. */
  private heapKey: Float64Array;
  private heapSlot: Int32Array;
  private free: Int32Array;
  private freeTop = 0;
  private count = 0;
  private nextSeq = 0;

  /** @param initialCapacity - slots allocated up front; the queue doubles when they run out. */
  constructor(initialCapacity = 64) {
    const capacity = Math.max(1, Math.min(SLOT_LIMIT, Math.ceil(initialCapacity)));
    this.data = new Float64Array(capacity * STRIDE);
    this.position = new Int32Array(capacity).fill(-1);
    this.generation = new Int32Array(capacity);
    this.heapKey = new Float64Array(capacity * 2);
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
    return this.position.length;
  }

  /**
   * Adds an event and returns its handle. `time` must not be NaN; ordering among equal times is
   * insertion order.
   */
  push(time: number, kind: number, target: number, a: number, b: number, c: number, d: number): EventId {
    if (this.freeTop === 0) this.grow();
    const slot = this.free[--this.freeTop];
    const seq = this.nextSeq++;
    const data = this.data;
    const at = slot * STRIDE;
    data[at + TIME] = time;
    data[at + SEQ] = seq;
    data[at + KIND] = kind;
    data[at + TARGET] = target;
    data[at + ARG_A] = a;
    data[at + ARG_B] = b;
    data[at + ARG_C] = c;
    data[at + ARG_D] = d;
    this.siftUp(this.count++, time, seq, slot);
    return this.generation[slot] * SLOT_LIMIT + slot;
  }

  /** Time of the earliest pending event, `Infinity` when the queue is empty. */
  peekTime(): number {
    return this.count === 0 ? Infinity : this.heapKey[0];
  }

  /**
   * Removes the earliest event and returns its slot (-1 when empty). The slot's fields stay
   * readable through the `*Of` accessors until the next {@link push}, which may reuse it.
   */
  pop(): number {
    if (this.count === 0) return -1;
    const slot = this.heapSlot[0];
    const last = --this.count;
    if (last > 0) this.siftDown(0, this.heapKey[2 * last], this.heapKey[2 * last + 1], this.heapSlot[last]);
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
      this.generation[slot] = nextGeneration(this.generation[slot]);
    }
    this.count = 0;
    this.nextSeq = 0;
    this.freeTop = 0;
    this.pushFreeRange(0, this.capacity);
  }

  /** Event time of a slot returned by {@link pop}. */
  timeOf(slot: number): number {
    return this.data[slot * STRIDE + TIME];
  }
  /** Insertion sequence number of a popped slot. */
  seqOf(slot: number): number {
    return this.data[slot * STRIDE + SEQ];
  }
  /** Event kind of a popped slot. */
  kindOf(slot: number): number {
    return this.data[slot * STRIDE + KIND];
  }
  /** Target of a popped slot. */
  targetOf(slot: number): number {
    return this.data[slot * STRIDE + TARGET];
  }
  /** First argument of a popped slot. */
  aOf(slot: number): number {
    return this.data[slot * STRIDE + ARG_A];
  }
  /** Second argument of a popped slot. */
  bOf(slot: number): number {
    return this.data[slot * STRIDE + ARG_B];
  }
  /** Third argument of a popped slot. */
  cOf(slot: number): number {
    return this.data[slot * STRIDE + ARG_C];
  }
  /** Fourth argument of a popped slot. */
  dOf(slot: number): number {
    return this.data[slot * STRIDE + ARG_D];
  }

  private slotOfPending(id: EventId): number {
    if (!Number.isSafeInteger(id) || id < 0) return -1;
    const slot = id % SLOT_LIMIT;
    if (slot >= this.capacity || this.position[slot] < 0) return -1;
    return this.generation[slot] === (id - slot) / SLOT_LIMIT ? slot : -1;
  }

  private release(slot: number): void {
    this.position[slot] = -1;
    this.generation[slot] = nextGeneration(this.generation[slot]);
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
    const t = this.heapKey[2 * last];
    const s = this.heapKey[2 * last + 1];
    const slot = this.heapSlot[last];
    if (index > 0) {
      const parent = (index - 1) >> 2;
      const tp = this.heapKey[2 * parent];
      if (t < tp || (t === tp && s < this.heapKey[2 * parent + 1])) {
        this.siftUp(index, t, s, slot);
        return;
      }
    }
    this.siftDown(index, t, s, slot);
  }

  /** Moves the hole at `index` up until the entry (t, s, slot) fits, then puts it there. */
  private siftUp(index: number, t: number, s: number, slot: number): void {
    const key = this.heapKey;
    const heapSlot = this.heapSlot;
    const position = this.position;
    while (index > 0) {
      const parent = (index - 1) >> 2;
      const tp = key[2 * parent];
      const sp = key[2 * parent + 1];
      if (tp < t || (tp === t && sp < s)) break;
      key[2 * index] = tp;
      key[2 * index + 1] = sp;
      const moved = heapSlot[parent];
      heapSlot[index] = moved;
      position[moved] = index;
      index = parent;
    }
    key[2 * index] = t;
    key[2 * index + 1] = s;
    heapSlot[index] = slot;
    position[slot] = index;
  }

  /** Moves the hole at `index` down until the entry (t, s, slot) fits, then puts it there. */
  private siftDown(index: number, t: number, s: number, slot: number): void {
    const key = this.heapKey;
    const heapSlot = this.heapSlot;
    const position = this.position;
    const n = this.count;
    for (;;) {
      const first = ARITY * index + 1;
      if (first >= n) break;
      // The earliest of up to ARITY children.
      let child = first;
      let tc = key[2 * first];
      let sc = key[2 * first + 1];
      const end = first + ARITY < n ? first + ARITY : n;
      for (let i = first + 1; i < end; i++) {
        const ti = key[2 * i];
        if (ti < tc || (ti === tc && key[2 * i + 1] < sc)) {
          child = i;
          tc = ti;
          sc = key[2 * i + 1];
        }
      }
      if (t < tc || (t === tc && s < sc)) break;
      key[2 * index] = tc;
      key[2 * index + 1] = sc;
      const moved = heapSlot[child];
      heapSlot[index] = moved;
      position[moved] = index;
      index = child;
    }
    key[2 * index] = t;
    key[2 * index + 1] = s;
    heapSlot[index] = slot;
    position[slot] = index;
  }

  private grow(): void {
    const old = this.capacity;
    if (old >= SLOT_LIMIT) throw new RangeError(`event queue is full (${SLOT_LIMIT} pending events)`);
    const capacity = Math.min(SLOT_LIMIT, old * 2);
    this.data = growFloat(this.data, capacity * STRIDE);
    this.position = growInt(this.position, capacity, -1);
    this.generation = growInt(this.generation, capacity, 0);
    this.heapKey = growFloat(this.heapKey, capacity * 2);
    this.heapSlot = growInt(this.heapSlot, capacity, 0);
    this.free = growInt(this.free, capacity, 0);
    this.pushFreeRange(old, capacity);
  }
}

/** The generation after `g` (wrapping at GEN_LIMIT). */
function nextGeneration(g: number): number {
  return g + 1 === GEN_LIMIT ? 0 : g + 1;
}

function growFloat(a: Float64Array, length: number): Float64Array {
  const b = new Float64Array(length);
  b.set(a);
  return b;
}

function growInt(a: Int32Array, capacity: number, fill: number): Int32Array {
  const b = new Int32Array(capacity);
  if (fill !== 0) b.fill(fill, a.length);
  b.set(a);
  return b;
}
