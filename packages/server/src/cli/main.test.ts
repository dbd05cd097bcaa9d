import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.fixture.js';

describe('arc', () => {
  it('lists its commands in --help', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const command of ['serve', 'keys', 'demo'])
      expect(stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });

  it('runs the demo from @arc-agent/examples, which rejects unusable options with exit 2 naming them', async () => {
    const { code, stderr } = await runCli(['demo', '--llm-base-url', 'http://127.0.0.1:9']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--llm-base-url and --llm-model go together/);
  });

  it('rejects unknown commands and bad options with a non-zero exit', async () => {
    expect((await runCli(['frobnicate'])).code).not.toBe(0);
    const badPort = await runCli(['serve', '--port', '70000']);
    expect(badPort.code).not.toBe(0);
    expect(badPort.stderr).toMatch(/--port/);
    // Checked as the flag is read, before anything starts (no database is opened).
    for (const value of ['bogus/99', '10.0.0.0/33', '127.0.0.1,', '::1/129']) {
      const badProxy = await runCli(['serve', '--trust-proxy', value, '--db', '/nonexistent/arc.db']);
      expect(badProxy.code, value).toBe(1);
      expect(badProxy.stderr, value).toMatch(
        /^error: option '--trust-proxy \[addresses\]' argument .* is invalid/,
      );
    }
  });
});
