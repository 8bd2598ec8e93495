// The last `cap` bytes of a stream, held in bounded memory while it flows (at most about twice the
// cap), decoded at the end from a character boundary.
export class OutputTail {
  private chunks: Buffer[] = [];
  private bytes = 0;
  /** Bytes seen in all, kept or not. */
  total = 0;

  constructor(private readonly cap: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    this.total += chunk.length;
    if (this.bytes > 2 * this.cap) this.trim();
  }

  private trim(): void {
    const all = Buffer.concat(this.chunks);
    const kept = all.subarray(Math.max(0, all.length - this.cap));
    this.chunks = [Buffer.from(kept)];
    this.bytes = kept.length;
  }

  text(): string {
    this.trim();
    const buf = this.chunks[0] ?? Buffer.alloc(0);
    let start = 0;
    if (this.total > this.cap) while (start < buf.length && (buf[start]! & 0xc0) === 0x80) start++;
    return buf.toString('utf8', start);
  }
}
