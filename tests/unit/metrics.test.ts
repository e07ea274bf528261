import { describe, expect, it, vi } from 'vitest';
import { exposedGc } from '../../src/housekeeping/idle-collection.js';
import { ACK_BUCKETS_SECONDS, createMetrics, METRIC_NAMES, type Metrics } from '../../src/metrics.js';

/** One sample's value from the rendered text, matched by name and exact label set (any order). */
async function sample(metrics: Metrics, name: string, labels: Record<string, string> = {}): Promise<number> {
  const { body } = await metrics.render();
  for (const line of body.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (JSON.stringify(sortKeys(found)) === JSON.stringify(sortKeys(labels))) return Number(match[3]);
  }
  throw new Error(`no sample ${name}${JSON.stringify(labels)} in:\n${body}`);
}

function sortKeys(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

const usage = { inputTokens: 100, outputTokens: 50, cacheReadTokens: 1000, cacheWriteTokens: 0 };

function exerciseAll(metrics: Metrics): void {
  metrics.observeAck('event', 0.004);
  metrics.observeTimeToFirstToken(1.5);
  metrics.observeTimeToFinalAnswer(12);
  metrics.modelCall('ok');
  metrics.tokens('claude-sonnet-5-5', usage);
  metrics.estimatedCost('claude-sonnet-5-5', 0.0125);
  metrics.deduplicatedEvent('retry');
  metrics.ignoredEvent('bot_message');
  metrics.slackApiError('chat.update', 'message_not_found');
  metrics.slackRateLimited('chat.update');
  metrics.phrWritten();
  metrics.adrEvent('suggested');
  metrics.questionAccepted('mention');
  metrics.feedbackVote('positive');
  metrics.feedbackComment();
}

describe('createMetrics', () => {
  it('exports every named metric, all prefixed, with units in their names', async () => {
    const metrics = createMetrics({ queueDepth: () => 0, inFlightAnswers: () => 0 });
    exerciseAll(metrics);
    const { contentType, body } = await metrics.render();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of Object.values(METRIC_NAMES)) {
      expect(name).toMatch(/^fastapi_bot_/);
      expect(body).toContain(`# TYPE ${name} `);
    }
    for (const line of body.split('\n')) {
      if (line.startsWith('# TYPE ')) expect(line).toMatch(/^# TYPE fastapi_bot_/);
    }
    // The default process metrics share the prefix.
    expect(body).toContain('fastapi_bot_process_cpu_user_seconds_total');
    expect(body).toContain('fastapi_bot_nodejs_eventloop_lag_seconds');
    expect(body).toMatch(/^# TYPE fastapi_bot_estimated_cost_usd_total counter$/m);
    expect(body).toMatch(/^# TYPE fastapi_bot_ack_latency_seconds histogram$/m);
  });

  it('counts every garbage collection, also several handed to the observer together', async () => {
    const metrics = createMetrics();
    const gc = exposedGc();
    if (!gc) throw new Error('this V8 gives no gc()');
    // No line until the first major collection: count that as 0.
    const majors = async () => {
      const { body } = await metrics.render();
      const line = /^fastapi_bot_nodejs_gc_duration_seconds_count\{kind="major"\} (\d+)$/m.exec(body);
      return Number(line?.[1] ?? 0);
    };
    const before = await majors();
    // Three full collections in one turn: the observer is handed them in one batch.
    gc();
    gc();
    gc();
    await vi.waitFor(async () => expect(await majors()).toBeGreaterThanOrEqual(before + 3));
    const { body } = await metrics.render();
    expect(body.match(/^# TYPE fastapi_bot_nodejs_gc_duration_seconds histogram$/gm)).toHaveLength(1);
  });

  it('can leave the default process metrics out', async () => {
    const { body } = await createMetrics({ defaultMetrics: false }).render();
    expect(body).not.toContain('process_cpu');
    expect(body).toContain(METRIC_NAMES.questionsAccepted);
  });

  it('moves counters by the right amounts and labels', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    exerciseAll(metrics);
    metrics.modelCall('ok');
    metrics.modelCall('circuit_open');
    metrics.tokens('claude-sonnet-5-5', usage);
    metrics.tokens('claude-opus-5-5', { ...usage, cacheWriteTokens: 7 });
    metrics.estimatedCost('claude-sonnet-5-5', 0.0025);
    metrics.deduplicatedEvent('twin');
    metrics.slackApiError('chat.update', 'message_not_found');
    metrics.slackApiError('chat.postMessage', 'channel_not_found');
    metrics.phrWritten();
    metrics.adrEvent('accepted');
    metrics.questionAccepted('dm');
    metrics.questionAccepted('dm');

    expect(await sample(metrics, METRIC_NAMES.modelCalls, { outcome: 'ok' })).toBe(2);
    expect(await sample(metrics, METRIC_NAMES.modelCalls, { outcome: 'circuit_open' })).toBe(1);
    const tokens = (kind: string, model: string) => sample(metrics, METRIC_NAMES.tokens, { kind, model });
    expect(await tokens('input', 'claude-sonnet-5-5')).toBe(200);
    expect(await tokens('output', 'claude-sonnet-5-5')).toBe(100);
    expect(await tokens('cache_read', 'claude-sonnet-5-5')).toBe(2000);
    expect(await tokens('cache_write', 'claude-sonnet-5-5')).toBe(0);
    expect(await tokens('cache_write', 'claude-opus-5-5')).toBe(7);
    expect(await tokens('input', 'claude-opus-5-5')).toBe(100);
    expect(await sample(metrics, METRIC_NAMES.estimatedCost, { model: 'claude-sonnet-5-5' })).toBeCloseTo(
      0.015,
      12,
    );
    expect(await sample(metrics, METRIC_NAMES.deduplicatedEvents, { reason: 'retry' })).toBe(1);
    expect(await sample(metrics, METRIC_NAMES.deduplicatedEvents, { reason: 'twin' })).toBe(1);
    expect(await sample(metrics, METRIC_NAMES.ignoredEvents, { reason: 'bot_message' })).toBe(1);
    expect(
      await sample(metrics, METRIC_NAMES.slackApiErrors, {
        method: 'chat.update',
        error: 'message_not_found',
      }),
    ).toBe(2);
    expect(
      await sample(metrics, METRIC_NAMES.slackApiErrors, {
        method: 'chat.postMessage',
        error: 'channel_not_found',
      }),
    ).toBe(1);
    expect(await sample(metrics, METRIC_NAMES.slackRateLimited, { method: 'chat.update' })).toBe(1);
    expect(await sample(metrics, METRIC_NAMES.phrsWritten)).toBe(2);
    expect(await sample(metrics, METRIC_NAMES.adrEvents, { event: 'suggested' })).toBe(1);
    expect(await sample(metrics, METRIC_NAMES.adrEvents, { event: 'accepted' })).toBe(1);
    expect(await sample(metrics, METRIC_NAMES.questionsAccepted, { source: 'mention' })).toBe(1);
    expect(await sample(metrics, METRIC_NAMES.questionsAccepted, { source: 'dm' })).toBe(2);
  });

  it('observes histograms into the right buckets', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.observeAck('command', 0.004);
    metrics.observeAck('command', 0.2);
    metrics.observeAck('action', 4);
    metrics.observeTimeToFirstToken(1.5);
    metrics.observeTimeToFinalAnswer(250);
    metrics.observeTimeToFinalAnswer(400);

    const ack = `${METRIC_NAMES.ackLatency}_bucket`;
    expect(await sample(metrics, ack, { surface: 'command', le: '0.001' })).toBe(0);
    expect(await sample(metrics, ack, { surface: 'command', le: '0.005' })).toBe(1);
    expect(await sample(metrics, ack, { surface: 'command', le: '0.25' })).toBe(2);
    expect(await sample(metrics, ack, { surface: 'command', le: '+Inf' })).toBe(2);
    expect(await sample(metrics, ack, { surface: 'action', le: '5' })).toBe(1);
    expect(await sample(metrics, `${METRIC_NAMES.ackLatency}_count`, { surface: 'command' })).toBe(2);
    expect(await sample(metrics, `${METRIC_NAMES.ackLatency}_sum`, { surface: 'command' })).toBeCloseTo(
      0.204,
      12,
    );
    expect(ACK_BUCKETS_SECONDS[0]).toBe(0.001);
    expect(ACK_BUCKETS_SECONDS.at(-1)).toBe(5);

    const first = `${METRIC_NAMES.timeToFirstToken}_bucket`;
    expect(await sample(metrics, first, { le: '0.1' })).toBe(0);
    expect(await sample(metrics, first, { le: '2' })).toBe(1);
    const final = `${METRIC_NAMES.timeToFinalAnswer}_bucket`;
    expect(await sample(metrics, final, { le: '240' })).toBe(0);
    expect(await sample(metrics, final, { le: '300' })).toBe(1);
    expect(await sample(metrics, final, { le: '+Inf' })).toBe(2);
  });

  it('drops negative and non-finite values rather than throwing', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    expect(() => {
      metrics.observeAck('event', -1);
      metrics.observeTimeToFirstToken(Number.NaN);
      metrics.observeTimeToFinalAnswer(Number.POSITIVE_INFINITY);
      metrics.estimatedCost('claude-sonnet-5-5', -0.5);
      metrics.tokens('claude-sonnet-5-5', { ...usage, inputTokens: -1 });
    }).not.toThrow();
    const { body } = await metrics.render();
    expect(body).not.toContain(`${METRIC_NAMES.ackLatency}_count`);
    expect(body).not.toMatch(new RegExp(`^${METRIC_NAMES.estimatedCost}\\{`, 'm'));
    expect(body).not.toMatch(/kind="input"/);
    expect(await sample(metrics, METRIC_NAMES.tokens, { kind: 'output', model: 'claude-sonnet-5-5' })).toBe(
      50,
    );
  });

  it('reads the gauges from their callbacks at scrape time', async () => {
    let depth = 3;
    let inFlight = 1;
    let reads = 0;
    const metrics = createMetrics({
      defaultMetrics: false,
      queueDepth: () => {
        reads += 1;
        return depth;
      },
      inFlightAnswers: async () => inFlight,
    });
    expect(reads).toBe(0);
    expect(await sample(metrics, METRIC_NAMES.queueDepth)).toBe(3);
    expect(await sample(metrics, METRIC_NAMES.inFlightAnswers)).toBe(1);
    depth = 7;
    inFlight = 0;
    expect(await sample(metrics, METRIC_NAMES.queueDepth)).toBe(7);
    expect(await sample(metrics, METRIC_NAMES.inFlightAnswers)).toBe(0);
    expect(reads).toBe(4);
  });

  it('exports gauges without callbacks as 0 and a throwing callback as NaN without failing the scrape', async () => {
    const quiet = createMetrics({ defaultMetrics: false });
    expect(await sample(quiet, METRIC_NAMES.queueDepth)).toBe(0);
    const broken = createMetrics({
      defaultMetrics: false,
      queueDepth: () => {
        throw new Error('database is locked');
      },
      inFlightAnswers: () => 2,
    });
    expect(await sample(broken, METRIC_NAMES.queueDepth)).toBeNaN();
    expect(await sample(broken, METRIC_NAMES.inFlightAnswers)).toBe(2);
  });

  it('keeps two instances independent', async () => {
    const a = createMetrics({ queueDepth: () => 1 });
    const b = createMetrics({ queueDepth: () => 2 });
    a.phrWritten();
    a.phrWritten();
    b.phrWritten();
    a.questionAccepted('command');
    expect(await sample(a, METRIC_NAMES.phrsWritten)).toBe(2);
    expect(await sample(b, METRIC_NAMES.phrsWritten)).toBe(1);
    expect(await sample(a, METRIC_NAMES.queueDepth)).toBe(1);
    expect(await sample(b, METRIC_NAMES.queueDepth)).toBe(2);
    expect((await b.render()).body).not.toContain('source="command"');
    expect(a.registry).not.toBe(b.registry);
  });

  it('leaves the global default registry alone', async () => {
    const { register } = await import('prom-client');
    createMetrics();
    expect(await register.metrics()).not.toContain('fastapi_bot_');
  });
});
