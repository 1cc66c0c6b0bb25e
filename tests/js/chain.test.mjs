// End-to-end: a `playnet-node --dev` read and driven by @polkadot/api, as polkadot.js Apps and
// wallets see it, with no custom types.
//
// Run with `PLAYNET_NODE=/path/to/playnet-node node --test` in tests/js (scripts/test.sh does).
// The file starts its own node on free loopback ports and kills it when the tests end.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiPromise, Keyring, WsProvider } from '@polkadot/api';
import { formatBalance } from '@polkadot/util';
import { cryptoWaitReady, mnemonicGenerate } from '@polkadot/util-crypto';

const PGT = 10n ** 12n;
const DEV_ENDOWMENT = 1_000_000n * PGT;
/// What each genesis validator has bonded (held) in pallet-stake.
const VALIDATOR_BOND = 10_000n * PGT;
/// Generous: 2-core machines, often beside a build.
const STARTUP_TIMEOUT_MS = 90_000;
const BLOCKS_TIMEOUT_MS = 120_000;
const LOG_TAIL_LINES = 40;

const nodeBinary = process.env.PLAYNET_NODE;
if (!nodeBinary) {
  throw new Error(
    'PLAYNET_NODE is not set: point it at a built playnet-node ' +
      '(./scripts/build.sh builds it; scripts/test.sh sets it)',
  );
}

/** Free TCP ports, all held until every one is picked so they differ. */
async function freePorts(count) {
  const servers = [];
  const ports = [];
  for (let i = 0; i < count; i += 1) {
    const server = createServer();
    await new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '0.0.0.0', resolve);
    });
    servers.push(server);
    ports.push(server.address().port);
  }
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** A `--dev` node with its log in a temporary directory; `stop()` ends it. */
async function startDevNode() {
  const [rpcPort, p2pPort] = await freePorts(2);
  // The log and the database live in one temporary directory, removed by `stop()` (not
  // `--tmp`: a killed node leaves that behind).
  const workDir = mkdtempSync(join(tmpdir(), 'playnet-js-'));
  const logPath = join(workDir, 'node.log');
  const log = openSync(logPath, 'w');
  const child = spawn(
    nodeBinary,
    [
      '--dev', '--base-path', join(workDir, 'base'), '--name', 'js-dev',
      '--rpc-port', String(rpcPort), '--port', String(p2pPort),
      '--no-prometheus', '--no-telemetry', '--no-mdns',
    ],
    { stdio: ['ignore', log, log] },
  );
  let exited = null;
  const exit = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
  });
  // If the test process dies before `after()` runs, take the node with it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const logTail = () => {
    const lines = readFileSync(logPath, 'utf8').split('\n');
    return `\n--- last ${LOG_TAIL_LINES} lines of ${logPath} ---\n` +
      `${lines.slice(-LOG_TAIL_LINES).join('\n')}\n---`;
  };

  const node = {
    wsUrl: `ws://127.0.0.1:${rpcPort}`,
    logTail,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (exited === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exit;
        clearTimeout(timer);
      }
      if (!process.env.PLAYNET_KEEP_LOGS) {
        rmSync(workDir, { recursive: true, force: true });
      }
    },
  };

  // Ready once JSON-RPC (HTTP on the same port as WebSocket) answers.
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (exited !== null) {
      const error = new Error(`playnet-node exited (${JSON.stringify(exited)})${logTail()}`);
      await node.stop();
      throw error;
    }
    try {
      const response = await fetch(`http://127.0.0.1:${rpcPort}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'system_health', params: [] }),
      });
      if (response.ok) {
        return node;
      }
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      const error = new Error(
        `playnet-node RPC did not answer within ${STARTUP_TIMEOUT_MS} ms${logTail()}`,
      );
      await node.stop();
      throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Rejects with `what` and the node's log tail if `promise` takes longer than `ms`. */
function within(ms, what, promise) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not happen within ${ms} ms${node.logTail()}`)),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves with the first `count` block numbers a head subscription reports. */
async function firstHeads(subscribe, count) {
  const numbers = [];
  let unsubscribe;
  await new Promise((resolve, reject) => {
    subscribe((header) => {
      numbers.push(header.number.toNumber());
      if (numbers.length === count) {
        resolve();
      }
    }).then((unsub) => {
      unsubscribe = unsub;
    }, reject);
  });
  unsubscribe?.();
  return numbers;
}

