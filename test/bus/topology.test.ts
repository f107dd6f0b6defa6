import { connect, type ChannelModel } from 'amqplib';
import {
  declareInstitutionQueues,
  declareTopology,
  DEFAULT_TOPOLOGY_NAMES,
  institutionQueueName,
  RINA_FORWARD_CASE_KEY,
  topologyNames,
} from '../../src/bus/topology';
import { AppError } from '../../src/shared/errors';
import { amqpUrlOrSkip, describeIf } from '../helpers/services';
import { Inspector, testNames } from './support';

const AMQP_URL = amqpUrlOrSkip();

describe('topology names', () => {
  it('defaults to the CONTRACT §4 names', () => {
    expect(topologyNames()).toMatchObject({
      intake: 'liaison.intake',
      forward: 'liaison.forward',
      forwardReplies: 'liaison.forward-replies',
      rina: 'liaison.rina',
      helpdesk: 'liaison.helpdesk',
      dead: 'liaison.dead',
      notifications: 'liaison.notifications',
    });
  });

  it('overrides one name and keeps the others', () => {
    const names = topologyNames({ intake: 'other.intake' });
    expect(names.intake).toBe('other.intake');
    expect(names.dead).toBe(DEFAULT_TOPOLOGY_NAMES.dead);
    expect(Object.isFrozen(names)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['reserved prefix', 'amq.intake'],
    ['longer than an AMQP short string allows', 'q'.repeat(300)],
  ])('refuses a %s name', (_case, intake) => {
    expect(() => topologyNames({ intake })).toThrow(AppError);
  });

  it.each([
    ['FR:CPAM075', 'liaison.forward.FR:CPAM075'],
    ['DE:DRV0000001', 'liaison.forward.DE:DRV0000001'],
    ['EL:0123', 'liaison.forward.EL:0123'],
  ])('names the queue of institution %s', (id, queue) => {
    expect(institutionQueueName(topologyNames(), id)).toBe(queue);
  });

  it.each([
    ['a topic wildcard', 'FR:#'],
    ['a dotted id that would widen a binding', 'FR:CPAM.075'],
    ['a star', 'FR:*'],
    ['an unknown country', 'XX:CPAM075'],
    ['a too short local part', 'FR:ABC'],
    ['a lowercase country', 'fr:CPAM075'],
  ])('refuses an institution id with %s', (_case, id) => {
    expect(() => institutionQueueName(topologyNames(), id)).toThrow(expect.objectContaining({ code: 'FWD_TARGET_INVALID' }));
  });
});

describeIf(AMQP_URL)('topology on RabbitMQ', () => {
  let conn: ChannelModel;
  let inspector: Inspector;
  const names = testNames();
  const institutions = ['FR:CPAM075', 'FR:CARSAT01'];
  const institutionQueues = institutions.map((id) => institutionQueueName(names, id));

  beforeAll(async () => {
    conn = await connect(AMQP_URL!);
    conn.on('error', () => undefined);
    inspector = await Inspector.open(AMQP_URL!);
  });

  afterAll(async () => {
    await inspector.deleteTopology(names, institutionQueues);
    await inspector.close();
    await conn.close();
  });

  it('declares everything, twice without complaint, as durable quorum queues and topic exchanges', async () => {
    const ch = await conn.createChannel();
    await declareTopology(ch, names);
    await declareTopology(ch, names); // idempotent: same arguments, no PRECONDITION_FAILED
    await declareInstitutionQueues(ch, names, institutions);
    expect(await declareInstitutionQueues(ch, names, institutions)).toEqual(institutionQueues);
    // A declaration with other arguments would be refused: a passive check proves existence,
    // and re-declaring as quorum above proves the type (a classic queue of that name would fail).
    for (const q of [names.intake, names.forwardReplies, names.helpdesk, names.dead, names.rinaForwardCase, ...institutionQueues]) {
      await expect(ch.checkQueue(q)).resolves.toMatchObject({ queue: q });
    }
    for (const x of [names.forward, names.rina, names.notifications]) expect(await inspector.exchangeExists(x)).toBe(true);
    const classic = await conn.createChannel();
    classic.on('error', () => undefined);
    await expect(classic.assertQueue(names.intake, { durable: true })).rejects.toThrow(/PRECONDITION_FAILED/);
    await ch.close();
  });

  it('routes a forward to the queue of its institution only, and X007 instructions to the RINA queue', async () => {
    const ch = await conn.createConfirmChannel();
    ch.publish(names.forward, 'FR:CPAM075', Buffer.from('a'), { messageId: 'fwd_a' });
    ch.publish(names.rina, RINA_FORWARD_CASE_KEY, Buffer.from('b'), { messageId: 'rina_b' });
    await ch.waitForConfirms();
    await ch.close();
    const [cpam, carsat, rina] = await Promise.all([
      inspector.drain(institutionQueues[0]),
      inspector.drain(institutionQueues[1]),
      inspector.drain(names.rinaForwardCase),
    ]);
    expect(cpam.map((m) => m.properties.messageId)).toEqual(['fwd_a']);
    expect(carsat).toHaveLength(0);
    expect(rina.map((m) => m.properties.messageId)).toEqual(['rina_b']);
  });

  it('checks every institution id before declaring any queue', async () => {
    const ch = await conn.createChannel();
    const valid = 'FR:VALID001';
    await expect(declareInstitutionQueues(ch, names, [valid, 'FR:#'])).rejects.toMatchObject({ code: 'FWD_TARGET_INVALID' });
    await ch.close();
    const probe = await conn.createChannel();
    probe.on('error', () => undefined);
    await expect(probe.checkQueue(institutionQueueName(names, valid))).rejects.toThrow(/NOT_FOUND/);
  });
});
