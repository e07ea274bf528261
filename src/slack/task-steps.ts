import type { ChatAppendStreamArguments } from '@slack/web-api';
import { toSlackMarkdown } from './markdown/convert.js';
import { neutraliseMentions } from './markdown/mentions.js';

type AnyChunk = NonNullable<ChatAppendStreamArguments['chunks']>[number];
export type TaskChunk = Extract<AnyChunk, { type: 'task_update' }>;
type Status = TaskChunk['status'];

const READ = 'read';
const WRITE = 'write';

/**
 * The steps of one answer as Slack's task timeline (`task_update` chunks): once the bot takes a step
 * (a docs search), "Reading the thread" is done, the step runs, and "Writing the answer" waits, then
 * runs with the text, and is done at the end. Each task goes pending → in_progress → complete. Only
 * changes since the last send go out. When Slack refuses chunks, steps become italic lines instead.
 */
export class TaskSteps {
  readonly #tasks = new Map<string, { title: string; status: Status }>();
  readonly #changed = new Set<string>();
  readonly #shown = new Set<string>();
  #steps = 0;
  #refused = false;

  /** Whether task updates are waiting to be sent. */
  get pending(): boolean {
    return this.#changed.size > 0;
  }

  /** A step begins; false when steps are written as text instead (Slack refused chunks). */
  start(title: string): boolean {
    if (this.#refused) return false;
    if (!this.#tasks.has(READ)) this.#set(READ, 'Reading the thread', 'complete');
    this.#completeRunning();
    this.#set(`step-${++this.#steps}`, neutraliseMentions(title).slice(0, 200), 'in_progress');
    if (!this.#tasks.has(WRITE)) this.#set(WRITE, 'Writing the answer', 'pending');
    return true;
  }

  /** Text is being written (only matters once there is a timeline). */
  writing(): void {
    const write = this.#tasks.get(WRITE);
    if (!write || write.status === 'in_progress' || this.#refused) return;
    this.#completeRunning();
    this.#set(WRITE, write.title, 'in_progress');
  }

  /** The answer ended: every task is done, or the running ones failed. */
  end(outcome: 'complete' | 'error'): void {
    for (const [id, task] of this.#tasks) {
      if (task.status === 'complete') continue;
      if (outcome === 'complete' || task.status === 'in_progress') this.#set(id, task.title, outcome);
    }
  }

  /** The updates to send now. */
  take(): TaskChunk[] {
    const chunks = [...this.#changed].map((id) => {
      const task = this.#tasks.get(id) as { title: string; status: Status };
      return { type: 'task_update' as const, id, title: task.title, status: task.status };
    });
    this.#changed.clear();
    return chunks;
  }

  /** Slack refused `chunks`: from now on steps are text; returns the text of the steps they first showed. */
  refuse(chunks: TaskChunk[]): string {
    this.#refused = true;
    this.#changed.clear();
    return chunks
      .filter((chunk) => chunk.id.startsWith('step-') && !this.#shown.has(chunk.id))
      .map((chunk) => stepText(chunk.title))
      .join('');
  }

  /** Slack took these chunks. */
  shown(chunks: TaskChunk[]): void {
    for (const chunk of chunks) this.#shown.add(chunk.id);
  }

  #completeRunning(): void {
    for (const [id, task] of this.#tasks)
      if (task.status === 'in_progress') this.#set(id, task.title, 'complete');
  }

  #set(id: string, title: string, status: Status): void {
    if (this.#refused) return;
    this.#tasks.set(id, { title, status });
    this.#changed.add(id);
  }
}

/** A step as text in the answer (when Slack shows no task timeline). */
export function stepText(text: string): string {
  return toSlackMarkdown(`\n\n_${text}…_\n\n`);
}
