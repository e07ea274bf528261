import { it } from 'vitest';
import { SIGNING_SECRET, startHarness } from '../helpers/bot-harness.js';
import { sendRaw } from '../helpers/slack-requests.js';

it('probe', async () => {
  const h = await startHarness();
  const cases: [string, string, string][] = [
    ['invalid json', '{nope', 'application/json'],
    ['array', '[1,2]', 'application/json'],
    ['empty', '', 'application/json'],
    ['empty form', '', 'application/x-www-form-urlencoded'],
    ['text/plain', 'hello', 'text/plain'],
    ['multipart', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--', 'multipart/form-data; boundary=x'],
    ['no event', JSON.stringify({ type: 'event_callback', team_id: 'T0001', event_id: 'Ev1' }), 'application/json'],
    ['event null', JSON.stringify({ type: 'event_callback', team_id: 'T0001', event_id: 'Ev2', event: null }), 'application/json'],
    ['mention no channel', JSON.stringify({ type: 'event_callback', team_id: 'T0001', event_id: 'Ev3', authorizations: [{ user_id: 'UBOT', team_id: 'T0001', is_bot: true }], event: { type: 'app_mention', user: 'U1', ts: '1.2', text: '<@UBOT> hi' } }), 'application/json'],
    ['mention no text', JSON.stringify({ type: 'event_callback', team_id: 'T0001', event_id: 'Ev4', event: { type: 'app_mention', user: 'U1', ts: '1.2', channel: 'C1' } }), 'application/json'],
    ['mention no ts', JSON.stringify({ type: 'event_callback', team_id: 'T0001', event_id: 'Ev5', event: { type: 'app_mention', user: 'U1', channel: 'C1', text: 'hi' } }), 'application/json'],
    ['payload bad', 'payload=%7Bnope', 'application/x-www-form-urlencoded'],
    ['command missing', 'command=%2Ffastapi', 'application/x-www-form-urlencoded'],
    ['command no text', 'command=%2Ffastapi&user_id=U1&channel_id=C1&team_id=T1', 'application/x-www-form-urlencoded'],
    ['command with text', 'command=%2Ffastapi&text=how+do+I', 'application/x-www-form-urlencoded'],
    ['block actions none', `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', user: { id: 'U1' }, team: { id: 'T1' } }))}`, 'application/x-www-form-urlencoded'],
    ['big', `{"type":"event_callback","x":"${'a'.repeat(1_100_000)}"}`, 'application/json'],
  ];
  await Promise.all(cases.map(async ([name, body, ct]) => {
    const t = Date.now();
    const r = await sendRaw(h.url, SIGNING_SECRET, body, ct);
    console.log(name, r.status, Date.now() - t, JSON.stringify(r.body.slice(0, 300)));
  }));
  await new Promise((r) => setTimeout(r, 300));
  for (const l of h.logs) if (l.level !== 'debug') console.log(JSON.stringify(l).slice(0, 600));
  console.log('anthropic', h.anthropic.requests.length);
});
