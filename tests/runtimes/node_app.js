// A Node.js script (tests/runtimes.rs) touching the parts of the runtime
// that run on threads of their own: worker_threads, child_process,
// fs.promises (libuv's thread pool) and an http server and client on
// 127.0.0.1. It prints only deterministic lines, in a fixed order.
'use strict';
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');

if (!isMainThread) {
  let sum = 0;
  for (let i = 1; i <= workerData; i++) sum += i;
  parentPort.postMessage(sum);
  return;
}

const { spawn } = require('node:child_process');
const fs = require('node:fs/promises');
const http = require('node:http');
const path = require('node:path');

function worker(n) {
  return new Promise((resolve, reject) => {
    const w = new Worker(__filename, { workerData: n });
    w.once('message', resolve);
    w.once('error', reject);
  });
}

function child() {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, ['-e', 'console.log("child says " + (6 * 7))'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    c.stdout.on('data', (d) => (out += d));
    c.on('error', reject);
    c.on('close', (code) => resolve(`${out.trim()} (exit ${code})`));
  });
}

async function files() {
  const file = path.join(process.cwd(), 'node-fs-promises.txt');
  await fs.writeFile(file, 'written with fs.promises');
  const text = await fs.readFile(file, 'utf8');
  await fs.unlink(file);
  return text;
}

function serve() {
  return new Promise((resolve, reject) => {
    const server = http.createServer((req, res) => {
      res.setHeader('content-type', 'text/plain');
      res.end(`hello from ${req.method} ${req.url}`);
    });
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      http
        .get({ host: '127.0.0.1', port, path: '/ping', agent: false }, (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => server.close(() => resolve(`${res.statusCode} ${body}`)));
        })
        .on('error', reject);
    });
  });
}

(async () => {
  const sums = await Promise.all([worker(10), worker(100), worker(1000)]);
  console.log(`workers: ${sums.join(' ')}`);
  console.log(`child_process: ${await child()}`);
  console.log(`fs.promises: ${await files()}`);
  console.log(`http: ${await serve()}`);
  console.log('node: done');
  process.exitCode = 5;
})().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
