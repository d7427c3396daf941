// Prints `tradetui ARGS --help` for many commands and widths from ONE node process running the built bundle
// (dist/tradetui.mjs): the bundle's own yargs and cliui, which the sources under vitest do not load, at the
// price of one node start instead of one per command and width. Each render loads the bundle's entry again
// (a new URL, so its top level runs main(process.argv) once more) with process.argv and COLUMNS set; yargs
// ends --help with process.exit(0), which is recorded instead. Input: a JSON array of {args, columns} as argv[2].
// Output: a JSON array of {stdout, code}, one per request, in order.
import { resolve } from 'node:path';
import { format } from 'node:util';
import { pathToFileURL } from 'node:url';

const entry = pathToFileURL(resolve(import.meta.dirname, '../../dist/tradetui.mjs')).href;
const requests = JSON.parse(process.argv[2]);
const realExit = process.exit;
const realWrite = process.stdout.write.bind(process.stdout);
const realLog = console.log;
const results = [];
let n = 0;
for (const { args, columns } of requests) {
  let stdout = '';
  let code = 0;
  process.argv = [process.argv[0], 'tradetui', ...args];
  process.env.COLUMNS = String(columns);
  process.stdout.write = (chunk, ...rest) => {
    stdout += String(chunk);
    const done = rest.find((r) => typeof r === 'function');
    if (done) done();
    return true;
  };
  console.log = (...a) => void (stdout += `${format(...a)}\n`);
  process.exit = (c) => void (code = c ?? 0);
  try {
    await import(`${entry}?render=${n++}`);
  } finally {
    process.stdout.write = realWrite;
    console.log = realLog;
    process.exit = realExit;
  }
  results.push({ stdout, code });
}
realWrite(`${JSON.stringify(results)}\n`);
