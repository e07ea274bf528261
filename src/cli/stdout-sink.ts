import type { AnswerSink, SinkResult } from '../answering/answer-sink.js';

/** `npm run ask` prints the answer as it streams; failures go to stderr as one sentence. */
export class StdoutSink implements AnswerSink {
  #wrote = false;

  constructor(
    private readonly out: NodeJS.WritableStream = process.stdout,
    private readonly err: NodeJS.WritableStream = process.stderr,
  ) {}

  async thinking(): Promise<void> {
    this.err.write('Thinking…\n');
  }

  step(text: string): void {
    this.err.write(`${text}…\n`);
  }

  write(delta: string): void {
    this.#wrote ||= delta.length > 0;
    this.out.write(delta);
  }

  async finish(note?: string): Promise<SinkResult> {
    this.out.write(note ? `\n\n${note}\n` : '\n');
    return { answerTs: null };
  }

  async fail(sentence: string): Promise<SinkResult> {
    if (this.#wrote) this.out.write('\n— answer cut off —\n');
    this.err.write(`${sentence}\n`);
    return { answerTs: null };
  }
}
