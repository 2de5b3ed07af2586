/**
 * Runs async operations one at a time, in the order they were queued.
 * Each room has one, so joins, leaves and (later) moderator actions on the
 * same room never interleave.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** `afterEach`: called once each operation has settled, before the next one starts. */
  constructor(private readonly afterEach?: () => void) {}

  run<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.tail.then(operation);
    // The next operation waits for this one, whether it succeeded or not.
    this.tail = result.catch(() => undefined).then(() => this.afterEach?.());
    // A failing afterEach must not stop the queue.
    this.tail = this.tail.catch(() => undefined);
    return result;
  }
}
