import { amqpUrlOrSkip, describeIf, pgUrlOrSkip } from '../helpers/services';

describe('service probes', () => {
  const env = { ...process.env };
  afterEach(() => {
    process.env = { ...env };
  });

  it('skips with a warning when a service is unreachable', () => {
    process.env.TEST_AMQP_URL = 'amqp://guest:guest@127.0.0.1:1';
    delete process.env.REQUIRE_SERVICES;
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(amqpUrlOrSkip()).toBeNull();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('RabbitMQ is not reachable at 127.0.0.1:1'));
    expect(describeIf(null)).toBe(describe.skip);
    warn.mockRestore();
  });

  it('fails instead when REQUIRE_SERVICES=1', () => {
    process.env.TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:1/test';
    process.env.REQUIRE_SERVICES = '1';
    expect(() => pgUrlOrSkip()).toThrow(/PostgreSQL is not reachable.*REQUIRE_SERVICES=1/);
  });

  it('returns the URL of a listening service', async () => {
    const net = await import('node:net');
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as import('node:net').AddressInfo;
    process.env.TEST_AMQP_URL = `amqp://guest:guest@127.0.0.1:${port}`;
    expect(amqpUrlOrSkip()).toBe(process.env.TEST_AMQP_URL);
    expect(describeIf('x')).toBe(describe);
    await new Promise<void>((r) => server.close(() => r()));
  });
});
