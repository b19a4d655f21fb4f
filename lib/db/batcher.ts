/** An item waiting for a batch, with how to settle its caller. */
export interface Entry<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

export interface BatcherOptions {
  /** Batches under way at once. */
  maxInFlight: number;
  /** Items in one batch at most. */
  maxBatch: number;
}

/**
 * Group commit, generically: items submitted while `maxInFlight` batches are under way queue, and
 * the next batch takes what waits (up to `maxBatch`), so one statement and one round trip serve
 * many callers under load, while under light load an item goes at once and alone.
 *
 * A batch that fails is retried item by item, so one bad item cannot fail its neighbours.
 */
export class Batcher<T, R> {
  private readonly queue: Entry<T, R>[] = [];
  private inFlight = 0;
  /** Batches run and items they carried (an item retried alone counts again), and the largest batch. */
  readonly stats = { batches: 0, items: 0, largest: 0 };

  constructor(
    /** Runs one batch; resolves with one result per item, in order. */
    private readonly run: (items: T[]) => Promise<R[]>,
    private readonly options: BatcherOptions,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.pump();
    });
  }

  /**
   * Takes up to `max` items from the head of the queue, while `accept` holds, for a caller that
   * writes them with work of its own: it must resolve or reject each, or hand them back.
   */
  take(max: number, accept: (item: T) => boolean): Entry<T, R>[] {
    let count = 0;
    while (count < max && count < this.queue.length && accept(this.queue[count]!.item)) count++;
    return this.queue.splice(0, count);
  }

  /** Puts items taken with take() back at the head of the queue, for a batch of their own. */
  giveBack(entries: Entry<T, R>[]): void {
    this.queue.unshift(...entries);
    this.pump();
  }

  /** Nothing queued and no batch under way. */
  get idle(): boolean {
    return this.inFlight === 0 && this.queue.length === 0;
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxBatch);
      this.inFlight++;
      void this.flush(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async runCounted(entries: Entry<T, R>[]): Promise<R[]> {
    this.stats.batches++;
    this.stats.items += entries.length;
    this.stats.largest = Math.max(this.stats.largest, entries.length);
    return this.run(entries.map((entry) => entry.item));
  }

  private async flush(batch: Entry<T, R>[]): Promise<void> {
    try {
      const results = await this.runCounted(batch);
      batch.forEach((entry, i) => entry.resolve(results[i]!));
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      await Promise.all(
        batch.map((entry) =>
          this.runCounted([entry]).then(
            ([result]) => entry.resolve(result!),
            (entryError: unknown) => entry.reject(entryError),
          ),
        ),
      );
    }
  }
}
