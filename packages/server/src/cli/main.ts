#!/usr/bin/env node
console.error('arc demo is not built yet (see issue 7).');
process.exit(2);
