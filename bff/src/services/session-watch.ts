// In-process signal that sessions ended (sign-out, refresh reuse, password
// reset): open event streams re-check their user at once instead of at their
// next interval. Other replicas catch up on their interval.
export class SessionWatch {
  private readonly listeners = new Set<() => void>();

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Call after the transaction that ended sessions has committed. */
  ended(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
