// The baseline of the burst: a Bolt 5 app that verifies signatures and acks `app_mention` with a listener
// that does nothing. Run as its own process (`node .bench/bench/bare-bolt.js`) so its event loop
// and RSS are separate from the bot's and from the bench's.
//
// Fairness with the bot (src/app.ts): same HTTPReceiver, same `processBeforeResponse: true` (the ack waits
// for the listener), same `/slack/events` endpoint behind a plain node:http server, bound on 127.0.0.1.
// `tokenVerificationEnabled: false` alone would make Bolt call auth.test on *every* event (singleAuthorization
// re-runs it when botId/botUserId are unknown); the bot calls it once at start, so the ids are given here.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

const signingSecret = required('SLACK_SIGNING_SECRET');
const receiver = new HTTPReceiver({
  signingSecret,
  endpoints: ['/slack/events'],
  processBeforeResponse: true,
  logLevel: LogLevel.WARN,
});
const app = new App({
  token: required('SLACK_BOT_TOKEN'),
  receiver,
  clientOptions: { slackApiUrl: required('SLACK_API_URL') },
  tokenVerificationEnabled: false,
  botId: process.env.SLACK_BOT_ID ?? 'BBOT',
  botUserId: process.env.SLACK_BOT_USER_ID ?? 'UBOT',
  logLevel: LogLevel.WARN,
});
app.event('app_mention', async () => {});

const server = createServer((req, res) => {
  if ((req.url ?? '/').split('?')[0] === '/slack/events' && req.method === 'POST') {
    receiver.requestListener(req, res);
    return;
  }
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('not found\n');
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ msg: 'bare bolt started', port })}\n`);
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// Started with an IPC channel: when the bench goes away, so does this server.
process.on('disconnect', () => process.exit(0));
