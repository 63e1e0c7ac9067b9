// harness.mjs starts what the browser test needs: the demo catalogue served
// by the real binary (bin/catalogue, built by make dashboard-test) from a
// throw-away data directory with its own PostgreSQL cluster, tokens signed
// by that server's development secret, and Debian's Chromium through
// playwright-core.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, chmodSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(root, 'bin/catalogue');

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Serves the demo catalogue; answers { base, token(role, department), stop }. */
export async function startServer() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'catalogue-dashboard-'));
  // When we are root, PostgreSQL runs as another user, which must enter it.
  chmodSync(dir, 0o755);
  const dataDir = path.join(dir, 'data');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const log = [];
  const proc = spawn(bin, ['serve', '--addr', `127.0.0.1:${port}`, '--demo', '--data-dir', dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout.on('data', (b) => log.push(String(b)));
  proc.stderr.on('data', (b) => log.push(String(b)));
  let exited = null;
  const gone = new Promise((resolve) => proc.on('exit', (code, signal) => { exited = { code, signal }; resolve(); }));
  // Starting PostgreSQL and loading the demo takes a while on a busy machine.
  for (let i = 0; ; i++) {
    if (exited) throw new Error(`the server exited (${JSON.stringify(exited)}) before it was ready:\n${log.join('')}`);
    if (i > 2400) {
      proc.kill('SIGINT');
      throw new Error(`the server was not ready after 4 minutes:\n${log.join('')}`);
    }
    try {
      const r = await fetch(`${base}/readyz`);
      if (r.status === 200) break;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    log,
    token(role, department) {
      const args = ['token', '--role', role, '--ttl', '1h', '--data-dir', dataDir];
      if (department) args.push('--department', department);
      return execFileSync(bin, args, { encoding: 'utf8' }).trim();
    },
    async stop() {
      if (!exited) {
        // SIGINT: the server stops its PostgreSQL cluster on the way out.
        proc.kill('SIGINT');
        const timer = setTimeout(() => proc.kill('SIGKILL'), 60_000);
        await gone;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium, headless, with a fresh profile. */
export async function startBrowser() {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'catalogue-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1440, height: 1000 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  return {
    context,
    async stop() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A GraphQL client for the test's own view of the API. */
export function api(base, token) {
  return async (query, variables = {}) => {
    const headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    const res = await fetch(`${base}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    return res.json();
  };
}

export const artifacts = path.join(root, '.data/artifacts');
mkdirSync(artifacts, { recursive: true });
