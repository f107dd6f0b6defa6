import net from 'node:net';

/**
 * A TCP proxy a test can cut: `down()` drops every connection and refuses new ones, `up()` accepts again on the
 * same port. It simulates a service going away and coming back without touching the shared service itself
 * (other test files may be using it at the same time).
 */
export class TcpProxy {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  private readonly upstreams = new Set<net.Socket>();
  private frozen = false;
  private listenPort = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** The local port, stable across down()/up(). */
  get port(): number {
    return this.listenPort;
  }

  /** Rewrite a service URL so that it goes through the proxy. */
  urlThrough(url: string): string {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(this.listenPort);
    return u.toString();
  }

  async up(): Promise<void> {
    if (this.server) return;
    const server = net.createServer((client) => {
      const upstream = net.connect({ host: this.targetHost, port: this.targetPort });
      this.track(client);
      this.track(upstream);
      this.upstreams.add(upstream);
      upstream.on('close', () => this.upstreams.delete(upstream));
      if (this.frozen) upstream.pause();
      client.pipe(upstream);
      upstream.pipe(client);
      const end = (): void => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', end);
      upstream.on('error', end);
      client.on('close', end);
      upstream.on('close', end);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.listenPort, '127.0.0.1', () => resolve());
    });
    this.listenPort = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  /**
   * Stop passing anything from the service to the client, keeping the connections open: a hung broker or a
   * black-holed network, as opposed to a refused connection.
   */
  freeze(): void {
    this.frozen = true;
    for (const u of this.upstreams) u.pause();
  }

  thaw(): void {
    this.frozen = false;
    for (const u of this.upstreams) u.resume();
  }

  /** Drop every proxied connection abruptly (no AMQP close handshake) and refuse new ones. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }
}
