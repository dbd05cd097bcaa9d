// npm 11 may skip install scripts; fail early and clearly when a native module did not build.
const natives = ['better-sqlite3'];
let failed = false;
for (const name of natives) {
  try {
    const mod = await import(name);
    if (name === 'better-sqlite3') new mod.default(':memory:').close();
  } catch (error) {
    if (error?.code === 'ERR_MODULE_NOT_FOUND') continue;
    failed = true;
    console.error(`native module ${name} does not load: ${error?.message ?? error}`);
  }
}
if (failed) {
  console.error('Run `npm rebuild` (install scripts may have been skipped).');
  process.exit(1);
}
