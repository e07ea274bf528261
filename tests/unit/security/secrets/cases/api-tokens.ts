// Redaction cases for Slack and other vendor tokens: what is redacted and what is kept.

import { REDACTED } from '../../../../../src/security/redact.js';
import {
  ANTHROPIC,
  body,
  type Category,
  GITHUB_CLASSIC,
  GITHUB_FINE,
  GITHUB_OAUTH,
  GOOGLE,
  j,
  OPENAI_LEGACY,
  OPENAI_PROJECT,
  SLACK_APP,
  SLACK_BOT,
  SLACK_ROTATING,
  SLACK_USER,
  SLACK_WEBHOOK_SECRET,
  STRIPE_LIVE,
  STRIPE_RESTRICTED,
  STRIPE_WEBHOOK,
} from '../fixtures.js';

export const SLACK: Category = {
  redacts: [
    [`SLACK_BOT_TOKEN=${SLACK_BOT}`, `SLACK_BOT_TOKEN=xoxb-${REDACTED}`, 'slack-token'],
    [
      `client = WebClient(token="${SLACK_USER}")`,
      `client = WebClient(token="xoxp-${REDACTED}")`,
      'slack-token',
    ],
    [`SLACK_APP_TOKEN: ${SLACK_APP}`, `SLACK_APP_TOKEN: xapp-${REDACTED}`, 'slack-token'],
    [`refreshed to ${SLACK_ROTATING} today`, `refreshed to xoxe.xoxp-${REDACTED} today`, 'slack-token'],
    [
      j('legacy ', 'xo', 'xa-2-', body(30), ' and ', 'xo', 'xr-', body(30)),
      `legacy xoxa-${REDACTED} and xoxr-${REDACTED}`,
      'slack-token',
    ],
    [j('xo', 'xs-', body(40)), `xoxs-${REDACTED}`, 'slack-token'],
    [
      j('curl -X POST https://hooks.slack.com/', 'services/T0123ABCD/B0456EFGH/', SLACK_WEBHOOK_SECRET),
      `curl -X POST https://hooks.slack.com/services/T0123ABCD/B0456EFGH/${REDACTED}`,
      'slack-webhook-url',
    ],
  ],
  keeps: [
    'xoxb- tokens are bot tokens, xapp- tokens are app-level tokens',
    'SLACK_BOT_TOKEN=xoxb-your-bot-token',
    'SLACK_BOT_TOKEN=xoxb-...',
    'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX',
    'posted to channel C0123ABCDEF by U024BE7LH in thread 1712345678.123456',
    `SLACK_SIGNING_SECRET=\${SLACK_SIGNING_SECRET}`,
  ],
};

export const VENDOR_KEYS: Category = {
  redacts: [
    [`ANTHROPIC_API_KEY=${ANTHROPIC}`, `ANTHROPIC_API_KEY=sk-ant-api03-${REDACTED}`, 'anthropic-api-key'],
    [
      `client = Anthropic(api_key="${ANTHROPIC}")`,
      `client = Anthropic(api_key="sk-ant-api03-${REDACTED}")`,
      'anthropic-api-key',
    ],
    [`OPENAI_API_KEY=${OPENAI_PROJECT}`, `OPENAI_API_KEY=sk-proj-${REDACTED}`, 'openai-api-key'],
    [`openai.api_key = '${OPENAI_LEGACY}'`, `openai.api_key = 'sk-${REDACTED}'`, 'openai-api-key'],
    [`GITHUB_TOKEN=${GITHUB_CLASSIC}`, `GITHUB_TOKEN=ghp_${REDACTED}`, 'github-token'],
    [`token ${GITHUB_FINE} expired`, `token github_pat_${REDACTED} expired`, 'github-token'],
    [
      `gh auth login --with-token <<< ${GITHUB_OAUTH}`,
      `gh auth login --with-token <<< gho_${REDACTED}`,
      'github-token',
    ],
    [`stripe.api_key = "${STRIPE_LIVE}"`, `stripe.api_key = "sk_live_${REDACTED}"`, 'stripe-secret-key'],
    [`STRIPE_RESTRICTED=${STRIPE_RESTRICTED}`, `STRIPE_RESTRICTED=rk_live_${REDACTED}`, 'stripe-secret-key'],
    [
      `STRIPE_WEBHOOK_SECRET=${STRIPE_WEBHOOK}`,
      `STRIPE_WEBHOOK_SECRET=whsec_${REDACTED}`,
      'stripe-webhook-secret',
    ],
    [
      `https://maps.googleapis.com/maps/api/geocode/json?key=${GOOGLE}`,
      `https://maps.googleapis.com/maps/api/geocode/json?key=AIza${REDACTED}`,
      'google-api-key',
    ],
  ],
  keeps: [
    'pip install scikit-learn  # sk-learn is the import alias people expect',
    'ANTHROPIC_API_KEY=sk-ant-...',
    'ANTHROPIC_API_KEY=sk-ant-your-key-here',
    'api_key=os.getenv("ANTHROPIC_API_KEY")',
    'the risk-assessment-framework-documentation page',
    'task-12345678901234567890 failed',
    'ghp_ tokens are classic PATs',
    'GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
    `STRIPE_PUBLISHABLE_KEY=pk_live_${body(40)}`,
    'AIzaSy is how Google API keys start',
  ],
};
