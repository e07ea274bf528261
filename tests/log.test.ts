import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/log.js';

const at = () => new Date('2026-11-26T10:40:12.345Z');

describe('logger', () => {
  it('writes JSON lines with bound fields, and errors as name/message/code without stacks', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', write: (l) => lines.push(l), now: at }).child({
      question_id: 7,
    });
    log.debug('hidden');
    const error = Object.assign(new Error('boom'), {
      code: 'slack_webapi_platform_error',
      data: { error: 'not_in_channel' },
    });
    log.error('answer not delivered', { channel: 'C1', error });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toEqual({
      time: '2026-11-26T10:40:12.345Z',
      level: 'error',
      msg: 'answer not delivered',
      question_id: 7,
      channel: 'C1',
      error: {
        name: 'Error',
        message: 'boom',
        code: 'slack_webapi_platform_error',
        slackError: 'not_in_channel',
      },
    });
  });

  it('prints a readable line for a terminal', () => {
    const lines: string[] = [];
    createLogger({ level: 'info', write: (l) => lines.push(l), now: at, format: 'pretty' }).info(
      'question accepted',
      {
        channel: 'C0001',
        question_id: 1,
      },
    );
    expect(lines).toEqual(['10:40:12 INFO  question accepted  channel=C0001 question_id=1']);
  });
});
