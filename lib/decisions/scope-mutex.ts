/**
 * In-process queues per limit scope. Requests that must lock the same scope wait here, without
 * holding a database connection, instead of each parking a pooled connection on the advisory lock
 * (which starved the pool under load). The advisory lock still guards across processes.
 */
export class ScopeMutex {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(keys: readonly string[], fn: () => Promise<T>): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    const releases: (() => void)[] = [];
    try {
      for (const key of sorted) {
        const previous = this.tails.get(key) ?? Promise.resolve();
        let release!: () => void;
        const mine = new Promise<void>((resolve) => (release = resolve));
        const tail = previous.then(() => mine);
        this.tails.set(key, tail);
        releases.push(() => {
          release();
          if (this.tails.get(key) === tail) this.tails.delete(key);
        });
        await previous;
      }
      return await fn();
    } finally {
      for (const release of releases.reverse()) release();
    }
  }
}
