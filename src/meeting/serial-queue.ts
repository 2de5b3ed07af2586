/**
 * Runs async operations one at a time, in the order they were queued.
 * Each room has one, so joins, leaves and (later) moderator actions on the
 * same room never interleave.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.tail.then(operation);
    // The next operation waits for this one, whether it succeeded or not.
    this.tail = result.catch(() => undefined);
    return result;
  }
}
