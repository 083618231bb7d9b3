import { createReadStream } from 'node:fs';

/** One line of a text file, or the marker of a line that was too long to keep. @internal */
export type FileLine = { line: number; text: string; tooLong: boolean };

/**
 * Lines of a UTF-8 file with their 1-based numbers, holding at most `maxLength` characters of any
 * one line in memory: the rest of a longer line is discarded and the line is yielded with
 * `tooLong` set. A trailing `\r` is dropped. Breaking out of the loop closes the file.
 *
 * @internal
 */
export async function* readLines(path: string, maxLength: number): AsyncGenerator<FileLine> {
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 64 * 1024 });
  let partial = '';
  let tooLong = false;
  let line = 0;
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      let from = 0;
      for (;;) {
        const newline = chunk.indexOf('\n', from);
        if (newline === -1) {
          if (!tooLong) {
            partial += chunk.slice(from);
            if (partial.length > maxLength) {
              partial = partial.slice(0, 200);
              tooLong = true;
            }
          }
          break;
        }
        line++;
        let text = tooLong ? partial : partial + chunk.slice(from, newline);
        if (!tooLong && text.length > maxLength) {
          text = text.slice(0, 200);
          tooLong = true;
        }
        if (text.endsWith('\r')) text = text.slice(0, -1);
        yield { line, text, tooLong };
        partial = '';
        tooLong = false;
        from = newline + 1;
      }
    }
    if (partial.length > 0 || tooLong) {
      line++;
      yield { line, text: partial.endsWith('\r') ? partial.slice(0, -1) : partial, tooLong };
    }
  } finally {
    stream.destroy();
  }
}
