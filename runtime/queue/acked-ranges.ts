/**
 * AckedRanges is the reader's in-memory view of which row ids are
 * acknowledged: sorted, merged, inclusive ranges. A reader acknowledges in
 * claim order, so this is nearly always one range and a few stragglers.
 */
export class AckedRanges {
  private readonly lo: number[] = [];
  private readonly hi: number[] = [];

  /** add marks ids lo..hi acknowledged, merging with neighbours. */
  add(lo: number, hi: number): void {
    let i = this.indexAfter(lo);
    // the range before may touch or overlap
    if (i > 0 && this.hi[i - 1] >= lo - 1) {
      i--;
      lo = Math.min(lo, this.lo[i]);
      hi = Math.max(hi, this.hi[i]);
      this.lo.splice(i, 1);
      this.hi.splice(i, 1);
    }
    // ranges after that it reaches
    while (i < this.lo.length && this.lo[i] <= hi + 1) {
      hi = Math.max(hi, this.hi[i]);
      this.lo.splice(i, 1);
      this.hi.splice(i, 1);
    }
    this.lo.splice(i, 0, lo);
    this.hi.splice(i, 0, hi);
  }

  /** endOf gives the last id of the range holding `id`, or undefined when `id` is not acknowledged. */
  endOf(id: number): number | undefined {
    const i = this.indexAfter(id) - 1;
    return i >= 0 && this.hi[i] >= id ? this.hi[i] : undefined;
  }

  get size(): number {
    return this.lo.length;
  }

  /** indexAfter is the index of the first range starting after `id`. */
  private indexAfter(id: number): number {
    let a = 0;
    let b = this.lo.length;
    while (a < b) {
      const m = (a + b) >> 1;
      if (this.lo[m] <= id) a = m + 1;
      else b = m;
    }
    return a;
  }
}
