// Starts `basalt serve` (dev.basalt.server.ServerMain) as a child JVM on a free loopback port,
// with a fresh data directory and a 0600 token file, and stops it with SIGTERM.
// The JUnit test SdkNodeTest passes the JVM to use in BASALT_JAVA, BASALT_CLASSPATH and
// BASALT_JVM_FLAGS (space separated), so the child runs exactly the classes Maven just built.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export async function startServer() {
  const java = process.env.BASALT_JAVA;
  const classpath = process.env.BASALT_CLASSPATH;
  if (!java || !classpath) {
    throw new Error('BASALT_JAVA and BASALT_CLASSPATH must be set (SdkNodeTest sets them; see docs/server.md)');
  }
  const flags = (process.env.BASALT_JVM_FLAGS || '').split(' ').filter((f) => f.length > 0);
  const work = mkdtempSync(join(tmpdir(), 'basalt-sdk-'));
  const token = randomBytes(24).toString('hex');
  const tokenFile = join(work, 'token');
  writeFileSync(tokenFile, token + '\n', { mode: 0o600 });
  const dir = join(work, 'data');
  const child = spawn(java, [...flags, '-Xmx512m', '-cp', classpath, 'dev.basalt.server.ServerMain',
    '--dir', dir, '--port', '0', '--bind', '127.0.0.1', '--token-file', tokenFile],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const baseURL = await new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error('server did not start in 60 s: ' + stderr)), 60_000);
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = /listening on (\S+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error('server exited with ' + code + ': ' + stderr));
    });
  });
  return {
    baseURL,
    token,
    dir,
    async stop() {
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(work, { recursive: true, force: true });
    },
  };
}
