import { describe, expect, it } from 'vitest';
import { parsePushCommands, pktLine } from '../../server/git/smart-http.js';

const a = 'a'.repeat(40);
const b = 'b'.repeat(40);

describe('parsePushCommands', () => {
  it('reads the command list up to the flush, skipping capabilities and shallow lines', () => {
    const head = Buffer.concat([
      pktLine(`shallow ${a}\n`),
      pktLine(`${a} ${b} refs/heads/main\0report-status side-band-64k\n`),
      pktLine(`${b} ${'0'.repeat(40)} refs/tags/v1\n`),
      Buffer.from('0000PACK...'),
    ]);
    expect(parsePushCommands(head)).toEqual([
      { oldId: a, newId: b, ref: 'refs/heads/main' },
      { oldId: b, newId: '0'.repeat(40), ref: 'refs/tags/v1' },
    ]);
  });

  it('waits for more bytes, and gives up on what it does not know', () => {
    const line = pktLine(`${a} ${b} refs/heads/main\n`);
    expect(parsePushCommands(line.subarray(0, 20))).toBeUndefined();
    expect(parsePushCommands(line)).toBeUndefined();
    expect(parsePushCommands(Buffer.concat([pktLine('push-cert\0caps\n'), Buffer.from('0000')]))).toBeNull();
    expect(parsePushCommands(Buffer.from('zzzz'))).toBeNull();
  });
});
