import { pktLine } from './smart-http.js';

const FLUSH = Buffer.from('0000');

/** The capabilities a push asked for: after the NUL of its first command line. */
export function pushCapabilities(head: Buffer): string[] {
  if (head.length < 4) return [];
  const length = Number.parseInt(head.subarray(0, 4).toString('latin1'), 16);
  if (!Number.isInteger(length) || length < 4 || length > head.length) return [];
  const line = head.subarray(4, length).toString('utf8');
  const nul = line.indexOf('\0');
  return nul < 0 ? [] : line.slice(nul + 1).trim().split(' ');
}

/**
 * receive-pack's answer with its last four bytes held back: with side-band, it ends with a
 * flush-pkt after which the client reads nothing more, so messages shown as `remote: ...` once the
 * push is recorded must go in before it (`finish`).
 */
export class HeldTail {
  private tail = Buffer.alloc(0);

  /** What of the answer so far may go to the client now. */
  take(chunk: Buffer): Buffer {
    const all = Buffer.concat([this.tail, chunk]);
    this.tail = all.subarray(Math.max(0, all.length - 4));
    return all.subarray(0, all.length - this.tail.length);
  }

  /** The rest of the answer: `messages` on the progress band (2) before the final flush-pkt when it ends with one. */
  finish(messages: string[]): Buffer {
    const tail = this.tail;
    this.tail = Buffer.alloc(0);
    if (messages.length === 0 || !tail.equals(FLUSH)) return tail;
    return Buffer.concat([...messages.map((m) => pktLine(`\u0002${m}\n`)), FLUSH]);
  }
}
