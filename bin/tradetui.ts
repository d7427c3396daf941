#!/usr/bin/env node
// React picks its production build from NODE_ENV when it is first imported (lazily, by the TUI): the
// development build costs several times the CPU per frame.
process.env.NODE_ENV ??= 'production';
const { main } = await import('../src/cli/main.js');
await main(process.argv.slice(2));
