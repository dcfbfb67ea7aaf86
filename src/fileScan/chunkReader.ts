/**
 * A file in chunks, one read ahead: the copy of the next chunk (a worker thread's `read`) runs
 * while this one is scanned, so on two cores reading costs the scan almost no time. Bytes the
 * scan carries over are placed just before the next chunk, so the two decode as one string.
 */
import type * as fs from 'node:fs';

/** Carried bytes that fit before a chunk without a copy of the chunk (more are rare: see fileScanner's MAX_TAIL). */
const ROOM = 64 * 1024;

export interface Chunk {
  /** The carried bytes then the new ones: buffer[start, end). */
  readonly buffer: Buffer;
  readonly start: number;
  readonly end: number;
  /** New bytes read; 0 at the end of the file. */
  readonly bytesRead: number;
}

export class ChunkReader {
  private readonly buffers: [Buffer, Buffer];
  private turn = 0;
  private ahead?: Promise<number>;
  private carry = Buffer.allocUnsafe(ROOM);
  private carried = 0;

  constructor(private readonly handle: fs.promises.FileHandle, private readonly chunkSize: number) {
    this.buffers = [Buffer.allocUnsafe(ROOM + chunkSize), Buffer.allocUnsafe(ROOM + chunkSize)];
  }

  /** The next chunk, after the bytes kept from the last one; starts reading the one after it. */
  async next(): Promise<Chunk> {
    const bytesRead = await this.readAhead();
    this.ahead = undefined;
    const buffer = this.buffers[this.turn];
    this.turn ^= 1;
    if (bytesRead > 0) {
      void this.readAhead();
    }
    if (this.carried <= ROOM) {
      this.carry.copy(buffer, ROOM - this.carried, 0, this.carried);
      return { buffer, start: ROOM - this.carried, end: ROOM + bytesRead, bytesRead };
    }
    const joined = Buffer.concat([this.carry.subarray(0, this.carried), buffer.subarray(ROOM, ROOM + bytesRead)]);
    return { buffer: joined, start: 0, end: joined.length, bytesRead };
  }

  /** Bytes [from, to) of the last chunk go before the next one. */
  keep(chunk: Chunk, from: number, to: number): void {
    if (to - from > this.carry.length) {
      this.carry = Buffer.allocUnsafe(2 * (to - from));
    }
    chunk.buffer.copy(this.carry, 0, from, to);
    this.carried = to - from;
  }

  /** Waits for a read still under way, so the file can be closed. */
  async settle(): Promise<void> {
    await this.ahead?.catch(() => 0);
  }

  /** The read under way, or a new one into the buffer whose turn it is. */
  private readAhead(): Promise<number> {
    this.ahead ??= this.handle.read(this.buffers[this.turn], ROOM, this.chunkSize, null).then((r) => r.bytesRead);
    return this.ahead;
  }
}
