// Vendor API tokens recognised by their prefix (Slack, Anthropic, OpenAI, GitHub, Stripe, Google).

import { hasDigit, isPlaceholder } from './placeholders.js';
import { collect, type RedactionKind, type Rule, tailEdit } from './rule.js';

// Tokens recognised by their format. The vendor prefix stays: it says what kind of credential was pasted.

const SLACK_WEBHOOK_RE =
  /hooks\.slack\.com\/(?:services|workflows|triggers)\/(?:[A-Za-z0-9]{1,32}\/){1,4}([A-Za-z0-9]{8,})(?![A-Za-z0-9/[])/g;

/** Team and channel ids stay; the last path segment is the secret. */
export const slackWebhookRule: Rule = (text) =>
  collect(text, SLACK_WEBHOOK_RE, (m) => {
    const secret = m[1] ?? '';
    return isPlaceholder(secret) ? undefined : tailEdit(m, secret, 'slack-webhook-url');
  });

interface PrefixedToken {
  re: RegExp;
  kind: (prefix: string) => RedactionKind;
  /** Extra shape check for formats whose prefix alone is too common. */
  accept?: (body: string) => boolean;
}

const PREFIXED_TOKENS: readonly PrefixedToken[] = [
  {
    // xoxb-, xoxp-, xoxa-, xoxr-, xoxs-, xoxo-, xoxe- (refresh), xoxe.xoxp- (rotating), xapp- (app-level).
    re: /(?<![A-Za-z0-9_-])((?:xoxe\.)?xox[abposre]-|xapp-)([A-Za-z0-9-]{8,})/g,
    kind: () => 'slack-token',
  },
  {
    // sk-ant-api03-..., sk-ant-admin01-...: the key class stays, it tells an admin key from an API key.
    re: /(?<![A-Za-z0-9_-])(sk-ant-(?:[a-z]{2,10}\d{2}-)?)([A-Za-z0-9_-]{8,})/g,
    kind: () => 'anthropic-api-key',
  },
  {
    re: /(?<![A-Za-z0-9_-])(sk-(?:proj-|svcacct-|admin-|None-)?)([A-Za-z0-9_-]{20,})/g,
    kind: () => 'openai-api-key',
    // Hyphenated prose ("sk-learn-based-pipeline-thing") has no digits; real keys always do.
    accept: (body) => hasDigit(body) && !body.startsWith('ant-'),
  },
  {
    re: /(?<![A-Za-z0-9_])(github_pat_|gh[pousr]_)([A-Za-z0-9_]{20,})/g,
    kind: () => 'github-token',
  },
  {
    re: /(?<![A-Za-z0-9_])((?:sk|rk)_(?:live|test)_|whsec_)([A-Za-z0-9]{10,})/g,
    kind: (prefix) => (prefix === 'whsec_' ? 'stripe-webhook-secret' : 'stripe-secret-key'),
  },
  {
    re: /(?<![A-Za-z0-9_-])(AIza)([A-Za-z0-9_-]{35})(?![A-Za-z0-9_-])/g,
    kind: () => 'google-api-key',
  },
];

export const prefixedTokenRules: Rule[] = PREFIXED_TOKENS.map(
  (token): Rule =>
    (text) =>
      collect(text, token.re, (m) => {
        const body = m[2] ?? '';
        if (isPlaceholder(body) || (token.accept && !token.accept(body))) return undefined;
        return tailEdit(m, body, token.kind(m[1] ?? ''));
      }),
);
