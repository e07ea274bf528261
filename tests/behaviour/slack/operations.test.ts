import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { startHarness } from '../../helpers/bot-harness.js';
import { appMentionEnvelope, nextTs, slashCommandFields } from '../../helpers/slack-requests.js';

type H = Awaited<ReturnType<typeof startHarness>>;

/** The value of one series in Prometheus text, 0 when absent. */
function series(text: string, name: string, labels = ''): number {
  const line = text
    .split('\n')
    .find(
      (l) =>
        l.startsWith(`${name}${labels ? `{${labels}}` : ''} `) ||
        (labels && l.startsWith(`${name}{`) && l.includes(labels) && !l.startsWith('#')),
    );
  return line ? Number(line.split(' ').at(-1)) : 0;
}

async function scrape(h: H, token?: string) {
  const res = await fetch(`${h.url}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
}

async function answered(h: H, ts: string) {
  await h.slack.waitFor(() => h.slack.messages('C0001', ts).some((m) => m.text.startsWith('PHR-')));
}

describe('/metrics', () => {
  it('counts what a scripted conversation did', async () => {
    const h = await startHarness();
    const before = await scrape(h);
    expect(before.status).toBe(200);
    expect(before.type).toContain('text/plain');
    expect(series(before.text, 'fastapi_bot_questions_accepted_total', 'source="mention"')).toBe(0);

    h.anthropic.enqueue({
      kind: 'text',
      text: ['Use ', 'keyset.'],
      usage: { input_tokens: 100, output_tokens: 20, cache_read_input_tokens: 2000 },
    });
    const ts = nextTs();
    const mention = appMentionEnvelope({ text: '<@UBOT> paginate?', ts });
    await h.event(mention);
    await h.event(mention, { retryNum: 1, retryReason: 'http_timeout' });
    await answered(h, ts);

    const after = (await scrape(h)).text;
    expect(series(after, 'fastapi_bot_questions_accepted_total', 'source="mention"')).toBe(1);
    expect(series(after, 'fastapi_bot_deduplicated_events_total', 'reason="retry"')).toBe(1);
    expect(series(after, 'fastapi_bot_model_calls_total', 'outcome="ok"')).toBe(1);
    expect(series(after, 'fastapi_bot_tokens_total', 'kind="input"')).toBe(100);
    expect(series(after, 'fastapi_bot_tokens_total', 'kind="cache_read"')).toBe(2000);
    expect(series(after, 'fastapi_bot_phrs_written_total')).toBe(1);
    // 100 input × $3 + 20 output × $15 + 2000 cache reads × $0.30, per million tokens.
    expect(series(after, 'fastapi_bot_estimated_cost_usd_total', 'model="claude-sonnet-5-5"')).toBeCloseTo(
      0.0012,
      12,
    );
    expect(series(after, 'fastapi_bot_ack_latency_seconds_count', 'surface="event"')).toBe(2);
    expect(series(after, 'fastapi_bot_time_to_first_token_seconds_count')).toBe(1);
    expect(series(after, 'fastapi_bot_time_to_final_answer_seconds_count')).toBe(1);
    expect(series(after, 'fastapi_bot_queue_depth')).toBe(0);
    expect(series(after, 'fastapi_bot_in_flight_answers')).toBe(0);
  });

  it('counts Claude failures and Slack errors', async () => {
    const h = await startHarness();
    h.anthropic.enqueue({ kind: 'error', status: 529, type: 'overloaded_error' });
    h.slack.failNext('chat.startStream', { error: 'msg_too_long' });
    const first = nextTs();
    await h.event(appMentionEnvelope({ text: '<@UBOT> one', ts: first }));
    await h.slack.waitFor(() => h.slack.messages('C0001', first).some((m) => m.text.startsWith(':warning:')));
    const second = nextTs();
    await h.event(appMentionEnvelope({ text: '<@UBOT> two', ts: second }));
    await answered(h, second);
    const text = (await scrape(h)).text;
    expect(series(text, 'fastapi_bot_model_calls_total', 'outcome="overloaded"')).toBe(1);
    expect(series(text, 'fastapi_bot_slack_api_errors_total', 'error="msg_too_long"')).toBe(1);
  });

  it('requires the bearer token when METRICS_TOKEN is set', async () => {
    const h = await startHarness({ env: { METRICS_TOKEN: 'scrape-me-please' } });
    expect((await scrape(h)).status).toBe(401);
    expect((await scrape(h, 'wrong')).status).toBe(401);
    expect((await scrape(h, 'scrape-me-please')).status).toBe(200);
  });
});

describe('/healthz and /readyz', () => {
  it('is ready when the database is writable and not when it is locked', async () => {
    const h = await startHarness();
    // The harness has no docs archive: once that sync has failed, the docs show as unavailable.
    await h.waitForLog('docs sync failed');
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${h.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      ok: true,
      checks: { database_writable: true, slack_auth: true, agent_loaded: true },
      details: { docs: 'unavailable' },
    });

    const blocker = new Database(h.env.DATABASE_PATH as string);
    blocker.exec('BEGIN EXCLUSIVE');
    const locked = await fetch(`${h.url}/readyz`);
    expect(locked.status).toBe(503);
    const body = (await locked.json()) as { ok: boolean; checks: Record<string, unknown> };
    expect(body.ok).toBe(false);
    expect(body.checks.database_writable).not.toBe(true);
    expect(JSON.stringify(body)).not.toMatch(/\n\s+at /);
    blocker.exec('ROLLBACK');
    blocker.close();
    expect((await fetch(`${h.url}/readyz`)).status).toBe(200);
  });
});

describe('logs', () => {
  it('are JSON lines carrying the question’s correlation id from the event to the posts', async () => {
    const h = await startHarness();
    const ts = nextTs();
    await h.event(appMentionEnvelope({ text: '<@UBOT> trace me', ts }));
    await answered(h, ts);
    const accepted = h.logs.find((l) => l.msg === 'question accepted' && l.ts === ts);
    const id = accepted?.question_id;
    expect(id).toEqual(expect.any(Number));
    expect(accepted).toMatchObject({ team: 'T0001', channel: 'C0001', event_id: expect.any(String) });
    // Every line the bot itself wrote about this question carries its id and Slack ids, and the steps from
    // acceptance to the recorded PHR appear in order.
    const own = h.logs.filter((l) => l.component !== 'bolt' && (l.ts === ts || l.thread_ts === ts));
    const steps = ['question accepted', 'answering', 'asking claude', 'answered', 'PHR recorded'];
    expect(own.map((l) => l.msg).filter((msg) => steps.includes(msg as string))).toEqual(steps);
    for (const line of own) {
      expect(line, String(line.msg)).toMatchObject({ question_id: id, team: 'T0001', channel: 'C0001' });
    }
    for (const line of h.logs)
      expect(typeof line.time === 'string' && typeof line.level === 'string').toBe(true);
  });
});

describe('/fastapi usage', () => {
  it('summarises tokens and estimated cost for today, 7 days and per channel', async () => {
    const h = await startHarness();
    h.anthropic.enqueue({ kind: 'text', text: 'Answer.', usage: { input_tokens: 1500, output_tokens: 500 } });
    const ts = nextTs();
    await h.event(appMentionEnvelope({ text: '<@UBOT> cost?', ts }));
    await answered(h, ts);
    const res = await h.command(
      slashCommandFields({ text: 'usage', response_url: h.slack.responseUrl('u') }),
    );
    const body = JSON.parse(res.body) as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toMatch(/Today \(UTC\): 1 answers · 1\.5k tokens in · 500 out/);
    expect(body.text).toMatch(/Last 7 days: 1 answers/);
    expect(body.text).toMatch(/<#C0001>: 1 answers · \$0\.\d{4}/);
    expect(h.anthropic.requests).toHaveLength(1);
  });
});
