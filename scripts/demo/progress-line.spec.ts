import { ProgressLine } from './progress-line.js';

function output(isTTY: boolean) {
  const written: string[] = [];
  return { isTTY, written, write: (text: string) => written.push(text) };
}

describe('ProgressLine', () => {
  it('rewrites one line in place on a terminal, and ends it with a newline', () => {
    const out = output(true);
    const line = new ProgressLine(out);
    line.update('1/3');
    line.update('1/3');
    line.update('2/3');
    line.done('done');
    expect(out.written).toEqual(['\r1/3\x1b[K', '\r2/3\x1b[K', '\rdone\x1b[K\n']);
  });

  it('prints whole lines to a pipe, at most one a second, and the final text once', () => {
    const out = output(false);
    let now = 10_000;
    const line = new ProgressLine(out, () => now);
    line.update('1/3');
    now += 400;
    line.update('2/3');
    now += 700;
    line.update('3/3');
    line.done('3/3');
    line.done('all done');
    expect(out.written).toEqual(['1/3\n', '3/3\n', 'all done\n']);
  });
});
