// A small fault-injecting TCP proxy on loopback (the kernel here has no netem): the chaos suite puts
// one between each service and PostgreSQL. Modes, switchable at any time:
//   pass       bytes flow both ways untouched;
//   delay      every chunk is held `delayMs` before it is forwarded (order kept);
//   blackhole  nothing is forwarded and new connections hang (a partition: TCP would retransmit,
//              so the held bytes flow when the mode goes back to pass);
//   reset      every open connection is destroyed and new ones are refused at once.
import { createConnection, createServer } from 'node:net';

export class FaultProxy {
  /** @param {{ listenPort: number, targetPort: number, host?: string, label?: string }} o */
  constructor(o) {
    this.o = { host: '127.0.0.1', label: `:${o.listenPort}→:${o.targetPort}`, ...o };
    this.mode = 'pass';
    this.delayMs = 0;
    /** @type {Set<{ a: import('node:net').Socket, b: import('node:net').Socket, held: Array<() => void> }>} */
    this.pairs = new Set();
    this.connections = 0;
  }

  start() {
    this.server = createServer((a) => this.accept(a));
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.o.listenPort, this.o.host, () => resolve(this));
    });
  }

  accept(a) {
    if (this.mode === 'reset') {
      a.destroy();
      return;
    }
    this.connections++;
    const b = createConnection({ port: this.o.targetPort, host: this.o.host });
    const pair = { a, b, held: [] };
    this.pairs.add(pair);
    const close = () => {
      a.destroy();
      b.destroy();
      this.pairs.delete(pair);
    };
    a.on('error', close).on('close', close);
    b.on('error', close).on('close', close);
    this.pipe(pair, a, b);
    this.pipe(pair, b, a);
  }

  /** forwards `from` → `to` through the current mode, keeping the chunks in order */
  pipe(pair, from, to) {
    let chain = Promise.resolve();
    from.on('data', (chunk) => {
      chain = chain.then(async () => {
        if (this.mode === 'delay' && this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
        if (this.mode === 'blackhole') await new Promise((r) => pair.held.push(r));
        if (!to.destroyed) to.write(chunk);
      });
    });
  }

  /** @param {'pass'|'delay'|'blackhole'|'reset'} mode */
  set(mode, { delayMs = 0 } = {}) {
    this.mode = mode;
    this.delayMs = delayMs;
    if (mode === 'reset') for (const p of [...this.pairs]) (p.a.destroy(), p.b.destroy());
    if (mode !== 'blackhole') for (const p of this.pairs) for (const release of p.held.splice(0)) release();
  }

  async stop() {
    for (const p of [...this.pairs]) (p.a.destroy(), p.b.destroy());
    await new Promise((r) => this.server?.close(() => r()) ?? r());
  }
}

/**
 * A round-robin TCP front on loopback for a service run as several instances (the scale-out
 * scenarios): each new connection goes to the next instance; one that refuses the connection (it
 * was killed, or is restarting) is skipped for the next one, so callers see a dead instance only
 * through the connections that were open to it.
 */
export class RoundRobinProxy {
  /** @param {{ listenPort: number, targetPorts: number[], host?: string, label?: string }} o */
  constructor(o) {
    this.o = { host: '127.0.0.1', label: `:${o.listenPort}→${o.targetPorts.map((p) => `:${p}`).join('|')}`, ...o };
    this.next = 0;
    this.sockets = new Set();
    /** connections per target port, for the run's report */
    this.served = Object.fromEntries(o.targetPorts.map((p) => [p, 0]));
  }

  start() {
    this.server = createServer((a) => this.accept(a));
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.o.listenPort, this.o.host, () => resolve(this));
    });
  }

  accept(a, tries = 0) {
    const ports = this.o.targetPorts;
    if (tries >= ports.length) return void a.destroy();
    const port = ports[this.next++ % ports.length];
    a.pause();
    const b = createConnection({ port, host: this.o.host });
    const refused = () => {
      b.destroy();
      if (!a.destroyed) this.accept(a, tries + 1);
    };
    b.once('error', refused);
    b.once('connect', () => {
      b.off('error', refused);
      this.served[port]++;
      this.sockets.add(a).add(b);
      const close = () => {
        a.destroy();
        b.destroy();
        this.sockets.delete(a);
        this.sockets.delete(b);
      };
      a.on('error', close).on('close', close);
      b.on('error', close).on('close', close);
      a.pipe(b);
      b.pipe(a);
      a.resume();
    });
  }

  async stop() {
    for (const s of [...this.sockets]) s.destroy();
    await new Promise((r) => this.server?.close(() => r()) ?? r());
  }
}
