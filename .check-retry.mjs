import bolt from '@slack/bolt';
const opts = { slackApiUrl: 'http://127.0.0.1:9/api/' };
const app = new bolt.App({ token: 'xoxb-x', appToken: 'xapp-x', socketMode: true, clientOptions: opts, logLevel: bolt.LogLevel.ERROR });
console.log('retryConfig after App construction:', JSON.stringify(opts.retryConfig), 'app.client retry:', JSON.stringify(app.client.retryConfig));