let node;
let api;
let alice;

before(async () => {
  node = await startDevNode();
  api = await ApiPromise.create({ provider: new WsProvider(node.wsUrl), noInitWarn: true });
  await cryptoWaitReady();
  alice = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Alice');
});

after(async () => {
  await api?.disconnect();
  await node?.stop();
});

test('chain properties declare PGT with 12 decimals and SS58 format 42', async () => {
  const properties = await api.rpc.system.properties();
  assert.equal(properties.tokenSymbol.unwrap()[0].toString(), 'PGT');
  assert.equal(properties.tokenDecimals.unwrap()[0].toNumber(), 12);
  assert.equal(properties.ss58Format.unwrap().toNumber(), 42);

  // What polkadot.js derives from them and uses to format every balance.
  assert.deepEqual(api.registry.chainTokens, ['PGT']);
  assert.deepEqual(api.registry.chainDecimals, [12]);
  assert.equal(api.registry.chainSS58, 42);
});

test('Alice holds 1,000,000 PGT at genesis, 10,000 of them bonded as the validator', async () => {
  const genesis = await api.at(api.genesisHash);
  const { data } = await genesis.query.system.account(alice.address);
  assert.equal(data.free.toBigInt() + data.reserved.toBigInt(), DEV_ENDOWMENT);
  assert.equal(data.reserved.toBigInt(), VALIDATOR_BOND);

  const shown = formatBalance(data.free, {
    decimals: api.registry.chainDecimals[0],
    withUnit: api.registry.chainTokens[0],
    forceUnit: '-',
    withZero: false,
  });
  assert.equal(shown, '990,000 PGT');
});

test('new heads and finalized heads advance', async () => {
  const [best, finalized] = await within(
    BLOCKS_TIMEOUT_MS,
    'three new heads and three finalized heads',
    Promise.all([
      firstHeads((callback) => api.rpc.chain.subscribeNewHeads(callback), 3),
      firstHeads((callback) => api.rpc.chain.subscribeFinalizedHeads(callback), 3),
    ]),
  );
  for (const [kind, numbers] of [['best', best], ['finalized', finalized]]) {
    assert.ok(
      numbers[2] > numbers[0],
      `${kind} heads did not advance: ${numbers.join(', ')}`,
    );
  }
});

test('a transfer from Alice to a fresh account is finalized and credited', async () => {
  const fresh = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri(mnemonicGenerate());
  const amount = 5n * PGT + 123n;

  const { blockHash, events } = await within(
    BLOCKS_TIMEOUT_MS,
    'the transfer’s finalization',
    new Promise((resolve, reject) => {
      api.tx.balances
        .transferKeepAlive(fresh.address, amount)
        .signAndSend(alice, ({ status, dispatchError, events: txEvents }) => {
          if (dispatchError) {
            reject(new Error(`the transfer failed: ${dispatchError.toString()}`));
          } else if (status.isInvalid || status.isDropped || status.isUsurped) {
            reject(new Error(`the transfer was not included: ${status.type}`));
          } else if (status.isFinalized) {
            resolve({ blockHash: status.asFinalized, events: txEvents });
          }
        })
        .catch(reject);
    }),
  );

  const names = events.map(({ event }) => `${event.section}.${event.method}`);
  assert.ok(names.includes('balances.Transfer'), `events: ${names.join(', ')}`);
  assert.ok(names.includes('fees.FeesDistributed'), `events: ${names.join(', ')}`);

  const atBlock = await api.at(blockHash);
  const { data } = await atBlock.query.system.account(fresh.address);
  assert.equal(data.free.toBigInt(), amount, 'the recipient holds exactly the amount');
});
